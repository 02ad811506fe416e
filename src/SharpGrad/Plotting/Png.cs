using System.Buffers.Binary;
using System.IO.Compression;
using SharpGrad.IO;

namespace SharpGrad.Plotting;

/// <summary>
/// A minimal PNG encoder (8-bit grayscale, RGB or RGBA, no interlacing), built on
/// <see cref="ZLibStream"/> and <see cref="Crc32"/>: what <c>PIL.Image.fromarray(a).save(path)</c>
/// does for a uint8 array. Every row is stored with filter type 0 (None).
/// </summary>
public static class Png
{
    /// <summary>The eight bytes every PNG file starts with.</summary>
    public static ReadOnlySpan<byte> Signature => [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>
    /// Encodes an 8-bit image whose channel count follows from the buffer length: <c>width*height</c>
    /// bytes is grayscale, three times that is RGB, four times is RGBA (row-major, channels interleaved).
    /// </summary>
    public static byte[] Encode(int width, int height, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        CheckSize(width, height);
        long plane = (long)width * height;
        int channels = pixels.LongLength == plane ? 1 : pixels.LongLength == 3 * plane ? 3 : pixels.LongLength == 4 * plane ? 4
            : throw new ArgumentException(
                $"png: {pixels.Length} bytes do not make a {width}x{height} image (expected {plane} gray, {3 * plane} RGB or {4 * plane} RGBA bytes)",
                nameof(pixels));
        return Encode(width, height, channels, pixels);
    }

    /// <summary>Encodes an 8-bit image with <paramref name="channels"/> interleaved channels per pixel (1 gray, 3 RGB, 4 RGBA).</summary>
    public static byte[] Encode(int width, int height, int channels, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        CheckSize(width, height);
        byte colorType = channels switch
        {
            1 => 0,
            3 => 2,
            4 => 6,
            _ => throw new ArgumentException($"png: {channels} channels are not supported (use 1 gray, 3 RGB or 4 RGBA)", nameof(channels)),
        };
        long rowBytes = (long)width * channels;
        if (pixels.LongLength != rowBytes * height)
            throw new ArgumentException($"png: a {width}x{height} image with {channels} channels needs {rowBytes * height} bytes, got {pixels.Length}", nameof(pixels));

        var output = new MemoryStream();
        output.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8; // bit depth
        header[9] = colorType;
        header[10] = 0; // compression: deflate
        header[11] = 0; // filter method 0
        header[12] = 0; // no interlace
        WriteChunk(output, "IHDR", header);

        var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            var row = new byte[rowBytes + 1]; // leading filter-type byte, 0 = None
            for (int y = 0; y < height; y++)
            {
                Array.Copy(pixels, y * rowBytes, row, 1, rowBytes);
                z.Write(row);
            }
        }
        WriteChunk(output, "IDAT", compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>Encodes the image (see <see cref="Encode(int, int, byte[])"/>) and writes it to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, int width, int height, byte[] pixels) => AtomicFile.WriteAllBytes(path, Encode(width, height, pixels));

    private static void CheckSize(int width, int height)
    {
        if (width <= 0 || height <= 0)
            throw new ArgumentException($"png: image size must be positive, got {width}x{height}");
    }

    private static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        Span<byte> typeBytes = stackalloc byte[4];
        for (int i = 0; i < 4; i++) typeBytes[i] = (byte)type[i];
        output.Write(typeBytes);
        output.Write(data);
        // The CRC covers the type and the data, not the length.
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Append(Crc32.Compute(typeBytes), data));
        output.Write(word);
    }
}
