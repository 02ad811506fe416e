using System.Buffers.Binary;
using System.Text;
using SharpGrad;
using SharpGrad.IO;

namespace SharpGrad.Tests;

public sealed class SafeTensorsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sharpgrad-safetensors-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Files written by TestData/make_testdata.py, an independent writer using Python's standard library only
    // (struct + json, following the published format and the reference writer's ordering); see that script.
    private static string TestData(string name) => Path.Combine(AppContext.BaseDirectory, "IO", "TestData", name);

    private static void AssertSameTensor(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.DType, actual.DType);
        Assert.Equal(expected.Shape, actual.Shape);
        switch (expected.DType)
        {
            case DType.Float32: Assert.Equal(expected.ToArray<float>(), actual.ToArray<float>()); break;
            case DType.Float64: Assert.Equal(expected.ToArray<double>(), actual.ToArray<double>()); break;
            case DType.Int64: Assert.Equal(expected.ToArray<long>(), actual.ToArray<long>()); break;
            default: Assert.Equal(expected.ToArray<bool>(), actual.ToArray<bool>()); break;
        }
    }

    /// <summary>A safetensors byte image: the 8-byte length (of the JSON, or <paramref name="headerLength"/>), the JSON, then zeros.</summary>
    private static byte[] Image(string json, int bufferBytes, ulong? headerLength = null)
    {
        var header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length + bufferBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    private static string Entry(string name, string dtype, string shape, long begin, long end)
        => $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{begin},{end}]}}";

    private static SafeTensorsFormatException Rejects(byte[] image, params string[] fragments)
        => Check.Throws<SafeTensorsFormatException>(() => SafeTensors.Deserialize(image), fragments);

    // ---- round trips -------------------------------------------------------------------------

    [Fact]
    public void SaveLoad_RoundTripsDTypesShapesScalarsAndEmptyTensors()
    {
        var tensors = new Dictionary<string, Tensor>
        {
            ["w"] = Tensor.FromBuffer(new[] { 0.5f, -1.25f, 3e-8f, float.MaxValue, float.NegativeInfinity, float.NaN }, 2, 3),
            ["scalar"] = Tensor.From(Math.PI, DType.Float64),
            ["ids"] = Tensor.FromBuffer(new[] { long.MinValue, -1L, 0L, (1L << 53) + 1, long.MaxValue }, 5),
            ["mask"] = Tensor.FromBuffer(new[] { true, false, true, true, false, false, true, false }, 2, 2, 2),
            ["empty"] = Tensor.Zeros([0, 4]),
            ["empty_long"] = Tensor.Zeros([0], DType.Int64),
            ["cube"] = Tensor.Randn([3, 1, 4, 2], new Generator(7), DType.Float64),
        };
        string path = Path.Combine(_dir, "model.safetensors");
        SafeTensors.Save(path, tensors);
        var loaded = SafeTensors.Load(path);

        Assert.Equal(tensors.Count, loaded.Count);
        foreach (var (name, t) in tensors) AssertSameTensor(t, loaded[name]);
        Assert.Equal(Array.Empty<int>(), loaded["scalar"].Shape);
        Assert.True(loaded["w"].IsContiguous());
    }

    [Fact]
    public void Save_WritesNonContiguousViewsInLogicalOrder()
    {
        var x = Tensor.FromBuffer(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, 2, 3);
        var views = new Dictionary<string, Tensor>
        {
            ["t"] = x.T,                                                  // [[1, 4], [2, 5], [3, 6]]
            ["row"] = x.Narrow(0, 1, 1),                                  // contiguous, storage offset 3
            ["cols"] = x.Narrow(1, 1, 2),                                 // [[2, 3], [5, 6]], strided
            ["wide"] = Tensor.FromBuffer(new[] { 7L, 8L }, 2, 1).Expand(2, 3), // stride 0
        };
        Assert.False(views["t"].IsContiguous());
        Assert.Equal(3, views["row"].StorageOffset());

        var bytes = SafeTensors.Serialize(views);
        var loaded = SafeTensors.Deserialize(bytes);

        Check.Close(loaded["t"], [3, 2], [1, 4, 2, 5, 3, 6]);
        Check.Close(loaded["row"], [1, 3], [4, 5, 6]);
        Check.Close(loaded["cols"], [2, 2], [2, 3, 5, 6]);
        Assert.Equal(new long[] { 7, 7, 7, 8, 8, 8 }, loaded["wide"].ToArray<long>());

        // The file holds the transpose's elements in row-major order: I64 "wide" comes first (48 bytes), then the F32
        // tensors by name: cols (16 bytes), row (12 bytes), t.
        int dataStart = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var t = new float[6];
        for (int i = 0; i < 6; i++) t[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(dataStart + 48 + 16 + 12 + 4 * i));
        Assert.Equal(new[] { 1f, 4f, 2f, 5f, 3f, 6f }, t);
    }

    [Fact]
    public void SaveLoad_RoundTripsMetadata()
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["note"] = "quote \" backslash \\ newline \n tab \t bell \u0007 é 中 😀",
            ["empty"] = "",
        };
        string path = Path.Combine(_dir, "meta.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["x"] = Tensor.Ones(2) }, metadata);
        var (tensors, loaded) = SafeTensors.LoadWithMetadata(path);

        Assert.Equal(metadata.OrderBy(p => p.Key, StringComparer.Ordinal), loaded.OrderBy(p => p.Key, StringComparer.Ordinal));
        Check.Close(tensors["x"], [2], [1, 1]);
        Assert.Empty(SafeTensors.DeserializeWithMetadata(SafeTensors.Serialize(tensors)).Metadata);
    }

    [Fact]
    public void Serialize_EscapesStringsLikeTheReferenceWriter()
    {
        var bytes = SafeTensors.Serialize(new Dictionary<string, Tensor>(), new Dictionary<string, string> { ["k"] = "a\"\\\n\u0001é" });
        string header = Encoding.UTF8.GetString(bytes, 8, bytes.Length - 8);
        // serde_json: \" \\ \n as short escapes, other control characters as \u00xx (lower-case hex), non-ASCII raw.
        Assert.Equal("{\"__metadata__\":{\"k\":\"a\\\"\\\\\\n\\u0001é\"}}", header.TrimEnd(' '));
    }

    // ---- exact bytes -----------------------------------------------------------------------------

    [Fact]
    public void Serialize_TinyFile_MatchesHandComputedBytes()
    {
        var bytes = SafeTensors.Serialize(new Dictionary<string, Tensor> { ["a"] = Tensor.FromBuffer(new[] { 1f, -2f }, 2) });

        // {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}} is 5 + 15 + 12 + 20 + 2 = 54 bytes; 2 spaces pad it to 56.
        string json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}  ";
        var expected = new List<byte> { 56, 0, 0, 0, 0, 0, 0, 0 };
        expected.AddRange(Encoding.ASCII.GetBytes(json));
        expected.AddRange(new byte[] { 0x00, 0x00, 0x80, 0x3F });  // 1.0f little-endian
        expected.AddRange(new byte[] { 0x00, 0x00, 0x00, 0xC0 });  // -2.0f little-endian
        Assert.Equal(expected.ToArray(), bytes);
    }

    [Fact]
    public void Serialize_PadsHeaderWithSpacesToMultipleOf8()
    {
        // The two cases of the reference implementation's own serialization tests: a 64-byte header needs no
        // padding, a 65-byte one gets 7 spaces, so the data always starts at an 8-byte boundary.
        var data = Tensor.FromBuffer(new[] { 0f, 1f, 2f, 3f, 4f, 5f }, 1, 2, 3);
        var aligned = SafeTensors.Serialize(new Dictionary<string, Tensor> { ["attn.0"] = data });
        Assert.Equal(64UL, BinaryPrimitives.ReadUInt64LittleEndian(aligned));
        Assert.Equal("{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}", Encoding.ASCII.GetString(aligned, 8, 64));

        var padded = SafeTensors.Serialize(new Dictionary<string, Tensor> { ["attn0"] = data.View(1, 1, 2, 3) });
        Assert.Equal(72UL, BinaryPrimitives.ReadUInt64LittleEndian(padded));
        Assert.Equal("{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       ", Encoding.ASCII.GetString(padded, 8, 72));
        Assert.Equal(8 + 72 + 24, padded.Length);

        var none = SafeTensors.Serialize(new Dictionary<string, Tensor>());
        Assert.Equal(new byte[] { 8, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'}', 32, 32, 32, 32, 32, 32 }, none);
    }

    [Fact]
    public void Serialize_MatchesIndependentPythonWriterByteForByte()
    {
        // The same tensors as reference_order.safetensors in make_testdata.py, given here in another order.
        var tensors = new Dictionary<string, Tensor>
        {
            ["mask"] = Tensor.FromBuffer(new[] { true, false, false, true }, 2, 2),
            ["weight"] = Tensor.FromBuffer(new[] { 0.5f, -1.25f, 3f, 1e-3f, -0f, 65504f }, 2, 3),
            ["empty"] = Tensor.Zeros([0, 4]),
            ["labels"] = Tensor.FromBuffer(new[] { 0L, -1L, 9007199254740993L, long.MinValue }, 4),
            ["bias"] = Tensor.FromBuffer(new[] { 1f, 2f, -3.5f }, 3),
            ["scale"] = Tensor.From(3.141592653589793, DType.Float64),
        };
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["epoch"] = "3" };
        Assert.Equal(File.ReadAllBytes(TestData("reference_order.safetensors")), SafeTensors.Serialize(tensors, metadata));
    }

    // ---- files written elsewhere -----------------------------------------------------------------

    [Fact]
    public void Load_ReadsPythonWrittenFileInHeaderOrder()
    {
        var (tensors, metadata) = SafeTensors.LoadWithMetadata(TestData("reference_order.safetensors"));

        Assert.Equal(new[] { "labels", "scale", "bias", "empty", "weight", "mask" }, tensors.Keys);
        Assert.Equal("pt", metadata["format"]);
        Assert.Equal("3", metadata["epoch"]);
        Assert.Equal(new[] { 0L, -1L, 9007199254740993L, long.MinValue }, tensors["labels"].ToArray<long>());
        Assert.Equal(3.141592653589793, tensors["scale"].Item());
        Assert.Equal(DType.Float64, tensors["scale"].DType);
        Check.Close(tensors["bias"], [3], [1, 2, -3.5], 0);
        Assert.Equal([0, 4], tensors["empty"].Shape);
        Assert.Equal(new[] { 0.5f, -1.25f, 3f, 1e-3f, -0f, 65504f }, tensors["weight"].ToArray<float>());
        Assert.True(float.IsNegative(tensors["weight"].ToArray<float>()[4]));
        Assert.Equal(new[] { true, false, false, true }, tensors["mask"].ToArray<bool>());
    }

    [Fact]
    public void Load_ConvertsHalfBFloatAndNarrowIntegersFromPythonWrittenFile()
    {
        // Header with spaces after separators and keys in reverse data order, as other writers may produce.
        var t = SafeTensors.Load(TestData("converted_dtypes.safetensors"));

        Assert.Equal(DType.Float32, t["half"].DType);
        Assert.Equal(new[] { 1f, -2.5f, 0.0999755859375f, 65504f }, t["half"].ToArray<float>());
        Assert.Equal([2, 2], t["half"].Shape);
        Assert.Equal(DType.Float32, t["brain"].DType);
        Assert.Equal(new[] { 1.5f, -2f, 3.140625f }, t["brain"].ToArray<float>());
        Assert.Equal(new[] { (long)int.MinValue, int.MaxValue }, t["i32"].ToArray<long>());
        Assert.Equal(new[] { -32768L, 32767L }, t["i16"].ToArray<long>());
        Assert.Equal(new[] { -128L, 0L, 127L }, t["i8"].ToArray<long>());
        Assert.Equal(new[] { 0L, 128L, 255L }, t["u8"].ToArray<long>());
        Assert.Equal(new[] { 65535L }, t["u16"].ToArray<long>());
        Assert.Equal(new[] { 4294967295L }, t["u32"].ToArray<long>());
        foreach (var name in new[] { "i32", "i16", "i8", "u8", "u16", "u32" }) Assert.Equal(DType.Int64, t[name].DType);
    }

    [Fact]
    public void Deserialize_TreatsAnyNonzeroBoolByteAsTrue()
    {
        var image = Image("{" + Entry("m", "BOOL", "[3]", 0, 3) + "}", 3);
        image[^3] = 0;
        image[^2] = 2;
        image[^1] = 255;
        var m = SafeTensors.Deserialize(image)["m"];
        Assert.Equal(new[] { false, true, true }, m.ToArray<bool>());
        Assert.Equal(2L, m.Long().Sum().Item<long>());
    }

    [Fact]
    public void Deserialize_AcceptsZeroSizedTensorsAnywhereAndNullMetadata()
    {
        string json = "{\"__metadata__\":null," + Entry("b", "F32", "[1]", 0, 4) + "," + Entry("z", "I64", "[2,0]", 4, 4) + ","
                      + Entry("a", "F32", "[0]", 0, 0) + "," + Entry("c", "I8", "[1]", 4, 5) + "}";
        var (t, metadata) = SafeTensors.DeserializeWithMetadata(Image(json, 5));
        Assert.Equal(new[] { "b", "z", "a", "c" }, t.Keys);
        Assert.Equal([2, 0], t["z"].Shape);
        Assert.Empty(metadata);
    }

    // ---- hostile files -----------------------------------------------------------------------------

    [Fact]
    public void Load_RejectsFileShorterThanLengthPrefix()
    {
        string path = Path.Combine(_dir, "short.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        var ex = Check.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(path), "load_file", path, "3 bytes", "8-byte header length");
        Assert.Equal(path, ex.FileName);
        Rejects([], "0 bytes");
    }

    [Fact]
    public void Deserialize_RejectsHugeHeaderLengthWithoutAllocating()
        => Rejects(Image("{}", 0, headerLength: 1UL << 62), "header length 4611686018427387904", "100000000");

    [Fact]
    public void Deserialize_RejectsHeaderLengthBeyondEnd()
        => Rejects(Image("{}", 0, headerLength: 100), "header length 100", "only 2 bytes");

    [Fact]
    public void Deserialize_RejectsHeaderThatIsNotJsonObject()
    {
        Rejects(Image("{\"a\": ", 0), "not valid JSON");
        Rejects(Image("[1, 2]", 0), "must be a JSON object", "an array");
        Rejects(Image("\"text\"", 0), "must be a JSON object", "a string");
        var image = Image("{\"a\":1}", 0);
        image[10] = 0xFF;
        Rejects(image, "not valid UTF-8");
    }

    [Fact]
    public void Deserialize_RejectsEntriesWithMissingOrMistypedFields()
    {
        Rejects(Image("{\"w\":[1]}", 0), "tensor 'w'", "must be a JSON object", "an array");
        Rejects(Image("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "tensor 'w'", "no 'dtype'");
        Rejects(Image("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4), "tensor 'w'", "no 'shape'");
        Rejects(Image("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "tensor 'w'", "no 'data_offsets'");
        Rejects(Image("{\"w\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "tensor 'w'", "'dtype' must be a string", "a number");
        Rejects(Image("{\"w\":{\"dtype\":\"F32\",\"shape\":\"1\",\"data_offsets\":[0,4]}}", 4), "tensor 'w'", "'shape' must be an array", "a string");
        Rejects(Image("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 8), "tensor 'w'", "[begin, end]", "[0,4,8]");
        Rejects(Image("{\"w\":{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}}", 4), "tensor 'w'", "shape entry 0", "a string");
        Rejects(Image("{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "tensor 'w'", "'dtype' more than once");
    }

    [Fact]
    public void Deserialize_RejectsUnknownAndUnsupportedDTypes()
    {
        var ex = Rejects(Image("{" + Entry("w", "F33", "[1]", 0, 4) + "}", 4), "tensor 'w'", "unknown dtype 'F33'", "F32, F64, I64, BOOL");
        Assert.Equal("w", ex.TensorName);
        Assert.Null(ex.FileName);
        Rejects(Image("{" + Entry("u", "U64", "[1]", 0, 8) + "}", 8), "tensor 'u'", "dtype U64 is not supported");
        Rejects(Image("{" + Entry("f8", "F8_E4M3", "[1]", 0, 1) + "}", 1), "tensor 'f8'", "dtype F8_E4M3 is not supported");
    }

    [Fact]
    public void Deserialize_RejectsNegativeNonIntegerAndOverflowingShapes()
    {
        Rejects(Image("{" + Entry("w", "F32", "[2,-1]", 0, 4) + "}", 4), "tensor 'w'", "shape entry 1 is negative (-1)");
        Rejects(Image("{" + Entry("w", "F32", "[2.5]", 0, 4) + "}", 4), "tensor 'w'", "shape entry 0", "non-negative integer", "2.5");
        Rejects(Image("{" + Entry("w", "F32", "[4294967296,4294967296,2]", 0, 4) + "}", 4), "tensor 'w'", "element count", "overflows");
        Rejects(Image("{" + Entry("w", "F64", "[4611686018427387904]", 0, 4) + "}", 4), "tensor 'w'", "byte size", "overflows");
        Rejects(Image("{" + Entry("w", "F32", "[1]", -4, 0) + "}", 4), "tensor 'w'", "data_offsets begin is negative");
        // Valid safetensors, but beyond what an int-sized SharpGrad shape can hold.
        Rejects(Image("{" + Entry("w", "F32", "[0,3000000000]", 0, 0) + "}", 0), "tensor 'w'", "larger than a SharpGrad tensor can be");
    }

    [Fact]
    public void Deserialize_RejectsOffsetsThatDisagreeWithShapeOrRunBackwards()
    {
        Rejects(Image("{" + Entry("w", "F32", "[2,3]", 0, 20) + "}", 20), "tensor 'w'", "[0, 20] hold 20 bytes", "shape [2, 3] of dtype F32 needs 24 bytes");
        Rejects(Image("{" + Entry("w", "F32", "[1]", 8, 4) + "}", 8), "tensor 'w'", "[8, 4] end before they begin");
    }

    [Fact]
    public void Deserialize_RejectsOverlapsGapsAndMissingStart()
    {
        Rejects(Image("{" + Entry("a", "F32", "[2]", 0, 8) + "," + Entry("b", "F32", "[2]", 4, 12) + "}", 12),
            "tensor 'b'", "[4, 12] overlap tensor 'a' [0, 8]");
        Rejects(Image("{" + Entry("a", "F32", "[1]", 0, 4) + "," + Entry("b", "F32", "[1]", 8, 12) + "}", 12),
            "tensor 'b'", "bytes [4, 8)", "between tensor 'a' and tensor 'b'", "belong to no tensor");
        Rejects(Image("{" + Entry("a", "F32", "[1]", 4, 8) + "}", 8), "tensor 'a'", "starts at byte 4", "not at 0");
        // Two tensors on the very same bytes (aliasing) is an overlap too.
        Rejects(Image("{" + Entry("a", "F32", "[1]", 0, 4) + "," + Entry("b", "F32", "[1]", 0, 4) + "}", 4), "overlap");
    }

    [Fact]
    public void Deserialize_RejectsTrailingBytesAndOffsetsPastEnd()
    {
        Rejects(Image("{" + Entry("a", "F32", "[1]", 0, 4) + "}", 6), "cover 4 bytes", "has 6 bytes", "2 trailing bytes");
        Rejects(Image("{}", 3), "cover 0 bytes", "3 trailing bytes");
        Rejects(Image("{" + Entry("a", "F32", "[2]", 0, 8) + "}", 4), "tensor 'a'", "[0, 8] run past the end of the data buffer, which has 4 bytes");
    }

    [Fact]
    public void Deserialize_RejectsDuplicateNames()
    {
        Rejects(Image("{" + Entry("a", "F32", "[1]", 0, 4) + "," + Entry("a", "F32", "[1]", 4, 8) + "}", 8), "tensor 'a' appears more than once");
        Rejects(Image("{\"__metadata__\":{},\"__metadata__\":{}}", 0), "'__metadata__' more than once");
    }

    [Fact]
    public void Deserialize_RejectsMetadataThatIsNotStringMap()
    {
        Rejects(Image("{\"__metadata__\":{\"epoch\":3}}", 0), "'__metadata__' must map strings to strings", "'epoch'", "a number");
        Rejects(Image("{\"__metadata__\":[\"a\"]}", 0), "'__metadata__' must be a JSON object", "an array");
        Rejects(Image("{\"__metadata__\":{\"k\":\"a\",\"k\":\"b\"}}", 0), "key 'k' more than once");
    }

    [Fact]
    public void Load_MessageNamesFileAndTensor()
    {
        string path = Path.Combine(_dir, "bad.safetensors");
        File.WriteAllBytes(path, Image("{" + Entry("layer.weight", "F32", "[3]", 0, 8) + "}", 8));
        var ex = Check.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(path), $"load_file: '{path}'", "tensor 'layer.weight'", "needs 12 bytes");
        Assert.Equal(path, ex.FileName);
        Assert.Equal("layer.weight", ex.TensorName);
        Assert.IsAssignableFrom<FormatException>(ex);
    }

    // ---- writing: arguments and atomicity -----------------------------------------------------------

    [Fact]
    public void Save_RejectsReservedNameNullTensorAndInvalidUnicode()
    {
        string path = Path.Combine(_dir, "x.safetensors");
        Check.Throws<ArgumentException>(() => SafeTensors.Save(path, new Dictionary<string, Tensor> { ["__metadata__"] = Tensor.Ones(1) }),
            "save_file", "'__metadata__' is reserved");
        Check.Throws<ArgumentException>(() => SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = null! }), "save_file", "tensor 'w' is null");
        Check.Throws<ArgumentException>(() => SafeTensors.Serialize(new Dictionary<string, Tensor> { ["bad\uD800"] = Tensor.Ones(1) }), "save", "unpaired surrogate");
        Check.Throws<ArgumentException>(
            () => SafeTensors.Serialize(new Dictionary<string, Tensor>(), new Dictionary<string, string> { ["k"] = null! }), "metadata value of 'k' is null");
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Save_ReplacesExistingFile()
    {
        string path = Path.Combine(_dir, "ckpt.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["x"] = Tensor.Ones(3) });
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["y"] = Tensor.Zeros(2) });
        var loaded = SafeTensors.Load(path);
        Assert.Equal(new[] { "y" }, loaded.Keys);
        Assert.Equal(new[] { path }, Directory.GetFiles(_dir));
    }

    [Fact]
    public void AtomicWrite_FailingMidwayKeepsPreviousFileAndLeavesNoTemporary()
    {
        string path = Path.Combine(_dir, "ckpt.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["x"] = Tensor.Ones(3) });
        var before = File.ReadAllBytes(path);

        string? tempSeen = null;
        var ex = Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[1000]);
            stream.Flush();
            tempSeen = Directory.GetFiles(_dir).Single(f => f != path);
            throw new IOException("disk full (simulated)");
        }));

        Assert.Equal("disk full (simulated)", ex.Message);
        Assert.NotNull(tempSeen);
        Assert.Equal(_dir, Path.GetDirectoryName(tempSeen));       // written beside the target, so the rename is atomic
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(_dir));   // the temporary file is gone
    }

    [Fact]
    public void AtomicWrite_FailingOnNewPathCreatesNothing()
    {
        string path = Path.Combine(_dir, "new.bin");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, _ => throw new InvalidOperationException("stop")));
        Assert.Empty(Directory.GetFiles(_dir));

        AtomicFile.WriteAllText(path, "héllo");
        Assert.Equal(new byte[] { (byte)'h', 0xC3, 0xA9, (byte)'l', (byte)'l', (byte)'o' }, File.ReadAllBytes(path));
        Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.WriteAllBytes(Path.Combine(_dir, "missing", "f.bin"), [1]));
    }
}
