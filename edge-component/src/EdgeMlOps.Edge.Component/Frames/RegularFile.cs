using System.Globalization;
using System.Runtime.InteropServices;
using EdgeMlOps.Edge.Inference.Imaging;
using Microsoft.Win32.SafeHandles;

namespace EdgeMlOps.Edge.Component.Frames;

/// <summary>
/// Opens a path for reading only if it is a regular file, without ever blocking: the file is opened with
/// <c>O_NONBLOCK</c> (so opening a FIFO with no writer returns at once instead of waiting forever) and its type and
/// size are read from the open descriptor with <c>statx</c> (no race between checking and opening). FIFOs, devices,
/// sockets, directories and symbolic-link loops are refused as <see cref="ImageFailureReason.UnsupportedFile"/>.
/// </summary>
internal static partial class RegularFile
{
    private const string Libc = "libc.so.6";

    // Flag values are the same on x86-64 and AArch64 Linux.
    private const int OpenReadOnlyNonBlocking = 0x800 /* O_NONBLOCK */ | 0x80000 /* O_CLOEXEC */;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxTypeAndSize = 0x1 /* STATX_TYPE */ | 0x200 /* STATX_SIZE */;
    private const int FileTypeMask = 0xF000; // S_IFMT
    private const int RegularFileType = 0x8000; // S_IFREG
    private const int ENOENT = 2;
    private const int ENXIO = 6; // opening a socket
    private const int ELOOP = 40;

    /// <summary>The outcome of <see cref="Open"/>: a handle and size, or why the path is not read.</summary>
    public readonly record struct OpenResult(SafeFileHandle? Handle, long Length, ImageFailureReason Failure, string? Problem);

    public static unsafe OpenResult Open(string path)
    {
        var fd = OpenFile(path, OpenReadOnlyNonBlocking);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno switch
            {
                ELOOP => new(null, 0, ImageFailureReason.UnsupportedFile, "a symbolic link loop"),
                ENXIO => new(null, 0, ImageFailureReason.UnsupportedFile, "a socket or device without a reader"),
                ENOENT => new(null, 0, ImageFailureReason.Unreadable, "the file no longer exists (deleted before it was read)"),
                _ => new(null, 0, ImageFailureReason.Unreadable, Marshal.GetPInvokeErrorMessage(errno)),
            };
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        // struct statx has one layout on every Linux architecture (unlike struct stat): stx_mode at 28, stx_size at 40.
        var buffer = stackalloc byte[256];
        byte empty = 0;
        if (Statx(fd, &empty, AtEmptyPath, StatxTypeAndSize, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            handle.Dispose();
            return new(null, 0, ImageFailureReason.Unreadable, Marshal.GetPInvokeErrorMessage(errno));
        }

        var mode = *(ushort*)(buffer + 28);
        if ((mode & FileTypeMask) != RegularFileType)
        {
            handle.Dispose();
            return new(null, 0, ImageFailureReason.UnsupportedFile, "not a regular file (" + Describe(mode & FileTypeMask) + ")");
        }

        return new(handle, *(long*)(buffer + 40), ImageFailureReason.None, null);
    }

    private static string Describe(int type) => type switch
    {
        0x1000 => "a FIFO",
        0x2000 => "a character device",
        0x4000 => "a directory",
        0x6000 => "a block device",
        0xC000 => "a socket",
        _ => "file type 0x" + type.ToString("X", CultureInfo.InvariantCulture),
    };

    // int open(const char* pathname, int flags)
    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenFile(string path, int flags);

    // int statx(int dirfd, const char* pathname, int flags, unsigned int mask, struct statx* statxbuf)
    [LibraryImport(Libc, EntryPoint = "statx", SetLastError = true)]
    private static unsafe partial int Statx(int dirfd, byte* path, int flags, uint mask, byte* buffer);
}
