using System.Runtime.CompilerServices;
using SharpGrad.Graph;
using SharpGrad.Core;
using SharpGrad.Kernels;

namespace SharpGrad;

public partial class Tensor
{
    /// <summary>This tensor converted to <paramref name="dtype"/>; the same tensor when it already has it (<c>tensor.to(dtype)</c>).</summary>
    public Tensor To(DType dtype)
    {
        if (dtype == DType) return this;
        var y = CastRaw(dtype);
        return NeedsGrad(this) && dtype.IsFloatingPoint() ? Record(y, new ToCopyBackward0(DType, Device), this) : y;
    }

    /// <summary>
    /// This tensor on <paramref name="device"/>: a copy there, or the same tensor when it is already there
    /// (<c>tensor.to(device)</c>). Differentiable: the gradient flows back to this tensor's device.
    /// </summary>
    /// <exception cref="InvalidOperationException">A CUDA device without an NVIDIA driver, or an index past the devices present.</exception>
    public Tensor To(Device device) => To(device, DType);

    /// <summary>This tensor on <paramref name="device"/> converted to <paramref name="dtype"/>, in one copy (<c>tensor.to(device, dtype)</c>).</summary>
    /// <exception cref="InvalidOperationException">A CUDA device without an NVIDIA driver, or an index past the devices present.</exception>
    public Tensor To(Device device, DType dtype)
    {
        if (device == Device) return To(dtype);
        var y = AllocForOverwrite(Layout.Sizes, dtype, device);
        Dispatch.Copy(Storage, Layout, y.Storage, y.Layout);
        return NeedsGrad(this) && dtype.IsFloatingPoint() ? Record(y, new ToCopyBackward0(DType, Device), this) : y;
    }

    /// <summary>This tensor in main memory (<c>tensor.cpu()</c>); the same tensor when it is already there.</summary>
    public Tensor Cpu() => To(SharpGrad.Device.Cpu);

    /// <summary>This tensor on CUDA GPU <paramref name="index"/> (<c>tensor.cuda()</c>).</summary>
    /// <exception cref="InvalidOperationException">No NVIDIA driver, or no GPU of that index.</exception>
    public Tensor Cuda(int index = 0) => To(SharpGrad.Device.Cuda(index));

    /// <summary>Converts to float32 (<c>tensor.float()</c>).</summary>
    public Tensor Float() => To(DType.Float32);

    /// <summary>Converts to float64 (<c>tensor.double()</c>).</summary>
    public Tensor Double() => To(DType.Float64);

    /// <summary>Converts to int64, truncating toward zero (<c>tensor.long()</c>).</summary>
    public Tensor Long() => To(DType.Int64);

    /// <summary>Converts to bool, nonzero being true (<c>tensor.bool()</c>).</summary>
    public Tensor Bool() => To(DType.Bool);

    /// <summary>The value of a one-element tensor as <typeparamref name="T"/> (float, double, long, int or bool) (<c>tensor.item()</c>).</summary>
    public T Item<T>() where T : unmanaged
    {
        if (Numel() != 1)
            throw new InvalidOperationException($"item: a Tensor with {Numel()} elements (shape {Core.Shape.Format(Layout.Sizes)}) cannot be converted to a scalar");
        int at = Layout.Offset;
        var host = Storage;
        if (!Device.IsCpu)
        {
            host = Storage.Allocate(DType, 1);
            Dispatch.Copy(Storage, Layout, host, Layout.Contiguous(Layout.Sizes));
            at = 0;
        }
        return host switch
        {
            Storage<float> f => ConvertScalar<float, T>(f.Data[at]),
            Storage<double> d => ConvertScalar<double, T>(d.Data[at]),
            Storage<long> l => ConvertScalar<long, T>(l.Data[at]),
            _ => ConvertScalar<bool, T>(((Storage<bool>)host).Data[at]),
        };
    }

    /// <summary>The value of a one-element tensor as a double (<c>tensor.item()</c>).</summary>
    public double Item() => Item<double>();

    /// <summary>The elements in row-major order as a new flat array, converted to <typeparamref name="T"/> (<c>tensor.tolist()</c> flattened).</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        var result = new T[Numel()];
        if (typeof(T) == typeof(int))
        {
            var longs = ToArray<long>();
            for (int i = 0; i < longs.Length; i++) result[i] = (T)(object)checked((int)longs[i]);
            return result;
        }
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double) && typeof(T) != typeof(long) && typeof(T) != typeof(bool))
            throw new NotSupportedException($"tolist: cannot convert to {typeof(T).Name}; use float, double, long, int or bool");
        Dispatch.Copy(Storage, Layout, new Storage<T>(result), Layout.Contiguous(Layout.Sizes));
        return result;
    }

    /// <summary>The elements in row-major order as a float array.</summary>
    public float[] ToArray() => ToArray<float>();

    /// <summary>A converted copy (or this tensor if the dtype matches), outside autograd.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal Tensor CastRaw(DType dtype)
    {
        if (dtype == DType) return this;
        var y = AllocForOverwrite(Layout.Sizes, dtype, Device);
        Dispatch.Copy(Storage, Layout, y.Storage, y.Layout);
        return y;
    }

    /// <summary>Copies <paramref name="src"/> (broadcast to this shape, converted to this dtype) into this tensor's elements, outside autograd.</summary>
    internal void CopyRaw(Tensor src)
    {
        var from = src;
        if (ReferenceEquals(src.Storage, Storage) && !ReferenceEquals(src.Layout, Layout)) from = src.CloneRaw();
        Dispatch.Copy(from.Storage, BroadcastLayout("copy_", from, Layout.Sizes), Storage, Layout);
    }

    /// <summary>Adds <paramref name="other"/> into this tensor, outside autograd (gradient accumulation).</summary>
    internal void AddRaw(Tensor other)
    {
        var b = other.CastRaw(DType);
        Dispatch.Binary(BinaryKind.Add, Storage, Layout, b.Storage, BroadcastLayout("add_", b, Layout.Sizes), Storage, Layout);
        BumpVersion();
    }

    /// <summary>A contiguous copy, outside autograd.</summary>
    internal Tensor CloneRaw()
    {
        var y = AllocForOverwrite(Layout.Sizes, DType, Device);
        Dispatch.Copy(Storage, Layout, y.Storage, y.Layout);
        return y;
    }

    /// <summary>The layout of <paramref name="t"/> broadcast to <paramref name="sizes"/>, checking that it broadcasts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static Layout BroadcastLayout(string op, Tensor t, int[] sizes)
    {
        if (t.Layout.Sizes.AsSpan().SequenceEqual(sizes)) return t.Layout;
        var shape = Core.Shape.Broadcast(op, sizes, t.Layout.Sizes);
        if (!shape.AsSpan().SequenceEqual(sizes))
            throw new ArgumentException($"{op}: output with shape {Core.Shape.Format(sizes)} doesn't match the broadcast shape {Core.Shape.Format(shape)}");
        return t.Layout.BroadcastTo(sizes);
    }

    private static TOut ConvertScalar<TIn, TOut>(TIn value) where TIn : unmanaged where TOut : unmanaged
    {
        if (typeof(TOut) == typeof(int)) return (TOut)(object)checked((int)ElementWise.Convert<TIn, long>(value));
        if (typeof(TOut) == typeof(float) || typeof(TOut) == typeof(double) || typeof(TOut) == typeof(long) || typeof(TOut) == typeof(bool))
            return ElementWise.Convert<TIn, TOut>(value);
        throw new NotSupportedException($"item: cannot convert to {typeof(TOut).Name}; use float, double, long, int or bool");
    }

    private sealed class ToCopyBackward0(DType inputType, Device inputDevice) : Node
    {
        public override string Name => "ToCopyBackward0";
        protected internal override Tensor?[] Backward(Tensor g) => [g.To(inputDevice, inputType)];
    }
}
