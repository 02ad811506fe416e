using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.Intrinsics;

namespace SharpGrad.Kernels;

/// <summary>
/// General matrix multiply C = A B (+ C) for float, double and int64 (any type with <see cref="Vector{T}"/> support).
/// A and B are read through row and column strides, so transposed operands are never materialised. Large products
/// go through the packed driver (<see cref="GemmDriver"/>) with the widest micro-kernel the machine runs natively,
/// matrix-vector and tiny products through <see cref="GemmSmall"/>. Which path and kernel run depends only on the
/// shapes, strides and machine, never on the thread count, and the work is split over rows and columns of C, never
/// the k sum: results are bit-identical for any <see cref="Threading.NumThreads"/>.
/// </summary>
internal static class Gemm
{
    /// <summary>Products with at most this many multiply-adds skip packing and threads.</summary>
    private const long SmallWork = 1 << 14;

    /// <summary>C[m, n] (contiguous at <paramref name="cOff"/>) = A[m, k] B[k, n], plus C when <paramref name="accumulate"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MatMul<T>(T[] a, int aOff, int aRs, int aCs, T[] b, int bOff, int bRs, int bCs,
        T[] c, int cOff, int m, int n, int k, bool accumulate = false) where T : unmanaged, INumber<T>
    {
        CheckRange(c.Length, cOff, m, n, n, 1, "C");
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate) c.AsSpan(cOff, m * n).Clear();
            return;
        }
        CheckRange(a.Length, aOff, m, k, aRs, aCs, "A");
        CheckRange(b.Length, bOff, k, n, bRs, bCs, "B");
        if (n == 1)
            GemmSmall.MatVec(a, aOff, aRs, aCs, b, bOff, bRs, c, cOff, m, k, accumulate, parallel: true);
        else if (m == 1)
            GemmSmall.MatVec(b, bOff, bCs, bRs, a, aOff, aCs, c, cOff, n, k, accumulate, parallel: true);
        else if ((long)m * n * k <= SmallWork)
            GemmSmall.Rows(a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, m, n, k, accumulate);
        else if ((typeof(T) == typeof(float) || typeof(T) == typeof(double)) && Vector512.IsHardwareAccelerated)
            Packed<T, Kernel512<T>>(a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, m, n, k, accumulate);
        else if ((typeof(T) == typeof(float) || typeof(T) == typeof(double)) && GemmSimd.Fma256)
            Packed<T, Kernel256<T>>(a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, m, n, k, accumulate);
        else
            Packed<T, KernelVector<T>>(a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, m, n, k, accumulate);
    }

    /// <summary>
    /// The packed product with kernel <typeparamref name="TK"/>. When C is much narrower than a tile (say n = 10 with
    /// 64-wide tiles) it computes C^T = B^T A^T instead, so the padding goes to the short side.
    /// Both orientations give the same bits: each element is the same multiply-add chain.
    /// </summary>
    internal static void Packed<T, TK>(T[] a, int aOff, int aRs, int aCs, T[] b, int bOff, int bRs, int bCs,
        T[] c, int cOff, int m, int n, int k, bool accumulate) where T : unmanaged, INumber<T> where TK : struct, IGemmKernel<T>
    {
        long normal = Pad(m, TK.MR) * Pad(n, TK.NR), swapped = Pad(n, TK.MR) * Pad(m, TK.NR);
        if (swapped * 5 < normal * 4)
            GemmDriver.Run<T, TK>(b, bOff, bCs, bRs, a, aOff, aCs, aRs, c, cOff, 1, n, n, m, k, accumulate);
        else
            GemmDriver.Run<T, TK>(a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, n, 1, m, n, k, accumulate);
    }

    private static long Pad(int x, int to) => (x + to - 1L) / to * to;

    /// <summary>Every element of a rows x cols matrix at <paramref name="off"/> with the given strides lies inside the array.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CheckRange(int length, int off, int rows, int cols, int rs, int cs, string name)
    {
        if (rows == 0 || cols == 0) return;
        long lo = off + Math.Min(0L, (rows - 1L) * rs) + Math.Min(0L, (cols - 1L) * cs);
        long hi = off + Math.Max(0L, (rows - 1L) * rs) + Math.Max(0L, (cols - 1L) * cs);
        if (lo < 0 || hi >= length)
            throw new ArgumentException($"matmul: {name} [{rows}, {cols}] with offset {off} and strides ({rs}, {cs}) reaches outside its storage of {length} elements");
    }
}
