using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using SharpGrad.Core;

namespace SharpGrad.IO;

/// <summary>
/// Reads and writes the safetensors format of Hugging Face (<c>safetensors.torch.save_file</c> /
/// <c>load_file</c>), so that PyTorch loads SharpGrad's files and SharpGrad loads PyTorch's.
/// </summary>
/// <remarks>
/// <para>Layout of a file: 8 bytes holding N, a little-endian unsigned 64-bit integer; N bytes of UTF-8
/// JSON, an object mapping each tensor name to <c>{"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}</c>
/// plus an optional <c>"__metadata__"</c> object of string values; then the data buffer. Offsets count
/// from the start of the buffer; elements are little-endian in row-major (C) order; the tensors cover
/// the buffer exactly, without gaps or overlaps.</para>
/// <para>Writing follows the reference writer byte for byte: tensors ordered by descending dtype
/// alignment (I64, F64, F32, BOOL) and then by name, the header as compact JSON with
/// <c>"__metadata__"</c> first (its keys sorted), padded with spaces to a multiple of 8 bytes so that
/// every tensor's data is 8-byte aligned. Non-contiguous tensors (views) are written in their logical order.</para>
/// <para>Reading takes F32, F64, I64 and BOOL as they are and converts the other common dtypes so that
/// files from other tools load: F16 and BF16 become float32 (exactly: every half value is a float),
/// U8, I8, I16, U16, I32 and U32 become int64. Any other dtype (F8 variants, U64, complex, ...) is a
/// <see cref="SafeTensorsFormatException"/> naming the dtype. Every size in the header is checked before
/// anything is allocated from it (header at most 100,000,000 bytes, checked arithmetic on shapes,
/// offsets within the file, at most 2,000,000 JSON tokens), so a hostile file gives a clear error rather than an out-of-memory or a crash.</para>
/// </remarks>
public static partial class SafeTensors
{
    /// <summary>The largest header accepted, in bytes (the reference implementation's limit).</summary>
    public const int MaxHeaderBytes = 100_000_000;

    /// <summary>
    /// The most JSON tokens (names, values, brackets) a header may have: about 150,000 tensors. Reading stays within a
    /// few times the header's size; millions of tiny metadata entries are refused before parsing.
    /// </summary>
    public const int MaxHeaderTokens = 2_000_000;

    /// <summary>Key of the optional string-to-string metadata map in the header.</summary>
    public const string MetadataKey = "__metadata__";

    // Tensor data is copied in pieces of this many bytes, so that no span exceeds int.MaxValue bytes.
    private const int ChunkBytes = 1 << 22;

    /// <summary>
    /// Writes <paramref name="tensors"/> and optional string <paramref name="metadata"/> to <paramref name="path"/>
    /// (<c>safetensors.torch.save_file(tensors, path, metadata)</c>). The write is atomic (see <see cref="AtomicFile"/>):
    /// on any error the previous file, if any, is left as it was.
    /// </summary>
    /// <exception cref="ArgumentException">A tensor is null, a name is <c>"__metadata__"</c>, or a string is not valid Unicode.</exception>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var plan = Plan("save_file", tensors, metadata);
        AtomicFile.Write(path, stream => WritePlan(stream, plan));
    }

    /// <summary>
    /// The safetensors bytes of <paramref name="tensors"/> and optional <paramref name="metadata"/>
    /// (<c>safetensors.torch.save(tensors, metadata)</c>); the same bytes <see cref="Save"/> writes.
    /// </summary>
    public static byte[] Serialize(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var plan = Plan("save", tensors, metadata);
        long total = 8 + plan.Header.Length + plan.DataBytes;
        if (total > Array.MaxLength)
            throw new ArgumentException($"save: the tensors need {total} bytes, more than one byte array can hold; use Save to write a file");
        using var stream = new MemoryStream((int)total);
        WritePlan(stream, plan);
        return stream.ToArray();
    }

    /// <summary>
    /// Reads every tensor of a safetensors file (<c>safetensors.torch.load_file(path)</c>), in the order
    /// of the header. See the class remarks for the dtypes that are converted on load.
    /// </summary>
    /// <exception cref="SafeTensorsFormatException">The file breaks the format; the message names the file and the tensor.</exception>
    public static Dictionary<string, Tensor> Load(string path) => LoadWithMetadata(path).Tensors;

    /// <summary>
    /// Reads every tensor of a safetensors file and its <c>"__metadata__"</c> map (empty when the file has
    /// none) (<c>safe_open(path, "pt").metadata()</c> together with <c>load_file</c>).
    /// </summary>
    /// <exception cref="SafeTensorsFormatException">The file breaks the format; the message names the file and the tensor.</exception>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) LoadWithMetadata(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path)) throw new IOException($"load_file: '{path}' is a directory, not a safetensors file");
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var source = new FileSource(handle, path);
        return ReadAll(ref source, $"load_file: '{path}'", path);
    }

    /// <summary>Reads the tensors of safetensors bytes (<c>safetensors.torch.load(data)</c>), in the order of the header.</summary>
    /// <exception cref="SafeTensorsFormatException">The bytes break the format; the message names the tensor.</exception>
    public static Dictionary<string, Tensor> Deserialize(ReadOnlySpan<byte> data) => DeserializeWithMetadata(data).Tensors;

    /// <summary>Reads the tensors of safetensors bytes and their <c>"__metadata__"</c> map (empty when absent).</summary>
    /// <exception cref="SafeTensorsFormatException">The bytes break the format; the message names the tensor.</exception>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) DeserializeWithMetadata(ReadOnlySpan<byte> data)
    {
        var source = new SpanSource(data);
        return ReadAll(ref source, "load: in-memory buffer", null);
    }

    private sealed record Planned(string Name, byte[] NameUtf8, Tensor Tensor, string DTypeName, int AlignmentRank, long Begin, long End);

    private sealed record WritePlanData(byte[] Header, List<Planned> Tensors, long DataBytes);

    /// <summary>Checks the arguments, orders the tensors and builds the padded header, before anything is written.</summary>
    private static WritePlanData Plan(string op, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var items = new List<Planned>(tensors.Count);
        foreach (var (name, tensor) in tensors)
        {
            if (name == MetadataKey)
                throw new ArgumentException($"{op}: '{MetadataKey}' is reserved for the metadata map and cannot name a tensor", nameof(tensors));
            if (tensor is null)
                throw new ArgumentException($"{op}: tensor '{name}' is null", nameof(tensors));
            var (dtypeName, rank) = tensor.DType switch
            {
                DType.Bool => ("BOOL", 0),
                DType.Float32 => ("F32", 1),
                DType.Float64 => ("F64", 2),
                _ => ("I64", 3),
            };
            items.Add(new Planned(name, StrictUtf8(op, "tensor name", name), tensor, dtypeName, rank, 0, 0));
        }

        // The reference writer's order: larger alignment first, then names by their UTF-8 bytes.
        items.Sort((a, b) =>
        {
            int c = b.AlignmentRank.CompareTo(a.AlignmentRank);
            return c != 0 ? c : a.NameUtf8.AsSpan().SequenceCompareTo(b.NameUtf8);
        });

        long offset = 0;
        for (int i = 0; i < items.Count; i++)
        {
            long bytes = (long)items[i].Tensor.Numel() * items[i].Tensor.DType.ItemSize();
            items[i] = items[i] with { Begin = offset, End = offset + bytes };
            offset += bytes;
        }

        var json = new StringBuilder();
        json.Append('{');
        if (metadata is not null)
        {
            var keys = new List<(byte[] Utf8, string Key, string Value)>(metadata.Count);
            foreach (var (key, value) in metadata)
            {
                if (value is null) throw new ArgumentException($"{op}: metadata value of '{key}' is null", nameof(metadata));
                StrictUtf8(op, "metadata value", value);
                keys.Add((StrictUtf8(op, "metadata key", key), key, value));
            }
            keys.Sort((a, b) => a.Utf8.AsSpan().SequenceCompareTo(b.Utf8));
            AppendJsonString(json, MetadataKey);
            json.Append(":{");
            for (int i = 0; i < keys.Count; i++)
            {
                if (i > 0) json.Append(',');
                AppendJsonString(json, keys[i].Key);
                json.Append(':');
                AppendJsonString(json, keys[i].Value);
            }
            json.Append('}');
            if (items.Count > 0) json.Append(',');
        }
        for (int i = 0; i < items.Count; i++)
        {
            var t = items[i];
            if (i > 0) json.Append(',');
            AppendJsonString(json, t.Name);
            json.Append(":{\"dtype\":\"").Append(t.DTypeName).Append("\",\"shape\":[");
            var sizes = t.Tensor.Layout.Sizes;
            for (int d = 0; d < sizes.Length; d++)
            {
                if (d > 0) json.Append(',');
                json.Append(sizes[d].ToString(CultureInfo.InvariantCulture));
            }
            json.Append("],\"data_offsets\":[")
                .Append(t.Begin.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(t.End.ToString(CultureInfo.InvariantCulture)).Append("]}");
        }
        json.Append('}');

        // Pad with spaces so that the data buffer starts 8-byte aligned (8 + header length).
        int length = Encoding.UTF8.GetByteCount(json.ToString());
        json.Append(' ', (8 - length % 8) % 8);
        var header = Encoding.UTF8.GetBytes(json.ToString());
        if (header.Length > MaxHeaderBytes)
            throw new ArgumentException($"{op}: the header would be {header.Length} bytes, more than the {MaxHeaderBytes} bytes readers accept");
        return new WritePlanData(header, items, offset);
    }

    private static void WritePlan(Stream stream, WritePlanData plan)
    {
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)plan.Header.Length);
        stream.Write(prefix);
        stream.Write(plan.Header);
        foreach (var t in plan.Tensors) WriteTensorData(stream, t.Tensor);
    }

    /// <summary>Writes the elements of <paramref name="tensor"/> in row-major order, little-endian.</summary>
    private static void WriteTensorData(Stream stream, Tensor tensor)
    {
        int n = tensor.Numel();
        if (n == 0) return;
        // Views that are not packed row-major (transposes, steps, expands) are written from a packed copy.
        var packed = tensor.IsContiguous() ? tensor : tensor.CloneRaw();
        if (!packed.Device.IsCpu) packed = packed.Cpu(); // device tensors are saved from a host copy
        int start = packed.Layout.Offset;
        switch (packed.Storage)
        {
            case Storage<float> f: WriteElements<float>(stream, f.Data.AsSpan(start, n)); break;
            case Storage<double> d: WriteElements<double>(stream, d.Data.AsSpan(start, n)); break;
            case Storage<long> l: WriteElements<long>(stream, l.Data.AsSpan(start, n)); break;
            case Storage<bool> b: WriteElements<bool>(stream, b.Data.AsSpan(start, n)); break;
            default: throw new InvalidOperationException($"save: internal error, no writer for storage {packed.Storage.GetType().Name}");
        }
    }

    private static void WriteElements<T>(Stream stream, ReadOnlySpan<T> data) where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        int chunk = ChunkBytes / size;
        byte[]? swapped = BitConverter.IsLittleEndian || size == 1 ? null : new byte[Math.Min(chunk, data.Length) * size];
        for (int i = 0; i < data.Length; i += chunk)
        {
            var bytes = MemoryMarshal.AsBytes(data.Slice(i, Math.Min(chunk, data.Length - i)));
            if (swapped is null)
            {
                stream.Write(bytes);
            }
            else
            {
                var scratch = swapped.AsSpan(0, bytes.Length);
                bytes.CopyTo(scratch);
                SwapByteOrder(scratch, size);
                stream.Write(scratch);
            }
        }
    }

    /// <summary>Reverses the bytes of each element in place (little-endian file data on a big-endian machine).</summary>
    private static void SwapByteOrder(Span<byte> bytes, int size)
    {
        switch (size)
        {
            case 2: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ushort>(bytes), MemoryMarshal.Cast<byte, ushort>(bytes)); break;
            case 4: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, uint>(bytes), MemoryMarshal.Cast<byte, uint>(bytes)); break;
            case 8: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ulong>(bytes), MemoryMarshal.Cast<byte, ulong>(bytes)); break;
        }
    }

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static byte[] StrictUtf8(string op, string what, string text)
    {
        try
        {
            return s_strictUtf8.GetBytes(text);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"{op}: {what} '{text}' is not valid Unicode (an unpaired surrogate), so it has no UTF-8 form", e);
        }
    }

    /// <summary>Appends a JSON string literal escaped the way serde_json (the reference writer) does it.</summary>
    private static void AppendJsonString(StringBuilder json, string text)
    {
        json.Append('"');
        foreach (char c in text)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                default:
                    if (c < 0x20) json.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    else json.Append(c);
                    break;
            }
        }
        json.Append('"');
    }
}
