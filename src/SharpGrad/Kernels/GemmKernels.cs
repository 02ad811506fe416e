using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace SharpGrad.Kernels;

/// <summary>
/// A register-blocked GEMM micro-kernel: one MR x NR tile of C from a packed MR-row panel of A
/// (element (r, p) at <c>p * MR + r</c>) and a packed NR-column panel of B (element (p, j) at <c>p * NR + j</c>).
/// Every element of the tile is one multiply-add chain over p starting from zero, so its value does not depend
/// on where the tile sits or which thread computes it.
/// </summary>
internal interface IGemmKernel<T> where T : unmanaged
{
    /// <summary>Rows of the tile.</summary>
    static abstract int MR { get; }

    /// <summary>Columns of the tile.</summary>
    static abstract int NR { get; }

    /// <summary>Tile = sum over p &lt; kc of A[:, p] B[p, :]; stores C = C + tile when <paramref name="add"/>, else C = tile.</summary>
    static abstract void Run(int kc, ref T a, ref T b, ref T c, nint ldc, bool add);

    /// <summary>
    /// As <see cref="Run"/> with B rows <paramref name="ldb"/> elements apart instead of NR: the driver passes an
    /// unpacked row-major B this way (NR contiguous columns per row), with the same arithmetic as a packed panel.
    /// </summary>
    static abstract void RunB(int kc, ref T a, ref T b, nint ldb, ref T c, nint ldc, bool add);

    /// <summary>
    /// As <see cref="Run"/> for an edge panel with only <paramref name="cols"/> &lt; NR valid columns (B rows still NR
    /// apart): kernels may skip the vectors that hold only padding. Columns past <paramref name="cols"/> are undefined.
    /// </summary>
    static abstract void RunNarrow(int kc, int cols, ref T a, ref T b, ref T c, nint ldc, bool add);
}

/// <summary>Fused multiply-add for float and double vectors (plain multiply then add for other element types).</summary>
internal static class GemmSimd
{
    /// <summary>Whether <see cref="Vector256"/> FMA is native (the 6 x 16 kernel needs it to pay off).</summary>
    public static bool Fma256 => Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Fma.IsSupported;

    /// <summary>Whether <see cref="Vector.FusedMultiplyAdd(Vector{float}, Vector{float}, Vector{float})"/> is native.</summary>
    public static bool FmaVector => System.Runtime.Intrinsics.X86.Fma.IsSupported || AdvSimd.IsSupported;

    /// <summary>a * b + c, rounded once for float and double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MulAdd<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float))
            return Vector512.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector512.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
        return a * b + c;
    }

    /// <summary>a * b + c, rounded once for float and double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MulAdd<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float))
            return Vector256.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector256.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
        return a * b + c;
    }

    /// <summary>a * b + c; fused for float and double where the hardware has FMA, else multiply then add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> MulAdd<T>(Vector<T> a, Vector<T> b, Vector<T> c) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float) && FmaVector)
            return Vector.FusedMultiplyAdd(Vector.As<T, float>(a), Vector.As<T, float>(b), Vector.As<T, float>(c)).As<float, T>();
        if (typeof(T) == typeof(double) && FmaVector)
            return Vector.FusedMultiplyAdd(Vector.As<T, double>(a), Vector.As<T, double>(b), Vector.As<T, double>(c)).As<double, T>();
        return a * b + c;
    }

    /// <summary>a * b + c for scalars, with the same rounding as the vector <see cref="MulAdd{T}(Vector{T}, Vector{T}, Vector{T})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MulAdd<T>(T a, T b, T c) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float) && FmaVector)
            return Unsafe.BitCast<float, T>(MathF.FusedMultiplyAdd(Unsafe.BitCast<T, float>(a), Unsafe.BitCast<T, float>(b), Unsafe.BitCast<T, float>(c)));
        if (typeof(T) == typeof(double) && FmaVector)
            return Unsafe.BitCast<double, T>(Math.FusedMultiplyAdd(Unsafe.BitCast<T, double>(a), Unsafe.BitCast<T, double>(b), Unsafe.BitCast<T, double>(c)));
        return a * b + c;
    }
}

/// <summary>6 x (4 Vector512) micro-kernel (6 x 64 for float, 6 x 32 for double): 24 accumulators in zmm registers.</summary>
internal readonly struct Kernel512<T> : IGemmKernel<T> where T : unmanaged, INumber<T>
{
    public static int MR => 6;

    public static int NR => 4 * Vector512<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run(int kc, ref T a, ref T b, ref T c, nint ldc, bool add) => RunB(kc, ref a, ref b, NR, ref c, ldc, add);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunB(int kc, ref T a, ref T b, nint ldb, ref T c, nint ldc, bool add)
    {
        nuint w = (nuint)Vector512<T>.Count;
        Vector512<T> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<T> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<T> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<T> c30 = default, c31 = default, c32 = default, c33 = default;
        Vector512<T> c40 = default, c41 = default, c42 = default, c43 = default;
        Vector512<T> c50 = default, c51 = default, c52 = default, c53 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.LoadUnsafe(ref b);
            var b1 = Vector512.LoadUnsafe(ref b, w);
            var b2 = Vector512.LoadUnsafe(ref b, 2 * w);
            var b3 = Vector512.LoadUnsafe(ref b, 3 * w);
            var x = Vector512.Create(a);
            c00 = GemmSimd.MulAdd(x, b0, c00); c01 = GemmSimd.MulAdd(x, b1, c01);
            c02 = GemmSimd.MulAdd(x, b2, c02); c03 = GemmSimd.MulAdd(x, b3, c03);
            x = Vector512.Create(Unsafe.Add(ref a, 1));
            c10 = GemmSimd.MulAdd(x, b0, c10); c11 = GemmSimd.MulAdd(x, b1, c11);
            c12 = GemmSimd.MulAdd(x, b2, c12); c13 = GemmSimd.MulAdd(x, b3, c13);
            x = Vector512.Create(Unsafe.Add(ref a, 2));
            c20 = GemmSimd.MulAdd(x, b0, c20); c21 = GemmSimd.MulAdd(x, b1, c21);
            c22 = GemmSimd.MulAdd(x, b2, c22); c23 = GemmSimd.MulAdd(x, b3, c23);
            x = Vector512.Create(Unsafe.Add(ref a, 3));
            c30 = GemmSimd.MulAdd(x, b0, c30); c31 = GemmSimd.MulAdd(x, b1, c31);
            c32 = GemmSimd.MulAdd(x, b2, c32); c33 = GemmSimd.MulAdd(x, b3, c33);
            x = Vector512.Create(Unsafe.Add(ref a, 4));
            c40 = GemmSimd.MulAdd(x, b0, c40); c41 = GemmSimd.MulAdd(x, b1, c41);
            c42 = GemmSimd.MulAdd(x, b2, c42); c43 = GemmSimd.MulAdd(x, b3, c43);
            x = Vector512.Create(Unsafe.Add(ref a, 5));
            c50 = GemmSimd.MulAdd(x, b0, c50); c51 = GemmSimd.MulAdd(x, b1, c51);
            c52 = GemmSimd.MulAdd(x, b2, c52); c53 = GemmSimd.MulAdd(x, b3, c53);
            a = ref Unsafe.Add(ref a, 6);
            b = ref Unsafe.Add(ref b, ldb);
        }
        StoreRow(ref c, w, add, c00, c01, c02, c03);
        StoreRow(ref Unsafe.Add(ref c, ldc), w, add, c10, c11, c12, c13);
        StoreRow(ref Unsafe.Add(ref c, 2 * ldc), w, add, c20, c21, c22, c23);
        StoreRow(ref Unsafe.Add(ref c, 3 * ldc), w, add, c30, c31, c32, c33);
        StoreRow(ref Unsafe.Add(ref c, 4 * ldc), w, add, c40, c41, c42, c43);
        StoreRow(ref Unsafe.Add(ref c, 5 * ldc), w, add, c50, c51, c52, c53);
    }

    /// <summary>Edge panels: one or two vectors wide when that covers the valid columns (a 200-wide C wastes 56 of 256 columns otherwise).</summary>
    public static void RunNarrow(int kc, int cols, ref T a, ref T b, ref T c, nint ldc, bool add)
    {
        int w = Vector512<T>.Count;
        if (cols <= w) Run1(kc, ref a, ref b, ref c, ldc, add);
        else if (cols <= 2 * w) Run2(kc, ref a, ref b, ref c, ldc, add);
        else Run(kc, ref a, ref b, ref c, ldc, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run1(int kc, ref T a, ref T b, ref T c, nint ldc, bool add)
    {
        nint step = NR;
        Vector512<T> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.LoadUnsafe(ref b);
            c0 = GemmSimd.MulAdd(Vector512.Create(a), b0, c0);
            c1 = GemmSimd.MulAdd(Vector512.Create(Unsafe.Add(ref a, 1)), b0, c1);
            c2 = GemmSimd.MulAdd(Vector512.Create(Unsafe.Add(ref a, 2)), b0, c2);
            c3 = GemmSimd.MulAdd(Vector512.Create(Unsafe.Add(ref a, 3)), b0, c3);
            c4 = GemmSimd.MulAdd(Vector512.Create(Unsafe.Add(ref a, 4)), b0, c4);
            c5 = GemmSimd.MulAdd(Vector512.Create(Unsafe.Add(ref a, 5)), b0, c5);
            a = ref Unsafe.Add(ref a, 6);
            b = ref Unsafe.Add(ref b, step);
        }
        Store(ref c, add, c0);
        Store(ref Unsafe.Add(ref c, ldc), add, c1);
        Store(ref Unsafe.Add(ref c, 2 * ldc), add, c2);
        Store(ref Unsafe.Add(ref c, 3 * ldc), add, c3);
        Store(ref Unsafe.Add(ref c, 4 * ldc), add, c4);
        Store(ref Unsafe.Add(ref c, 5 * ldc), add, c5);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run2(int kc, ref T a, ref T b, ref T c, nint ldc, bool add)
    {
        nint step = NR;
        nuint w = (nuint)Vector512<T>.Count;
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.LoadUnsafe(ref b);
            var b1 = Vector512.LoadUnsafe(ref b, w);
            var x = Vector512.Create(a);
            c00 = GemmSimd.MulAdd(x, b0, c00); c01 = GemmSimd.MulAdd(x, b1, c01);
            x = Vector512.Create(Unsafe.Add(ref a, 1));
            c10 = GemmSimd.MulAdd(x, b0, c10); c11 = GemmSimd.MulAdd(x, b1, c11);
            x = Vector512.Create(Unsafe.Add(ref a, 2));
            c20 = GemmSimd.MulAdd(x, b0, c20); c21 = GemmSimd.MulAdd(x, b1, c21);
            x = Vector512.Create(Unsafe.Add(ref a, 3));
            c30 = GemmSimd.MulAdd(x, b0, c30); c31 = GemmSimd.MulAdd(x, b1, c31);
            x = Vector512.Create(Unsafe.Add(ref a, 4));
            c40 = GemmSimd.MulAdd(x, b0, c40); c41 = GemmSimd.MulAdd(x, b1, c41);
            x = Vector512.Create(Unsafe.Add(ref a, 5));
            c50 = GemmSimd.MulAdd(x, b0, c50); c51 = GemmSimd.MulAdd(x, b1, c51);
            a = ref Unsafe.Add(ref a, 6);
            b = ref Unsafe.Add(ref b, step);
        }
        Store(ref c, add, c00); Store(ref c, w, add, c01);
        ref T r = ref Unsafe.Add(ref c, ldc);
        Store(ref r, add, c10); Store(ref r, w, add, c11);
        r = ref Unsafe.Add(ref r, ldc);
        Store(ref r, add, c20); Store(ref r, w, add, c21);
        r = ref Unsafe.Add(ref r, ldc);
        Store(ref r, add, c30); Store(ref r, w, add, c31);
        r = ref Unsafe.Add(ref r, ldc);
        Store(ref r, add, c40); Store(ref r, w, add, c41);
        r = ref Unsafe.Add(ref r, ldc);
        Store(ref r, add, c50); Store(ref r, w, add, c51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref T c, bool add, Vector512<T> v) => Store(ref c, 0, add, v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref T c, nuint at, bool add, Vector512<T> v)
    {
        if (add) v = Vector512.LoadUnsafe(ref c, at) + v;
        v.StoreUnsafe(ref c, at);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(ref T c, nuint w, bool add, Vector512<T> v0, Vector512<T> v1, Vector512<T> v2, Vector512<T> v3)
    {
        if (add)
        {
            v0 = Vector512.LoadUnsafe(ref c) + v0;
            v1 = Vector512.LoadUnsafe(ref c, w) + v1;
            v2 = Vector512.LoadUnsafe(ref c, 2 * w) + v2;
            v3 = Vector512.LoadUnsafe(ref c, 3 * w) + v3;
        }
        v0.StoreUnsafe(ref c);
        v1.StoreUnsafe(ref c, w);
        v2.StoreUnsafe(ref c, 2 * w);
        v3.StoreUnsafe(ref c, 3 * w);
    }
}

/// <summary>6 x (2 Vector256) micro-kernel (6 x 16 for float, 6 x 8 for double): 12 accumulators in ymm registers.</summary>
internal readonly struct Kernel256<T> : IGemmKernel<T> where T : unmanaged, INumber<T>
{
    public static int MR => 6;

    public static int NR => 2 * Vector256<T>.Count;

    public static void RunNarrow(int kc, int cols, ref T a, ref T b, ref T c, nint ldc, bool add) => Run(kc, ref a, ref b, ref c, ldc, add);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run(int kc, ref T a, ref T b, ref T c, nint ldc, bool add) => RunB(kc, ref a, ref b, NR, ref c, ldc, add);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunB(int kc, ref T a, ref T b, nint ldb, ref T c, nint ldc, bool add)
    {
        nuint w = (nuint)Vector256<T>.Count;
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.LoadUnsafe(ref b);
            var b1 = Vector256.LoadUnsafe(ref b, w);
            var x = Vector256.Create(a);
            c00 = GemmSimd.MulAdd(x, b0, c00); c01 = GemmSimd.MulAdd(x, b1, c01);
            x = Vector256.Create(Unsafe.Add(ref a, 1));
            c10 = GemmSimd.MulAdd(x, b0, c10); c11 = GemmSimd.MulAdd(x, b1, c11);
            x = Vector256.Create(Unsafe.Add(ref a, 2));
            c20 = GemmSimd.MulAdd(x, b0, c20); c21 = GemmSimd.MulAdd(x, b1, c21);
            x = Vector256.Create(Unsafe.Add(ref a, 3));
            c30 = GemmSimd.MulAdd(x, b0, c30); c31 = GemmSimd.MulAdd(x, b1, c31);
            x = Vector256.Create(Unsafe.Add(ref a, 4));
            c40 = GemmSimd.MulAdd(x, b0, c40); c41 = GemmSimd.MulAdd(x, b1, c41);
            x = Vector256.Create(Unsafe.Add(ref a, 5));
            c50 = GemmSimd.MulAdd(x, b0, c50); c51 = GemmSimd.MulAdd(x, b1, c51);
            a = ref Unsafe.Add(ref a, 6);
            b = ref Unsafe.Add(ref b, ldb);
        }
        StoreRow(ref c, w, add, c00, c01);
        StoreRow(ref Unsafe.Add(ref c, ldc), w, add, c10, c11);
        StoreRow(ref Unsafe.Add(ref c, 2 * ldc), w, add, c20, c21);
        StoreRow(ref Unsafe.Add(ref c, 3 * ldc), w, add, c30, c31);
        StoreRow(ref Unsafe.Add(ref c, 4 * ldc), w, add, c40, c41);
        StoreRow(ref Unsafe.Add(ref c, 5 * ldc), w, add, c50, c51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(ref T c, nuint w, bool add, Vector256<T> v0, Vector256<T> v1)
    {
        if (add)
        {
            v0 = Vector256.LoadUnsafe(ref c) + v0;
            v1 = Vector256.LoadUnsafe(ref c, w) + v1;
        }
        v0.StoreUnsafe(ref c);
        v1.StoreUnsafe(ref c, w);
    }
}

/// <summary>Portable 4 x (2 <see cref="Vector{T}"/>) micro-kernel for any element type and instruction set.</summary>
internal readonly struct KernelVector<T> : IGemmKernel<T> where T : unmanaged, INumber<T>
{
    public static int MR => 4;

    public static int NR => 2 * Vector<T>.Count;

    public static void RunNarrow(int kc, int cols, ref T a, ref T b, ref T c, nint ldc, bool add) => Run(kc, ref a, ref b, ref c, ldc, add);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run(int kc, ref T a, ref T b, ref T c, nint ldc, bool add) => RunB(kc, ref a, ref b, NR, ref c, ldc, add);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunB(int kc, ref T a, ref T b, nint ldb, ref T c, nint ldc, bool add)
    {
        nuint w = (nuint)Vector<T>.Count;
        Vector<T> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector<T> c20 = default, c21 = default, c30 = default, c31 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector.LoadUnsafe(ref b);
            var b1 = Vector.LoadUnsafe(ref b, w);
            var x = new Vector<T>(a);
            c00 = GemmSimd.MulAdd(x, b0, c00); c01 = GemmSimd.MulAdd(x, b1, c01);
            x = new Vector<T>(Unsafe.Add(ref a, 1));
            c10 = GemmSimd.MulAdd(x, b0, c10); c11 = GemmSimd.MulAdd(x, b1, c11);
            x = new Vector<T>(Unsafe.Add(ref a, 2));
            c20 = GemmSimd.MulAdd(x, b0, c20); c21 = GemmSimd.MulAdd(x, b1, c21);
            x = new Vector<T>(Unsafe.Add(ref a, 3));
            c30 = GemmSimd.MulAdd(x, b0, c30); c31 = GemmSimd.MulAdd(x, b1, c31);
            a = ref Unsafe.Add(ref a, 4);
            b = ref Unsafe.Add(ref b, ldb);
        }
        StoreRow(ref c, w, add, c00, c01);
        StoreRow(ref Unsafe.Add(ref c, ldc), w, add, c10, c11);
        StoreRow(ref Unsafe.Add(ref c, 2 * ldc), w, add, c20, c21);
        StoreRow(ref Unsafe.Add(ref c, 3 * ldc), w, add, c30, c31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(ref T c, nuint w, bool add, Vector<T> v0, Vector<T> v1)
    {
        if (add)
        {
            v0 = Vector.LoadUnsafe(ref c) + v0;
            v1 = Vector.LoadUnsafe(ref c, w) + v1;
        }
        v0.StoreUnsafe(ref c);
        v1.StoreUnsafe(ref c, w);
    }
}
