using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
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
    public static void MaxForward(Storage x, int xOff, Storage y, Storage indices, PoolGeometry g)
    {
        if (!(y.Device.IsCpu && x.Device.IsCpu)) { Dispatch.OnDevice("max_pool2d", y, x, indices).MaxPoolForward(x, xOff, y, indices, g); return; }
        switch (y)
        {
            case Storage<float> f: MaxForward(Devices.Host<float>(x, "max_pool2d"), xOff, f.Data, Devices.Host<long>(indices, "max_pool2d"), g); break;
            case Storage<double> d: MaxForward(Devices.Host<double>(x, "max_pool2d"), xOff, d.Data, Devices.Host<long>(indices, "max_pool2d"), g); break;
            default: throw new ArgumentException($"max_pool2d: not supported for dtype {y.DType.TorchName()}");
        }
    }

    /// <summary>Whether max pooling of <paramref name="x"/> keeps its argmax as <see cref="MaxForwardCodes"/> codes (host arrays): pairs on the CPU.</summary>
    public static bool UsesCodes(PoolGeometry g, Storage x) => x.Device.IsCpu && IsPairs(g);

    /// <summary>Whether <paramref name="g"/> is the 2 x 2 window with stride 2 and no padding or dilation (argmax storable as a 2-bit code).</summary>
    public static bool IsPairs(PoolGeometry g) =>
        g is { KH: 2, KW: 2, SH: 2, SW: 2, PH: 0, PW: 0, DH: 1, DW: 1 } && 2 * g.OH <= g.H && 2 * g.OW <= g.W;

    /// <summary>
    /// <see cref="MaxForward"/> for an <see cref="IsPairs"/> geometry with the argmax kept as one byte per output:
    /// 0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right (an eighth of the memory of int64 indices).
    /// </summary>
    public static void MaxForwardCodes(Storage x, int xOff, Storage y, byte[] codes, PoolGeometry g)
    {
        if (!IsPairs(g)) throw new ArgumentException($"max_pool2d: argmax codes need a 2 x 2 window with stride 2, but got {g}");
        int plane = g.H * g.W, outPlane = g.OH * g.OW;
        switch (y)
        {
            case Storage<float> f:
                var xf = Devices.Host<float>(x, "max_pool2d");
                Threading.For(g.Planes, (long)outPlane * 4, p => MaxPlane2x2(xf, xOff + p * plane, f.Data, null, codes, p * outPlane, g));
                break;
            case Storage<double> d:
                var xd = Devices.Host<double>(x, "max_pool2d");
                Threading.For(g.Planes, (long)outPlane * 4, p => MaxPlane2x2(xd, xOff + p * plane, d.Data, null, codes, p * outPlane, g));
                break;
            default: throw new ArgumentException($"max_pool2d: not supported for dtype {y.DType.TorchName()}");
        }
    }

    /// <summary>
    /// The gradient of <see cref="MaxForwardCodes"/>: every element of dx is written, dy at the coded argmax of its window
    /// and zero elsewhere (including rows and columns no window covers).
    /// </summary>
    public static void MaxScatterCodes(Storage dy, int dyOff, byte[] codes, Storage dx, PoolGeometry g)
    {
        switch (dx)
        {
            case Storage<float> f: MaxScatterCodes(Devices.Host<float>(dy, "max_pool2d"), dyOff, codes, f.Data, g); break;
            case Storage<double> d: MaxScatterCodes(Devices.Host<double>(dy, "max_pool2d"), dyOff, codes, d.Data, g); break;
            default: throw new ArgumentException($"max_pool2d: not supported for dtype {dx.DType.TorchName()}");
        }
    }

    /// <summary>The flat input-plane indices ih * W + iw that argmax <paramref name="codes"/> stand for (as <see cref="MaxForward"/> gives them).</summary>
    public static long[] CodesToIndices(byte[] codes, PoolGeometry g)
    {
        int outPlane = g.OH * g.OW;
        var indices = new long[(long)g.Planes * outPlane];
        for (int p = 0, o = 0; p < g.Planes; p++)
            for (int i = 0; i < g.OH; i++)
                for (int j = 0; j < g.OW; j++, o++)
                {
                    int c = codes[o];
                    indices[o] = (2 * i + (c >> 1)) * g.W + 2 * j + (c & 1);
                }
        return indices;
    }

    /// <summary>dx = 0, then dx[plane, indices[o]] += dy[plane, o]: routes each output's gradient to its argmax (dx is overwritten).</summary>
    public static void MaxScatter(Storage dy, int dyOff, Storage indices, Storage dx, PoolGeometry g)
    {
        if (!(dx.Device.IsCpu && dy.Device.IsCpu)) { Dispatch.OnDevice("max_pool2d_backward", dx, dy, indices).MaxPoolScatter(dy, dyOff, indices, dx, g); return; }
        var at = Devices.Host<long>(indices, "max_pool2d_backward");
        switch (dx)
        {
            case Storage<float> f: MaxScatter(Devices.Host<float>(dy, "max_pool2d"), dyOff, at, f.Data, g); break;
            case Storage<double> d: MaxScatter(Devices.Host<double>(dy, "max_pool2d"), dyOff, at, d.Data, g); break;
            default: throw new ArgumentException($"max_pool2d: not supported for dtype {dx.DType.TorchName()}");
        }
    }

    /// <summary>y[plane, o] = src[plane, indices[o]]: the values of src at the argmax positions (the adjoint of <see cref="MaxScatter"/>).</summary>
    public static void MaxGather(Storage src, int srcOff, Storage indices, Storage y, PoolGeometry g)
    {
        if (!(y.Device.IsCpu && src.Device.IsCpu)) { Dispatch.OnDevice("max_pool2d_backward_backward", y, src, indices).MaxPoolGather(src, srcOff, indices, y, g); return; }
        var at = Devices.Host<long>(indices, "max_pool2d_backward_backward");
        switch (y)
        {
            case Storage<float> f: MaxGather(Devices.Host<float>(src, "max_pool2d"), srcOff, at, f.Data, g); break;
            case Storage<double> d: MaxGather(Devices.Host<double>(src, "max_pool2d"), srcOff, at, d.Data, g); break;
            default: throw new ArgumentException($"max_pool2d: not supported for dtype {y.DType.TorchName()}");
        }
    }

    /// <summary>Mean over each window; the divisor is the window clipped to the padded input, or to the input alone when not <paramref name="countIncludePad"/>.</summary>
    public static void AvgForward(Storage x, int xOff, Storage y, PoolGeometry g, bool countIncludePad)
    {
        if (!(y.Device.IsCpu && x.Device.IsCpu)) { Dispatch.OnDevice("avg_pool2d", y, x).AvgPoolForward(x, xOff, y, g, countIncludePad); return; }
        switch (y)
        {
            case Storage<float> f: AvgForward(Devices.Host<float>(x, "avg_pool2d"), xOff, f.Data, g, countIncludePad); break;
            case Storage<double> d: AvgForward(Devices.Host<double>(x, "avg_pool2d"), xOff, d.Data, g, countIncludePad); break;
            default: throw new ArgumentException($"avg_pool2d: not supported for dtype {y.DType.TorchName()}");
        }
    }

    /// <summary>The adjoint of <see cref="AvgForward"/>: spreads each output gradient over its window (dx must start at zero).</summary>
    public static void AvgBackward(Storage dy, int dyOff, Storage dx, PoolGeometry g, bool countIncludePad)
    {
        if (!(dx.Device.IsCpu && dy.Device.IsCpu)) { Dispatch.OnDevice("avg_pool2d_backward", dx, dy).AvgPoolBackward(dy, dyOff, dx, g, countIncludePad); return; }
        switch (dx)
        {
            case Storage<float> f: AvgBackward(Devices.Host<float>(dy, "avg_pool2d"), dyOff, f.Data, g, countIncludePad); break;
            case Storage<double> d: AvgBackward(Devices.Host<double>(dy, "avg_pool2d"), dyOff, d.Data, g, countIncludePad); break;
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
        if (IsPairs(g))
            Threading.For(g.Planes, (long)outPlane * 4, p => MaxPlane2x2(x, xOff + p * plane, y, indices, null, p * outPlane, g));
        else
            Threading.For(g.Planes, (long)outPlane * g.KH * g.KW, p => MaxPlane(x, xOff + p * plane, y, indices, p * outPlane, g));
    }

    /// <summary>
    /// <see cref="MaxPlane"/> for the common 2 x 2 window with stride 2 and no padding: the same comparisons in the same order.
    /// The argmax goes to <paramref name="indices"/> as a flat index, or when that is null to <paramref name="codes"/> as 0..3.
    /// </summary>
    private static void MaxPlane2x2<T>(T[] x, int src, T[] y, long[]? indices, byte[]? codes, int dst, PoolGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = g.W, ow = g.OW;
        var yOut = y.AsSpan(dst, g.OH * ow);
        var idxOut = indices is null ? default : indices.AsSpan(dst, g.OH * ow);
        var codeOut = indices is null ? codes.AsSpan(dst, g.OH * ow) : default;
        var plane = x.AsSpan(src, g.H * w);
        bool vector = typeof(T) == typeof(float) && Vector256.IsHardwareAccelerated;
        for (int i = 0, o = 0; i < g.OH; i++)
        {
            int r0 = 2 * i * w;
            var top = plane.Slice(r0, 2 * ow);
            var bottom = plane.Slice(r0 + w, 2 * ow);
            int j = 0;
            if (vector)
            {
                j = MaxRow2x2(MemoryMarshal.Cast<T, float>(top), MemoryMarshal.Cast<T, float>(bottom), r0, w,
                    MemoryMarshal.Cast<T, float>(yOut[o..]), indices is null ? default : idxOut[o..], indices is null ? codeOut[o..] : default);
                o += j;
            }
            for (; j < ow; j++, o++)
            {
                // First maximum in window order (top-left, top-right, bottom-left, bottom-right); a NaN always wins.
                T best = top[2 * j];
                int at = 0;
                T v = top[2 * j + 1];
                if (v > best || T.IsNaN(v)) { best = v; at = 1; }
                v = bottom[2 * j];
                if (v > best || T.IsNaN(v)) { best = v; at = w; }
                v = bottom[2 * j + 1];
                if (v > best || T.IsNaN(v)) { best = v; at = w + 1; }
                yOut[o] = best;
                if (indices is null) codeOut[o] = (byte)(at == 0 ? 0 : at == 1 ? 1 : at == w ? 2 : 3);
                else idxOut[o] = r0 + 2 * j + at;
            }
        }
    }

    /// <summary>
    /// Four outputs at a time of one row of 2 x 2 float windows, with the comparisons of <see cref="MaxPlane"/> done
    /// lane-wise (a later value wins where it is greater or NaN); returns how many outputs it wrote (a multiple of 4).
    /// The argmax goes to <paramref name="idx"/> as a flat index, or when that is empty to <paramref name="codes"/> as 0..3.
    /// </summary>
    private static int MaxRow2x2(ReadOnlySpan<float> top, ReadOnlySpan<float> bottom, int r0, int w, Span<float> y, Span<long> idx, Span<byte> codes)
    {
        int ow = top.Length / 2, j = 0;
        bool coded = idx.IsEmpty;
        var swap = Vector256.Create(1, 0, 3, 2, 5, 4, 7, 6);
        var evens = Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6);
        var lane = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        // In coded mode the window positions are numbered 0..3 instead of offset in the plane.
        Vector256<int> right = Vector256.Create(1), below = Vector256.Create(coded ? 2 : w), belowRight = Vector256.Create(coded ? 3 : w + 1);
        ref float t0 = ref MemoryMarshal.GetReference(top);
        ref float b0 = ref MemoryMarshal.GetReference(bottom);
        for (; j + 4 <= ow; j += 4)
        {
            // Even lanes hold the windows: a, c the left and b, d the right column of the top and bottom rows.
            var a = Vector256.LoadUnsafe(ref t0, (nuint)(2 * j));
            var c = Vector256.LoadUnsafe(ref b0, (nuint)(2 * j));
            var b = Vector256.Shuffle(a, swap);
            var d = Vector256.Shuffle(c, swap);
            var best = a;
            var at = Vector256<int>.Zero;
            var m = Vector256.GreaterThan(b, best) | ~Vector256.Equals(b, b);
            best = Vector256.ConditionalSelect(m, b, best);
            at = Vector256.ConditionalSelect(m.AsInt32(), right, at);
            m = Vector256.GreaterThan(c, best) | ~Vector256.Equals(c, c);
            best = Vector256.ConditionalSelect(m, c, best);
            at = Vector256.ConditionalSelect(m.AsInt32(), below, at);
            m = Vector256.GreaterThan(d, best) | ~Vector256.Equals(d, d);
            best = Vector256.ConditionalSelect(m, d, best);
            at = Vector256.ConditionalSelect(m.AsInt32(), belowRight, at);
            Vector256.Shuffle(best, evens).GetLower().CopyTo(y[j..]);
            if (coded)
            {
                var code = Vector256.Shuffle(at, evens);
                codes[j] = (byte)code[0];
                codes[j + 1] = (byte)code[1];
                codes[j + 2] = (byte)code[2];
                codes[j + 3] = (byte)code[3];
                continue;
            }
            var pos = Vector256.Shuffle(at + lane + Vector256.Create(r0 + 2 * j), evens);
            Vector256.WidenLower(pos).CopyTo(idx[j..]);
        }
        return j;
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
            dx.AsSpan(dst, plane).Clear();
            for (int o = 0; o < outPlane; o++)
            {
                long at = indices[src + o];
                if (at >= 0) dx[dst + (int)at] += dy[dyOff + src + o];
            }
        });
    }

    private static void MaxScatterCodes<T>(T[] dy, int dyOff, byte[] codes, T[] dx, PoolGeometry g) where T : unmanaged, INumber<T>
    {
        int plane = g.H * g.W, outPlane = g.OH * g.OW, w = g.W, ow = g.OW;
        bool vector = typeof(T) == typeof(float) && Avx2.IsSupported;
        Threading.For(g.Planes, plane, p =>
        {
            int dst = p * plane, src = p * outPlane;
            for (int i = 0; i < g.OH; i++)
            {
                var top = dx.AsSpan(dst + 2 * i * w, w);
                var bottom = dx.AsSpan(dst + (2 * i + 1) * w, w);
                var grad = dy.AsSpan(dyOff + src + i * ow, ow);
                var code = codes.AsSpan(src + i * ow, ow);
                int j = vector ? SpreadRow2x2(MemoryMarshal.Cast<T, float>(grad), code, MemoryMarshal.Cast<T, float>(top), MemoryMarshal.Cast<T, float>(bottom)) : 0;
                for (; j < ow; j++)
                {
                    T v = grad[j];
                    int c = code[j];
                    top[2 * j] = c == 0 ? v : T.Zero;
                    top[2 * j + 1] = c == 1 ? v : T.Zero;
                    bottom[2 * j] = c == 2 ? v : T.Zero;
                    bottom[2 * j + 1] = c == 3 ? v : T.Zero;
                }
                top[(2 * ow)..].Clear();
                bottom[(2 * ow)..].Clear();
            }
            dx.AsSpan(dst + 2 * g.OH * w, (g.H - 2 * g.OH) * w).Clear();
        });
    }

    /// <summary>
    /// Four outputs at a time of one row of <see cref="MaxScatterCodes{T}"/> for float: each gradient duplicated to its
    /// window's two columns and kept where the lane's position matches the code; returns how many outputs it spread.
    /// </summary>
    private static int SpreadRow2x2(ReadOnlySpan<float> grad, ReadOnlySpan<byte> codes, Span<float> top, Span<float> bottom)
    {
        int ow = grad.Length, j = 0;
        var pairs = Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3);
        var shifts = Vector256.Create(0u, 0, 8, 8, 16, 16, 24, 24);
        Vector256<int> topCode = Vector256.Create(0, 1, 0, 1, 0, 1, 0, 1), bottomCode = topCode + Vector256.Create(2);
        ref float g0 = ref MemoryMarshal.GetReference(grad);
        ref byte c0 = ref MemoryMarshal.GetReference(codes);
        ref float t0 = ref MemoryMarshal.GetReference(top);
        ref float b0 = ref MemoryMarshal.GetReference(bottom);
        for (; j + 4 <= ow; j += 4)
        {
            var v = Vector256.Shuffle(Vector128.LoadUnsafe(ref g0, (nuint)j).ToVector256Unsafe(), pairs);
            uint four = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref c0, j));
            var lane = (Avx2.ShiftRightLogicalVariable(Vector256.Create(four), shifts) & Vector256.Create(0xFFu)).AsInt32();
            (Vector256.Equals(lane, topCode).AsSingle() & v).StoreUnsafe(ref t0, (nuint)(2 * j));
            (Vector256.Equals(lane, bottomCode).AsSingle() & v).StoreUnsafe(ref b0, (nuint)(2 * j));
        }
        return j;
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
