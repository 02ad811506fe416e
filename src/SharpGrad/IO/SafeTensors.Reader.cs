using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.Win32.SafeHandles;

namespace SharpGrad.IO;

public static partial class SafeTensors
{
    /// <summary>The safetensors dtypes this reader turns into tensors.</summary>
    private enum FileDType { Bool, U8, I8, I16, U16, F16, BF16, I32, U32, F32, F64, I64 }

    private static readonly Dictionary<string, (FileDType Kind, int Size)> s_readable = new(StringComparer.Ordinal)
    {
        ["BOOL"] = (FileDType.Bool, 1),
        ["U8"] = (FileDType.U8, 1),
        ["I8"] = (FileDType.I8, 1),
        ["I16"] = (FileDType.I16, 2),
        ["U16"] = (FileDType.U16, 2),
        ["F16"] = (FileDType.F16, 2),
        ["BF16"] = (FileDType.BF16, 2),
        ["I32"] = (FileDType.I32, 4),
        ["U32"] = (FileDType.U32, 4),
        ["F32"] = (FileDType.F32, 4),
        ["F64"] = (FileDType.F64, 8),
        ["I64"] = (FileDType.I64, 8),
    };

    // Valid in the format, but SharpGrad has no dtype they convert to without loss or a spec of their own.
    private static readonly HashSet<string> s_knownUnsupported = new(StringComparer.Ordinal)
    {
        "U64", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4", "C64",
    };

    private const string ReadableList = "F32, F64, I64, BOOL, and converted on load F16, BF16 (to float32), U8, I8, I16, U16, I32, U32 (to int64)";

    /// <summary>One validated header entry: its data is <c>[Begin, End)</c> of the data buffer.</summary>
    private sealed record Entry(string Name, string DTypeName, FileDType Kind, int ItemSize, int[] Shape, int Numel, long Begin, long End);

    /// <summary>Random access to the bytes of a file or a span, so one reader serves <see cref="Load"/> and <see cref="Deserialize"/>.</summary>
    private interface IByteSource
    {
        long Length { get; }

        void Read(long offset, scoped Span<byte> destination);
    }

    private readonly struct FileSource(SafeFileHandle handle, string path) : IByteSource
    {
        public long Length { get; } = RandomAccess.GetLength(handle);

        public void Read(long offset, scoped Span<byte> destination)
        {
            while (destination.Length > 0)
            {
                int n = RandomAccess.Read(handle, destination, offset);
                if (n == 0)
                    throw new SafeTensorsFormatException(
                        $"load_file: '{path}': the file ended at byte {offset} while reading (was it changed while being read?)", path);
                destination = destination[n..];
                offset += n;
            }
        }
    }

    private readonly ref struct SpanSource(ReadOnlySpan<byte> data) : IByteSource
    {
        private readonly ReadOnlySpan<byte> _data = data;

        public long Length => _data.Length;

        public void Read(long offset, scoped Span<byte> destination) => _data.Slice((int)offset, destination.Length).CopyTo(destination);
    }

    private static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) ReadAll<TSource>(
        ref TSource source, string where, string? fileName) where TSource : IByteSource, allows ref struct
    {
        long length = source.Length;
        if (length < 8)
            throw new SafeTensorsFormatException(
                $"{where}: {length} bytes is shorter than the 8-byte header length that starts every safetensors file", fileName);
        Span<byte> prefix = stackalloc byte[8];
        source.Read(0, prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderBytes)
            throw new SafeTensorsFormatException(
                $"{where}: header length {headerLength} is more than the {MaxHeaderBytes} bytes allowed (not a safetensors file, or a corrupt one)", fileName);
        if (headerLength > (ulong)(length - 8))
            throw new SafeTensorsFormatException(
                $"{where}: header length {headerLength} runs past the end of the data, which has only {length - 8} bytes after the 8-byte length", fileName);

        var header = new byte[(int)headerLength];
        source.Read(8, header);
        long dataStart = 8 + (long)headerLength;
        var (entries, metadata) = ParseHeader(header, length - dataStart, where, fileName);

        var tensors = new Dictionary<string, Tensor>(entries.Count, StringComparer.Ordinal);
        foreach (var e in entries) tensors.Add(e.Name, ReadTensor(ref source, dataStart + e.Begin, e));
        return (tensors, metadata);
    }

    /// <summary>Parses and validates the JSON header against a data buffer of <paramref name="bufferLength"/> bytes.</summary>
    private static (List<Entry> Entries, Dictionary<string, string> Metadata) ParseHeader(
        byte[] header, long bufferLength, string where, string? fileName)
    {
        if (!Utf8.IsValid(header))
            throw new SafeTensorsFormatException($"{where}: the header is not valid UTF-8", fileName);
        CountTokens(header, where, fileName);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw new SafeTensorsFormatException($"{where}: the header is not valid JSON ({e.Message})", fileName, null, e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new SafeTensorsFormatException(
                    $"{where}: the header must be a JSON object mapping tensor names to entries, but it is {Describe(root.ValueKind)}", fileName);

            var entries = new List<Entry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                    throw new SafeTensorsFormatException(
                        property.Name == MetadataKey
                            ? $"{where}: the header has '{MetadataKey}' more than once"
                            : $"{where}: tensor '{property.Name}' appears more than once in the header",
                        fileName, property.Name == MetadataKey ? null : property.Name);
                if (property.Name == MetadataKey) ReadMetadata(property.Value, metadata, where, fileName);
                else entries.Add(ParseEntry(property.Name, property.Value, bufferLength, where, fileName));
            }
            CheckCoverage(entries, bufferLength, where, fileName);
            return (entries, metadata);
        }
    }

    /// <summary>
    /// Refuses a header of more than <see cref="MaxHeaderTokens"/> JSON tokens before it is parsed: a JSON document costs
    /// about 12 bytes per token and a dictionary entry far more, so millions of tiny entries would cost 15 times the header.
    /// Counting with a forward-only reader allocates nothing.
    /// </summary>
    private static void CountTokens(byte[] header, string where, string? fileName)
    {
        var reader = new Utf8JsonReader(header);
        long tokens = 0;
        try
        {
            while (reader.Read())
                if (++tokens > MaxHeaderTokens)
                    throw new SafeTensorsFormatException(
                        $"{where}: the header has more than {MaxHeaderTokens} JSON tokens (names, values, brackets), more than any real checkpoint; refused before parsing", fileName);
        }
        catch (JsonException e)
        {
            throw new SafeTensorsFormatException($"{where}: the header is not valid JSON ({e.Message})", fileName, null, e);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string where, string? fileName)
    {
        if (value.ValueKind == JsonValueKind.Null) return; // the reference reader takes null as "no metadata"
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafeTensorsFormatException(
                $"{where}: '{MetadataKey}' must be a JSON object of string values, but it is {Describe(value.ValueKind)}", fileName);
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new SafeTensorsFormatException(
                    $"{where}: '{MetadataKey}' must map strings to strings, but key '{item.Name}' holds {Describe(item.Value.ValueKind)}", fileName);
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                throw new SafeTensorsFormatException($"{where}: '{MetadataKey}' has the key '{item.Name}' more than once", fileName);
        }
    }

    private static Entry ParseEntry(string name, JsonElement value, long bufferLength, string where, string? fileName)
    {
        string at = $"{where}: tensor '{name}'";
        SafeTensorsFormatException Fail(string message) => new($"{at}: {message}", fileName, name);

        if (value.ValueKind != JsonValueKind.Object)
            throw Fail($"the entry must be a JSON object with dtype, shape and data_offsets, but it is {Describe(value.ValueKind)}");
        JsonElement? dtypeValue = null, shapeValue = null, offsetsValue = null;
        foreach (var field in value.EnumerateObject())
        {
            ref JsonElement? slot = ref dtypeValue;
            if (field.Name == "dtype") slot = ref dtypeValue;
            else if (field.Name == "shape") slot = ref shapeValue;
            else if (field.Name == "data_offsets") slot = ref offsetsValue;
            else continue; // unknown fields are ignored, as the reference reader does
            if (slot is not null) throw Fail($"the entry has '{field.Name}' more than once");
            slot = field.Value;
        }
        if (dtypeValue is not JsonElement dtypeJson) throw Fail("the entry has no 'dtype'");
        if (shapeValue is not JsonElement shapeJson) throw Fail("the entry has no 'shape'");
        if (offsetsValue is not JsonElement offsetsJson) throw Fail("the entry has no 'data_offsets'");

        if (dtypeJson.ValueKind != JsonValueKind.String)
            throw Fail($"'dtype' must be a string such as \"F32\", but it is {Describe(dtypeJson.ValueKind)}");
        string dtype = dtypeJson.GetString()!;
        if (!s_readable.TryGetValue(dtype, out var kind))
            throw Fail(s_knownUnsupported.Contains(dtype)
                ? $"dtype {dtype} is not supported by SharpGrad (readable: {ReadableList})"
                : $"unknown dtype '{dtype}' (readable: {ReadableList})");

        if (shapeJson.ValueKind != JsonValueKind.Array)
            throw Fail($"'shape' must be an array of non-negative integers, but it is {Describe(shapeJson.ValueKind)}");
        var dims = new ulong[shapeJson.GetArrayLength()];
        for (int i = 0; i < dims.Length; i++)
            dims[i] = ReadCount(shapeJson[i], $"shape entry {i}", Fail);
        string shapeText = "[" + string.Join(", ", dims) + "]";

        ulong numel = 1;
        foreach (ulong dim in dims)
        {
            if (!TryMultiply(numel, dim, out numel))
                throw Fail($"the element count of shape {shapeText} overflows 64 bits");
        }
        if (!TryMultiply(numel, (ulong)kind.Size, out ulong byteCount) || byteCount > long.MaxValue)
            throw Fail($"the byte size of shape {shapeText} with dtype {dtype} overflows 64 bits");

        if (offsetsJson.ValueKind != JsonValueKind.Array || offsetsJson.GetArrayLength() != 2)
            throw Fail($"'data_offsets' must be an array [begin, end] of two non-negative integers, but it is {offsetsJson.GetRawText()}");
        ulong begin = ReadCount(offsetsJson[0], "data_offsets begin", Fail);
        ulong end = ReadCount(offsetsJson[1], "data_offsets end", Fail);
        if (begin > end)
            throw Fail($"data_offsets [{begin}, {end}] end before they begin");
        if (end - begin != byteCount)
            throw Fail($"data_offsets [{begin}, {end}] hold {end - begin} bytes, but shape {shapeText} of dtype {dtype} needs {byteCount} bytes ({numel} x {kind.Size})");
        if (end > (ulong)bufferLength)
            throw Fail($"data_offsets [{begin}, {end}] run past the end of the data buffer, which has {bufferLength} bytes");

        var shape = new int[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] > int.MaxValue || numel > int.MaxValue)
                throw Fail($"shape {shapeText} is larger than a SharpGrad tensor can be (at most {int.MaxValue} elements and per dimension)");
            shape[i] = (int)dims[i];
        }
        return new Entry(name, dtype, kind.Kind, kind.Size, shape, (int)numel, (long)begin, (long)end);
    }

    /// <summary>Reads a JSON number that must be a non-negative integer.</summary>
    private static ulong ReadCount(JsonElement item, string what, Func<string, SafeTensorsFormatException> fail)
    {
        if (item.ValueKind != JsonValueKind.Number)
            throw fail($"{what} must be a non-negative integer, but it is {Describe(item.ValueKind)}");
        if (item.TryGetUInt64(out ulong value)) return value;
        string text = item.GetRawText();
        if (text.StartsWith('-')) throw fail($"{what} is negative ({text})");
        throw fail($"{what} must be a non-negative integer below 2^64, but it is {text}");
    }

    private static bool TryMultiply(ulong a, ulong b, out ulong product)
    {
        product = unchecked(a * b);
        return b == 0 || product / b == a;
    }

    /// <summary>Checks that the tensors' byte ranges tile the data buffer exactly: from 0, no gap, no overlap, nothing left over.</summary>
    private static void CheckCoverage(List<Entry> entries, long bufferLength, string where, string? fileName)
    {
        var sorted = entries.ToArray();
        Array.Sort(sorted, (a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expected = 0;
        Entry? previous = null;
        foreach (var e in sorted)
        {
            if (e.Begin > expected)
                throw new SafeTensorsFormatException(
                    previous is null
                        ? $"{where}: tensor '{e.Name}': the first tensor's data starts at byte {e.Begin} of the data buffer, not at 0"
                        : $"{where}: tensor '{e.Name}': bytes [{expected}, {e.Begin}) of the data buffer, between tensor '{previous.Name}' and tensor '{e.Name}', belong to no tensor",
                    fileName, e.Name);
            if (e.Begin < expected)
                throw new SafeTensorsFormatException(
                    $"{where}: tensor '{e.Name}': data_offsets [{e.Begin}, {e.End}] overlap tensor '{previous!.Name}' [{previous.Begin}, {previous.End}]",
                    fileName, e.Name);
            expected = e.End;
            previous = e;
        }
        if (expected != bufferLength)
            throw new SafeTensorsFormatException(
                $"{where}: the tensors cover {expected} bytes of the data buffer, but it has {bufferLength} bytes: {bufferLength - expected} trailing bytes belong to no tensor",
                fileName);
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "missing",
    };

    private static Tensor ReadTensor<TSource>(ref TSource source, long offset, Entry e) where TSource : IByteSource, allows ref struct
    {
        switch (e.Kind)
        {
            case FileDType.F32:
            {
                var data = new float[e.Numel];
                ReadNative(ref source, offset, data);
                return Tensor.FromBuffer(data, e.Shape);
            }
            case FileDType.F64:
            {
                var data = new double[e.Numel];
                ReadNative(ref source, offset, data);
                return Tensor.FromBuffer(data, e.Shape);
            }
            case FileDType.I64:
            {
                var data = new long[e.Numel];
                ReadNative(ref source, offset, data);
                return Tensor.FromBuffer(data, e.Shape);
            }
            case FileDType.Bool:
            {
                var data = new bool[e.Numel];
                ReadNative(ref source, offset, data);
                // Any nonzero byte is true; a .NET bool must hold exactly 0 or 1.
                foreach (ref byte b in MemoryMarshal.AsBytes(data.AsSpan()))
                    if (b > 1) b = 1;
                return Tensor.FromBuffer(data, e.Shape);
            }
            case FileDType.F16 or FileDType.BF16:
            {
                var data = new float[e.Numel];
                ReadConverted(ref source, offset, e, data);
                return Tensor.FromBuffer(data, e.Shape);
            }
            default:
            {
                var data = new long[e.Numel];
                ReadConverted(ref source, offset, e, data);
                return Tensor.FromBuffer(data, e.Shape);
            }
        }
    }

    /// <summary>Reads elements stored as they are in memory, straight into the array.</summary>
    private static void ReadNative<TSource, T>(ref TSource source, long offset, T[] destination)
        where TSource : IByteSource, allows ref struct where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        int chunk = ChunkBytes / size;
        for (int i = 0; i < destination.Length; i += chunk)
        {
            var bytes = MemoryMarshal.AsBytes(destination.AsSpan(i, Math.Min(chunk, destination.Length - i)));
            source.Read(offset + (long)i * size, bytes);
            if (!BitConverter.IsLittleEndian) SwapByteOrder(bytes, size);
        }
    }

    /// <summary>Reads elements of a narrower file dtype, widening them to float32 or int64 chunk by chunk.</summary>
    private static void ReadConverted<TSource, T>(ref TSource source, long offset, Entry e, T[] destination)
        where TSource : IByteSource, allows ref struct where T : unmanaged
    {
        int size = e.ItemSize;
        int chunk = ChunkBytes / size;
        var scratch = new byte[Math.Min(chunk, destination.Length) * size];
        for (int i = 0; i < destination.Length; i += chunk)
        {
            int count = Math.Min(chunk, destination.Length - i);
            var bytes = scratch.AsSpan(0, count * size);
            source.Read(offset + (long)i * size, bytes);
            if (typeof(T) == typeof(float)) WidenToFloat(e.Kind, bytes, MemoryMarshal.Cast<T, float>(destination.AsSpan(i, count)));
            else WidenToLong(e.Kind, bytes, MemoryMarshal.Cast<T, long>(destination.AsSpan(i, count)));
        }
    }

    private static void WidenToFloat(FileDType kind, ReadOnlySpan<byte> bytes, Span<float> output)
    {
        if (kind == FileDType.F16)
        {
            for (int i = 0; i < output.Length; i++) output[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..]);
        }
        else
        {
            // bfloat16 is the upper half of a float32's bits.
            for (int i = 0; i < output.Length; i++)
                output[i] = BitConverter.UInt32BitsToSingle((uint)BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16);
        }
    }

    private static void WidenToLong(FileDType kind, ReadOnlySpan<byte> bytes, Span<long> output)
    {
        switch (kind)
        {
            case FileDType.U8:
                for (int i = 0; i < output.Length; i++) output[i] = bytes[i];
                break;
            case FileDType.I8:
                for (int i = 0; i < output.Length; i++) output[i] = (sbyte)bytes[i];
                break;
            case FileDType.I16:
                for (int i = 0; i < output.Length; i++) output[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes[(2 * i)..]);
                break;
            case FileDType.U16:
                for (int i = 0; i < output.Length; i++) output[i] = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]);
                break;
            case FileDType.I32:
                for (int i = 0; i < output.Length; i++) output[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..]);
                break;
            case FileDType.U32:
                for (int i = 0; i < output.Length; i++) output[i] = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(4 * i)..]);
                break;
            default:
                throw new InvalidOperationException($"load: internal error, no int64 conversion for {kind}");
        }
    }
}
