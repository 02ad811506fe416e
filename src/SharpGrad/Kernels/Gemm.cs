using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SharpGrad.Kernels;

/// <summary>
/// General matrix multiply C = A B (+ C) for any element type with <see cref="Vector{T}"/> support.
/// A and B are read through row and column strides, so transposed operands are never materialised;
/// B is packed in panels of <see cref="KC"/> rows and A in blocks of four rows, and a 4 x 2-vector
/// register block accumulates each piece of C. Rows of C are split across threads, never the k sum,
/// so results do not depend on the thread count.
/// </summary>
internal static class Gemm
{
    private const int KC = 256;
    private const int MR = 4;

    /// <summary>C[m, n] (contiguous at <paramref name="cOff"/>) = A[m, k] B[k, n], plus C when <paramref name="accumulate"/>.</summary>
    public static void MatMul<T>(T[] a, int aOff, int aRs, int aCs, T[] b, int bOff, int bRs, int bCs,
        T[] c, int cOff, int m, int n, int k, bool accumulate = false) where T : unmanaged, INumber<T>
    {
        if (!accumulate) c.AsSpan(cOff, m * n).Clear();
        if (m == 0 || n == 0 || k == 0) return;
        var packedB = ArrayPool<T>.Shared.Rent(Math.Min(k, KC) * n);
        try
        {
            for (int k0 = 0; k0 < k; k0 += KC)
            {
                int kc = Math.Min(KC, k - k0);
                PackB(b, bOff + k0 * bRs, bRs, bCs, packedB, kc, n);
                int blocks = (m + MR - 1) / MR;
                Threading.For(blocks, (long)MR * n * kc, blk =>
                {
                    int i0 = blk * MR;
                    RowBlock(a, aOff + i0 * aRs + k0 * aCs, aRs, aCs, packedB, c, cOff + i0 * n, Math.Min(MR, m - i0), n, kc);
                });
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(packedB);
        }
    }

    private static void PackB<T>(T[] b, int off, int rs, int cs, T[] dst, int kc, int n)
    {
        for (int kk = 0; kk < kc; kk++)
        {
            int src = off + kk * rs;
            var row = dst.AsSpan(kk * n, n);
            if (cs == 1) b.AsSpan(src, n).CopyTo(row);
            else for (int j = 0; j < n; j++) row[j] = b[src + j * cs];
        }
    }

    private static void RowBlock<T>(T[] a, int aOff, int aRs, int aCs, T[] bp, T[] c, int cOff, int rows, int n, int kc)
        where T : unmanaged, INumber<T>
    {
        // A block packed k-major: ap[kk * MR + r]; missing rows of a tail block are zeros and never stored.
        Span<T> ap = stackalloc T[KC * MR];
        ap.Clear();
        for (int r = 0; r < rows; r++)
            for (int kk = 0; kk < kc; kk++) ap[kk * MR + r] = a[aOff + r * aRs + kk * aCs];

        int w = Vector<T>.Count;
        int j = 0;
        ref T bRef = ref MemoryMarshal.GetArrayDataReference(bp);
        ref T aRef = ref MemoryMarshal.GetReference(ap);
        if (rows == MR)
        {
            for (; j + 2 * w <= n; j += 2 * w)
            {
                ref T c0 = ref c[cOff + j];
                ref T c1 = ref Unsafe.Add(ref c0, n);
                ref T c2 = ref Unsafe.Add(ref c1, n);
                ref T c3 = ref Unsafe.Add(ref c2, n);
                var r00 = Vector.LoadUnsafe(ref c0); var r01 = Vector.LoadUnsafe(ref c0, (nuint)w);
                var r10 = Vector.LoadUnsafe(ref c1); var r11 = Vector.LoadUnsafe(ref c1, (nuint)w);
                var r20 = Vector.LoadUnsafe(ref c2); var r21 = Vector.LoadUnsafe(ref c2, (nuint)w);
                var r30 = Vector.LoadUnsafe(ref c3); var r31 = Vector.LoadUnsafe(ref c3, (nuint)w);
                for (int kk = 0; kk < kc; kk++)
                {
                    ref T brow = ref Unsafe.Add(ref bRef, kk * n + j);
                    var b0 = Vector.LoadUnsafe(ref brow);
                    var b1 = Vector.LoadUnsafe(ref brow, (nuint)w);
                    ref T arow = ref Unsafe.Add(ref aRef, kk * MR);
                    var a0 = new Vector<T>(arow);
                    r00 += a0 * b0; r01 += a0 * b1;
                    var a1 = new Vector<T>(Unsafe.Add(ref arow, 1));
                    r10 += a1 * b0; r11 += a1 * b1;
                    var a2 = new Vector<T>(Unsafe.Add(ref arow, 2));
                    r20 += a2 * b0; r21 += a2 * b1;
                    var a3 = new Vector<T>(Unsafe.Add(ref arow, 3));
                    r30 += a3 * b0; r31 += a3 * b1;
                }
                r00.StoreUnsafe(ref c0); r01.StoreUnsafe(ref c0, (nuint)w);
                r10.StoreUnsafe(ref c1); r11.StoreUnsafe(ref c1, (nuint)w);
                r20.StoreUnsafe(ref c2); r21.StoreUnsafe(ref c2, (nuint)w);
                r30.StoreUnsafe(ref c3); r31.StoreUnsafe(ref c3, (nuint)w);
            }
        }
        // Remaining columns, and every column of a tail block: one row and one vector (or element) at a time.
        for (int r = 0; r < rows; r++)
        {
            int jj = j;
            int crow = cOff + r * n;
            for (; jj + w <= n; jj += w)
            {
                ref T cr = ref c[crow + jj];
                var acc = Vector.LoadUnsafe(ref cr);
                for (int kk = 0; kk < kc; kk++)
                    acc += new Vector<T>(ap[kk * MR + r]) * Vector.LoadUnsafe(ref Unsafe.Add(ref bRef, kk * n + jj));
                acc.StoreUnsafe(ref cr);
            }
            for (; jj < n; jj++)
            {
                T acc = c[crow + jj];
                for (int kk = 0; kk < kc; kk++) acc += ap[kk * MR + r] * bp[kk * n + jj];
                c[crow + jj] = acc;
            }
        }
    }
}
