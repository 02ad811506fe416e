using System.Buffers.Binary;
using System.IO.Compression;

namespace SharpGrad.Tests;

/// <summary>
/// An independent reader for the PNGs the tests produce: splits chunks, checks each CRC with a
/// bit-by-bit CRC-32 (no table, so it does not share the encoder's code), inflates IDAT and removes
/// the per-row filter bytes (asserting filter type 0, the only one the encoder writes).
/// </summary>
internal static class PngReader
{
    public static uint SlowCrc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ ((crc & 1) * 0xEDB88320);
        }
        return ~crc;
    }

    public static List<(string Type, byte[] Data)> Chunks(byte[] png)
    {
        Assert.Equal(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }, png[..8]);
        var chunks = new List<(string, byte[])>();
        int at = 8;
        while (at < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            string type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            byte[] data = png.AsSpan(at + 8, length).ToArray();
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length));
            Assert.True(SlowCrc32(png.AsSpan(at + 4, 4 + length)) == stored, $"CRC of chunk {type} is wrong");
            chunks.Add((type, data));
            at += 12 + length;
        }
        Assert.Equal(png.Length, at);
        Assert.Equal("IHDR", chunks[0].Item1);
        Assert.Equal("IEND", chunks[^1].Item1);
        return chunks;
    }

    /// <summary>Width, height, channels and the raw interleaved pixels of an 8-bit PNG.</summary>
    public static (int Width, int Height, int Channels, byte[] Pixels) Decode(byte[] png)
    {
        var chunks = Chunks(png);
        var header = chunks[0].Data;
        int width = BinaryPrimitives.ReadInt32BigEndian(header), height = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        Assert.Equal(8, header[8]);
        int channels = header[9] switch { 0 => 1, 2 => 3, 6 => 4, _ => throw new InvalidDataException("color type") };
        var compressed = new MemoryStream();
        foreach (var (type, data) in chunks) if (type == "IDAT") compressed.Write(data);
        compressed.Position = 0;
        var raw = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionMode.Decompress)) z.CopyTo(raw);
        var bytes = raw.ToArray();
        int row = width * channels;
        Assert.Equal((row + 1) * height, bytes.Length);
        var pixels = new byte[row * height];
        for (int y = 0; y < height; y++)
        {
            Assert.Equal(0, bytes[y * (row + 1)]);
            Array.Copy(bytes, y * (row + 1) + 1, pixels, y * row, row);
        }
        return (width, height, channels, pixels);
    }
}
