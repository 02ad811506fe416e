using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SharpGrad.Kernels;

/// <summary>
/// Products too small or too thin for packing: matrix-vector products (one row or one column of C) and tiny
/// matrices, y = M x for a matrix M read through strides. They compute every output exactly as the packed
/// micro-kernels do (one multiply-add chain from zero per KC-deep slice of k, each slice added into the output in
/// k order), so a product has the same bits whichever path, strides or thread count computes it. With contiguous
/// columns of M the chains run in vector lanes across outputs; otherwise eight scalar chains run side by side.
/// </summary>
internal static class GemmSmall
{
    /// <summary>Outputs per parallel chunk, and per stack buffer of lane chains.</summary>
    private const int Chunk = 256;

    /// <summary>Independent scalar chains in flight (FMA latency times FMA ports).</summary>
    private const int Chains = 8;

    /// <summary>y[0..rows] (= or +=) M x, with M(r, p) at <c>mat[off + r * rs + p * cs]</c> and x(p) at <c>x[xOff + p * xs]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MatVec<T>(T[] mat, int off, int rs, int cs, T[] x, int xOff, int xs, T[] y, int yOff, int rows, int k,
        bool accumulate, bool parallel) where T : unmanaged, INumber<T>
    {
        int chunks = parallel ? (rows + Chunk - 1) / Chunk : 1;
        if (chunks == 1)
        {
            Range(mat, off, rs, cs, x, xOff, xs, y, yOff, 0, rows, k, accumulate);
            return;
        }
        Threading.For(chunks, (long)Chunk * k, i =>
            Range(mat, off, rs, cs, x, xOff, xs, y, yOff, i * Chunk, Math.Min(rows, (i + 1) * Chunk), k, accumulate));
    }

    /// <summary>C = A B (+ C) for small m n k, on the calling thread: per row of C, vector lanes across columns when rows of B are contiguous.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rows<T>(T[] a, int aOff, int aRs, int aCs, T[] b, int bOff, int bRs, int bCs, T[] c, int cOff,
        int m, int n, int k, bool accumulate) where T : unmanaged, INumber<T>
    {
        if (bCs != 1 || n < Vector<T>.Count)
        {
            for (int i = 0; i < m; i++)
                ScalarChains(b, bOff, bCs, bRs, a, aOff + i * aRs, aCs, c, cOff + i * n, 0, n, k, accumulate);
            return;
        }
        int w = Vector<T>.Count;
        ref T aRef = ref MemoryMarshal.GetArrayDataReference(a);
        ref T bRef = ref MemoryMarshal.GetArrayDataReference(b);
        ref T cRef = ref MemoryMarshal.GetArrayDataReference(c);
        for (int i = 0; i < m; i++)
        {
            ref T aRow = ref Unsafe.Add(ref aRef, aOff + i * aRs);
            ref T cRow = ref Unsafe.Add(ref cRef, cOff + i * n);
            for (int k0 = 0; k0 < k; k0 += GemmDriver.KC)
            {
                int ke = Math.Min(k, k0 + GemmDriver.KC);
                bool add = accumulate || k0 > 0;
                // The last vector overlaps the one before it when n is not a multiple of the width; it is recomputed
                // from the same inputs, so the overlap stores the same values twice.
                for (int j = 0; j < n; j += w)
                {
                    int jj = Math.Min(j, n - w);
                    var acc = Vector<T>.Zero;
                    ref T bCol = ref Unsafe.Add(ref bRef, bOff + jj);
                    for (int p = k0; p < ke; p++)
                        acc = GemmSimd.MulAdd(new Vector<T>(Unsafe.Add(ref aRow, p * aCs)), Vector.LoadUnsafe(ref bCol, (nuint)(p * bRs)), acc);
                    ref T dst = ref Unsafe.Add(ref cRow, jj);
                    if (add && jj != j)
                    {
                        // Only the columns not stored by the previous vector may still be added to.
                        for (int q = j - jj; q < w; q++) Unsafe.Add(ref dst, q) += acc[q];
                        continue;
                    }
                    (add ? Vector.LoadUnsafe(ref dst) + acc : acc).StoreUnsafe(ref dst);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Range<T>(T[] mat, int off, int rs, int cs, T[] x, int xOff, int xs, T[] y, int yOff, int r0, int r1, int k,
        bool accumulate) where T : unmanaged, INumber<T>
    {
        if (rs == 1) Lanes(mat, off, cs, x, xOff, xs, y, yOff, r0, r1, k, accumulate);
        else if (cs == 1 && GemmSimd.Fma256 && (typeof(T) == typeof(float) || typeof(T) == typeof(double)))
            TransposedLanes(mat, off, rs, x, xOff, xs, y, yOff, r0, r1, k, accumulate);
        else ScalarChains(mat, off, rs, cs, x, xOff, xs, y, yOff, r0, r1, k, accumulate);
    }

    /// <summary>Columns of M contiguous: one chain per vector lane, an axpy per k step into a stack buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Lanes<T>(T[] mat, int off, int cs, T[] x, int xOff, int xs, T[] y, int yOff, int r0, int r1, int k,
        bool accumulate) where T : unmanaged, INumber<T>
    {
        Span<T> t = stackalloc T[Chunk];
        ref T mRef = ref MemoryMarshal.GetArrayDataReference(mat);
        ref T xRef = ref MemoryMarshal.GetArrayDataReference(x);
        ref T tRef = ref MemoryMarshal.GetReference(t);
        for (int r = r0; r < r1; r += Chunk)
        {
            int len = Math.Min(Chunk, r1 - r);
            for (int k0 = 0; k0 < k; k0 += GemmDriver.KC)
            {
                int ke = Math.Min(k, k0 + GemmDriver.KC);
                t[..len].Clear();
                for (int p = k0; p < ke; p++)
                    Axpy(Unsafe.Add(ref xRef, xOff + p * xs), ref Unsafe.Add(ref mRef, off + r + p * cs), ref tRef, len);
                Combine(t[..len], y.AsSpan(yOff + r, len), accumulate || k0 > 0);
            }
        }
    }

    /// <summary>
    /// Rows of M contiguous (a matrix times a vector with row-major storage): blocks of 8 vectors' worth of rows
    /// are transposed in registers, 32 k steps at a time, into a k-major stack buffer; each row's chain then runs
    /// in a vector lane, eight independent vector chains in flight.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposedLanes<T>(T[] mat, int off, int rs, T[] x, int xOff, int xs, T[] y, int yOff, int r0, int r1, int k,
        bool accumulate) where T : unmanaged, INumber<T>
    {
        const int sub = 32;
        int w = Vector256<T>.Count, g = Unsafe.SizeOf<T>() == 4 ? 8 : 4, rows = 8 * w;
        Span<T> buf = stackalloc T[rows * sub];
        Span<T> t = stackalloc T[rows];
        ref T mRef = ref MemoryMarshal.GetArrayDataReference(mat);
        ref T xRef = ref MemoryMarshal.GetArrayDataReference(x);
        ref T bRef = ref MemoryMarshal.GetReference(buf);
        ref T tRef = ref MemoryMarshal.GetReference(t);
        int r = r0;
        for (; r + rows <= r1; r += rows)
        {
            for (int k0 = 0; k0 < k; k0 += GemmDriver.KC)
            {
                int kc = Math.Min(GemmDriver.KC, k - k0);
                Vector256<T> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
                for (int s0 = 0; s0 < kc; s0 += sub)
                {
                    int sc = Math.Min(sub, kc - s0), full = sc / g * g;
                    ref T block = ref Unsafe.Add(ref mRef, off + r * rs + k0 + s0);
                    for (int i = 0; i < rows; i += g)
                    {
                        ref T src = ref Unsafe.Add(ref block, i * rs);
                        for (int p = 0; p < full; p += g)
                        {
                            if (g == 8)
                                GemmPacking.Transpose8x8(ref Unsafe.As<T, float>(ref Unsafe.Add(ref src, p)), rs,
                                    ref Unsafe.As<T, float>(ref Unsafe.Add(ref bRef, p * rows + i)), rows);
                            else
                                GemmPacking.Transpose4x4(ref Unsafe.As<T, double>(ref Unsafe.Add(ref src, p)), rs,
                                    ref Unsafe.As<T, double>(ref Unsafe.Add(ref bRef, p * rows + i)), rows);
                        }
                        for (int q = 0; q < g; q++)
                            for (int p = full; p < sc; p++) Unsafe.Add(ref bRef, p * rows + i + q) = Unsafe.Add(ref src, q * rs + p);
                    }
                    for (int p = 0; p < sc; p++)
                    {
                        var xv = Vector256.Create(Unsafe.Add(ref xRef, xOff + (k0 + s0 + p) * xs));
                        ref T col = ref Unsafe.Add(ref bRef, p * rows);
                        a0 = GemmSimd.MulAdd(Vector256.LoadUnsafe(ref col), xv, a0);
                        a1 = GemmSimd.MulAdd(Vector256.LoadUnsafe(ref col, (nuint)w), xv, a1);
                        a2 = GemmSimd.MulAdd(Vector256.LoadUnsafe(ref col, (nuint)(2 * w)), xv, a2);
                        a3 = GemmSimd.MulAdd(Vector256.LoadUnsafe(ref col, (nuint)(3 * w)), xv, a3);
                        a4 = GemmSimd.MulAdd(Vector256.LoadUnsafe(ref col, (nuint)(4 * w)), xv, a4);
                        a5 = GemmSimd.MulAdd(Vector256.LoadUnsafe(ref col, (nuint)(5 * w)), xv, a5);
                        a6 = GemmSimd.MulAdd(Vector256.LoadUnsafe(ref col, (nuint)(6 * w)), xv, a6);
                        a7 = GemmSimd.MulAdd(Vector256.LoadUnsafe(ref col, (nuint)(7 * w)), xv, a7);
                    }
                }
                a0.StoreUnsafe(ref tRef); a1.StoreUnsafe(ref tRef, (nuint)w);
                a2.StoreUnsafe(ref tRef, (nuint)(2 * w)); a3.StoreUnsafe(ref tRef, (nuint)(3 * w));
                a4.StoreUnsafe(ref tRef, (nuint)(4 * w)); a5.StoreUnsafe(ref tRef, (nuint)(5 * w));
                a6.StoreUnsafe(ref tRef, (nuint)(6 * w)); a7.StoreUnsafe(ref tRef, (nuint)(7 * w));
                Combine(t, y.AsSpan(yOff + r, rows), accumulate || k0 > 0);
            }
        }
        if (r < r1) ScalarChains(mat, off, rs, 1, x, xOff, xs, y, yOff, r, r1, k, accumulate);
    }

    /// <summary>Any strides: eight outputs at a time, each a scalar chain.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScalarChains<T>(T[] mat, int off, int rs, int cs, T[] x, int xOff, int xs, T[] y, int yOff, int r0, int r1,
        int k, bool accumulate) where T : unmanaged, INumber<T>
    {
        ref T mRef = ref MemoryMarshal.GetArrayDataReference(mat);
        ref T xRef = ref MemoryMarshal.GetArrayDataReference(x);
        Span<T> acc = stackalloc T[Chains];
        for (int r = r0; r < r1; r += Chains)
        {
            int rows = Math.Min(Chains, r1 - r);
            for (int k0 = 0; k0 < k; k0 += GemmDriver.KC)
            {
                int ke = Math.Min(k, k0 + GemmDriver.KC);
                if (rows == Chains)
                {
                    ref T m0 = ref Unsafe.Add(ref mRef, off + r * rs);
                    T s0 = T.Zero, s1 = T.Zero, s2 = T.Zero, s3 = T.Zero, s4 = T.Zero, s5 = T.Zero, s6 = T.Zero, s7 = T.Zero;
                    for (int p = k0; p < ke; p++)
                    {
                        T xp = Unsafe.Add(ref xRef, xOff + p * xs);
                        ref T col = ref Unsafe.Add(ref m0, p * cs);
                        s0 = GemmSimd.MulAdd(col, xp, s0);
                        s1 = GemmSimd.MulAdd(Unsafe.Add(ref col, rs), xp, s1);
                        s2 = GemmSimd.MulAdd(Unsafe.Add(ref col, 2 * rs), xp, s2);
                        s3 = GemmSimd.MulAdd(Unsafe.Add(ref col, 3 * rs), xp, s3);
                        s4 = GemmSimd.MulAdd(Unsafe.Add(ref col, 4 * rs), xp, s4);
                        s5 = GemmSimd.MulAdd(Unsafe.Add(ref col, 5 * rs), xp, s5);
                        s6 = GemmSimd.MulAdd(Unsafe.Add(ref col, 6 * rs), xp, s6);
                        s7 = GemmSimd.MulAdd(Unsafe.Add(ref col, 7 * rs), xp, s7);
                    }
                    acc[0] = s0; acc[1] = s1; acc[2] = s2; acc[3] = s3; acc[4] = s4; acc[5] = s5; acc[6] = s6; acc[7] = s7;
                }
                else
                {
                    for (int q = 0; q < rows; q++)
                    {
                        ref T row = ref Unsafe.Add(ref mRef, off + (r + q) * rs);
                        T s = T.Zero;
                        for (int p = k0; p < ke; p++) s = GemmSimd.MulAdd(Unsafe.Add(ref row, p * cs), Unsafe.Add(ref xRef, xOff + p * xs), s);
                        acc[q] = s;
                    }
                }
                Combine(acc[..rows], y.AsSpan(yOff + r, rows), accumulate || k0 > 0);
            }
        }
    }

    /// <summary>y = y + t (or y = t): the same single rounding as the micro-kernels' stores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Combine<T>(Span<T> t, Span<T> y, bool add) where T : unmanaged, INumber<T>
    {
        if (!add)
        {
            t.CopyTo(y);
            return;
        }
        for (int i = 0; i < t.Length; i++) y[i] += t[i];
    }

    /// <summary>t[0..len] = col[0..len] s + t[0..len], each lane rounded as the scalar <see cref="GemmSimd.MulAdd{T}(T, T, T)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Axpy<T>(T s, ref T col, ref T t, int len) where T : unmanaged, INumber<T>
    {
        int w = Vector<T>.Count, i = 0;
        var sv = new Vector<T>(s);
        for (; i + w <= len; i += w)
            GemmSimd.MulAdd(Vector.LoadUnsafe(ref col, (nuint)i), sv, Vector.LoadUnsafe(ref t, (nuint)i)).StoreUnsafe(ref t, (nuint)i);
        for (; i < len; i++) Unsafe.Add(ref t, i) = GemmSimd.MulAdd(Unsafe.Add(ref col, i), s, Unsafe.Add(ref t, i));
    }
}
