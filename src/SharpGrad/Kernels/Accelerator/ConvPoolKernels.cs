using System.Numerics;
using ILGPU;

namespace SharpGrad.Kernels.Accelerator;

/// <summary>
/// Direct 2-D convolution and pooling device kernels, one thread per output element: the forward passes over output
/// elements, the input gradients over input elements (each gathers the outputs whose windows cover it, so nothing is
/// written twice and no atomics are needed), the weight gradient over weight elements. All tensors are contiguous
/// [N, C, H, W] (pooling: [planes, H, W]) starting at the offsets in the arguments.
/// </summary>
internal static class ConvPoolKernels
{
    /// <summary>y[n, o, oh, ow] = bias[o] + sum over the group's channels and taps of x times w (input element order).</summary>
    public static void ConvForward<T>(Index1D i, ArrayView<T> x, ArrayView<T> w, ArrayView<T> bias, ArrayView<T> y, ConvArgs a)
        where T : unmanaged, INumber<T>
    {
        int ow = i % a.OW, t = i / a.OW, oh = t % a.OH;
        t /= a.OH;
        int o = t % a.O, n = t / a.O, cg = a.C / a.Groups, grp = o / (a.O / a.Groups);
        T sum = T.Zero;
        for (int c = 0; c < cg; c++)
        {
            long xPlane = a.AOff + ((long)n * a.C + grp * cg + c) * a.H * a.W, wTaps = a.BOff + ((long)o * cg + c) * a.KH * a.KW;
            for (int kh = 0; kh < a.KH; kh++)
            {
                int ih = oh * a.SH - a.PH + kh * a.DH;
                if (ih < 0 || ih >= a.H) continue;
                for (int kw = 0; kw < a.KW; kw++)
                {
                    int iw = ow * a.SW - a.PW + kw * a.DW;
                    if (iw >= 0 && iw < a.W) sum += x[xPlane + (long)ih * a.W + iw] * w[wTaps + kh * a.KW + kw];
                }
            }
        }
        y[i] = a.HasBias != 0 ? bias[a.BiasOff + o] + sum : sum;
    }

    /// <summary>dx[n, c, ih, iw] = sum over the outputs whose windows hold (ih, iw) of dy times the tap's weight.</summary>
    public static void ConvInputGrad<T>(Index1D i, ArrayView<T> dy, ArrayView<T> w, ArrayView<T> dx, ConvArgs a) where T : unmanaged, INumber<T>
    {
        int iw = i % a.W, t = i / a.W, ih = t % a.H;
        t /= a.H;
        int c = t % a.C, n = t / a.C, cg = a.C / a.Groups, og = a.O / a.Groups, grp = c / cg, cc = c % cg;
        T sum = T.Zero;
        for (int oc = 0; oc < og; oc++)
        {
            int o = grp * og + oc;
            long dyPlane = a.AOff + ((long)n * a.O + o) * a.OH * a.OW, wTaps = a.BOff + ((long)o * cg + cc) * a.KH * a.KW;
            for (int kh = 0; kh < a.KH; kh++)
            {
                int th = ih + a.PH - kh * a.DH;
                if (th < 0 || th % a.SH != 0 || th / a.SH >= a.OH) continue;
                for (int kw = 0; kw < a.KW; kw++)
                {
                    int tw = iw + a.PW - kw * a.DW;
                    if (tw < 0 || tw % a.SW != 0 || tw / a.SW >= a.OW) continue;
                    sum += dy[dyPlane + (long)(th / a.SH) * a.OW + tw / a.SW] * w[wTaps + kh * a.KW + kw];
                }
            }
        }
        dx[i] = sum;
    }

    /// <summary>dw[o, c, kh, kw] = sum over samples and output pixels of dy times the input under that tap.</summary>
    public static void ConvWeightGrad<T>(Index1D i, ArrayView<T> x, ArrayView<T> dy, ArrayView<T> dw, ConvArgs a) where T : unmanaged, INumber<T>
    {
        int kw = i % a.KW, t = i / a.KW, kh = t % a.KH, cg = a.C / a.Groups;
        t /= a.KH;
        int cc = t % cg, o = t / cg, c = o / (a.O / a.Groups) * cg + cc;
        T sum = T.Zero;
        for (int n = 0; n < a.N; n++)
        {
            long xPlane = a.AOff + ((long)n * a.C + c) * a.H * a.W, dyPlane = a.BOff + ((long)n * a.O + o) * a.OH * a.OW;
            for (int oh = 0; oh < a.OH; oh++)
            {
                int ih = oh * a.SH - a.PH + kh * a.DH;
                if (ih < 0 || ih >= a.H) continue;
                for (int ow = 0; ow < a.OW; ow++)
                {
                    int iw = ow * a.SW - a.PW + kw * a.DW;
                    if (iw >= 0 && iw < a.W) sum += dy[dyPlane + (long)oh * a.OW + ow] * x[xPlane + (long)ih * a.W + iw];
                }
            }
        }
        dw[i] = sum;
    }

    /// <summary>db[o] = dy[:, o, :, :] summed.</summary>
    public static void ConvBiasGrad<T>(Index1D o, ArrayView<T> dy, ArrayView<T> db, ConvArgs a) where T : unmanaged, INumber<T>
    {
        long l = (long)a.OH * a.OW;
        T sum = T.Zero;
        for (int n = 0; n < a.N; n++)
        {
            long plane = a.AOff + ((long)n * a.O + o) * l;
            for (long j = 0; j < l; j++) sum += dy[plane + j];
        }
        db[o] = sum;
    }

    /// <summary>Max over each window (padding is -inf) and the flat in-plane index of its first maximum; a NaN wins (as the CPU kernel).</summary>
    public static void MaxPoolForward<T>(Index1D i, ArrayView<T> x, ArrayView<T> y, ArrayView<long> indices, PoolArgs p)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int ow = i % p.OW, t = i / p.OW, oh = t % p.OH, plane = t / p.OH;
        long src = p.Off + (long)plane * p.H * p.W;
        T best = T.NegativeInfinity;
        long at = -1;
        for (int kh = 0; kh < p.KH; kh++)
        {
            int ih = oh * p.SH - p.PH + kh * p.DH;
            if (ih < 0 || ih >= p.H) continue;
            for (int kw = 0; kw < p.KW; kw++)
            {
                int iw = ow * p.SW - p.PW + kw * p.DW;
                if (iw < 0 || iw >= p.W) continue;
                T v = x[src + (long)ih * p.W + iw];
                if (at < 0 || v > best || T.IsNaN(v))
                {
                    best = v;
                    at = (long)ih * p.W + iw;
                }
            }
        }
        y[i] = best;
        indices[i] = at;
    }

    /// <summary>y[plane, o] = x[plane, indices[plane, o]] (zero where a window held no input).</summary>
    public static void MaxPoolGather<T>(Index1D i, ArrayView<T> x, ArrayView<long> indices, ArrayView<T> y, PoolArgs p) where T : unmanaged, INumber<T>
    {
        long at = indices[i];
        y[i] = at >= 0 ? x[p.Off + (long)((int)i / (p.OH * p.OW)) * p.H * p.W + at] : T.Zero;
    }

    /// <summary>
    /// dx[plane, ih, iw] = the sum of dy over the outputs whose argmax is (ih, iw), added in output order as on the CPU
    /// (taps from the last to the first visit the covering outputs in increasing order).
    /// </summary>
    public static void MaxPoolScatter<T>(Index1D i, ArrayView<T> dy, ArrayView<long> indices, ArrayView<T> dx, PoolArgs p) where T : unmanaged, INumber<T>
    {
        int iw = i % p.W, t = i / p.W, ih = t % p.H, plane = t / p.H;
        long here = (long)ih * p.W + iw, outPlane = (long)plane * p.OH * p.OW;
        T sum = T.Zero;
        for (int kh = p.KH - 1; kh >= 0; kh--)
        {
            int th = ih + p.PH - kh * p.DH;
            if (th < 0 || th % p.SH != 0 || th / p.SH >= p.OH) continue;
            for (int kw = p.KW - 1; kw >= 0; kw--)
            {
                int tw = iw + p.PW - kw * p.DW;
                if (tw < 0 || tw % p.SW != 0 || tw / p.SW >= p.OW) continue;
                long o = outPlane + (long)(th / p.SH) * p.OW + tw / p.SW;
                if (indices[o] == here) sum += dy[p.Off + o];
            }
        }
        dx[i] = sum;
    }

    /// <summary>Mean over each window with the CPU kernel's divisor (window clipped to the padded input, or to the input).</summary>
    public static void AvgPoolForward<T, TConv>(Index1D i, ArrayView<T> x, ArrayView<T> y, PoolArgs p)
        where T : unmanaged, INumber<T> where TConv : struct, IDeviceElement<T>
    {
        int ow = i % p.OW, t = i / p.OW, oh = t % p.OH, plane = t / p.OH;
        int hs = oh * p.SH - p.PH, ws = ow * p.SW - p.PW;
        int he = IntrinsicMath.Min(hs + p.KH, p.H + p.PH), we = IntrinsicMath.Min(ws + p.KW, p.W + p.PW);
        int h0 = IntrinsicMath.Max(hs, 0), h1 = IntrinsicMath.Min(he, p.H), w0 = IntrinsicMath.Max(ws, 0), w1 = IntrinsicMath.Min(we, p.W);
        if (h0 >= h1 || w0 >= w1)
        {
            y[i] = T.Zero;
            return;
        }
        long src = p.Off + (long)plane * p.H * p.W;
        T sum = T.Zero;
        for (int ih = h0; ih < h1; ih++)
            for (int iw = w0; iw < w1; iw++) sum += x[src + (long)ih * p.W + iw];
        int count = p.CountIncludePad != 0 ? (he - hs) * (we - ws) : (h1 - h0) * (w1 - w0);
        y[i] = sum / default(TConv).FromDouble(count);
    }

    /// <summary>dx[plane, ih, iw] = the sum of dy / divisor over the windows holding (ih, iw), in output order as on the CPU.</summary>
    public static void AvgPoolBackward<T, TConv>(Index1D i, ArrayView<T> dy, ArrayView<T> dx, PoolArgs p)
        where T : unmanaged, INumber<T> where TConv : struct, IDeviceElement<T>
    {
        int iw = i % p.W, t = i / p.W, ih = t % p.H, plane = t / p.H;
        long outPlane = p.Off + (long)plane * p.OH * p.OW;
        T sum = T.Zero;
        for (int kh = p.KH - 1; kh >= 0; kh--)
        {
            int th = ih + p.PH - kh;
            if (th < 0 || th % p.SH != 0 || th / p.SH >= p.OH) continue;
            int hs = th - p.PH, he = IntrinsicMath.Min(hs + p.KH, p.H + p.PH);
            for (int kw = p.KW - 1; kw >= 0; kw--)
            {
                int tw = iw + p.PW - kw;
                if (tw < 0 || tw % p.SW != 0 || tw / p.SW >= p.OW) continue;
                int ws = tw - p.PW, we = IntrinsicMath.Min(ws + p.KW, p.W + p.PW);
                int count = p.CountIncludePad != 0
                    ? (he - hs) * (we - ws)
                    : (IntrinsicMath.Min(he, p.H) - IntrinsicMath.Max(hs, 0)) * (IntrinsicMath.Min(we, p.W) - IntrinsicMath.Max(ws, 0));
                sum += dy[outPlane + (long)(th / p.SH) * p.OW + tw / p.SW] / default(TConv).FromDouble(count);
            }
        }
        dx[i] = sum;
    }
}

/// <summary>A convolution's sizes for the device kernels (<see cref="ConvGeometry"/> with its derived sizes and the operands' offsets).</summary>
internal struct ConvArgs
{
    public int N, C, H, W, O, KH, KW, SH, SW, PH, PW, DH, DW, Groups, OH, OW, HasBias;

    /// <summary>Offsets of the first operand (x, or dy for the input and bias gradients), the second (w, or dy for the weight gradient) and the bias.</summary>
    public long AOff, BOff, BiasOff;

    public static ConvArgs Of(ConvGeometry g, long aOff, long bOff) => new()
    {
        N = g.N, C = g.C, H = g.H, W = g.W, O = g.O, KH = g.KH, KW = g.KW, SH = g.SH, SW = g.SW, PH = g.PH, PW = g.PW,
        DH = g.DH, DW = g.DW, Groups = g.Groups, OH = g.OH, OW = g.OW, AOff = aOff, BOff = bOff,
    };
}

/// <summary>A pooling's sizes for the device kernels (<see cref="PoolGeometry"/> with the read operand's offset).</summary>
internal struct PoolArgs
{
    public int Planes, H, W, OH, OW, KH, KW, SH, SW, PH, PW, DH, DW, CountIncludePad;
    public long Off;

    public static PoolArgs Of(PoolGeometry g, long off, bool countIncludePad = false) => new()
    {
        Planes = g.Planes, H = g.H, W = g.W, OH = g.OH, OW = g.OW, KH = g.KH, KW = g.KW, SH = g.SH, SW = g.SW, PH = g.PH, PW = g.PW,
        DH = g.DH, DW = g.DW, CountIncludePad = countIncludePad ? 1 : 0, Off = off,
    };
}
