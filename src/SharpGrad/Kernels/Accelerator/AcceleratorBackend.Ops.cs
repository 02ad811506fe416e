using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;
using SharpGrad.Core;

namespace SharpGrad.Kernels.Accelerator;

internal sealed partial class AcceleratorBackend
{
    /// <summary>
    /// On the CPU simulator, products of more multiply-adds than this (m n k) run <see cref="GemmKernel.Plain{T}"/>: every
    /// group barrier of the tiled kernel is an OS-thread rendezvous there. Smaller ones (the tests) run the tiled kernel.
    /// </summary>
    internal const long SimulatorTiledGemmLimit = 32 * 32 * 32;

    private readonly KernelSet<float> _f32 = new();
    private readonly KernelSet<double> _f64 = new();
    private readonly KernelSet<long> _i64 = new();
    private readonly KernelSet<byte> _bool = new();

    public void Unary(UnaryKind kind, Storage x, Layout lx, Storage y, Layout ly)
    {
        string op = KindNames<UnaryKind>.Of(kind);
        switch (y.DType)
        {
            case DType.Float32: Unary(_f32, nameof(ElementKernels.UnaryFloat), op, kind, x, lx, y, ly); break;
            case DType.Float64: Unary(_f64, nameof(ElementKernels.UnaryFloat), op, kind, x, lx, y, ly); break;
            case DType.Int64: Unary(_i64, nameof(ElementKernels.UnaryInt), op, kind, x, lx, y, ly); break;
            default: throw NoKernel(op, y);
        }
    }

    public void Binary(BinaryKind kind, Storage a, Layout la, Storage b, Layout lb, Storage y, Layout ly)
    {
        string op = KindNames<BinaryKind>.Of(kind);
        switch (y.DType)
        {
            case DType.Float32: Binary(_f32, nameof(ElementKernels.BinaryFloat), op, (int)kind, a, la, b, lb, y, ly); break;
            case DType.Float64: Binary(_f64, nameof(ElementKernels.BinaryFloat), op, (int)kind, a, la, b, lb, y, ly); break;
            case DType.Int64: Binary(_i64, nameof(ElementKernels.BinaryInt), op, (int)kind, a, la, b, lb, y, ly); break;
            default: throw NoKernel(op, y);
        }
    }

    public void Compare(CompareKind kind, Storage a, Layout la, Storage b, Layout lb, Storage y, Layout ly)
    {
        string op = KindNames<CompareKind>.Of(kind);
        switch (a.DType)
        {
            case DType.Float32: Compare(_f32, op, (int)kind, a, la, b, lb, y, ly); break;
            case DType.Float64: Compare(_f64, op, (int)kind, a, la, b, lb, y, ly); break;
            case DType.Int64: Compare(_i64, op, (int)kind, a, la, b, lb, y, ly); break;
            default: throw NoKernel(op, a);
        }
    }

    public void Where(Storage c, Layout lc, Storage a, Layout la, Storage b, Layout lb, Storage y, Layout ly)
    {
        switch (y.DType)
        {
            case DType.Float32: Where(_f32, c, lc, a, la, b, lb, y, ly); break;
            case DType.Float64: Where(_f64, c, lc, a, la, b, lb, y, ly); break;
            case DType.Int64: Where(_i64, c, lc, a, la, b, lb, y, ly); break;
            default: Where(_bool, c, lc, a, la, b, lb, y, ly); break;
        }
    }

    public void Fill(Storage y, Layout ly, double value)
    {
        switch (y.DType)
        {
            case DType.Float32: Fill(_f32, y, ly, (float)value); break;
            case DType.Float64: Fill(_f64, y, ly, value); break;
            case DType.Int64: Fill(_i64, y, ly, default(Int64Element).FromDouble(value)); break;
            default: Fill(_bool, y, ly, default(BoolElement).FromDouble(value)); break;
        }
    }

    public void Reduce(ReduceKind kind, Storage x, Layout lx, Storage y, Layout ly)
    {
        switch (y.DType)
        {
            case DType.Float32: Reduce(_f32, kind, x, lx, y, ly, kind switch { ReduceKind.Max => float.NegativeInfinity, ReduceKind.Min => float.PositiveInfinity, ReduceKind.Prod => 1f, _ => 0f }); break;
            case DType.Float64: Reduce(_f64, kind, x, lx, y, ly, kind switch { ReduceKind.Max => double.NegativeInfinity, ReduceKind.Min => double.PositiveInfinity, ReduceKind.Prod => 1d, _ => 0d }); break;
            case DType.Int64: Reduce(_i64, kind, x, lx, y, ly, kind switch { ReduceKind.Max => long.MinValue, ReduceKind.Min => long.MaxValue, ReduceKind.Prod => 1L, _ => 0L }); break;
            default: throw NoKernel(KindNames<ReduceKind>.Of(kind), y);
        }
    }

    public void MatMul(Storage a, Layout la, Storage b, Layout lb, Storage c, int cOff, bool accumulate)
    {
        switch (c.DType)
        {
            case DType.Float32: MatMul(_f32, a, la, b, lb, c, cOff, accumulate); break;
            case DType.Float64: MatMul(_f64, a, la, b, lb, c, cOff, accumulate); break;
            case DType.Int64: MatMul(_i64, a, la, b, lb, c, cOff, accumulate); break;
            default: throw NoKernel("matmul", c);
        }
    }

    public void ArgRows(Storage x, int offset, int rows, int n, Storage result, bool max)
    {
        switch (x.DType)
        {
            case DType.Float32: ArgRows(_f32, x, offset, rows, n, result, max); break;
            case DType.Float64: ArgRows(_f64, x, offset, rows, n, result, max); break;
            case DType.Int64: ArgRows(_i64, x, offset, rows, n, result, max); break;
            default: throw NoKernel(max ? "argmax" : "argmin", x);
        }
    }

    public void SoftmaxRows(Storage x, int offset, Storage y, int rows, int n, bool log)
    {
        if (x.DType == DType.Float32) SoftmaxRows(_f32, x, offset, y, rows, n, log);
        else SoftmaxRows(_f64, x, offset, y, rows, n, log);
    }

    public void SoftmaxRowsBackward(Storage g, int gOffset, Storage y, int yOffset, Storage dx, int rows, int n, bool log)
    {
        if (y.DType == DType.Float32) SoftmaxRowsBackward(_f32, g, gOffset, y, yOffset, dx, rows, n, log);
        else SoftmaxRowsBackward(_f64, g, gOffset, y, yOffset, dx, rows, n, log);
    }

    public void ReluBackward(Storage g, int gOffset, Storage y, int yOffset, Storage dx, int n)
    {
        if (y.DType == DType.Float32) ReluBackward(_f32, g, gOffset, y, yOffset, dx, n);
        else ReluBackward(_f64, g, gOffset, y, yOffset, dx, n);
    }

    private void Unary<T>(KernelSet<T> k, string method, string op, UnaryKind kind, Storage x, Layout lx, Storage y, Layout ly) where T : unmanaged
    {
        var kernel = Load(ref k.Unary, acc => acc.LoadAutoGroupedStreamKernel(
            Method<Action<Index1D, ArrayView<T>, ArrayView<T>, int, ElementGeometry>>(typeof(ElementKernels), method, typeof(T))));
        if (ly.Numel > 0) lock (_stream) kernel(ly.Numel, Mine<T>(op, x), Mine<T>(op, y), (int)kind, ElementGeometry.Of(op, ly, lx));
        GC.KeepAlive(x);
        GC.KeepAlive(y);
    }

    private void Binary<T>(KernelSet<T> k, string method, string op, int kind, Storage a, Layout la, Storage b, Layout lb, Storage y, Layout ly) where T : unmanaged
    {
        var kernel = Load(ref k.Binary, acc => acc.LoadAutoGroupedStreamKernel(
            Method<Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, BinaryArgs<T>, ElementGeometry>>(typeof(ElementKernels), method, typeof(T))));
        if (ly.Numel == 0) return;
        var yv = Mine<T>(op, y);
        var p = new BinaryArgs<T> { Kind = kind };
        var av = Operand(op, a, la, yv, out p.AIsScalar, out p.AScalar);
        var bv = Operand(op, b, lb, yv, out p.BIsScalar, out p.BScalar);
        lock (_stream) kernel(ly.Numel, av, bv, yv, p, ElementGeometry.Of(op, ly, la, lb));
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        GC.KeepAlive(y);
    }

    private void Compare<T>(KernelSet<T> k, string op, int kind, Storage a, Layout la, Storage b, Layout lb, Storage y, Layout ly) where T : unmanaged
    {
        var kernel = Load(ref k.Compare, acc => acc.LoadAutoGroupedStreamKernel(
            Method<Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<byte>, BinaryArgs<T>, ElementGeometry>>(typeof(ElementKernels), nameof(ElementKernels.Compare), typeof(T))));
        if (ly.Numel == 0) return;
        var yv = Mine<byte>(op, y);
        var p = new BinaryArgs<T> { Kind = kind };
        var dummy = yv.Cast<T>();
        var av = Operand(op, a, la, dummy, out p.AIsScalar, out p.AScalar);
        var bv = Operand(op, b, lb, dummy, out p.BIsScalar, out p.BScalar);
        lock (_stream) kernel(ly.Numel, av, bv, yv, p, ElementGeometry.Of(op, ly, la, lb));
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        GC.KeepAlive(y);
    }

    private void Where<T>(KernelSet<T> k, Storage c, Layout lc, Storage a, Layout la, Storage b, Layout lb, Storage y, Layout ly) where T : unmanaged
    {
        const string op = "where";
        var kernel = Load(ref k.Where, acc => acc.LoadAutoGroupedStreamKernel(
            Method<Action<Index1D, ArrayView<byte>, ArrayView<T>, ArrayView<T>, ArrayView<T>, WhereArgs<T>, ElementGeometry>>(typeof(ElementKernels), nameof(ElementKernels.Where), typeof(T))));
        if (ly.Numel == 0) return;
        var yv = Mine<T>(op, y);
        var p = new WhereArgs<T> { C = Strides8.Of(lc) };
        var av = Operand(op, a, la, yv, out p.AIsScalar, out p.AScalar);
        var bv = Operand(op, b, lb, yv, out p.BIsScalar, out p.BScalar);
        lock (_stream) kernel(ly.Numel, Mine<byte>(op, c), av, bv, yv, p, ElementGeometry.Of(op, ly, la, lb));
        GC.KeepAlive(c);
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        GC.KeepAlive(y);
    }

    private void Fill<T>(KernelSet<T> k, Storage y, Layout ly, T value) where T : unmanaged
    {
        var kernel = Load(ref k.Fill, acc => acc.LoadAutoGroupedStreamKernel(
            Method<Action<Index1D, ArrayView<T>, T, ElementGeometry>>(typeof(ElementKernels), nameof(ElementKernels.Fill), typeof(T))));
        if (ly.Numel > 0) lock (_stream) kernel(ly.Numel, Mine<T>("fill_", y), value, ElementGeometry.Of("fill_", ly, ly));
        GC.KeepAlive(y);
    }

    private void Reduce<T>(KernelSet<T> k, ReduceKind kind, Storage x, Layout lx, Storage y, Layout ly, T identity) where T : unmanaged
    {
        string op = KindNames<ReduceKind>.Of(kind);
        var kernel = Load(ref k.Reduce, acc => acc.LoadAutoGroupedStreamKernel(
            Method<Action<Index1D, ArrayView<T>, ArrayView<T>, int, T, ReduceGeometry>>(typeof(RowKernels), nameof(RowKernels.Reduce), typeof(T))));
        var (g, outCount) = ReduceGeometryOf(op, lx, ly);
        if (outCount > 0) lock (_stream) kernel(outCount, Mine<T>(op, x), Mine<T>(op, y), (int)kind, identity, g);
        GC.KeepAlive(x);
        GC.KeepAlive(y);
    }

    private void MatMul<T>(KernelSet<T> k, Storage a, Layout la, Storage b, Layout lb, Storage c, int cOff, bool accumulate) where T : unmanaged
    {
        const string op = "matmul";
        var tileType = IsCpuSimulator ? typeof(Tile4) : typeof(Tile16);
        int tile = IsCpuSimulator ? 4 : 16;
        var kernel = Load(ref k.Gemm, acc => acc.LoadStreamKernel(
            Method<Action<ArrayView<T>, ArrayView<T>, ArrayView<T>, GemmGeometry>>(typeof(GemmKernel), nameof(GemmKernel.Run), typeof(T), tileType)));
        int m = la.Sizes[0], kk = la.Sizes[1], n = lb.Sizes[1];
        if (m == 0 || n == 0) return;
        var g = new GemmGeometry
        {
            M = m, N = n, K = kk, AOffset = la.Offset, BOffset = lb.Offset, COffset = cOff,
            As0 = la.Strides[0], As1 = la.Strides[1], Bs0 = lb.Strides[0], Bs1 = lb.Strides[1], Accumulate = accumulate ? 1 : 0,
        };
        if (IsCpuSimulator && (long)m * n * kk > SimulatorTiledGemmLimit)
        {
            var plain = Load(ref k.GemmPlain, acc => acc.LoadAutoGroupedStreamKernel(
                Method<Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, GemmGeometry>>(typeof(GemmKernel), nameof(GemmKernel.Plain), typeof(T))));
            lock (_stream) plain(m * n, Mine<T>(op, a), Mine<T>(op, b), Mine<T>(op, c), g);
            GC.KeepAlive(a);
            GC.KeepAlive(b);
            GC.KeepAlive(c);
            return;
        }
        var grid = new Index2D((n + tile - 1) / tile, (m + tile - 1) / tile);
        lock (_stream) kernel(new KernelConfig(grid, new Index2D(tile, tile)), Mine<T>(op, a), Mine<T>(op, b), Mine<T>(op, c), g);
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        GC.KeepAlive(c);
    }

    private void ArgRows<T>(KernelSet<T> k, Storage x, int offset, int rows, int n, Storage result, bool max) where T : unmanaged
    {
        string op = max ? "argmax" : "argmin";
        var kernel = Load(ref k.ArgRows, acc => acc.LoadAutoGroupedStreamKernel(
            Method<Action<Index1D, ArrayView<T>, ArrayView<long>, long, int, int>>(typeof(RowKernels), nameof(RowKernels.ArgRows), typeof(T))));
        if (rows > 0) lock (_stream) kernel(rows, Mine<T>(op, x), Mine<long>(op, result), offset, n, max ? 1 : 0);
        GC.KeepAlive(x);
        GC.KeepAlive(result);
    }

    private void SoftmaxRows<T>(KernelSet<T> k, Storage x, int offset, Storage y, int rows, int n, bool log) where T : unmanaged
    {
        string op = log ? "log_softmax" : "softmax";
        var kernel = Load(ref k.Softmax, acc => acc.LoadAutoGroupedStreamKernel(
            Method<Action<Index1D, ArrayView<T>, ArrayView<T>, long, int, int>>(typeof(RowKernels), nameof(RowKernels.SoftmaxForward), typeof(T))));
        if (rows > 0) lock (_stream) kernel(rows, Mine<T>(op, x), Mine<T>(op, y), offset, n, log ? 1 : 0);
        GC.KeepAlive(x);
        GC.KeepAlive(y);
    }

    private void SoftmaxRowsBackward<T>(KernelSet<T> k, Storage g, int gOffset, Storage y, int yOffset, Storage dx, int rows, int n, bool log) where T : unmanaged
    {
        string op = log ? "log_softmax_backward" : "softmax_backward";
        var kernel = Load(ref k.SoftmaxBackward, acc => acc.LoadAutoGroupedStreamKernel(
            Method<Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, RowOffsets, int, int>>(typeof(RowKernels), nameof(RowKernels.SoftmaxBackward), typeof(T))));
        if (rows > 0) lock (_stream) kernel(rows, Mine<T>(op, g), Mine<T>(op, y), Mine<T>(op, dx), new RowOffsets { A = gOffset, B = yOffset }, n, log ? 1 : 0);
        GC.KeepAlive(g);
        GC.KeepAlive(y);
        GC.KeepAlive(dx);
    }

    private void ReluBackward<T>(KernelSet<T> k, Storage g, int gOffset, Storage y, int yOffset, Storage dx, int n) where T : unmanaged
    {
        const string op = "threshold_backward";
        var kernel = Load(ref k.ReluBackward, acc => acc.LoadAutoGroupedStreamKernel(
            Method<Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, RowOffsets>>(typeof(RowKernels), nameof(RowKernels.ReluBackward), typeof(T))));
        if (n > 0) lock (_stream) kernel(n, Mine<T>(op, g), Mine<T>(op, y), Mine<T>(op, dx), new RowOffsets { A = gOffset, B = yOffset });
        GC.KeepAlive(g);
        GC.KeepAlive(y);
        GC.KeepAlive(dx);
    }

    /// <summary>Splits a reduction's layouts into kept (outer) and reduced (inner) dims.</summary>
    private static (ReduceGeometry, int) ReduceGeometryOf(string op, Layout lx, Layout ly)
    {
        int rank = lx.Sizes.Length, outer = 0, inner = 0;
        for (int d = 0; d < rank; d++) if (ly.Strides[d] != 0) outer++; else inner++;
        int[] oSizes = new int[outer], oX = new int[outer], oY = new int[outer], iSizes = new int[inner], iX = new int[inner];
        int outCount = 1;
        long innerCount = 1;
        for (int d = 0, o = 0, i = 0; d < rank; d++)
        {
            if (ly.Strides[d] != 0) { oSizes[o] = lx.Sizes[d]; oX[o] = lx.Strides[d]; oY[o++] = ly.Strides[d]; outCount *= lx.Sizes[d]; }
            else { iSizes[i] = lx.Sizes[d]; iX[i++] = lx.Strides[d]; innerCount *= lx.Sizes[d]; }
        }
        var g = new ReduceGeometry
        {
            Outer = Shape8.Of(op, oSizes), OuterX = Strides8.Of(oX, lx.Offset), OuterY = Strides8.Of(oY, ly.Offset),
            Inner = Shape8.Of(op, iSizes), InnerX = Strides8.Of(iX, 0), InnerCount = innerCount,
        };
        return (g, outCount);
    }

    /// <summary>The view of an operand on this device.</summary>
    private ArrayView<T> Mine<T>(string op, Storage s) where T : unmanaged
        => s is DeviceStorage d && ReferenceEquals(d.Backend, this) ? d.View<T>() : throw Devices.Mismatch(op, Device, s.Device);

    /// <summary>
    /// An operand of a binary kernel: its view on this device, or a CPU 0-d value (as PyTorch lets CPU scalars join
    /// device ops) passed by value with the flag set.
    /// </summary>
    private ArrayView<T> Operand<T>(string op, Storage s, Layout l, ArrayView<T> dummy, out int isScalar, out T scalar) where T : unmanaged
    {
        if (s.Device.IsCpu && Array.TrueForAll(l.Strides, st => st == 0))
        {
            isScalar = 1;
            scalar = HostValue<T>(s, l.Offset);
            return dummy;
        }
        isScalar = 0;
        scalar = default;
        return Mine<T>(op, s);
    }

    /// <summary>Element <paramref name="at"/> of a host storage as the device element type (bool as byte).</summary>
    private static T HostValue<T>(Storage s, int at) where T : unmanaged
    {
        switch (s)
        {
            case Storage<float> f: { float v = f.Data[at]; return Unsafe.As<float, T>(ref v); }
            case Storage<double> d: { double v = d.Data[at]; return Unsafe.As<double, T>(ref v); }
            case Storage<long> l: { long v = l.Data[at]; return Unsafe.As<long, T>(ref v); }
            default: { byte v = ((Storage<bool>)s).Data[at] ? (byte)1 : (byte)0; return Unsafe.As<byte, T>(ref v); }
        }
    }

    private static TDelegate Method<TDelegate>(Type kernels, string name, params Type[] typeArguments) where TDelegate : Delegate
    {
        var method = kernels.GetMethod(name) ?? throw new MissingMethodException(kernels.Name, name);
        return (method.IsGenericMethodDefinition ? method.MakeGenericMethod(typeArguments) : method).CreateDelegate<TDelegate>();
    }

    private Exception NoKernel(string op, Storage s) => Devices.NoKernel(op, Device, s.DType);

    /// <summary>The compiled kernels of one element type on one device.</summary>
    private sealed class KernelSet<T> where T : unmanaged
    {
        public Action<Index1D, ArrayView<T>, ArrayView<T>, int, ElementGeometry>? Unary;
        public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, BinaryArgs<T>, ElementGeometry>? Binary;
        public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<byte>, BinaryArgs<T>, ElementGeometry>? Compare;
        public Action<Index1D, ArrayView<byte>, ArrayView<T>, ArrayView<T>, ArrayView<T>, WhereArgs<T>, ElementGeometry>? Where;
        public Action<Index1D, ArrayView<T>, T, ElementGeometry>? Fill;
        public Action<Index1D, ArrayView<T>, ArrayView<T>, ElementGeometry>? Copy;
        public Action<Index1D, ArrayView<T>, ArrayView<T>, int, T, ReduceGeometry>? Reduce;
        public Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, GemmGeometry>? Gemm;
        public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, GemmGeometry>? GemmPlain;
        public Action<Index1D, ArrayView<T>, ArrayView<long>, long, int, int>? ArgRows;
        public Action<Index1D, ArrayView<T>, ArrayView<T>, long, int, int>? Softmax;
        public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, RowOffsets, int, int>? SoftmaxBackward;
        public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, RowOffsets>? ReluBackward;
        public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<int>, IndexedArgs>? IndexedRead, IndexedWrite;
        public readonly Delegate?[] ConvertTo = new Delegate?[4];
    }
}
