using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SharpGrad.Kernels;

/// <summary>An element-wise function of two values that also has a 256-bit vector form (add, sub, mul, div).</summary>
internal interface ILaneOp<T>
{
    static abstract T Apply(T a, T b);
    static abstract Vector256<T> Apply(Vector256<T> a, Vector256<T> b);
}

/// <summary>
/// Plain vector loops for the cheap element-wise ops (+, -, *, /) on contiguous spans. They are compiled fully
/// optimised on first use (<see cref="MethodImplOptions.AggressiveOptimization"/>), so small tensors do not run
/// through unoptimised tier-0 code for the first few hundred milliseconds of a program, as generic library calls
/// would. Results are bit-identical to the scalar form (each lane does one IEEE operation). The output may be the
/// same span as an input (in-place ops), but must not otherwise overlap one.
/// </summary>
internal static class Simd
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where TOp : ILaneOp<T>
    {
        int n = y.Length, i = 0;
        ref T ra = ref MemoryMarshal.GetReference(a);
        ref T rb = ref MemoryMarshal.GetReference(b);
        ref T ry = ref MemoryMarshal.GetReference(y);
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                TOp.Apply(Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref ry, i) = TOp.Apply(Unsafe.Add(ref ra, i), Unsafe.Add(ref rb, i));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply<T, TOp>(ReadOnlySpan<T> a, T b, Span<T> y) where TOp : ILaneOp<T>
    {
        int n = y.Length, i = 0;
        ref T ra = ref MemoryMarshal.GetReference(a);
        ref T ry = ref MemoryMarshal.GetReference(y);
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            var vb = Vector256.Create(b);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                TOp.Apply(Vector256.LoadUnsafe(ref ra, (nuint)i), vb).StoreUnsafe(ref ry, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref ry, i) = TOp.Apply(Unsafe.Add(ref ra, i), b);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply<T, TOp>(T a, ReadOnlySpan<T> b, Span<T> y) where TOp : ILaneOp<T>
    {
        int n = y.Length, i = 0;
        ref T rb = ref MemoryMarshal.GetReference(b);
        ref T ry = ref MemoryMarshal.GetReference(y);
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            var va = Vector256.Create(a);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                TOp.Apply(va, Vector256.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref ry, i) = TOp.Apply(a, Unsafe.Add(ref rb, i));
    }

    /// <summary>y = a * a * a (x ** 3 as PyTorch computes it: two multiplications).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Cube<T>(ReadOnlySpan<T> a, Span<T> y) where T : INumber<T>
    {
        int n = y.Length, i = 0;
        ref T ra = ref MemoryMarshal.GetReference(a);
        ref T ry = ref MemoryMarshal.GetReference(y);
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var v = Vector256.LoadUnsafe(ref ra, (nuint)i);
                (v * v * v).StoreUnsafe(ref ry, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            T v = Unsafe.Add(ref ra, i);
            Unsafe.Add(ref ry, i) = v * v * v;
        }
    }
}
