using System.Numerics;
using SharpGrad.Core;

namespace SharpGrad.Kernels;

/// <summary>
/// The sizes of one 2-D pooling: <see cref="Planes"/> independent H x W planes (batch times channels)
/// pooled to OH x OW with a KH x KW window, stride, implicit padding and (max pooling only) dilation.
/// The output sizes are computed by the caller (they depend on ceil mode).
/// </summary>
internal readonly record struct PoolGeometry(int Planes, int H, int W, int OH, int OW, int KH, int KW,
    int SH, int SW, int PH, int PW, int DH, int DW);

/// <summary>
/// Max and average pooling over contiguous [planes, H, W] buffers, with their gradients. Planes are
/// split across threads; each plane is written by one thread in a fixed order, so results do not
/// depend on the thread count.
/// </summary>
internal static class Pooling
{
    /// <summary>Max over each window (padding counts as -inf) and the flat index ih * W + iw of the first maximum; NaN wins.</summary>
    public static void MaxForward(Storage x, int xOff, Storage y, long[] indices, PoolGeometry g)
    {
        switch (y)
        {
            case Storage<float> f: MaxForward(((Storage<float>)x).Data, xOff, f.Data, indices, g); break;
            case Storage<double> d: MaxForward(((Storage<double>)x).Data, xOff, d.Data, indices, g); break;
            default: throw new ArgumentException($"max_pool2d: not supported for dtype {y.DType.TorchName()}");
        }
    }

    /// <summary>dx[plane, indices[o]] += dy[plane, o]: routes each output's gradient to its argmax (dx must start at zero).</summary>
    public static void MaxScatter(Storage dy, int dyOff, long[] indices, Storage dx, PoolGeometry g)
    {
        switch (dx)
        {
            case Storage<float> f: MaxScatter(((Storage<float>)dy).Data, dyOff, indices, f.Data, g); break;
            case Storage<double> d: MaxScatter(((Storage<double>)dy).Data, dyOff, indices, d.Data, g); break;
            default: throw new ArgumentException($"max_pool2d: not supported for dtype {dx.DType.TorchName()}");
        }
    }

    /// <summary>y[plane, o] = src[plane, indices[o]]: the values of src at the argmax positions (the adjoint of <see cref="MaxScatter"/>).</summary>
    public static void MaxGather(Storage src, int srcOff, long[] indices, Storage y, PoolGeometry g)
    {
        switch (y)
        {
            case Storage<float> f: MaxGather(((Storage<float>)src).Data, srcOff, indices, f.Data, g); break;
            case Storage<double> d: MaxGather(((Storage<double>)src).Data, srcOff, indices, d.Data, g); break;
            default: throw new ArgumentException($"max_pool2d: not supported for dtype {y.DType.TorchName()}");
        }
    }

    /// <summary>Mean over each window; the divisor is the window clipped to the padded input, or to the input alone when not <paramref name="countIncludePad"/>.</summary>
    public static void AvgForward(Storage x, int xOff, Storage y, PoolGeometry g, bool countIncludePad)
    {
        switch (y)
        {
            case Storage<float> f: AvgForward(((Storage<float>)x).Data, xOff, f.Data, g, countIncludePad); break;
            case Storage<double> d: AvgForward(((Storage<double>)x).Data, xOff, d.Data, g, countIncludePad); break;
            default: throw new ArgumentException($"avg_pool2d: not supported for dtype {y.DType.TorchName()}");
        }
    }

    /// <summary>The adjoint of <see cref="AvgForward"/>: spreads each output gradient over its window (dx must start at zero).</summary>
    public static void AvgBackward(Storage dy, int dyOff, Storage dx, PoolGeometry g, bool countIncludePad)
    {
        switch (dx)
        {
            case Storage<float> f: AvgBackward(((Storage<float>)dy).Data, dyOff, f.Data, g, countIncludePad); break;
            case Storage<double> d: AvgBackward(((Storage<double>)dy).Data, dyOff, d.Data, g, countIncludePad); break;
            default: throw new ArgumentException($"avg_pool2d: not supported for dtype {dx.DType.TorchName()}");
        }
    }

    /// <summary>First and one-past-last in-bounds tap of a dilated window starting at <paramref name="start"/> (may be empty).</summary>
    private static (int First, int End) Taps(int start, int k, int d, int size)
    {
        int first = start;
        if (first < 0) first += (-first + d - 1) / d * d;
        return (first, Math.Min(start + (k - 1) * d + 1, size));
    }

    private static void MaxForward<T>(T[] x, int xOff, T[] y, long[] indices, PoolGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int plane = g.H * g.W, outPlane = g.OH * g.OW;
        Threading.For(g.Planes, (long)outPlane * g.KH * g.KW, p => MaxPlane(x, xOff + p * plane, y, indices, p * outPlane, g));
    }

    private static void MaxPlane<T>(T[] x, int src, T[] y, long[] indices, int dst, PoolGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = g.H, w = g.W, oh = g.OH, ow = g.OW, kh = g.KH, kw = g.KW, dh = g.DH, dw = g.DW;
        for (int i = 0; i < oh; i++)
        {
            var (h0, h1) = Taps(i * g.SH - g.PH, kh, dh, h);
            for (int j = 0; j < ow; j++, dst++)
            {
                var (w0, w1) = Taps(j * g.SW - g.PW, kw, dw, w);
                T best = T.NegativeInfinity;
                int at = -1;
                for (int ih = h0; ih < h1; ih += dh)
                {
                    int row = src + ih * w;
                    for (int iw = w0; iw < w1; iw += dw)
                    {
                        T v = x[row + iw];
                        if (at < 0 || v > best || T.IsNaN(v))
                        {
                            best = v;
                            at = ih * w + iw;
                        }
                    }
                }
                y[dst] = best;
                indices[dst] = at;
            }
        }
    }

    private static void MaxScatter<T>(T[] dy, int dyOff, long[] indices, T[] dx, PoolGeometry g) where T : unmanaged, INumber<T>
    {
        int plane = g.H * g.W, outPlane = g.OH * g.OW;
        Threading.For(g.Planes, outPlane, p =>
        {
            int dst = p * plane, src = p * outPlane;
            for (int o = 0; o < outPlane; o++)
            {
                long at = indices[src + o];
                if (at >= 0) dx[dst + (int)at] += dy[dyOff + src + o];
            }
        });
    }

    private static void MaxGather<T>(T[] x, int xOff, long[] indices, T[] y, PoolGeometry g) where T : unmanaged, INumber<T>
    {
        int plane = g.H * g.W, outPlane = g.OH * g.OW;
        Threading.For(g.Planes, outPlane, p =>
        {
            int src = xOff + p * plane, dst = p * outPlane;
            for (int o = 0; o < outPlane; o++)
            {
                long at = indices[dst + o];
                y[dst + o] = at >= 0 ? x[src + (int)at] : T.Zero;
            }
        });
    }

    /// <summary>
    /// Window rows (or columns) [First, End) inside the input and the window length clipped to the padded
    /// input, which is PyTorch's divisor when padding counts.
    /// </summary>
    private static (int First, int End, int Padded) AvgSpan(int start, int k, int pad, int size)
    {
        int end = Math.Min(start + k, size + pad);
        return (Math.Max(start, 0), Math.Min(end, size), end - start);
    }

    private static void AvgForward<T>(T[] x, int xOff, T[] y, PoolGeometry g, bool countIncludePad) where T : unmanaged, INumber<T>
    {
        int plane = g.H * g.W, outPlane = g.OH * g.OW;
        Threading.For(g.Planes, (long)outPlane * g.KH * g.KW, p =>
        {
            int src = xOff + p * plane, dst = p * outPlane;
            for (int i = 0; i < g.OH; i++)
            {
                var (h0, h1, ph) = AvgSpan(i * g.SH - g.PH, g.KH, g.PH, g.H);
                for (int j = 0; j < g.OW; j++, dst++)
                {
                    var (w0, w1, pw) = AvgSpan(j * g.SW - g.PW, g.KW, g.PW, g.W);
                    if (h0 >= h1 || w0 >= w1)
                    {
                        y[dst] = T.Zero;
                        continue;
                    }
                    T sum = T.Zero;
                    for (int ih = h0; ih < h1; ih++)
                        for (int iw = w0; iw < w1; iw++) sum += x[src + ih * g.W + iw];
                    int count = countIncludePad ? ph * pw : (h1 - h0) * (w1 - w0);
                    y[dst] = sum / T.CreateTruncating(count);
                }
            }
        });
    }

    private static void AvgBackward<T>(T[] dy, int dyOff, T[] dx, PoolGeometry g, bool countIncludePad) where T : unmanaged, INumber<T>
    {
        int plane = g.H * g.W, outPlane = g.OH * g.OW;
        Threading.For(g.Planes, (long)outPlane * g.KH * g.KW, p =>
        {
            int dst = p * plane, src = dyOff + p * outPlane;
            for (int i = 0; i < g.OH; i++)
            {
                var (h0, h1, ph) = AvgSpan(i * g.SH - g.PH, g.KH, g.PH, g.H);
                for (int j = 0; j < g.OW; j++, src++)
                {
                    var (w0, w1, pw) = AvgSpan(j * g.SW - g.PW, g.KW, g.PW, g.W);
                    if (h0 >= h1 || w0 >= w1) continue;
                    int count = countIncludePad ? ph * pw : (h1 - h0) * (w1 - w0);
                    T share = dy[src] / T.CreateTruncating(count);
                    for (int ih = h0; ih < h1; ih++)
                        for (int iw = w0; iw < w1; iw++) dx[dst + ih * g.W + iw] += share;
                }
            }
        });
    }
}
