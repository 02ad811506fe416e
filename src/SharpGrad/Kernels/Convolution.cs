using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using SharpGrad.Core;

namespace SharpGrad.Kernels;

/// <summary>
/// 2-D convolution and its gradients as matrix products with the patch matrix (<see cref="Im2Col"/>), one sample
/// at a time with the samples spread over threads (each sample's products run on one thread):
/// y_n = w cols_n (+ bias) with the weight packed once per call and the patch matrix built straight into GEMM
/// panels; the input gradient of a unit-stride convolution is itself a convolution of dy with the flipped,
/// transposed weight, else w^T dy_n scattered back by col2im; the weight gradient sums dy_n cols_n^T over the
/// samples in a fixed number of partial sums (contiguous runs of samples) added in a fixed order.
/// Nothing depends on the thread count, so results are bit-identical for any <see cref="Threading.NumThreads"/>.
/// All tensors are contiguous: x [N, C, H, W], w [O, Cg, KH, KW], y [N, O, OH, OW]; the offsets say where they start.
/// </summary>
internal static class Convolution
{
    /// <summary>Partial sums of the weight gradient: samples are split into this many contiguous runs (fewer for small batches).</summary>
    private const int WeightGradParts = 8;

    /// <summary>y = conv(x, w) + bias (bias may be null).</summary>
    public static void Forward(Storage x, int xOff, Storage w, int wOff, Storage? bias, int bOff, Storage y, ConvGeometry g)
    {
        if (!(y.Device.IsCpu && x.Device.IsCpu && w.Device.IsCpu)) { Dispatch.OnDevice("conv2d", y, x, w, bias).ConvForward(x, xOff, w, wOff, bias, bOff, y, g); return; }
        switch (y)
        {
            case Storage<float> f:
                Forward(Devices.Host<float>(x, "conv2d"), xOff, Devices.Host<float>(w, "conv2d"), wOff, (bias is null ? null : Devices.Host<float>(bias, "conv2d")), bOff, f.Data, g);
                break;
            case Storage<double> d:
                Forward(Devices.Host<double>(x, "conv2d"), xOff, Devices.Host<double>(w, "conv2d"), wOff, (bias is null ? null : Devices.Host<double>(bias, "conv2d")), bOff, d.Data, g);
                break;
            default: throw new ArgumentException($"conv2d: not supported for dtype {y.DType.TorchName()}");
        }
    }

    /// <summary>dx = the gradient of conv(x, w) with respect to x for output gradient dy (a transposed convolution).</summary>
    public static void InputGrad(Storage dy, int dyOff, Storage w, int wOff, Storage dx, ConvGeometry g)
    {
        if (!(dx.Device.IsCpu && dy.Device.IsCpu && w.Device.IsCpu)) { Dispatch.OnDevice("conv2d_backward", dx, dy, w).ConvInputGrad(dy, dyOff, w, wOff, dx, g); return; }
        switch (dx)
        {
            case Storage<float> f: InputGrad(Devices.Host<float>(dy, "conv2d"), dyOff, Devices.Host<float>(w, "conv2d"), wOff, f.Data, g); break;
            case Storage<double> d: InputGrad(Devices.Host<double>(dy, "conv2d"), dyOff, Devices.Host<double>(w, "conv2d"), wOff, d.Data, g); break;
            default: throw new ArgumentException($"conv2d: not supported for dtype {dx.DType.TorchName()}");
        }
    }

    /// <summary>db = the gradient of conv(x, w) + b with respect to b: dy summed over samples and pixels.</summary>
    public static void BiasGrad(Storage dy, int dyOff, Storage db, ConvGeometry g)
    {
        if (!(db.Device.IsCpu && dy.Device.IsCpu)) { Dispatch.OnDevice("conv2d_backward", db, dy).ConvBiasGrad(dy, dyOff, db, g); return; }
        switch (db)
        {
            case Storage<float> f: BiasGrad(Devices.Host<float>(dy, "conv2d"), dyOff, f.Data, g); break;
            case Storage<double> d: BiasGrad(Devices.Host<double>(dy, "conv2d"), dyOff, d.Data, g); break;
            default: throw new ArgumentException($"conv2d: not supported for dtype {db.DType.TorchName()}");
        }
    }

    /// <summary>
    /// dw = the gradient of conv(x, w) with respect to w for output gradient dy, summed over the batch; when
    /// <paramref name="db"/> is given, also the bias gradient (the same sums as <see cref="BiasGrad"/>) while dy is at hand.
    /// </summary>
    public static void WeightGrad(Storage x, int xOff, Storage dy, int dyOff, Storage dw, ConvGeometry g, Storage? db = null)
    {
        if (!(dw.Device.IsCpu && x.Device.IsCpu && dy.Device.IsCpu)) { Dispatch.OnDevice("conv2d_backward", dw, x, dy).ConvWeightGrad(x, xOff, dy, dyOff, dw, g, db); return; }
        switch (dw)
        {
            case Storage<float> f:
                WeightGrad(Devices.Host<float>(x, "conv2d"), xOff, Devices.Host<float>(dy, "conv2d"), dyOff, f.Data, (db is null ? null : Devices.Host<float>(db, "conv2d")), g);
                break;
            case Storage<double> d:
                WeightGrad(Devices.Host<double>(x, "conv2d"), xOff, Devices.Host<double>(dy, "conv2d"), dyOff, d.Data, (db is null ? null : Devices.Host<double>(db, "conv2d")), g);
                break;
            default: throw new ArgumentException($"conv2d: not supported for dtype {dw.DType.TorchName()}");
        }
    }

    /// <summary>Whether the widest GEMM micro-kernel is the 512-bit or 256-bit one (as <see cref="Gemm"/> picks it).</summary>
    private static int KernelWidth<T>() =>
        typeof(T) != typeof(float) && typeof(T) != typeof(double) ? 0
        : Vector512.IsHardwareAccelerated ? 512 : GemmSimd.Fma256 ? 256 : 0;

    /// <summary>
    /// The 512-bit kernel for a product with <paramref name="rows"/> rows: 4-row tiles when they fit exactly and 6-row ones
    /// would not (32 channels), else 6-row tiles. Both give the same bits.
    /// </summary>
    private static int KernelWidth<T>(int rows) => KernelWidth<T>() == 512 && rows % 4 == 0 && rows % 6 != 0 ? 5124 : KernelWidth<T>();

    private static void Forward<T>(T[] x, int xOff, T[] w, int wOff, T[]? bias, int bOff, T[] y, ConvGeometry g) where T : unmanaged, INumber<T>
    {
        switch (KernelWidth<T>(g.Og))
        {
            case 5124: Forward<T, Kernel512Rows4<T>>(x, xOff, w, wOff, bias, bOff, y, g); break;
            case 512: Forward<T, Kernel512<T>>(x, xOff, w, wOff, bias, bOff, y, g); break;
            case 256: Forward<T, Kernel256<T>>(x, xOff, w, wOff, bias, bOff, y, g); break;
            default: Forward<T, KernelVector<T>>(x, xOff, w, wOff, bias, bOff, y, g); break;
        }
    }

    private static void Forward<T, TK>(T[] x, int xOff, T[] w, int wOff, T[]? bias, int bOff, T[] y, ConvGeometry g)
        where T : unmanaged, INumber<T> where TK : struct, IGemmKernel<T>
    {
        int l = g.L, kg = g.Kg, og = g.Og, o = g.O, sampleIn = g.C * g.H * g.W;
        if (g.N == 0 || l == 0 || o == 0) return;
        // Patch-matrix panels built per step: about 256 KB of them (they stay in the L2 cache for the product).
        int panelStep = Math.Max(1, (1 << 16) / Math.Max(1, TK.NR * kg));
        int aSize = GemmPrepacked.SizeA<T, TK>(og, kg), bSize = GemmPrepacked.SizeB<T, TK>(Math.Min(l, panelStep * TK.NR), kg);
        var ap = ArrayPool<T>.Shared.Rent(aSize * g.Groups);
        try
        {
            for (int grp = 0; grp < g.Groups; grp++)
                GemmPrepacked.PackA<T, TK>(w, wOff + grp * og * kg, kg, 1, og, kg, ap, grp * aSize);
            Threading.For(g.N, (long)l * kg * o, n =>
            {
                var bp = ArrayPool<T>.Shared.Rent(bSize);
                var xp = ArrayPool<T>.Shared.Rent(Im2Col.PaddedSize(g));
                try
                {
                    for (int grp = 0; grp < g.Groups; grp++)
                    {
                        Im2Col.Pad(x, xOff + n * sampleIn, g, grp * g.Cg, xp);
                        int yo = (n * o + grp * og) * l;
                        if (bias is not null)
                            for (int oc = 0; oc < og; oc++) y.AsSpan(yo + oc * l, l).Fill(bias[bOff + grp * og + oc]);
                        // A few panels at a time, each multiplied while it is still in cache.
                        for (int j = 0; j < l; j += panelStep * TK.NR)
                        {
                            Im2Col.ToPanels(xp, g, TK.NR, bp, 0, j / TK.NR, panelStep);
                            GemmPrepacked.Multiply<T, TK>(ap, grp * aSize, bp, 0, y, yo + j, l, og, Math.Min(l - j, panelStep * TK.NR), kg,
                                accumulate: bias is not null);
                        }
                    }
                }
                finally
                {
                    ArrayPool<T>.Shared.Return(bp);
                    ArrayPool<T>.Shared.Return(xp);
                }
            });
        }
        finally
        {
            ArrayPool<T>.Shared.Return(ap);
        }
    }

    private static void InputGrad<T>(T[] dy, int dyOff, T[] w, int wOff, T[] dx, ConvGeometry g) where T : unmanaged, INumber<T>
    {
        if (g.SH == 1 && g.SW == 1 && g.PH <= g.DH * (g.KH - 1) && g.PW <= g.DW * (g.KW - 1))
        {
            // Unit stride: dx = conv(dy, w') with w'[c, o, a, b] = w[o, c, KH-1-a, KW-1-b] (per group) and padding D (K-1) - P.
            var t = new ConvGeometry(g.N, g.O, g.OH, g.OW, g.C, g.KH, g.KW, 1, 1,
                g.DH * (g.KH - 1) - g.PH, g.DW * (g.KW - 1) - g.PW, g.DH, g.DW, g.Groups);
            if (t.OH != g.H || t.OW != g.W)
                throw new InvalidOperationException($"conv2d backward: transposed geometry gives {t.OH} x {t.OW}, expected {g.H} x {g.W}");
            int taps = g.KH * g.KW, og = g.Og, cg = g.Cg;
            var wt = ArrayPool<T>.Shared.Rent(g.C * og * taps);
            try
            {
                for (int grp = 0; grp < g.Groups; grp++)
                    for (int oc = 0; oc < og; oc++)
                        for (int c = 0; c < cg; c++)
                        {
                            int src = wOff + ((grp * og + oc) * cg + c) * taps, dst = ((grp * cg + c) * og + oc) * taps + taps - 1;
                            for (int i = 0; i < taps; i++) wt[dst - i] = w[src + i];
                        }
                Forward(dy, dyOff, wt, 0, null, 0, dx, t);
            }
            finally
            {
                ArrayPool<T>.Shared.Return(wt);
            }
            return;
        }
        int l = g.L, kg = g.Kg, o = g.O, sampleIn = g.C * g.H * g.W;
        if (g.N == 0) return;
        dx.AsSpan(0, g.N * sampleIn).Clear();
        if (l == 0 || o == 0) return;
        Threading.For(g.N, (long)l * kg * o, n =>
        {
            var cols = ArrayPool<T>.Shared.Rent(kg * l);
            try
            {
                for (int grp = 0; grp < g.Groups; grp++)
                {
                    int o0 = grp * g.Og;
                    // cols[kg, l] = w[o0.., :]^T dy_n[o0.., :]
                    Gemm.MatMul(w, wOff + o0 * kg, 1, kg, dy, dyOff + (n * o + o0) * l, l, 1, cols, 0, kg, l, g.Og);
                    Im2Col.AddColumns(cols, 0, g, grp * g.Cg, dx, n * sampleIn);
                }
            }
            finally
            {
                ArrayPool<T>.Shared.Return(cols);
            }
        });
    }

    /// <summary>The samples [First, End) of partial sum <paramref name="t"/> of <paramref name="parts"/>.</summary>
    private static (int First, int End) Part(int t, int parts, int n) => (t * n / parts, (t + 1) * n / parts);

    /// <summary>partial[t * O + oc] = sum over the samples of part t, in order, of dy[n, oc, :] summed.</summary>
    private static void BiasPart<T>(T[] dy, int dyOff, ConvGeometry g, int t, int parts, T[] partial) where T : unmanaged, INumber<T>
    {
        var (n0, n1) = Part(t, parts, g.N);
        for (int oc = 0; oc < g.O; oc++)
        {
            T sum = T.Zero;
            for (int n = n0; n < n1; n++) sum += TensorPrimitives.Sum<T>(dy.AsSpan(dyOff + (n * g.O + oc) * g.L, g.L));
            partial[t * g.O + oc] = sum;
        }
    }

    /// <summary>dst[0..size) = ((p0 + p1) + p2) + ... for the partial sums laid end to end in <paramref name="partial"/>: a fixed order.</summary>
    private static void SumParts<T>(T[] partial, int parts, int size, T[] dst) where T : unmanaged, INumber<T>
    {
        var sum = dst.AsSpan(0, size);
        partial.AsSpan(0, size).CopyTo(sum);
        for (int t = 1; t < parts; t++) TensorPrimitives.Add(sum, partial.AsSpan(t * size, size), sum);
    }

    private static void WeightGrad<T>(T[] x, int xOff, T[] dy, int dyOff, T[] dw, T[]? db, ConvGeometry g) where T : unmanaged, INumber<T>
    {
        switch (KernelWidth<T>(g.Og))
        {
            case 5124: WeightGrad<T, Kernel512Rows4<T>>(x, xOff, dy, dyOff, dw, db, g); break;
            case 512: WeightGrad<T, Kernel512<T>>(x, xOff, dy, dyOff, dw, db, g); break;
            case 256: WeightGrad<T, Kernel256<T>>(x, xOff, dy, dyOff, dw, db, g); break;
            default: WeightGrad<T, KernelVector<T>>(x, xOff, dy, dyOff, dw, db, g); break;
        }
    }

    private static void WeightGrad<T, TK>(T[] x, int xOff, T[] dy, int dyOff, T[] dw, T[]? db, ConvGeometry g)
        where T : unmanaged, INumber<T> where TK : struct, IGemmKernel<T>
    {
        int l = g.L, kg = g.Kg, og = g.Og, o = g.O, sampleIn = g.C * g.H * g.W, size = o * kg;
        dw.AsSpan(0, size).Clear();
        db?.AsSpan(0, o).Clear();
        if (g.N == 0 || l == 0 || o == 0) return;
        int parts = Math.Min(g.N, WeightGradParts);
        // Without column dilation the partial sums are built from channels-last panels in tap-major order (a, b, c).
        bool panels = ConvWeightGradPanels.Applies(g);
        var partial = ArrayPool<T>.Shared.Rent(parts * size);
        var biasPartial = ArrayPool<T>.Shared.Rent(parts * o);
        try
        {
            Threading.For(parts, (long)(g.N / parts) * l * kg * o, t =>
            {
                var (n0, n1) = Part(t, parts, g.N);
                if (db is not null) BiasPart(dy, dyOff, g, t, parts, biasPartial);
                if (panels)
                {
                    for (int grp = 0; grp < g.Groups; grp++)
                        ConvWeightGradPanels.Part<T, TK>(x, xOff, dy, dyOff, g, grp, n0, n1, partial, t * size + grp * og * kg);
                    return;
                }
                var cols = ArrayPool<T>.Shared.Rent(kg * l);
                var xp = ArrayPool<T>.Shared.Rent(Im2Col.PaddedSize(g));
                try
                {
                    for (int n = n0; n < n1; n++)
                        for (int grp = 0; grp < g.Groups; grp++)
                        {
                            int o0 = grp * og;
                            Im2Col.Pad(x, xOff + n * sampleIn, g, grp * g.Cg, xp);
                            Im2Col.ToColumns(xp, g, cols, 0);
                            // partial[o0 + oc, :] (+)= dy_n[o0 + oc, :] cols^T
                            Gemm.MatMul(dy, dyOff + (n * o + o0) * l, l, 1, cols, 0, 1, l, partial, t * size + o0 * kg, og, kg, l,
                                accumulate: n > n0);
                        }
                }
                finally
                {
                    ArrayPool<T>.Shared.Return(cols);
                    ArrayPool<T>.Shared.Return(xp);
                }
            });
            if (panels)
            {
                var sum = ArrayPool<T>.Shared.Rent(size);
                SumParts(partial, parts, size, sum);
                ConvWeightGradPanels.ToWeightOrder(sum, g, dw);
                ArrayPool<T>.Shared.Return(sum);
            }
            else SumParts(partial, parts, size, dw);
            if (db is not null) SumParts(biasPartial, parts, o, db);
        }
        finally
        {
            ArrayPool<T>.Shared.Return(partial);
            ArrayPool<T>.Shared.Return(biasPartial);
        }
    }

    private static void BiasGrad<T>(T[] dy, int dyOff, T[] db, ConvGeometry g) where T : unmanaged, INumber<T>
    {
        db.AsSpan(0, g.O).Clear();
        if (g.N == 0 || g.O == 0) return;
        // The partial sums of the weight gradient's fused bias sums, so both give the same bits.
        int parts = Math.Min(g.N, WeightGradParts);
        var partial = ArrayPool<T>.Shared.Rent(parts * g.O);
        try
        {
            Threading.For(parts, (long)(g.N / parts) * g.L * g.O, t => BiasPart(dy, dyOff, g, t, parts, partial));
            SumParts(partial, parts, g.O, db);
        }
        finally
        {
            ArrayPool<T>.Shared.Return(partial);
        }
    }
}
