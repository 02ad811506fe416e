using System.IO.Compression;
using SharpGrad;
using SharpGrad.IO;

namespace SharpGrad.Tests;

public sealed class IdxTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sharpgrad-idx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static byte[] Gzip(byte[] raw)
    {
        var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(raw);
        return output.ToArray();
    }

    private static byte[] Ungzip(byte[] compressed)
    {
        using var gz = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        var output = new MemoryStream();
        gz.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>Concatenates byte pieces; header bytes are spelled out by hand in the tests so the format is checked independently.</summary>
    private static byte[] Bytes(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private string WriteFile(string name, byte[] bytes)
    {
        string path = PathOf(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Write_U8_ProducesTheDocumentedBytes()
    {
        string path = PathOf("a.idx");
        Idx.Write(path, new byte[] { 1, 2, 3, 250, 0, 7 }, 2, 3);
        var expected = new byte[] { 0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 250, 0, 7 };
        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    [Fact]
    public void Write_GzPath_CompressesTheSameBytes()
    {
        string path = PathOf("a.idx.gz");
        Idx.Write(path, new byte[] { 9, 8, 7 }, 3);
        var compressed = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x1f, 0x8b }, compressed[..2]);
        Assert.Equal(new byte[] { 0, 0, 0x08, 1, 0, 0, 0, 3, 9, 8, 7 }, Ungzip(compressed));
    }

    [Fact]
    public void Write_Int64Tensor_StoresBigEndianInt32()
    {
        string path = PathOf("i.idx");
        Idx.Write(path, Tensor.From(new long[] { 1, -2, 70000 }));
        var expected = new byte[]
        {
            0, 0, 0x0C, 1, 0, 0, 0, 3,
            0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFE, 0, 0x01, 0x11, 0x70,
        };
        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    [Fact]
    public void Read_HandWrittenFloat32_IsBigEndian()
    {
        // 1.0f = 3F 80 00 00, -2.5f = C0 20 00 00
        string path = WriteFile("f.idx", new byte[] { 0, 0, 0x0D, 1, 0, 0, 0, 2, 0x3F, 0x80, 0, 0, 0xC0, 0x20, 0, 0 });
        var t = Idx.Read(path);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal(new[] { 2 }, t.Shape);
        Assert.Equal(new[] { 1.0f, -2.5f }, t.ToArray<float>());
    }

    [Fact]
    public void Read_SignedTypes_KeepTheirSign()
    {
        string i8 = WriteFile("i8.idx", new byte[] { 0, 0, 0x09, 1, 0, 0, 0, 2, 0xFF, 0x7F });
        Assert.Equal(new long[] { -1, 127 }, Idx.Read(i8).ToArray<long>());
        string i16 = WriteFile("i16.idx", new byte[] { 0, 0, 0x0B, 1, 0, 0, 0, 2, 0x80, 0x00, 0x01, 0x02 });
        Assert.Equal(new long[] { -32768, 258 }, Idx.Read(i16).ToArray<long>());
        string u8 = WriteFile("u8.idx", new byte[] { 0, 0, 0x08, 1, 0, 0, 0, 2, 0xFF, 0x80 });
        Assert.Equal(new long[] { 255, 128 }, Idx.Read(u8).ToArray<long>());
    }

    [Theory]
    [InlineData("r.idx")]
    [InlineData("r.idx.gz")]
    public void RoundTrip_U8Bytes(string name)
    {
        var data = new byte[2 * 3 * 4];
        for (int i = 0; i < data.Length; i++) data[i] = (byte)(i * 11);
        Idx.Write(PathOf(name), data, 2, 3, 4);
        var raw = Idx.ReadRaw(PathOf(name));
        Assert.Equal(IdxType.UInt8, raw.Type);
        Assert.Equal(new[] { 2, 3, 4 }, raw.Shape);
        Assert.Equal(data, raw.Data);
        var t = Idx.Read(PathOf(name));
        Assert.Equal(DType.Int64, t.DType);
        Assert.Equal(data.Select(b => (long)b).ToArray(), t.ToArray<long>());
    }

    [Theory]
    [InlineData("r.idx")]
    [InlineData("r.idx.gz")]
    public void RoundTrip_Int32(string name)
    {
        var values = new long[] { int.MinValue, -1, 0, 1, int.MaxValue, 123456 };
        Idx.Write(PathOf(name), Tensor.From(values).View(3, 2));
        Assert.Equal(IdxType.Int32, Idx.ReadRaw(PathOf(name)).Type);
        var t = Idx.Read(PathOf(name));
        Assert.Equal(new[] { 3, 2 }, t.Shape);
        Assert.Equal(values, t.ToArray<long>());
    }

    [Theory]
    [InlineData("r.idx")]
    [InlineData("r.idx.gz")]
    public void RoundTrip_Float32AndFloat64_BitExact(string name)
    {
        var f = new[] { 0f, -0f, 1.5f, float.MaxValue, float.Epsilon, float.NaN, float.NegativeInfinity, 3.14159f };
        Idx.Write(PathOf("f" + name), Tensor.From(f).View(2, 2, 2));
        var tf = Idx.Read(PathOf("f" + name));
        Assert.Equal(DType.Float32, tf.DType);
        Assert.Equal(new[] { 2, 2, 2 }, tf.Shape);
        Assert.Equal(f.Select(BitConverter.SingleToInt32Bits), tf.ToArray<float>().Select(BitConverter.SingleToInt32Bits));

        var d = new[] { Math.PI, -1e300, double.Epsilon, 1.0 / 3 };
        Idx.Write(PathOf("d" + name), Tensor.From(d));
        var td = Idx.Read(PathOf("d" + name));
        Assert.Equal(DType.Float64, td.DType);
        Assert.Equal(d, td.ToArray<double>());
    }

    [Fact]
    public void RoundTrip_NonContiguousTensor_WritesLogicalOrder()
    {
        var t = Tensor.Arange(6).View(2, 3).T;
        Idx.Write(PathOf("t.idx"), t, IdxType.UInt8);
        Assert.Equal(new long[] { 0, 3, 1, 4, 2, 5 }, Idx.Read(PathOf("t.idx")).ToArray<long>());
    }

    [Fact]
    public void RoundTrip_EmptyDimension()
    {
        Idx.Write(PathOf("e.idx.gz"), Array.Empty<byte>(), 0, 28, 28);
        var raw = Idx.ReadRaw(PathOf("e.idx.gz"));
        Assert.Equal(new[] { 0, 28, 28 }, raw.Shape);
        Assert.Empty(raw.Data);
    }

    [Fact]
    public void Read_DetectsGzipByContentNotName()
    {
        var raw = new byte[] { 0, 0, 0x08, 1, 0, 0, 0, 2, 5, 6 };
        string gzNamedPlain = WriteFile("plain.idx", Gzip(raw));
        string plainNamedGz = WriteFile("raw.idx.gz", raw);
        Assert.Equal(new long[] { 5, 6 }, Idx.Read(gzNamedPlain).ToArray<long>());
        Assert.Equal(new long[] { 5, 6 }, Idx.Read(plainNamedGz).ToArray<long>());
    }

    [Fact]
    public void Read_UnseekableStream_RawAndGzip()
    {
        var raw = new byte[] { 0, 0, 0x08, 2, 0, 0, 0, 1, 0, 0, 0, 2, 5, 6 };
        Assert.Equal(new[] { 1, 2 }, Idx.Read(new ForwardOnlyStream(raw)).Shape);
        Assert.Equal(new long[] { 5, 6 }, Idx.Read(new ForwardOnlyStream(Gzip(raw))).ToArray<long>());
    }

    [Fact]
    public void Read_TruncatedMagic_IsRejected()
    {
        string path = WriteFile("short.idx", new byte[] { 0, 0, 8 });
        Check.Throws<IdxFormatException>(() => Idx.Read(path), path, "truncated header", "only 3 byte(s)", "4-byte magic");
    }

    [Fact]
    public void Read_TruncatedDimensions_IsRejected()
    {
        string path = WriteFile("dims.idx", new byte[] { 0, 0, 8, 3, 0, 0, 0, 1, 0, 0 });
        Check.Throws<IdxFormatException>(() => Idx.Read(path), path, "truncated header", "3 dimensions need a 16-byte header", "ends after 10 bytes");
    }

    [Fact]
    public void Read_TruncatedPayload_IsRejected_RawAndGzip()
    {
        var bytes = new byte[] { 0, 0, 8, 1, 0, 0, 0, 5, 1, 2, 3 };
        string raw = WriteFile("t.idx", bytes);
        Check.Throws<IdxFormatException>(() => Idx.Read(raw), raw, "truncated data", "[5] of u8 needs 5 bytes", "only 3 follow");
        string gz = WriteFile("t.idx.gz", Gzip(bytes));
        Check.Throws<IdxFormatException>(() => Idx.Read(gz), gz, "truncated data", "[5] of u8 needs 5 bytes", "decompressed data ends after 3");
    }

    [Fact]
    public void Read_TrailingBytes_AreRejected_RawAndGzip()
    {
        var bytes = new byte[] { 0, 0, 8, 1, 0, 0, 0, 2, 1, 2, 3, 4 };
        string raw = WriteFile("x.idx", bytes);
        Check.Throws<IdxFormatException>(() => Idx.Read(raw), raw, "2 unexpected trailing byte(s)", "needs 2 bytes");
        string gz = WriteFile("x.idx.gz", Gzip(bytes));
        Check.Throws<IdxFormatException>(() => Idx.Read(gz), gz, "2 unexpected trailing byte(s)");
        Check.Throws<IdxFormatException>(() => Idx.Read(new ForwardOnlyStream(bytes), "piped"), "'piped'", "2 unexpected trailing byte(s)");
    }

    [Fact]
    public void Read_BadMagic_IsRejected()
    {
        string path = WriteFile("m.idx", new byte[] { 1, 0, 8, 1, 0, 0, 0, 1, 9 });
        Check.Throws<IdxFormatException>(() => Idx.Read(path), path, "bad magic number 0x01000801", "two zero bytes");
        string text = WriteFile("text.idx", "hello world"u8.ToArray());
        Check.Throws<IdxFormatException>(() => Idx.Read(text), "bad magic number 0x68656C6C");
    }

    [Fact]
    public void Read_UnknownTypeCode_IsRejected()
    {
        string path = WriteFile("u.idx", new byte[] { 0, 0, 0x0A, 1, 0, 0, 0, 1, 9 });
        Check.Throws<IdxFormatException>(() => Idx.Read(path), path, "unknown data type code 0x0A");
    }

    [Fact]
    public void Read_ZeroDimensions_IsRejected()
    {
        string path = WriteFile("z.idx", new byte[] { 0, 0, 8, 0, 42 });
        Check.Throws<IdxFormatException>(() => Idx.Read(path), path, "declares 0 dimensions");
    }

    [Fact]
    public void Read_DimensionAboveIntMax_IsRejectedBeforeAllocating()
    {
        // 2^31 x 2^31 bytes, nothing behind the header.
        string path = WriteFile("big.idx", new byte[] { 0, 0, 8, 2, 0x80, 0, 0, 0, 0x80, 0, 0, 0 });
        long before = GC.GetAllocatedBytesForCurrentThread();
        Check.Throws<IdxFormatException>(() => Idx.Read(path), path, "dimension 0 of the header is 2147483648");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void Read_ProductTooLarge_IsRejectedBeforeAllocating()
    {
        // 65536 x 65536 doubles = 32 GiB.
        var bytes = new byte[] { 0, 0, 0x0E, 2, 0, 1, 0, 0, 0, 1, 0, 0, 1, 2, 3 };
        string gz = WriteFile("big.idx.gz", Gzip(bytes));
        long before = GC.GetAllocatedBytesForCurrentThread();
        Check.Throws<IdxFormatException>(() => Idx.Read(gz), gz, "[65536, 65536] of f64 describe more than", "corrupt header");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void Read_GzipWithLyingHeader_AllocatesOnlyWhatArrives()
    {
        // The header claims 2e9 bytes (a legal size); the stream holds 10.
        var bytes = new byte[] { 0, 0, 8, 1, 0x77, 0x35, 0x94, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
        string gz = WriteFile("liar.idx.gz", Gzip(bytes));
        long before = GC.GetAllocatedBytesForCurrentThread();
        Check.Throws<IdxFormatException>(() => Idx.Read(gz), gz, "truncated data", "[2000000000] of u8 needs 2000000000 bytes", "ends after 10");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4 << 20);
    }

    [Fact]
    public void Read_CorruptGzip_IsRejected()
    {
        var good = Gzip(new byte[] { 0, 0, 8, 1, 0, 0, 0, 4, 1, 2, 3, 4 });
        var bad = good.ToArray();
        for (int i = 10; i < bad.Length - 8; i++) bad[i] = 0xFF;
        string path = WriteFile("bad.idx.gz", bad);
        Check.Throws<IdxFormatException>(() => Idx.Read(path), path, "gzip data is corrupt");
    }

    [Fact]
    public void Read_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => Idx.Read(PathOf("nope.idx")));
    }

    [Fact]
    public void Write_RejectsWhatIdxCannotHold()
    {
        Check.Throws<ArgumentException>(() => Idx.Write(PathOf("s.idx"), Tensor.From(3L)), "0-d tensor");
        Check.Throws<ArgumentException>(() => Idx.Write(PathOf("f.idx"), Tensor.From(new[] { 1.5f }), IdxType.UInt8), "float32", "u8");
        Check.Throws<ArgumentException>(() => Idx.Write(PathOf("v.idx"), Tensor.From(new long[] { 0, 300 }), IdxType.UInt8), "value 300 at flat index 1", "0..255");
        Check.Throws<ArgumentException>(() => Idx.Write(PathOf("l.idx"), Tensor.From(new long[] { 1L << 40 })), "does not fit in i32");
        Check.Throws<ArgumentException>(() => Idx.Write(PathOf("b.idx"), new byte[5], 2, 3), "[2, 3] of u8 needs 6 bytes", "5 were given");
        Assert.False(File.Exists(PathOf("v.idx")));
        Assert.Empty(Directory.GetFiles(_dir));
    }

    /// <summary>A stream that can only be read forwards, like a network or pipe stream.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 3));
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
