using System.IO.Compression;
using System.Text;
using SharpGrad.IO;

namespace SharpGrad.Tests;

/// <summary>Readers given the wrong kind of path or a damaged gzip trailer say what is wrong, in their own words.</summary>
public sealed class ReaderErrorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sharpgrad-readers-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] GzippedIdx()
    {
        var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
            gz.Write(new byte[] { 0, 0, 0x08, 1, 0, 0, 0, 5, 1, 2, 3, 4, 5 });
        return output.ToArray();
    }

    [Fact]
    public void Idx_GzipWithoutItsTrailerIsCorrupt()
    {
        var full = GzippedIdx();
        Assert.Equal([1L, 2, 3, 4, 5], Idx.Read(new MemoryStream(full), "ok.gz").ToArray<long>());
        foreach (int cut in new[] { 8, 4, 1 })
        {
            string path = Path.Combine(_dir, $"cut{cut}.idx.gz");
            File.WriteAllBytes(path, full[..^cut]);
            Check.Throws<IdxFormatException>(() => Idx.Read(path), path, "corrupt", "trailer");
            Check.Throws<IdxFormatException>(() => Idx.Read(new MemoryStream(full[..^cut]), "stream.gz"), "stream.gz", "corrupt", "trailer");
        }
    }

    [Fact]
    public void Idx_GzipWithAFlippedChecksumOrLengthByteIsCorrupt()
    {
        var full = GzippedIdx();
        for (int back = 1; back <= 8; back++)
        {
            var bad = (byte[])full.Clone();
            bad[^back] ^= 0x40;
            var ex = Check.Throws<IdxFormatException>(() => Idx.Read(new MemoryStream(bad), "flipped.gz"), "flipped.gz", "corrupt");
            Assert.Contains("CRC-32", ex.Message);
            Assert.Contains("length", ex.Message);
            Assert.DoesNotContain("unsupported compression method", ex.Message);
        }
    }

    [Fact]
    public void Idx_ConcatenatedGzipMembersStillRead()
    {
        // gzip allows several members one after the other (what `cat a.gz b.gz` makes); the data is their concatenation.
        var raw = new byte[] { 0, 0, 0x08, 1, 0, 0, 0, 5, 1, 2, 3, 4, 5 };
        var output = new MemoryStream();
        foreach (var part in new[] { raw[..6], raw[6..] })
            using (var gz = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) gz.Write(part);
        Assert.Equal([1L, 2, 3, 4, 5], Idx.Read(new MemoryStream(output.ToArray()), "two.gz").ToArray<long>());
    }

    [Fact]
    public void Readers_SayADirectoryIsADirectory()
    {
        Check.Throws<IOException>(() => Idx.Read(_dir), _dir, "is a directory");
        Check.Throws<IOException>(() => SafeTensors.Load(_dir), _dir, "is a directory");
        var none = Path.Combine(_dir, "none.safetensors");
        Check.Throws<FileNotFoundException>(() => SafeTensors.Load(none), none);
        Check.Throws<FileNotFoundException>(() => Idx.Read(none), none);
    }

    [Fact]
    public void SafeTensors_MetadataHeavyHeaderIsRefusedCheaply()
    {
        // 1,100,000 tiny metadata entries (2.2 million tokens) in a 12 MB header: a JSON document of it, then a dictionary, took 15x its size.
        var sb = new StringBuilder("{\"__metadata__\":{");
        for (int i = 0; i < 1_100_000; i++) sb.Append(i == 0 ? "" : ",").Append('"').Append(i.ToString("x")).Append("\":\"\"");
        sb.Append("},\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}");
        var file = Framed(Encoding.UTF8.GetBytes(sb.ToString()), 4);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Check.Throws<SafeTensorsFormatException>(() => SafeTensors.Deserialize(file), "tokens", "header");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1.5 * file.Length, $"refusing the header allocated {allocated} bytes for a {file.Length}-byte file");

        // One long metadata value is fine, and costs a few times its size (the header, its UTF-16 copy).
        string big = new('x', 10_000_000);
        var one = Framed(Encoding.UTF8.GetBytes("{\"__metadata__\":{\"k\":\"" + big + "\"}}"), 0);
        before = GC.GetAllocatedBytesForCurrentThread();
        var (_, metadata) = SafeTensors.DeserializeWithMetadata(one);
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(big, metadata["k"]);
        Assert.True(allocated < 6.0 * one.Length, $"reading a {one.Length}-byte header allocated {allocated} bytes");
    }

    private static byte[] Framed(byte[] header, int dataBytes)
    {
        var file = new byte[8 + header.Length + dataBytes];
        BitConverter.TryWriteBytes(file.AsSpan(0, 8), (long)header.Length);
        header.CopyTo(file, 8);
        return file;
    }
}
