using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Numerics;
using SharpGrad.Core;
using SharpGrad.Kernels.Accelerator;

namespace SharpGrad.Kernels;

internal enum BinaryKind { Add, Sub, Mul, Div, Maximum, Minimum, Pow }

internal enum UnaryKind { Neg, Abs, Relu, Sign, Exp, Log, Log2, Sqrt, Sin, Cos, Tanh, Sigmoid }

internal enum CompareKind { Eq, Ne, Lt, Le, Gt, Ge }

internal enum ReduceKind { Sum, Prod, Max, Min }

/// <summary>
/// Picks the generic kernel instantiation for a runtime dtype. The Tensor layer calls these with
/// operands already converted to one dtype and broadcast to the output's sizes.
/// </summary>
internal static class Dispatch
{
    /// <summary>True for the unary kinds only defined on floating-point values (ints are promoted to float32 first).</summary>
    public static bool IsFloatOnly(UnaryKind kind) => kind >= UnaryKind.Exp;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unary(UnaryKind kind, Storage x, Layout lx, Storage y, Layout ly)
    {
        if (!(y.Device.IsCpu && x.Device.IsCpu)) { OnDevice(Name(kind), y, x).Unary(kind, x, lx, y, ly); return; }
        switch (y)
        {
            case Storage<float> f: UnaryFloat(kind, ((Storage<float>)x).Data, lx, f.Data, ly); break;
            case Storage<double> d: UnaryFloat(kind, ((Storage<double>)x).Data, lx, d.Data, ly); break;
            case Storage<long> l: UnaryNumber(kind, ((Storage<long>)x).Data, lx, l.Data, ly); break;
            default: throw new ArgumentException($"{kind.ToString().ToLowerInvariant()}: not supported for dtype {y.DType.TorchName()}");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Binary(BinaryKind kind, Storage a, Layout la, Storage b, Layout lb, Storage y, Layout ly)
    {
        if (!(y.Device.IsCpu && a.Device.IsCpu && b.Device.IsCpu)) { OnDevice(Name(kind), y, a, b).Binary(kind, a, la, b, lb, y, ly); return; }
        switch (y)
        {
            case Storage<float> f: BinaryFloat(kind, ((Storage<float>)a).Data, la, ((Storage<float>)b).Data, lb, f.Data, ly); break;
            case Storage<double> d: BinaryFloat(kind, ((Storage<double>)a).Data, la, ((Storage<double>)b).Data, lb, d.Data, ly); break;
            case Storage<long> l: BinaryNumber(kind, ((Storage<long>)a).Data, la, ((Storage<long>)b).Data, lb, l.Data, ly); break;
            default: throw new ArgumentException($"{kind.ToString().ToLowerInvariant()}: not supported for dtype {y.DType.TorchName()}");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compare(CompareKind kind, Storage a, Layout la, Storage b, Layout lb, Storage ys, Layout ly)
    {
        if (!(ys.Device.IsCpu && a.Device.IsCpu && b.Device.IsCpu)) { OnDevice(Name(kind), ys, a, b).Compare(kind, a, la, b, lb, ys, ly); return; }
        var y = ((Storage<bool>)ys).Data;
        switch (a)
        {
            case Storage<float> f: Compare(kind, f.Data, la, ((Storage<float>)b).Data, lb, y, ly); break;
            case Storage<double> d: Compare(kind, d.Data, la, ((Storage<double>)b).Data, lb, y, ly); break;
            case Storage<long> l: Compare(kind, l.Data, la, ((Storage<long>)b).Data, lb, y, ly); break;
            default: throw new ArgumentException($"{kind.ToString().ToLowerInvariant()}: not supported for dtype {a.DType.TorchName()}");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Reduce(ReduceKind kind, Storage x, Layout lx, Storage y, Layout ly)
    {
        if (!(y.Device.IsCpu && x.Device.IsCpu)) { OnDevice(Name(kind), y, x).Reduce(kind, x, lx, y, ly); return; }
        switch (y)
        {
            case Storage<float> f: Reduce(kind, ((Storage<float>)x).Data, lx, f.Data, ly); break;
            case Storage<double> d: Reduce(kind, ((Storage<double>)x).Data, lx, d.Data, ly); break;
            case Storage<long> l: Reduce(kind, ((Storage<long>)x).Data, lx, l.Data, ly); break;
            default: throw new ArgumentException($"{kind.ToString().ToLowerInvariant()}: not supported for dtype {y.DType.TorchName()}");
        }
    }

    public static void Where(Storage cs, Layout lc, Storage a, Layout la, Storage b, Layout lb, Storage y, Layout ly)
    {
        if (!(y.Device.IsCpu && cs.Device.IsCpu && a.Device.IsCpu && b.Device.IsCpu)) { OnDevice("where", y, a, b, cs).Where(cs, lc, a, la, b, lb, y, ly); return; }
        var c = Devices.Host<bool>(cs, "where");
        switch (y)
        {
            case Storage<float> f: ElementWise.Where(c, lc, ((Storage<float>)a).Data, la, ((Storage<float>)b).Data, lb, f.Data, ly); break;
            case Storage<double> d: ElementWise.Where(c, lc, ((Storage<double>)a).Data, la, ((Storage<double>)b).Data, lb, d.Data, ly); break;
            case Storage<long> l: ElementWise.Where(c, lc, ((Storage<long>)a).Data, la, ((Storage<long>)b).Data, lb, l.Data, ly); break;
            case Storage<bool> q: ElementWise.Where(c, lc, ((Storage<bool>)a).Data, la, ((Storage<bool>)b).Data, lb, q.Data, ly); break;
        }
    }

    /// <summary>Copies src into dst (same sizes), converting dtype.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Copy(Storage src, Layout ls, Storage dst, Layout ld)
    {
        if (!(src.Device.IsCpu && dst.Device.IsCpu)) { AcceleratorBackend.Copy(src, ls, dst, ld); return; }
        switch (src)
        {
            case Storage<float> f: CopyFrom(f.Data, ls, dst, ld); break;
            case Storage<double> d: CopyFrom(d.Data, ls, dst, ld); break;
            case Storage<long> l: CopyFrom(l.Data, ls, dst, ld); break;
            case Storage<bool> q: CopyFrom(q.Data, ls, dst, ld); break;
        }
    }

    /// <summary>Writes <paramref name="value"/> (converted to the dtype) into every element of the layout.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fill(Storage y, Layout ly, double value)
    {
        if (!y.Device.IsCpu) { Devices.Backend(y).Fill(y, ly, value); return; }
        switch (y)
        {
            case Storage<float> f: ElementWise.Fill(f.Data, ly, (float)value); break;
            case Storage<double> d: ElementWise.Fill(d.Data, ly, value); break;
            case Storage<long> l: ElementWise.Fill(l.Data, ly, ElementWise.Convert<double, long>(value)); break;
            case Storage<bool> q: ElementWise.Fill(q.Data, ly, value != 0); break;
        }
    }

    /// <summary>The sum of the element-wise product of two float32 or float64 operands of the same sizes, or null when <see cref="ElementWise.SumOfProducts"/> does not apply.</summary>
    public static double? SumOfProducts(Storage a, Layout la, Storage b, Layout lb)
    {
        if (!(a.Device.IsCpu && b.Device.IsCpu)) return null;
        switch (a)
        {
            case Storage<float> f when b is Storage<float> fb:
                return ElementWise.SumOfProducts(f.Data, la, fb.Data, lb, out float rf) ? rf : null;
            case Storage<double> d when b is Storage<double> db:
                return ElementWise.SumOfProducts(d.Data, la, db.Data, lb, out double rd) ? rd : null;
            default:
                return null;
        }
    }

    /// <summary>C = A B for 2-D layouts (C contiguous), any dtype but bool.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MatMul(Storage a, Layout la, Storage b, Layout lb, Storage c, int cOff, bool accumulate = false)
    {
        if (!(c.Device.IsCpu && a.Device.IsCpu && b.Device.IsCpu)) { OnDevice("matmul", c, a, b).MatMul(a, la, b, lb, c, cOff, accumulate); return; }
        int m = la.Sizes[0], k = la.Sizes[1], n = lb.Sizes[1];
        switch (c)
        {
            case Storage<float> f:
                Gemm.MatMul(((Storage<float>)a).Data, la.Offset, la.Strides[0], la.Strides[1], ((Storage<float>)b).Data, lb.Offset, lb.Strides[0], lb.Strides[1], f.Data, cOff, m, n, k, accumulate);
                break;
            case Storage<double> d:
                Gemm.MatMul(((Storage<double>)a).Data, la.Offset, la.Strides[0], la.Strides[1], ((Storage<double>)b).Data, lb.Offset, lb.Strides[0], lb.Strides[1], d.Data, cOff, m, n, k, accumulate);
                break;
            case Storage<long> l:
                Gemm.MatMul(((Storage<long>)a).Data, la.Offset, la.Strides[0], la.Strides[1], ((Storage<long>)b).Data, lb.Offset, lb.Strides[0], lb.Strides[1], l.Data, cOff, m, n, k, accumulate);
                break;
            default: throw new ArgumentException($"matmul: not supported for dtype {c.DType.TorchName()}");
        }
    }

    /// <summary>Index of the max (or min) of each contiguous row.</summary>
    public static void ArgRows(Storage x, int offset, int rows, int n, Storage results, bool max)
    {
        if (!(x.Device.IsCpu && results.Device.IsCpu)) { OnDevice(max ? "argmax" : "argmin", results, x).ArgRows(x, offset, rows, n, results, max); return; }
        var result = ((Storage<long>)results).Data;
        switch (x)
        {
            case Storage<float> f: Kernels.Reduce.ArgRows(f.Data, offset, rows, n, result, max); break;
            case Storage<double> d: Kernels.Reduce.ArgRows(d.Data, offset, rows, n, result, max); break;
            case Storage<long> l: Kernels.Reduce.ArgRows(l.Data, offset, rows, n, result, max); break;
            default: throw new ArgumentException($"{(max ? "argmax" : "argmin")}: not supported for dtype {x.DType.TorchName()}");
        }
    }

    /// <summary>Softmax or log-softmax of <paramref name="rows"/> contiguous rows of <paramref name="n"/> elements into contiguous y.</summary>
    public static void SoftmaxRows(Storage x, int offset, Storage y, int rows, int n, bool log)
    {
        if (!(x.Device.IsCpu && y.Device.IsCpu)) { OnDevice(log ? "log_softmax" : "softmax", y, x).SoftmaxRows(x, offset, y, rows, n, log); return; }
        if (y is Storage<float> f) Kernels.SoftmaxRows.Forward(((Storage<float>)x).Data, offset, f.Data, rows, n, log);
        else Kernels.SoftmaxRows.Forward(((Storage<double>)x).Data, offset, ((Storage<double>)y).Data, rows, n, log);
    }

    /// <summary>The gradient of <see cref="SoftmaxRows(Storage, int, Storage, int, int, bool)"/> from its result y, into contiguous dx.</summary>
    public static void SoftmaxRowsBackward(Storage g, int gOffset, Storage y, int yOffset, Storage dx, int rows, int n, bool log)
    {
        if (!(g.Device.IsCpu && y.Device.IsCpu && dx.Device.IsCpu)) { OnDevice(log ? "log_softmax_backward" : "softmax_backward", dx, g, y).SoftmaxRowsBackward(g, gOffset, y, yOffset, dx, rows, n, log); return; }
        if (dx is Storage<float> f) Kernels.SoftmaxRows.Backward(((Storage<float>)g).Data, gOffset, ((Storage<float>)y).Data, yOffset, f.Data, rows, n, log);
        else Kernels.SoftmaxRows.Backward(((Storage<double>)g).Data, gOffset, ((Storage<double>)y).Data, yOffset, ((Storage<double>)dx).Data, rows, n, log);
    }

    /// <summary>dx = g · (y &gt; 0) for contiguous operands of one float dtype (ReLU's gradient from its result).</summary>
    public static void ReluBackward(Storage g, int gOffset, Storage y, int yOffset, Storage dx, int n)
    {
        if (!(g.Device.IsCpu && y.Device.IsCpu && dx.Device.IsCpu)) { OnDevice("threshold_backward", dx, g, y).ReluBackward(g, gOffset, y, yOffset, dx, n); return; }
        if (dx is Storage<float> f) ReluGrad(((Storage<float>)g).Data.AsSpan(gOffset, n), ((Storage<float>)y).Data.AsSpan(yOffset, n), f.Data);
        else ReluGrad(((Storage<double>)g).Data.AsSpan(gOffset, n), ((Storage<double>)y).Data.AsSpan(yOffset, n), ((Storage<double>)dx).Data);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ReluGrad<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> result) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0, width = Vector<T>.Count;
        ref T rg = ref MemoryMarshal.GetReference(g), ry = ref MemoryMarshal.GetReference(y), rr = ref MemoryMarshal.GetReference(result);
        for (; i + width <= g.Length; i += width)
        {
            var mask = Vector.GreaterThan(Vector.LoadUnsafe(ref ry, (nuint)i), Vector<T>.Zero);
            var factor = Vector.ConditionalSelect(mask, Vector<T>.One, Vector<T>.Zero);
            (Vector.LoadUnsafe(ref rg, (nuint)i) * factor).StoreUnsafe(ref rr, (nuint)i);
        }
        for (; i < g.Length; i++)
            Unsafe.Add(ref rr, i) = Unsafe.Add(ref rg, i) * (Unsafe.Add(ref ry, i) > T.Zero ? T.One : T.Zero);
    }

    /// <summary>
    /// The backend that runs an op whose output is <paramref name="y"/>: the output's device. An output on the CPU with
    /// an operand on a device means the op has no device kernel (it allocated its result on the CPU).
    /// </summary>
    internal static AcceleratorBackend OnDevice(string op, Storage y, Storage a, Storage? b = null, Storage? c = null)
    {
        if (y is DeviceStorage d) return d.Backend;
        var device = !a.Device.IsCpu ? a : b is not null && !b.Device.IsCpu ? b : c!;
        throw Devices.NoKernel(op, device.Device, device.DType);
    }

    private static string Name<TKind>(TKind kind) where TKind : struct, Enum => KindNames<TKind>.Of(kind);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyFrom<TSrc>(TSrc[] src, Layout ls, Storage dst, Layout ld)
    {
        switch (dst)
        {
            case Storage<float> f: ElementWise.Copy(src, ls, f.Data, ld); break;
            case Storage<double> d: ElementWise.Copy(src, ls, d.Data, ld); break;
            case Storage<long> l: ElementWise.Copy(src, ls, l.Data, ld); break;
            case Storage<bool> q: ElementWise.Copy(src, ls, q.Data, ld); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void UnaryFloat<T>(UnaryKind kind, T[] x, Layout lx, T[] y, Layout ly) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (kind)
        {
            case UnaryKind.Exp: ElementWise.Unary<T, ExpOp<T>>(x, lx, y, ly); break;
            case UnaryKind.Log: ElementWise.Unary<T, LogOp<T>>(x, lx, y, ly); break;
            case UnaryKind.Log2: ElementWise.Unary<T, Log2Op<T>>(x, lx, y, ly); break;
            case UnaryKind.Sqrt: ElementWise.Unary<T, SqrtOp<T>>(x, lx, y, ly); break;
            case UnaryKind.Sin: ElementWise.Unary<T, SinOp<T>>(x, lx, y, ly); break;
            case UnaryKind.Cos: ElementWise.Unary<T, CosOp<T>>(x, lx, y, ly); break;
            case UnaryKind.Tanh: ElementWise.Unary<T, TanhOp<T>>(x, lx, y, ly); break;
            case UnaryKind.Sigmoid: ElementWise.Unary<T, SigmoidOp<T>>(x, lx, y, ly); break;
            default: UnaryNumber(kind, x, lx, y, ly); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void UnaryNumber<T>(UnaryKind kind, T[] x, Layout lx, T[] y, Layout ly) where T : unmanaged, INumber<T>
    {
        switch (kind)
        {
            case UnaryKind.Neg: ElementWise.Unary<T, NegOp<T>>(x, lx, y, ly); break;
            case UnaryKind.Abs: ElementWise.Unary<T, AbsOp<T>>(x, lx, y, ly); break;
            case UnaryKind.Relu: ElementWise.Unary<T, ReluOp<T>>(x, lx, y, ly); break;
            case UnaryKind.Sign: ElementWise.Unary<T, SignOp<T>>(x, lx, y, ly); break;
            default: throw new ArgumentException($"{kind.ToString().ToLowerInvariant()}: not supported for dtype {DTypeInfo.Of<T>().TorchName()}");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BinaryFloat<T>(BinaryKind kind, T[] a, Layout la, T[] b, Layout lb, T[] y, Layout ly) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (kind == BinaryKind.Pow) ElementWise.Binary<T, PowOp<T>>(a, la, b, lb, y, ly);
        else BinaryNumber(kind, a, la, b, lb, y, ly);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BinaryNumber<T>(BinaryKind kind, T[] a, Layout la, T[] b, Layout lb, T[] y, Layout ly) where T : unmanaged, INumber<T>
    {
        switch (kind)
        {
            case BinaryKind.Add: ElementWise.Binary<T, AddOp<T>>(a, la, b, lb, y, ly); break;
            case BinaryKind.Sub: ElementWise.Binary<T, SubOp<T>>(a, la, b, lb, y, ly); break;
            case BinaryKind.Mul: ElementWise.Binary<T, MulOp<T>>(a, la, b, lb, y, ly); break;
            case BinaryKind.Div: ElementWise.Binary<T, DivOp<T>>(a, la, b, lb, y, ly); break;
            case BinaryKind.Maximum: ElementWise.Binary<T, MaxOp<T>>(a, la, b, lb, y, ly); break;
            case BinaryKind.Minimum: ElementWise.Binary<T, MinOp<T>>(a, la, b, lb, y, ly); break;
            case BinaryKind.Pow: ElementWise.Binary<T, IntPowOp<T>>(a, la, b, lb, y, ly); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compare<T>(CompareKind kind, T[] a, Layout la, T[] b, Layout lb, bool[] y, Layout ly) where T : unmanaged, INumber<T>
    {
        switch (kind)
        {
            case CompareKind.Eq: ElementWise.Compare<T, EqOp<T>>(a, la, b, lb, y, ly); break;
            case CompareKind.Ne: ElementWise.Compare<T, NeOp<T>>(a, la, b, lb, y, ly); break;
            case CompareKind.Lt: ElementWise.Compare<T, LtOp<T>>(a, la, b, lb, y, ly); break;
            case CompareKind.Le: ElementWise.Compare<T, LeOp<T>>(a, la, b, lb, y, ly); break;
            case CompareKind.Gt: ElementWise.Compare<T, GtOp<T>>(a, la, b, lb, y, ly); break;
            case CompareKind.Ge: ElementWise.Compare<T, GeOp<T>>(a, la, b, lb, y, ly); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Reduce<T>(ReduceKind kind, T[] x, Layout lx, T[] y, Layout ly) where T : unmanaged, INumber<T>
    {
        switch (kind)
        {
            case ReduceKind.Sum: Kernels.Reduce.Run<T, SumReduce<T>>(x, lx, y, ly); break;
            case ReduceKind.Prod: Kernels.Reduce.Run<T, ProdReduce<T>>(x, lx, y, ly); break;
            case ReduceKind.Max: Kernels.Reduce.Run<T, MaxReduce<T>>(x, lx, y, ly); break;
            case ReduceKind.Min: Kernels.Reduce.Run<T, MinReduce<T>>(x, lx, y, ly); break;
        }
    }
}

/// <summary>Integer power by repeated squaring; a negative exponent is an error, as in PyTorch.</summary>
internal struct IntPowOp<T> : IBinaryOp<T> where T : INumber<T>
{
    public static T Apply(T a, T b)
    {
        if (b < T.Zero) throw new ArgumentException("pow: integers to negative integer powers are not allowed");
        T result = T.One;
        T two = T.One + T.One;
        while (b > T.Zero)
        {
            if (T.IsOddInteger(b)) result *= a;
            a *= a;
            b /= two;
        }
        return result;
    }

    public static void Apply(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) { for (int i = 0; i < y.Length; i++) y[i] = Apply(a[i], b[i]); }
    public static void Apply(ReadOnlySpan<T> a, T b, Span<T> y) { for (int i = 0; i < y.Length; i++) y[i] = Apply(a[i], b); }
    public static void Apply(T a, ReadOnlySpan<T> b, Span<T> y) { for (int i = 0; i < y.Length; i++) y[i] = Apply(a, b[i]); }
}
