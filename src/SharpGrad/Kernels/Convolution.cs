using System.Buffers;
using System.Numerics;
using SharpGrad.Core;

namespace SharpGrad.Kernels;

/// <summary>
/// 2-D convolution and its two gradients as patch rows (<see cref="Im2Col"/>) times matrices through
/// <see cref="Gemm"/>. The batch is processed in chunks of samples whose patch rows fit a fixed budget,
/// so one GEMM has many rows (and the GEMM splits them across threads); the chunk size depends only on
/// the shapes, and every sum runs in a fixed order, so results do not depend on the thread count.
/// All tensors are contiguous: x [N, C, H, W], w [O, Cg, KH, KW], y [N, O, OH, OW]; the offsets say where they start.
/// </summary>
internal static class Convolution
{
    /// <summary>Elements of patch rows held at once (4 MB of float32).</summary>
    private const int ChunkElements = 1 << 20;

    /// <summary>y = conv(x, w) + bias (bias may be null).</summary>
    public static void Forward(Storage x, int xOff, Storage w, int wOff, Storage? bias, int bOff, Storage y, ConvGeometry g)
    {
        switch (y)
        {
            case Storage<float> f:
                Forward(((Storage<float>)x).Data, xOff, ((Storage<float>)w).Data, wOff, (bias as Storage<float>)?.Data, bOff, f.Data, g);
                break;
            case Storage<double> d:
                Forward(((Storage<double>)x).Data, xOff, ((Storage<double>)w).Data, wOff, (bias as Storage<double>)?.Data, bOff, d.Data, g);
                break;
            default: throw new ArgumentException($"conv2d: not supported for dtype {y.DType.TorchName()}");
        }
    }

    /// <summary>dx = the gradient of conv(x, w) with respect to x for output gradient dy (a transposed convolution).</summary>
    public static void InputGrad(Storage dy, int dyOff, Storage w, int wOff, Storage dx, ConvGeometry g)
    {
        switch (dx)
        {
            case Storage<float> f: InputGrad(((Storage<float>)dy).Data, dyOff, ((Storage<float>)w).Data, wOff, f.Data, g); break;
            case Storage<double> d: InputGrad(((Storage<double>)dy).Data, dyOff, ((Storage<double>)w).Data, wOff, d.Data, g); break;
            default: throw new ArgumentException($"conv2d: not supported for dtype {dx.DType.TorchName()}");
        }
    }

    /// <summary>dw = the gradient of conv(x, w) with respect to w for output gradient dy, summed over the batch.</summary>
    public static void WeightGrad(Storage x, int xOff, Storage dy, int dyOff, Storage dw, ConvGeometry g)
    {
        switch (dw)
        {
            case Storage<float> f: WeightGrad(((Storage<float>)x).Data, xOff, ((Storage<float>)dy).Data, dyOff, f.Data, g); break;
            case Storage<double> d: WeightGrad(((Storage<double>)x).Data, xOff, ((Storage<double>)dy).Data, dyOff, d.Data, g); break;
            default: throw new ArgumentException($"conv2d: not supported for dtype {dw.DType.TorchName()}");
        }
    }

    private static int SamplesPerChunk(ConvGeometry g) => Math.Clamp(ChunkElements / Math.Max(1, g.L * Math.Max(g.Kg, g.O)), 1, Math.Max(g.N, 1));

    private static void Forward<T>(T[] x, int xOff, T[] w, int wOff, T[]? bias, int bOff, T[] y, ConvGeometry g) where T : unmanaged, INumber<T>
    {
        int l = g.L, kg = g.Kg, og = g.Og, o = g.O, sampleIn = g.C * g.H * g.W;
        if (g.N == 0 || l == 0 || o == 0) return;
        int nb = SamplesPerChunk(g);
        var rows = ArrayPool<T>.Shared.Rent(nb * l * kg);
        var tmp = ArrayPool<T>.Shared.Rent(nb * l * og);
        try
        {
            for (int n0 = 0; n0 < g.N; n0 += nb)
            {
                int count = Math.Min(nb, g.N - n0), start = n0;
                for (int grp = 0; grp < g.Groups; grp++)
                {
                    int c0 = grp * g.Cg, o0 = grp * og;
                    Threading.For(count, (long)l * kg, i => Im2Col.ToRows(x, xOff + (start + i) * sampleIn, g, c0, rows, i * l * kg));
                    // tmp[(i, pixel), oc] = rows[(i, pixel), :] . w[o0 + oc, :]
                    Gemm.MatMul(rows, 0, kg, 1, w, wOff + o0 * kg, 1, kg, tmp, 0, count * l, og, kg);
                    Threading.For(count, (long)l * og, i =>
                    {
                        for (int oc = 0; oc < og; oc++)
                        {
                            T b = bias is null ? T.Zero : bias[bOff + o0 + oc];
                            int dst = ((start + i) * o + o0 + oc) * l, src = i * l * og + oc;
                            for (int p = 0; p < l; p++) y[dst + p] = tmp[src + p * og] + b;
                        }
                    });
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rows);
            ArrayPool<T>.Shared.Return(tmp);
        }
    }

    private static void InputGrad<T>(T[] dy, int dyOff, T[] w, int wOff, T[] dx, ConvGeometry g) where T : unmanaged, INumber<T>
    {
        int l = g.L, kg = g.Kg, og = g.Og, o = g.O, sampleIn = g.C * g.H * g.W;
        if (g.N == 0 || l == 0 || o == 0) return;
        int nb = SamplesPerChunk(g);
        var dyRows = ArrayPool<T>.Shared.Rent(nb * l * o);
        var rows = ArrayPool<T>.Shared.Rent(nb * l * kg);
        try
        {
            for (int n0 = 0; n0 < g.N; n0 += nb)
            {
                int count = Math.Min(nb, g.N - n0), start = n0;
                Threading.For(count, (long)l * o, i => ToPixelRows(dy, dyOff + (start + i) * o * l, o, l, dyRows, i * l * o));
                for (int grp = 0; grp < g.Groups; grp++)
                {
                    int c0 = grp * g.Cg, o0 = grp * og;
                    // rows[(i, pixel), :] = dy[(i, pixel), o0..o0+og] . w[o0.., :]
                    Gemm.MatMul(dyRows, o0, o, 1, w, wOff + o0 * kg, kg, 1, rows, 0, count * l, kg, og);
                    Threading.For(count, (long)l * kg, i => Im2Col.AddRows(rows, i * l * kg, g, c0, dx, (start + i) * sampleIn));
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(dyRows);
            ArrayPool<T>.Shared.Return(rows);
        }
    }

    private static void WeightGrad<T>(T[] x, int xOff, T[] dy, int dyOff, T[] dw, ConvGeometry g) where T : unmanaged, INumber<T>
    {
        int l = g.L, kg = g.Kg, og = g.Og, o = g.O, sampleIn = g.C * g.H * g.W;
        dw.AsSpan(0, o * kg).Clear();
        if (g.N == 0 || l == 0 || o == 0) return;
        int nb = SamplesPerChunk(g);
        var dyRows = ArrayPool<T>.Shared.Rent(nb * l * o);
        var rows = ArrayPool<T>.Shared.Rent(nb * l * kg);
        try
        {
            for (int n0 = 0; n0 < g.N; n0 += nb)
            {
                int count = Math.Min(nb, g.N - n0), start = n0;
                Threading.For(count, (long)l * o, i => ToPixelRows(dy, dyOff + (start + i) * o * l, o, l, dyRows, i * l * o));
                for (int grp = 0; grp < g.Groups; grp++)
                {
                    int c0 = grp * g.Cg, o0 = grp * og;
                    Threading.For(count, (long)l * kg, i => Im2Col.ToRows(x, xOff + (start + i) * sampleIn, g, c0, rows, i * l * kg));
                    // dw[o0 + oc, :] += sum over (i, pixel) of dy[(i, pixel), o0 + oc] rows[(i, pixel), :]; chunks add in order.
                    Gemm.MatMul(dyRows, o0, 1, o, rows, 0, kg, 1, dw, o0 * kg, og, kg, count * l, accumulate: true);
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(dyRows);
            ArrayPool<T>.Shared.Return(rows);
        }
    }

    /// <summary>Transposes one sample's [channels, pixels] block into [pixels, channels].</summary>
    private static void ToPixelRows<T>(T[] src, int srcOff, int channels, int pixels, T[] dst, int dstOff)
    {
        for (int c = 0; c < channels; c++)
        {
            int s = srcOff + c * pixels;
            for (int p = 0; p < pixels; p++) dst[dstOff + p * channels + c] = src[s + p];
        }
    }
}
