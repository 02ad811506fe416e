using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SharpGrad.Kernels;

/// <summary>
/// The weight gradient of a convolution without column dilation as prepacked GEMMs over chunks of output pixels:
/// dw'[o, (a, b, c)] += dy_n[o, pixels] B[pixels, (a, b, c)], where B is built straight into GEMM panel layout from a
/// zero-bordered channels-last copy of the sample. In that copy, the patch values of one pixel for one kernel row a
/// (all b, all c) are one contiguous run of KW Cg values, so each panel row is a few vector copies, with no transpose.
/// The result is in tap-major order (a, b, c) and is permuted to the weight's (c, a, b) order at the end.
/// </summary>
internal static class ConvWeightGradPanels
{
    /// <summary>Output pixels per GEMM: the depth of one packed chunk (its B stays in the L2 cache).</summary>
    private const int Chunk = 64;

    /// <summary>Elements a <see cref="CopyOver"/> may read or write past its run (at least one 512-bit vector).</summary>
    private const int Slack = 64;

    /// <summary>dst[0..len) = src[0..len) in whole vectors: may read and write up to one vector past the end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyOver<T>(ref T src, ref T dst, int len) where T : unmanaged
    {
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            for (int j = 0; j < len; j += Vector512<T>.Count) Vector512.LoadUnsafe(ref src, (nuint)j).StoreUnsafe(ref dst, (nuint)j);
            return;
        }
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            for (int j = 0; j < len; j += Vector256<T>.Count) Vector256.LoadUnsafe(ref src, (nuint)j).StoreUnsafe(ref dst, (nuint)j);
            return;
        }
        for (int j = 0; j < len; j++) Unsafe.Add(ref dst, j) = Unsafe.Add(ref src, j);
    }

    /// <summary>Whether this path applies: unit column dilation (the runs of one kernel row are contiguous).</summary>
    public static bool Applies(ConvGeometry g) => g.DW == 1;

    /// <summary>Elements of the channels-last zero-bordered copy of one group of one sample.</summary>
    private static int PaddedSize(ConvGeometry g) => (g.H + 2 * g.PH) * (g.W + 2 * g.PW) * g.Cg;

    /// <summary>Copies channels c0..c0 + Cg of the sample at <paramref name="xOff"/> to [H + 2 PH, W + 2 PW, Cg] with a zero border.</summary>
    private static void PadChannelsLast<T>(T[] x, int xOff, ConvGeometry g, int c0, T[] xt) where T : unmanaged
    {
        int h = g.H, w = g.W, wp = w + 2 * g.PW, cg = g.Cg;
        xt.AsSpan(0, PaddedSize(g)).Clear();
        ref T dst0 = ref MemoryMarshal.GetArrayDataReference(xt);
        ref T src0 = ref MemoryMarshal.GetArrayDataReference(x);
        for (int c = 0; c < cg; c++)
            for (int i = 0; i < h; i++)
            {
                ref T src = ref Unsafe.Add(ref src0, xOff + ((c0 + c) * h + i) * w);
                ref T dst = ref Unsafe.Add(ref dst0, ((g.PH + i) * wp + g.PW) * cg + c);
                for (int j = 0; j < w; j++) Unsafe.Add(ref dst, j * cg) = Unsafe.Add(ref src, j);
            }
    }

    /// <summary>
    /// partial[(o0 + oc) * Kg + (a, b, c)] (+)= the sum over samples n0..n1 (in order, pixel chunks in order) of the
    /// tap-major weight gradient of group <paramref name="grp"/>; the first product overwrites, the rest add.
    /// </summary>
    public static void Part<T, TK>(T[] x, int xOff, T[] dy, int dyOff, ConvGeometry g, int grp, int n0, int n1, T[] partial, int pOff)
        where T : unmanaged, INumber<T> where TK : struct, IGemmKernel<T>
    {
        int l = g.L, kg = g.Kg, og = g.Og, cg = g.Cg, nr = TK.NR, run = g.KW * cg, wp = g.W + 2 * g.PW;
        int panels = (kg + nr - 1) / nr, sampleIn = g.C * g.H * g.W;
        // The pieces of one pixel's panel row: kernel row a's run cut where it crosses into the next panel.
        int maxPieces = g.KH + panels;
        Span<int> srcAt = maxPieces <= 128 ? stackalloc int[maxPieces] : new int[maxPieces];
        Span<int> panelOf = maxPieces <= 128 ? stackalloc int[maxPieces] : new int[maxPieces];
        Span<int> within = maxPieces <= 128 ? stackalloc int[maxPieces] : new int[maxPieces];
        Span<int> lengths = maxPieces <= 128 ? stackalloc int[maxPieces] : new int[maxPieces];
        int count = 0;
        for (int a = 0; a < g.KH; a++)
            for (int k = 0; k < run; count++)
            {
                int q = a * run + k, pan = q / nr, at = q - pan * nr, len = Math.Min(run - k, nr - at);
                (srcAt[count], panelOf[count], within[count], lengths[count]) = (a * g.DH * wp * cg + k, pan, at, len);
                k += len;
            }
        var xt = System.Buffers.ArrayPool<T>.Shared.Rent(PaddedSize(g) + Slack);
        var bp = System.Buffers.ArrayPool<T>.Shared.Rent(panels * nr * Chunk + Slack);
        var ap = System.Buffers.ArrayPool<T>.Shared.Rent(GemmPrepacked.SizeA<T, TK>(og, Chunk));
        try
        {
            bool first = true;
            for (int n = n0; n < n1; n++)
            {
                PadChannelsLast(x, xOff + n * sampleIn, g, grp * cg, xt);
                ref T xt0 = ref MemoryMarshal.GetArrayDataReference(xt);
                for (int l0 = 0; l0 < l; l0 += Chunk)
                {
                    int kc = Math.Min(Chunk, l - l0);
                    ref T b0 = ref MemoryMarshal.GetArrayDataReference(bp);
                    if (kg % nr != 0) bp.AsSpan((panels - 1) * nr * kc, nr * kc).Clear();
                    // Panel by panel and pixel by pixel in order, so a copy's overrun past its piece only touches
                    // entries written later (or padding columns, whose products are never stored).
                    for (int t = 0; t < count; t++)
                    {
                        int piecesEnd = t + 1;
                        while (piecesEnd < count && panelOf[piecesEnd] == panelOf[t]) piecesEnd++;
                        for (int p = 0; p < kc; p++)
                        {
                            int pix = l0 + p, i = pix / g.OW, j = pix - i * g.OW;
                            ref T src = ref Unsafe.Add(ref xt0, (i * g.SH * wp + j * g.SW) * cg);
                            ref T row = ref Unsafe.Add(ref b0, panelOf[t] * nr * kc + p * nr);
                            for (int u = t; u < piecesEnd; u++)
                                CopyOver(ref Unsafe.Add(ref src, srcAt[u]), ref Unsafe.Add(ref row, within[u]), lengths[u]);
                        }
                        t = piecesEnd - 1;
                    }
                    GemmPrepacked.PackA<T, TK>(dy, dyOff + (n * g.O + grp * og) * l + l0, l, 1, og, kc, ap, 0);
                    GemmPrepacked.Multiply<T, TK>(ap, 0, bp, 0, partial, pOff, kg, og, kg, kc, accumulate: !first);
                    first = false;
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<T>.Shared.Return(xt);
            System.Buffers.ArrayPool<T>.Shared.Return(bp);
            System.Buffers.ArrayPool<T>.Shared.Return(ap);
        }
    }

    /// <summary>dw[o, (c, a, b)] = src[o, (a, b, c)] for each of the O rows of Kg values.</summary>
    public static void ToWeightOrder<T>(T[] src, ConvGeometry g, T[] dw) where T : unmanaged
    {
        int kg = g.Kg, cg = g.Cg, taps = g.KH * g.KW;
        for (int o = 0; o < g.O; o++)
        {
            int row = o * kg;
            for (int t = 0; t < taps; t++)
                for (int c = 0; c < cg; c++) dw[row + c * taps + t] = src[row + t * cg + c];
        }
    }
}
