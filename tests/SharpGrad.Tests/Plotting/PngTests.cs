using System.Buffers.Binary;
using SharpGrad.Plotting;

namespace SharpGrad.Tests;

public sealed class PngTests
{
    [Fact]
    public void Crc32_MatchesTheStandardCheckValue()
    {
        // The catalogue check value of CRC-32/ISO-HDLC for the ASCII digits 1..9.
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0u, Crc32.Compute([]));
    }

    [Fact]
    public void Crc32_AppendContinuesARunningChecksum()
    {
        var data = "The quick brown fox jumps over the lazy dog"u8.ToArray();
        Assert.Equal(0x414FA339u, Crc32.Compute(data));
        Assert.Equal(Crc32.Compute(data), Crc32.Append(Crc32.Compute(data.AsSpan(0, 10)), data.AsSpan(10)));
        Assert.Equal(PngReader.SlowCrc32(data), Crc32.Compute(data));
    }

    [Fact]
    public void Encode_WritesSignatureHeaderAndChunksWithCorrectCrcs()
    {
        var png = Png.Encode(3, 2, new byte[] { 0, 50, 100, 150, 200, 255 });
        Assert.Equal(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }, png[..8]);
        var chunks = PngReader.Chunks(png); // checks every CRC
        Assert.Equal(["IHDR", "IDAT", "IEND"], chunks.Select(c => c.Type));
        var ihdr = chunks[0].Data;
        Assert.Equal(13, ihdr.Length);
        Assert.Equal(3, BinaryPrimitives.ReadInt32BigEndian(ihdr));
        Assert.Equal(2, BinaryPrimitives.ReadInt32BigEndian(ihdr.AsSpan(4)));
        Assert.Equal(new byte[] { 8, 0, 0, 0, 0 }, ihdr[8..]); // 8-bit gray, deflate, filter 0, no interlace
        Assert.Empty(chunks[2].Data);
    }

    [Fact]
    public void Encode_GrayIdatInflatesToTheExactPixels()
    {
        var pixels = new byte[] { 0, 50, 100, 150, 200, 255 };
        var (w, h, c, decoded) = PngReader.Decode(Png.Encode(3, 2, pixels));
        Assert.Equal((3, 2, 1), (w, h, c));
        Assert.Equal(pixels, decoded);
    }

    [Fact]
    public void Encode_RgbAndRgbaFollowFromTheBufferLength()
    {
        var rgb = new byte[] { 255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30 };
        var (w, h, c, decoded) = PngReader.Decode(Png.Encode(2, 2, rgb));
        Assert.Equal((2, 2, 3), (w, h, c));
        Assert.Equal(rgb, decoded);
        Assert.Equal(2, PngReader.Chunks(Png.Encode(2, 2, rgb))[0].Data[9]);

        var rgba = Enumerable.Range(0, 16).Select(i => (byte)(i * 16)).ToArray();
        var (_, _, c4, decoded4) = PngReader.Decode(Png.Encode(2, 2, rgba));
        Assert.Equal(4, c4);
        Assert.Equal(rgba, decoded4);
    }

    [Fact]
    public void Encode_RejectsWrongLengthsSizesAndChannels()
    {
        Check.Throws<ArgumentException>(() => Png.Encode(3, 2, new byte[5]), "png", "5 bytes", "3x2");
        Check.Throws<ArgumentException>(() => Png.Encode(0, 2, new byte[0]), "png", "0x2");
        Check.Throws<ArgumentException>(() => Png.Encode(2, 2, 2, new byte[8]), "png", "2 channels");
        Check.Throws<ArgumentException>(() => Png.Encode(2, 2, 3, new byte[4]), "png", "needs 12 bytes", "got 4");
    }

    [Fact]
    public void Save_WritesTheEncodedBytes()
    {
        string dir = Directory.CreateTempSubdirectory("sharpgrad-png-").FullName;
        try
        {
            string path = Path.Combine(dir, "x.png");
            var pixels = new byte[] { 1, 2, 3, 4 };
            Png.Save(path, 2, 2, pixels);
            Assert.Equal(Png.Encode(2, 2, pixels), File.ReadAllBytes(path));
            Assert.Single(Directory.GetFiles(dir)); // no temporary file left behind
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
