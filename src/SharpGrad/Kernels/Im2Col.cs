using System.Numerics;

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
/// The patch matrix of a convolution ("im2col", stored transposed: one row per output pixel) and its
/// adjoint. Row r = oh * OW + ow of one sample holds the input values that the kernel sees at that output
/// pixel for the channels of one group, in weight order (channel, kh, kw), zeros where it overlaps padding.
/// A convolution is then a matrix product of these rows with the transposed weight.
/// </summary>
internal static class Im2Col
{
    /// <summary>
    /// Writes the L x Kg patch rows of one sample (channels <paramref name="c0"/>.. of the group) into
    /// <paramref name="rows"/> at <paramref name="rowsOff"/>; <paramref name="xOff"/> is the sample's start in x.
    /// </summary>
    public static void ToRows<T>(T[] x, int xOff, ConvGeometry g, int c0, T[] rows, int rowsOff) where T : unmanaged, INumber<T>
    {
        int h = g.H, w = g.W, oh = g.OH, ow = g.OW, kh = g.KH, kw = g.KW, cg = g.Cg, plane = h * w;
        int dst = rowsOff;
        for (int i = 0; i < oh; i++)
        {
            int ih0 = i * g.SH - g.PH;
            for (int j = 0; j < ow; j++)
            {
                int iw0 = j * g.SW - g.PW;
                // The common case of a window fully inside the image (no dilation) copies whole kernel rows.
                bool inside = g.DW == 1 && iw0 >= 0 && iw0 + kw <= w;
                for (int c = 0; c < cg; c++)
                {
                    int src = xOff + (c0 + c) * plane;
                    for (int a = 0; a < kh; a++)
                    {
                        int ih = ih0 + a * g.DH;
                        if ((uint)ih >= (uint)h)
                        {
                            rows.AsSpan(dst, kw).Clear();
                            dst += kw;
                            continue;
                        }
                        int rowSrc = src + ih * w;
                        if (inside)
                        {
                            for (int b = 0; b < kw; b++) rows[dst + b] = x[rowSrc + iw0 + b];
                            dst += kw;
                            continue;
                        }
                        for (int b = 0; b < kw; b++)
                        {
                            int iw = iw0 + b * g.DW;
                            rows[dst++] = (uint)iw < (uint)w ? x[rowSrc + iw] : T.Zero;
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// The adjoint of <see cref="ToRows"/> ("col2im"): adds every patch-row entry back into the input
    /// position it was read from (padding entries are dropped). Accumulates into <paramref name="dx"/>
    /// in a fixed order, so sums do not depend on threading when each sample is handled by one thread.
    /// </summary>
    public static void AddRows<T>(T[] rows, int rowsOff, ConvGeometry g, int c0, T[] dx, int dxOff) where T : unmanaged, INumber<T>
    {
        int h = g.H, w = g.W, oh = g.OH, ow = g.OW, kh = g.KH, kw = g.KW, cg = g.Cg, plane = h * w;
        int src = rowsOff;
        for (int i = 0; i < oh; i++)
        {
            int ih0 = i * g.SH - g.PH;
            for (int j = 0; j < ow; j++)
            {
                int iw0 = j * g.SW - g.PW;
                for (int c = 0; c < cg; c++)
                {
                    int dst = dxOff + (c0 + c) * plane;
                    for (int a = 0; a < kh; a++)
                    {
                        int ih = ih0 + a * g.DH;
                        if ((uint)ih >= (uint)h)
                        {
                            src += kw;
                            continue;
                        }
                        int rowDst = dst + ih * w;
                        for (int b = 0; b < kw; b++, src++)
                        {
                            int iw = iw0 + b * g.DW;
                            if ((uint)iw < (uint)w) dx[rowDst + iw] += rows[src];
                        }
                    }
                }
            }
        }
    }
}
