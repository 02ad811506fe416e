using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SharpGrad.Kernels;

/// <summary>
/// The sizes of one 2-D convolution: input [N, C, H, W], weight [O, C/groups, KH, KW], stride,
/// zero padding, dilation and groups. Output sizes follow PyTorch:
/// OH = (H + 2 PH - DH (KH - 1) - 1) / SH + 1, and the same for the width.
/// </summary>
internal readonly record struct ConvGeometry(int N, int C, int H, int W, int O, int KH, int KW,
    int SH, int SW, int PH, int PW, int DH, int DW, int Groups)
{
    public int OH => (H + 2 * PH - DH * (KH - 1) - 1) / SH + 1;
    public int OW => (W + 2 * PW - DW * (KW - 1) - 1) / SW + 1;

    /// <summary>Output pixels per sample and channel.</summary>
    public int L => OH * OW;

    /// <summary>Input channels per group.</summary>
    public int Cg => C / Groups;

    /// <summary>Output channels per group.</summary>
    public int Og => O / Groups;

    /// <summary>Length of one patch of one group (a row of the patch matrix): Cg KH KW.</summary>
    public int Kg => Cg * KH * KW;
}

/// <summary>
/// The patch matrix of a convolution ("im2col") and its adjoint. For one sample and the channels of one group it has
/// Kg = Cg KH KW rows, in weight order (channel, kh, kw), and L = OH OW columns, one per output pixel: row (c, a, b)
/// holds the input values that tap (a, b) of channel c sees at every output pixel, zeros where it overlaps padding.
/// A convolution is then the weight [O, Kg] times this matrix. The matrix is built from a zero-bordered copy of the
/// sample (<see cref="Pad"/>), so each output row of a patch row is one copy of input values, contiguous for unit stride.
/// </summary>
internal static class Im2Col
{
    /// <summary>Elements of the zero-bordered copy of one group of one sample: Cg (H + 2 PH) (W + 2 PW).</summary>
    public static int PaddedSize(ConvGeometry g) => g.Cg * (g.H + 2 * g.PH) * (g.W + 2 * g.PW);

    /// <summary>Copies channels c0..c0 + Cg of the sample at <paramref name="xOff"/> into <paramref name="xp"/> with a zero border of PH rows and PW columns.</summary>
    public static void Pad<T>(T[] x, int xOff, ConvGeometry g, int c0, T[] xp) where T : unmanaged
    {
        int h = g.H, w = g.W, hp = h + 2 * g.PH, wp = w + 2 * g.PW;
        var dst = xp.AsSpan(0, PaddedSize(g));
        if (g.PH > 0 || g.PW > 0) dst.Clear();
        for (int c = 0; c < g.Cg; c++)
            for (int i = 0; i < h; i++)
                x.AsSpan(xOff + ((c0 + c) * h + i) * w, w).CopyTo(dst[((c * hp + g.PH + i) * wp + g.PW)..]);
    }

    /// <summary>
    /// Writes the Kg x L patch matrix of a padded sample (<see cref="Pad"/>) straight into the packed-B layout of
    /// <see cref="GemmPrepacked"/>: panels of <paramref name="nr"/> columns at <paramref name="off"/>, zero past L.
    /// Only panels <paramref name="firstPanel"/> .. + <paramref name="panelCount"/> are written (the first of them at
    /// <paramref name="off"/>), so a product can consume the patch matrix a few panels at a time while they are in cache.
    /// </summary>
    public static void ToPanels<T>(T[] xp, ConvGeometry g, int nr, T[] panels, int off, int firstPanel = 0, int panelCount = int.MaxValue)
        where T : unmanaged
    {
        int l = g.L, kg = g.Kg, ow = g.OW, hp = g.H + 2 * g.PH, wp = g.W + 2 * g.PW, sw = g.SW;
        int np = Math.Min((l + nr - 1) / nr - firstPanel, panelCount);
        if (xp.Length < PaddedSize(g) || off < 0 || firstPanel < 0 || np <= 0 || off + (long)np * nr * kg > panels.Length)
            throw new ArgumentException($"conv2d: im2col buffers too small for {g} (panels {firstPanel} + {panelCount})");
        int p0 = firstPanel * nr, p1 = Math.Min(l, (firstPanel + np) * nr);
        if (p1 - p0 < np * nr)
            for (int k = 0, tail = off + (np - 1) * nr * kg + (p1 - p0) % nr; k < kg; k++) panels.AsSpan(tail + k * nr, nr - (p1 - p0) % nr).Clear();
        // The pieces of one patch row: an output row, cut where it crosses into the next panel. They are the same for
        // every row (c, a, b) up to a source offset, so they are worked out once.
        int pieces = ((p1 - p0) / Math.Max(1, ow) + 2) * (ow / nr + 2);
        Span<int> srcAt = pieces <= 256 ? stackalloc int[pieces] : new int[pieces];
        Span<int> dstAt = pieces <= 256 ? stackalloc int[pieces] : new int[pieces];
        Span<int> lengths = pieces <= 256 ? stackalloc int[pieces] : new int[pieces];
        int count = 0;
        for (int p = p0; p < p1; count++)
        {
            int i = p / ow, j = p - i * ow, q = (p - p0) / nr, within = p - p0 - q * nr, len = Math.Min(ow - j, nr - within);
            len = Math.Min(len, p1 - p);
            (srcAt[count], dstAt[count], lengths[count]) = (i * g.SH * wp + j * sw, q * nr * kg + within, len);
            p += len;
        }
        ref T src0 = ref MemoryMarshal.GetArrayDataReference(xp);
        ref T dst0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(panels), off);
        int row = 0;
        for (int c = 0; c < g.Cg; c++)
            for (int a = 0; a < g.KH; a++)
                for (int b = 0; b < g.KW; b++, row++)
                {
                    ref T src = ref Unsafe.Add(ref src0, (c * hp + a * g.DH) * wp + b * g.DW);
                    ref T dst = ref Unsafe.Add(ref dst0, row * nr);
                    for (int t = 0; t < count; t++)
                        CopyRun(ref Unsafe.Add(ref src, srcAt[t]), sw, ref Unsafe.Add(ref dst, dstAt[t]), lengths[t]);
                }
    }

    /// <summary>Writes the Kg x L patch matrix of a padded sample (<see cref="Pad"/>) with row stride L at <paramref name="off"/>.</summary>
    public static void ToColumns<T>(T[] xp, ConvGeometry g, T[] cols, int off) where T : unmanaged
    {
        int l = g.L, ow = g.OW, hp = g.H + 2 * g.PH, wp = g.W + 2 * g.PW, sw = g.SW;
        if (xp.Length < PaddedSize(g) || off < 0 || off + (long)g.Kg * l > cols.Length)
            throw new ArgumentException($"conv2d: im2col buffers too small for {g}");
        ref T src0 = ref MemoryMarshal.GetArrayDataReference(xp);
        ref T dst = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(cols), off);
        for (int c = 0; c < g.Cg; c++)
            for (int a = 0; a < g.KH; a++)
                for (int b = 0; b < g.KW; b++)
                    for (int i = 0; i < g.OH; i++, dst = ref Unsafe.Add(ref dst, ow))
                        CopyRun(ref Unsafe.Add(ref src0, (c * hp + i * g.SH + a * g.DH) * wp + b * g.DW), sw, ref dst, ow);
    }

    /// <summary>dst[j] = src[j * sw] for j &lt; len, with vector copies for unit stride.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void CopyRun<T>(ref T src, int sw, ref T dst, int len) where T : unmanaged
    {
        if (sw == 1 && Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && len >= Vector512<T>.Count)
        {
            int vc = Vector512<T>.Count, j = 0;
            for (; j <= len - vc; j += vc) Vector512.LoadUnsafe(ref src, (nuint)j).StoreUnsafe(ref dst, (nuint)j);
            if (j < len) Vector512.LoadUnsafe(ref src, (nuint)(len - vc)).StoreUnsafe(ref dst, (nuint)(len - vc));
            return;
        }
        if (sw == 1 && Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && len >= Vector256<T>.Count)
        {
            int vc = Vector256<T>.Count, j = 0;
            for (; j <= len - vc; j += vc) Vector256.LoadUnsafe(ref src, (nuint)j).StoreUnsafe(ref dst, (nuint)j);
            // The last vector may overlap the previous one; it writes the same values again.
            if (j < len) Vector256.LoadUnsafe(ref src, (nuint)(len - vc)).StoreUnsafe(ref dst, (nuint)(len - vc));
            return;
        }
        for (int j = 0; j < len; j++) Unsafe.Add(ref dst, j) = Unsafe.Add(ref src, j * sw);
    }

    /// <summary>
    /// The adjoint of <see cref="ToColumns"/> ("col2im") on the unpadded sample at <paramref name="dxOff"/> (group channels
    /// from <paramref name="c0"/>): adds every patch-matrix entry (row stride L) back into the input position it was read
    /// from; padding entries are dropped. Sums run in a fixed order.
    /// </summary>
    public static void AddColumns<T>(T[] cols, int colsOff, ConvGeometry g, int c0, T[] dx, int dxOff) where T : unmanaged, INumber<T>
    {
        int ow = g.OW, w = g.W, sw = g.SW, l = g.L, row = colsOff;
        for (int c = 0; c < g.Cg; c++)
            for (int a = 0; a < g.KH; a++)
                for (int b = 0; b < g.KW; b++, row += l)
                {
                    int iwOff = b * g.DW - g.PW;
                    // Output columns [jLo, jHi) read input column j * SW + iwOff inside the input.
                    int jLo = Math.Min(ow, iwOff >= 0 ? 0 : (-iwOff + sw - 1) / sw);
                    int jHi = Math.Max(jLo, w - 1 - iwOff < 0 ? 0 : Math.Min(ow, (w - 1 - iwOff) / sw + 1));
                    int dst0 = dxOff + (c0 + c) * g.H * w;
                    for (int i = 0; i < g.OH; i++)
                    {
                        int ih = i * g.SH - g.PH + a * g.DH;
                        if ((uint)ih >= (uint)g.H) continue;
                        int dst = dst0 + ih * w + iwOff, src = row + i * ow;
                        for (int j = jLo; j < jHi; j++) dx[dst + j * sw] += cols[src + j];
                    }
                }
    }
}
