using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SharpGrad.Kernels;

/// <summary>
/// A serial GEMM on operands that the caller has already put in panel layout, for kernels that build one operand
/// straight into that layout (the patch matrix of a convolution) or reuse one packed operand many times (its weight).
/// A packed A holds MR-row panels of the full depth k, panel i at <c>i * MR * k</c> with element (r, p) at <c>p * MR + r</c>;
/// a packed B holds NR-column panels, panel j at <c>j * NR * k</c> with element (p, q) at <c>p * NR + q</c>; padding rows
/// and columns are zero. The k sum runs in <see cref="GemmDriver.KC"/>-deep slices added into C in k order, like the
/// threaded driver, so each element is one fixed chain of multiply-adds.
/// </summary>
internal static class GemmPrepacked
{
    /// <summary>Elements of a packed A for an m x k operand.</summary>
    public static int SizeA<T, TK>(int m, int k) where T : unmanaged where TK : struct, IGemmKernel<T> => (m + TK.MR - 1) / TK.MR * TK.MR * k;

    /// <summary>Elements of a packed B for a k x n operand.</summary>
    public static int SizeB<T, TK>(int n, int k) where T : unmanaged where TK : struct, IGemmKernel<T> => (n + TK.NR - 1) / TK.NR * TK.NR * k;

    /// <summary>Packs A[m, k] (element (i, p) at <c>a[off + i * rs + p * cs]</c>) into <paramref name="dst"/> at <paramref name="dstOff"/>.</summary>
    public static void PackA<T, TK>(T[] a, int off, int rs, int cs, int m, int k, T[] dst, int dstOff)
        where T : unmanaged where TK : struct, IGemmKernel<T>
    {
        int mr = TK.MR;
        for (int i = 0; i < m; i += mr)
        {
            if (mr == 4 && cs == 1 && m - i >= 4 && k > 0)
            {
                // Row-major A, full 4-row panel: four row streams in, one contiguous stream out.
                if (off + i * rs + 3 * rs + k > a.Length || dstOff + i * k + 4 * k > dst.Length)
                    throw new ArgumentException($"matmul: A [{m}, {k}] (row stride {rs}) or its packed panel out of range");
                ref T r0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(a), off + i * rs);
                ref T r1 = ref Unsafe.Add(ref r0, rs);
                ref T r2 = ref Unsafe.Add(ref r1, rs);
                ref T r3 = ref Unsafe.Add(ref r2, rs);
                ref T d = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(dst), dstOff + i * k);
                for (int p = 0; p < k; p++)
                {
                    ref T o = ref Unsafe.Add(ref d, 4 * p);
                    o = Unsafe.Add(ref r0, p);
                    Unsafe.Add(ref o, 1) = Unsafe.Add(ref r1, p);
                    Unsafe.Add(ref o, 2) = Unsafe.Add(ref r2, p);
                    Unsafe.Add(ref o, 3) = Unsafe.Add(ref r3, p);
                }
                continue;
            }
            GemmPacking.PackA(a, off + i * rs, rs, cs, Math.Min(mr, m - i), k, mr, dst.AsSpan(dstOff + i * k, mr * k));
        }
    }

    /// <summary>
    /// C[m, n] = A B (plus C when <paramref name="accumulate"/>), C's row i at <c>c[cOff + i * cRs]</c> (unit column stride),
    /// A and B packed at <paramref name="apOff"/> and <paramref name="bpOff"/>. Runs on the calling thread.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply<T, TK>(T[] ap, int apOff, T[] bp, int bpOff, T[] c, int cOff, int cRs, int m, int n, int k, bool accumulate)
        where T : unmanaged, INumber<T> where TK : struct, IGemmKernel<T>
    {
        int mr = TK.MR, nr = TK.NR;
        if (m <= 0 || n <= 0) return;
        if (apOff < 0 || apOff + SizeA<T, TK>(m, k) > ap.Length || bpOff < 0 || bpOff + SizeB<T, TK>(n, k) > bp.Length ||
            cOff < 0 || cRs < n || cOff + (long)(m - 1) * cRs + n > c.Length)
            throw new ArgumentException($"matmul: packed operands or C [{m}, {n}] (row stride {cRs}, offset {cOff}) out of range for k = {k}");
        if (k == 0)
        {
            if (!accumulate)
                for (int i = 0; i < m; i++) c.AsSpan(cOff + i * cRs, n).Clear();
            return;
        }
        Span<T> tile = stackalloc T[mr * nr];
        ref T tileRef = ref MemoryMarshal.GetReference(tile);
        ref T a0 = ref MemoryMarshal.GetArrayDataReference(ap);
        ref T b0 = ref MemoryMarshal.GetArrayDataReference(bp);
        ref T c0 = ref MemoryMarshal.GetArrayDataReference(c);
        for (int k0 = 0; k0 < k; k0 += GemmDriver.KC)
        {
            int kc = Math.Min(GemmDriver.KC, k - k0);
            bool add = accumulate || k0 > 0;
            for (int j = 0; j < n; j += nr)
            {
                ref T bPanel = ref Unsafe.Add(ref b0, bpOff + (nint)j * k + (nint)k0 * nr);
                int cols = Math.Min(nr, n - j);
                for (int i = 0; i < m; i += mr)
                {
                    ref T aPanel = ref Unsafe.Add(ref a0, apOff + (nint)i * k + (nint)k0 * mr);
                    int rows = Math.Min(mr, m - i);
                    if (rows == mr && cols == nr)
                    {
                        TK.Run(kc, ref aPanel, ref bPanel, ref Unsafe.Add(ref c0, cOff + (nint)i * cRs + j), cRs, add);
                        continue;
                    }
                    if (cols < nr) TK.RunNarrow(kc, cols, ref aPanel, ref bPanel, ref tileRef, nr, false);
                    else TK.Run(kc, ref aPanel, ref bPanel, ref tileRef, nr, false);
                    for (int r = 0; r < rows; r++)
                    {
                        ref T dst = ref Unsafe.Add(ref c0, cOff + (nint)(i + r) * cRs + j);
                        for (int q = 0; q < cols; q++)
                        {
                            T t = tile[r * nr + q];
                            Unsafe.Add(ref dst, q) = add ? Unsafe.Add(ref dst, q) + t : t;
                        }
                    }
                }
            }
        }
    }
}
