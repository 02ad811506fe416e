using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SharpGrad.Kernels;

/// <summary>
/// 4 x (4 Vector512) micro-kernel (4 x 64 for float): 16 accumulators in zmm registers. For prepacked products whose
/// row count is a multiple of 4 but not of 6 (32 convolution channels: 8 full panels instead of 5 and a 2-row edge that
/// costs a whole 6-row tile). Each element is the same multiply-add chain as in <see cref="Kernel512{T}"/>, so the choice
/// of kernel does not change any bit.
/// </summary>
internal readonly struct Kernel512Rows4<T> : IGemmKernel<T> where T : unmanaged, INumber<T>
{
    public static int MR => 4;

    public static int NR => 4 * Vector512<T>.Count;

    public static void Run(int kc, ref T a, ref T b, ref T c, nint ldc, bool add) => RunB(kc, ref a, ref b, NR, ref c, ldc, add);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunB(int kc, ref T a, ref T b, nint ldb, ref T c, nint ldc, bool add)
    {
        nuint w = (nuint)Vector512<T>.Count;
        Vector512<T> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<T> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<T> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<T> c30 = default, c31 = default, c32 = default, c33 = default;
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
            a = ref Unsafe.Add(ref a, 4);
            b = ref Unsafe.Add(ref b, ldb);
        }
        StoreRow(ref c, w, add, c00, c01, c02, c03);
        StoreRow(ref Unsafe.Add(ref c, ldc), w, add, c10, c11, c12, c13);
        StoreRow(ref Unsafe.Add(ref c, 2 * ldc), w, add, c20, c21, c22, c23);
        StoreRow(ref Unsafe.Add(ref c, 3 * ldc), w, add, c30, c31, c32, c33);
    }

    /// <summary>Edge panels: only the vectors that hold valid columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunNarrow(int kc, int cols, ref T a, ref T b, ref T c, nint ldc, bool add)
    {
        int w = Vector512<T>.Count;
        if (cols <= w) RunVectors(1, kc, ref a, ref b, ref c, ldc, add);
        else if (cols <= 2 * w) RunVectors(2, kc, ref a, ref b, ref c, ldc, add);
        else Run(kc, ref a, ref b, ref c, ldc, add);
    }

    /// <summary>A 4 x (1 or 2 vectors) tile (inlined with a constant <paramref name="vectors"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RunVectors(int vectors, int kc, ref T a, ref T b, ref T c, nint ldc, bool add)
    {
        nint step = NR;
        nuint w = (nuint)Vector512<T>.Count;
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.LoadUnsafe(ref b);
            var b1 = vectors == 2 ? Vector512.LoadUnsafe(ref b, w) : default;
            var x = Vector512.Create(a);
            c00 = GemmSimd.MulAdd(x, b0, c00); c01 = GemmSimd.MulAdd(x, b1, c01);
            x = Vector512.Create(Unsafe.Add(ref a, 1));
            c10 = GemmSimd.MulAdd(x, b0, c10); c11 = GemmSimd.MulAdd(x, b1, c11);
            x = Vector512.Create(Unsafe.Add(ref a, 2));
            c20 = GemmSimd.MulAdd(x, b0, c20); c21 = GemmSimd.MulAdd(x, b1, c21);
            x = Vector512.Create(Unsafe.Add(ref a, 3));
            c30 = GemmSimd.MulAdd(x, b0, c30); c31 = GemmSimd.MulAdd(x, b1, c31);
            a = ref Unsafe.Add(ref a, 4);
            b = ref Unsafe.Add(ref b, step);
        }
        ref T r = ref c;
        Store(ref r, 0, add, c00);
        if (vectors == 2) Store(ref r, w, add, c01);
        r = ref Unsafe.Add(ref r, ldc);
        Store(ref r, 0, add, c10);
        if (vectors == 2) Store(ref r, w, add, c11);
        r = ref Unsafe.Add(ref r, ldc);
        Store(ref r, 0, add, c20);
        if (vectors == 2) Store(ref r, w, add, c21);
        r = ref Unsafe.Add(ref r, ldc);
        Store(ref r, 0, add, c30);
        if (vectors == 2) Store(ref r, w, add, c31);
    }

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
