using System.Buffers.Binary;

namespace SharpGrad.IO;

/// <summary>The element types of the IDX format: the third byte of an IDX file's magic number.</summary>
public enum IdxType : byte
{
    /// <summary>Unsigned byte, 0..255 (code 0x08; MNIST images and labels).</summary>
    UInt8 = 0x08,
    /// <summary>Signed byte (code 0x09).</summary>
    Int8 = 0x09,
    /// <summary>Signed 16-bit integer, big-endian (code 0x0B).</summary>
    Int16 = 0x0B,
    /// <summary>Signed 32-bit integer, big-endian (code 0x0C).</summary>
    Int32 = 0x0C,
    /// <summary>32-bit float, big-endian (code 0x0D).</summary>
    Float32 = 0x0D,
    /// <summary>64-bit float, big-endian (code 0x0E).</summary>
    Float64 = 0x0E,
}

/// <summary>
/// The content of one IDX file as stored: its element type, its dimensions and its payload bytes
/// (big-endian for multi-byte types, exactly as in the file). Keeps data compact — a byte per MNIST
/// pixel — where <see cref="ToTensor"/> would widen it to int64.
/// </summary>
public sealed class IdxArray
{
    /// <summary>Wraps a payload (not copied) after checking that its length matches the type and dimensions.</summary>
    /// <param name="type">The element type.</param>
    /// <param name="shape">The dimensions, at least one, none negative.</param>
    /// <param name="data">The payload: <c>product(shape) * ItemSize(type)</c> bytes, multi-byte values big-endian.</param>
    public IdxArray(IdxType type, int[] shape, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        if (!Enum.IsDefined(type))
            throw new ArgumentException($"idx: unknown element type code 0x{(byte)type:X2}", nameof(type));
        if (shape.Length is 0 or > 255)
            throw new ArgumentException($"idx: an IDX array has 1 to 255 dimensions, got {shape.Length}", nameof(shape));
        long numel = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"idx: negative dimension in shape {Core.Shape.Format(shape)}", nameof(shape));
            numel = checked(numel * d);
        }
        long bytes = checked(numel * ItemSize(type));
        if (bytes != data.Length)
            throw new ArgumentException(
                $"idx: shape {Core.Shape.Format(shape)} of {TypeName(type)} needs {bytes} bytes of data, but {data.Length} were given", nameof(data));
        Type = type;
        _shape = (int[])shape.Clone();
        Data = data;
        Numel = (int)numel;
    }

    /// <summary>The element type.</summary>
    public IdxType Type { get; }

    private readonly int[] _shape;

    /// <summary>The dimensions, a fresh copy.</summary>
    public int[] Shape => (int[])_shape.Clone();

    /// <summary>The payload bytes as stored in the file (multi-byte values big-endian).</summary>
    public byte[] Data { get; }

    /// <summary>The number of elements, the product of <see cref="Shape"/>.</summary>
    public int Numel { get; }

    /// <summary>Size of one element in bytes.</summary>
    public static int ItemSize(IdxType type) => type switch
    {
        IdxType.UInt8 or IdxType.Int8 => 1,
        IdxType.Int16 => 2,
        IdxType.Int32 or IdxType.Float32 => 4,
        IdxType.Float64 => 8,
        _ => throw new ArgumentException($"idx: unknown element type code 0x{(byte)type:X2}", nameof(type)),
    };

    /// <summary>The short name used in messages: u8, i8, i16, i32, f32, f64.</summary>
    public static string TypeName(IdxType type) => type switch
    {
        IdxType.UInt8 => "u8",
        IdxType.Int8 => "i8",
        IdxType.Int16 => "i16",
        IdxType.Int32 => "i32",
        IdxType.Float32 => "f32",
        IdxType.Float64 => "f64",
        _ => $"0x{(byte)type:X2}",
    };

    /// <summary>
    /// The data as a tensor of <see cref="Shape"/>: integer types become int64 (SharpGrad has no
    /// narrower integer dtype), f32 becomes float32 and f64 float64.
    /// </summary>
    public Tensor ToTensor()
    {
        var bytes = Data.AsSpan();
        switch (Type)
        {
            case IdxType.Float32:
            {
                var values = new float[Numel];
                for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleBigEndian(bytes.Slice(4 * i, 4));
                return Tensor.FromBuffer(values, _shape);
            }
            case IdxType.Float64:
            {
                var values = new double[Numel];
                for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadDoubleBigEndian(bytes.Slice(8 * i, 8));
                return Tensor.FromBuffer(values, _shape);
            }
            default:
            {
                var values = new long[Numel];
                switch (Type)
                {
                    case IdxType.UInt8:
                        for (int i = 0; i < values.Length; i++) values[i] = bytes[i];
                        break;
                    case IdxType.Int8:
                        for (int i = 0; i < values.Length; i++) values[i] = (sbyte)bytes[i];
                        break;
                    case IdxType.Int16:
                        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadInt16BigEndian(bytes.Slice(2 * i, 2));
                        break;
                    default:
                        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.Slice(4 * i, 4));
                        break;
                }
                return Tensor.FromBuffer(values, _shape);
            }
        }
    }

    /// <summary>
    /// Converts a tensor to IDX data. Without <paramref name="type"/>: float32 → f32, float64 → f64,
    /// int64 → i32, bool → u8. An explicit integer type (e.g. <see cref="IdxType.UInt8"/> for images
    /// held as int64 0..255) takes int64 or bool tensors and checks that every value fits; float types
    /// take any tensor. Floats are never silently truncated to integers.
    /// </summary>
    /// <exception cref="ArgumentException">A 0-d tensor, a float tensor with an integer type, or a value out of the type's range.</exception>
    public static IdxArray FromTensor(Tensor tensor, IdxType? type = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.NDim == 0)
            throw new ArgumentException("idx write: a 0-d tensor cannot be stored, IDX data has at least one dimension (reshape it to [1])", nameof(tensor));
        IdxType target = type ?? tensor.DType switch
        {
            DType.Float32 => IdxType.Float32,
            DType.Float64 => IdxType.Float64,
            DType.Int64 => IdxType.Int32,
            _ => IdxType.UInt8,
        };
        int itemSize = ItemSize(target);
        int[] shape = tensor.Shape;
        int n = tensor.Numel();
        var data = new byte[checked((long)n * itemSize)];
        var span = data.AsSpan();
        if (target == IdxType.Float32)
        {
            var values = tensor.ToArray<float>();
            for (int i = 0; i < n; i++) BinaryPrimitives.WriteSingleBigEndian(span.Slice(4 * i, 4), values[i]);
        }
        else if (target == IdxType.Float64)
        {
            var values = tensor.ToArray<double>();
            for (int i = 0; i < n; i++) BinaryPrimitives.WriteDoubleBigEndian(span.Slice(8 * i, 8), values[i]);
        }
        else
        {
            if (tensor.IsFloatingPoint())
                throw new ArgumentException(
                    $"idx write: cannot store a {tensor.DType.TorchName()} tensor as {TypeName(target)} without losing the fractions; use IdxType.Float32/Float64 or convert with .Long()", nameof(type));
            var values = tensor.ToArray<long>();
            (long min, long max) = target switch
            {
                IdxType.UInt8 => (byte.MinValue, byte.MaxValue),
                IdxType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
                IdxType.Int16 => (short.MinValue, short.MaxValue),
                _ => ((long)int.MinValue, (long)int.MaxValue),
            };
            for (int i = 0; i < n; i++)
            {
                long v = values[i];
                if (v < min || v > max)
                    throw new ArgumentException(
                        $"idx write: value {v} at flat index {i} does not fit in {TypeName(target)} ({min}..{max}); choose a wider IdxType", nameof(tensor));
                switch (target)
                {
                    case IdxType.UInt8: data[i] = (byte)v; break;
                    case IdxType.Int8: data[i] = unchecked((byte)(sbyte)v); break;
                    case IdxType.Int16: BinaryPrimitives.WriteInt16BigEndian(span.Slice(2 * i, 2), (short)v); break;
                    default: BinaryPrimitives.WriteInt32BigEndian(span.Slice(4 * i, 4), (int)v); break;
                }
            }
        }
        return new IdxArray(target, shape, data);
    }
}
