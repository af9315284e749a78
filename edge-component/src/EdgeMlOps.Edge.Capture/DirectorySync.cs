using System.Runtime.InteropServices;

namespace EdgeMlOps.Edge.Capture;

/// <summary>
/// Flushes a directory's entries to disk (<c>fsync</c> on the directory itself). A rename is only durable once the
/// directory holding the new name is flushed: without it a power cut right after a commit can lose the newest entries
/// even though their files were flushed. .NET has no API for this, hence the two libc calls.
/// </summary>
internal static partial class DirectorySync
{
    private const string Libc = "libc.so.6";
    private const int OpenReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC, the same on x86-64 and AArch64

    /// <summary>Flushes <paramref name="directory"/>; throws <see cref="IOException"/> naming it on failure.</summary>
    public static void Flush(string directory)
    {
        var fd = Open(directory, OpenReadOnlyCloseOnExec);
        if (fd < 0)
        {
            throw new IOException($"Cannot open directory '{directory}' to flush it: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"Cannot flush directory '{directory}': {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    // int open(const char* pathname, int flags)
    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    // int fsync(int fd)
    [LibraryImport(Libc, EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    // int close(int fd)
    [LibraryImport(Libc, EntryPoint = "close")]
    private static partial int Close(int fd);
}
