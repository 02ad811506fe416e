using ILGPU;
using ILGPU.Runtime;
using SharpGrad.Core;

namespace SharpGrad.Kernels.Accelerator;

internal sealed partial class AcceleratorBackend
{
    private readonly ConvPoolSet<float> _cp32 = new();
    private readonly ConvPoolSet<double> _cp64 = new();

    /// <summary>The device form of <see cref="Convolution.Forward"/>.</summary>
    public void ConvForward(Storage x, int xOff, Storage w, int wOff, Storage? bias, int bOff, Storage y, ConvGeometry g)
    {
        var a = ConvArgs.Of(g, xOff, wOff);
        a.HasBias = bias is null ? 0 : 1;
        a.BiasOff = bOff;
        long n = (long)g.N * g.O * g.OH * g.OW;
        if (y.DType == DType.Float32) ConvForward(_cp32, x, w, bias, y, a, n);
        else ConvForward(_cp64, x, w, bias, y, a, n);
        GC.KeepAlive(x);
        GC.KeepAlive(w);
        GC.KeepAlive(bias);
        GC.KeepAlive(y);
    }

    /// <summary>The device form of <see cref="Convolution.InputGrad"/>.</summary>
    public void ConvInputGrad(Storage dy, int dyOff, Storage w, int wOff, Storage dx, ConvGeometry g)
        => ConvPair(nameof(ConvPoolKernels.ConvInputGrad), dy, w, dx, ConvArgs.Of(g, dyOff, wOff), (long)g.N * g.C * g.H * g.W);

    /// <summary>The device form of <see cref="Convolution.WeightGrad"/> (the bias gradient, when asked for, in a second launch).</summary>
    public void ConvWeightGrad(Storage x, int xOff, Storage dy, int dyOff, Storage dw, ConvGeometry g, Storage? db)
    {
        ConvPair(nameof(ConvPoolKernels.ConvWeightGrad), x, dy, dw, ConvArgs.Of(g, xOff, dyOff), (long)g.O * g.Cg * g.KH * g.KW);
        if (db is not null) ConvBiasGrad(dy, dyOff, db, g);
    }

    /// <summary>The device form of <see cref="Convolution.BiasGrad"/>.</summary>
    public void ConvBiasGrad(Storage dy, int dyOff, Storage db, ConvGeometry g)
    {
        var a = ConvArgs.Of(g, dyOff, 0);
        if (db.DType == DType.Float32) ConvBiasGrad(_cp32, dy, db, a);
        else ConvBiasGrad(_cp64, dy, db, a);
        GC.KeepAlive(dy);
        GC.KeepAlive(db);
    }

    /// <summary>The device form of <see cref="Pooling.MaxForward"/>.</summary>
    public void MaxPoolForward(Storage x, int xOff, Storage y, Storage indices, PoolGeometry g)
    {
        if (y.DType == DType.Float32) MaxPoolForward(_cp32, x, y, indices, PoolArgs.Of(g, xOff));
        else MaxPoolForward(_cp64, x, y, indices, PoolArgs.Of(g, xOff));
        GC.KeepAlive(x);
        GC.KeepAlive(y);
        GC.KeepAlive(indices);
    }

    /// <summary>The device form of <see cref="Pooling.MaxGather"/>.</summary>
    public void MaxPoolGather(Storage src, int srcOff, Storage indices, Storage y, PoolGeometry g)
    {
        if (y.DType == DType.Float32) MaxPoolIndexed(ref _cp32.Gather, nameof(ConvPoolKernels.MaxPoolGather), src, indices, y, PoolArgs.Of(g, srcOff), (long)g.Planes * g.OH * g.OW);
        else MaxPoolIndexed(ref _cp64.Gather, nameof(ConvPoolKernels.MaxPoolGather), src, indices, y, PoolArgs.Of(g, srcOff), (long)g.Planes * g.OH * g.OW);
    }

    /// <summary>The device form of <see cref="Pooling.MaxScatter"/>.</summary>
    public void MaxPoolScatter(Storage dy, int dyOff, Storage indices, Storage dx, PoolGeometry g)
    {
        if (dx.DType == DType.Float32) MaxPoolIndexed(ref _cp32.Scatter, nameof(ConvPoolKernels.MaxPoolScatter), dy, indices, dx, PoolArgs.Of(g, dyOff), (long)g.Planes * g.H * g.W);
        else MaxPoolIndexed(ref _cp64.Scatter, nameof(ConvPoolKernels.MaxPoolScatter), dy, indices, dx, PoolArgs.Of(g, dyOff), (long)g.Planes * g.H * g.W);
    }

    /// <summary>The device form of <see cref="Pooling.AvgForward"/>.</summary>
    public void AvgPoolForward(Storage x, int xOff, Storage y, PoolGeometry g, bool countIncludePad)
    {
        var p = PoolArgs.Of(g, xOff, countIncludePad);
        long n = (long)g.Planes * g.OH * g.OW;
        if (y.DType == DType.Float32) AvgPool<float, Float32Element>(ref _cp32.AvgForward, nameof(ConvPoolKernels.AvgPoolForward), x, y, p, n);
        else AvgPool<double, Float64Element>(ref _cp64.AvgForward, nameof(ConvPoolKernels.AvgPoolForward), x, y, p, n);
    }

    /// <summary>The device form of <see cref="Pooling.AvgBackward"/> (writes every element of dx).</summary>
    public void AvgPoolBackward(Storage dy, int dyOff, Storage dx, PoolGeometry g, bool countIncludePad)
    {
        var p = PoolArgs.Of(g, dyOff, countIncludePad);
        long n = (long)g.Planes * g.H * g.W;
        if (dx.DType == DType.Float32) AvgPool<float, Float32Element>(ref _cp32.AvgBackward, nameof(ConvPoolKernels.AvgPoolBackward), dy, dx, p, n);
        else AvgPool<double, Float64Element>(ref _cp64.AvgBackward, nameof(ConvPoolKernels.AvgPoolBackward), dy, dx, p, n);
    }

    private void ConvForward<T>(ConvPoolSet<T> k, Storage x, Storage w, Storage? bias, Storage y, ConvArgs a, long n) where T : unmanaged
    {
        const string op = "conv2d";
        var kernel = Load(ref k.Forward, acc => acc.LoadAutoGroupedStreamKernel(
            Method<Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ConvArgs>>(typeof(ConvPoolKernels), nameof(ConvPoolKernels.ConvForward), typeof(T))));
        if (n == 0) return;
        var yv = Mine<T>(op, y);
        lock (_stream) kernel(Extent(op, n), Mine<T>(op, x), Mine<T>(op, w), bias is null ? yv : Mine<T>(op, bias), yv, a);
    }

    /// <summary>Launches a convolution gradient kernel reading two operands (the float32 or float64 one after dst's dtype).</summary>
    private void ConvPair(string method, Storage a, Storage b, Storage dst, ConvArgs args, long n)
    {
        if (dst.DType == DType.Float32) ConvPair(_cp32, method, a, b, dst, args, n);
        else ConvPair(_cp64, method, a, b, dst, args, n);
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        GC.KeepAlive(dst);
    }

    private void ConvPair<T>(ConvPoolSet<T> k, string method, Storage a, Storage b, Storage dst, ConvArgs args, long n) where T : unmanaged
    {
        const string op = "conv2d_backward";
        ref var slot = ref method == nameof(ConvPoolKernels.ConvInputGrad) ? ref k.InputGrad : ref k.WeightGrad;
        var kernel = Load(ref slot, acc => acc.LoadAutoGroupedStreamKernel(
            Method<Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ConvArgs>>(typeof(ConvPoolKernels), method, typeof(T))));
        if (n > 0) lock (_stream) kernel(Extent(op, n), Mine<T>(op, a), Mine<T>(op, b), Mine<T>(op, dst), args);
    }

    private void ConvBiasGrad<T>(ConvPoolSet<T> k, Storage dy, Storage db, ConvArgs a) where T : unmanaged
    {
        const string op = "conv2d_backward";
        var kernel = Load(ref k.BiasGrad, acc => acc.LoadAutoGroupedStreamKernel(
            Method<Action<Index1D, ArrayView<T>, ArrayView<T>, ConvArgs>>(typeof(ConvPoolKernels), nameof(ConvPoolKernels.ConvBiasGrad), typeof(T))));
        if (a.O > 0) lock (_stream) kernel(a.O, Mine<T>(op, dy), Mine<T>(op, db), a);
    }

    private void MaxPoolForward<T>(ConvPoolSet<T> k, Storage x, Storage y, Storage indices, PoolArgs p) where T : unmanaged
    {
        const string op = "max_pool2d";
        var kernel = Load(ref k.MaxForward, acc => acc.LoadAutoGroupedStreamKernel(
            Method<Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<long>, PoolArgs>>(typeof(ConvPoolKernels), nameof(ConvPoolKernels.MaxPoolForward), typeof(T))));
        long n = (long)p.Planes * p.OH * p.OW;
        if (n > 0) lock (_stream) kernel(Extent(op, n), Mine<T>(op, x), Mine<T>(op, y), Mine<long>(op, indices), p);
    }

    private void MaxPoolIndexed<T>(ref Action<Index1D, ArrayView<T>, ArrayView<long>, ArrayView<T>, PoolArgs>? slot, string method,
        Storage src, Storage indices, Storage dst, PoolArgs p, long n) where T : unmanaged
    {
        const string op = "max_pool2d_backward";
        var kernel = Load(ref slot, acc => acc.LoadAutoGroupedStreamKernel(
            Method<Action<Index1D, ArrayView<T>, ArrayView<long>, ArrayView<T>, PoolArgs>>(typeof(ConvPoolKernels), method, typeof(T))));
        if (n > 0) lock (_stream) kernel(Extent(op, n), Mine<T>(op, src), Mine<long>(op, indices), Mine<T>(op, dst), p);
        GC.KeepAlive(src);
        GC.KeepAlive(indices);
        GC.KeepAlive(dst);
    }

    private void AvgPool<T, TConv>(ref Action<Index1D, ArrayView<T>, ArrayView<T>, PoolArgs>? slot, string method, Storage src, Storage dst, PoolArgs p, long n)
        where T : unmanaged where TConv : struct
    {
        const string op = "avg_pool2d";
        var kernel = Load(ref slot, acc => acc.LoadAutoGroupedStreamKernel(
            Method<Action<Index1D, ArrayView<T>, ArrayView<T>, PoolArgs>>(typeof(ConvPoolKernels), method, typeof(T), typeof(TConv))));
        if (n > 0) lock (_stream) kernel(Extent(op, n), Mine<T>(op, src), Mine<T>(op, dst), p);
        GC.KeepAlive(src);
        GC.KeepAlive(dst);
    }

    /// <summary>A launch size: the kernels index with 32-bit threads.</summary>
    private static int Extent(string op, long n)
        => n <= int.MaxValue ? (int)n : throw new ArgumentException($"{op}: {n} elements are more than one device launch covers ({int.MaxValue})");

    private sealed class ConvPoolSet<T> where T : unmanaged
    {
        public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ConvArgs>? Forward;
        public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ConvArgs>? InputGrad, WeightGrad;
        public Action<Index1D, ArrayView<T>, ArrayView<T>, ConvArgs>? BiasGrad;
        public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<long>, PoolArgs>? MaxForward;
        public Action<Index1D, ArrayView<T>, ArrayView<long>, ArrayView<T>, PoolArgs>? Gather, Scatter;
        public Action<Index1D, ArrayView<T>, ArrayView<T>, PoolArgs>? AvgForward, AvgBackward;
    }
}
