using System.Buffers.Binary;
using System.Globalization;

namespace EdgeMlOps.Edge.Inference.Runtime;

/// <summary>
/// A structural check of an ELF shared library before it is loaded: every segment the loader maps must lie inside
/// the file. The dynamic loader maps segments past the end of a truncated file without complaint, and the first
/// touch of such a page kills the process with SIGBUS, so this check turns that crash into a message. It guards
/// files the SHA-256 manifest does not cover (a development build, a library outside the artifact).
/// </summary>
public static class SharedLibraryFile
{
    private const uint LoadableSegment = 1; // PT_LOAD

    /// <summary>Null when <paramref name="path"/> is a complete 64-bit little-endian ELF file, else the problem (naming the file).</summary>
    public static string? FindProblem(string path)
    {
        if (!File.Exists(path))
        {
            return $"'{path}' does not exist.";
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        var length = stream.Length;
        Span<byte> header = stackalloc byte[64];
        if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
        {
            return string.Create(CultureInfo.InvariantCulture, $"'{path}' ({length} bytes) is too short to be a shared library.");
        }

        if (!header[..4].SequenceEqual("\u007fELF"u8) || header[4] != 2 /* ELFCLASS64 */ || header[5] != 1 /* little endian */)
        {
            return $"'{path}' is not a 64-bit little-endian ELF shared library.";
        }

        var programHeaderOffset = BinaryPrimitives.ReadInt64LittleEndian(header[0x20..]);
        var programHeaderSize = BinaryPrimitives.ReadUInt16LittleEndian(header[0x36..]);
        var programHeaderCount = BinaryPrimitives.ReadUInt16LittleEndian(header[0x38..]);
        if (programHeaderOffset < 0 || programHeaderSize < 56 || programHeaderOffset + ((long)programHeaderSize * programHeaderCount) > length)
        {
            return string.Create(CultureInfo.InvariantCulture, $"'{path}' ({length} bytes) is truncated: its program headers end beyond the file.");
        }

        Span<byte> entry = stackalloc byte[56];
        for (var i = 0; i < programHeaderCount; i++)
        {
            stream.Position = programHeaderOffset + ((long)i * programHeaderSize);
            stream.ReadExactly(entry);
            if (BinaryPrimitives.ReadUInt32LittleEndian(entry) != LoadableSegment)
            {
                continue;
            }

            var offset = BinaryPrimitives.ReadInt64LittleEndian(entry[0x08..]);
            var fileSize = BinaryPrimitives.ReadInt64LittleEndian(entry[0x20..]);
            if (offset < 0 || fileSize < 0 || offset + fileSize > length)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"'{path}' ({length} bytes) is truncated: a loadable segment ends at byte {offset + fileSize}.");
            }
        }

        return null;
    }
}
