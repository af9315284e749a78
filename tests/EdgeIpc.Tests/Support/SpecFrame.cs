using System.Buffers.Binary;
using System.Text;

namespace EdgeIpc.Tests.Support;

/// <summary>
/// Builds event-stream frames byte by byte from the format description (prelude: total length, headers length,
/// prelude CRC32; headers; payload; message CRC32 — big-endian), independent of the codec under test.
/// </summary>
internal static class SpecFrame
{
    private const byte Int32Type = 4;
    private const byte StringType = 7;

    public static byte[] Build(IEnumerable<(string Name, object Value)> headers, byte[] payload)
    {
        var headerBytes = new List<byte>();
        foreach (var (name, value) in headers)
        {
            headerBytes.Add((byte)name.Length);
            headerBytes.AddRange(Encoding.UTF8.GetBytes(name));
            switch (value)
            {
                case int number:
                    headerBytes.Add(Int32Type);
                    headerBytes.AddRange(BigEndian(number));
                    break;
                case string text:
                    headerBytes.Add(StringType);
                    var utf8 = Encoding.UTF8.GetBytes(text);
                    headerBytes.Add((byte)(utf8.Length >> 8));
                    headerBytes.Add((byte)utf8.Length);
                    headerBytes.AddRange(utf8);
                    break;
                default:
                    throw new ArgumentException($"Unsupported header value {value}.");
            }
        }

        var total = 12 + headerBytes.Count + payload.Length + 4;
        var frame = new byte[total];
        BinaryPrimitives.WriteInt32BigEndian(frame, total);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4), headerBytes.Count);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), Crc32(frame.AsSpan(0, 8)));
        headerBytes.CopyTo(frame, 12);
        payload.CopyTo(frame, 12 + headerBytes.Count);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(total - 4), Crc32(frame.AsSpan(0, total - 4)));
        return frame;
    }

    /// <summary>CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as the format uses.</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    private static byte[] BigEndian(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }
}
