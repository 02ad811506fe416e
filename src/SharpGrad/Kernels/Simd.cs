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

/// <summary>An element-wise function of one value that also has a 256-bit vector form (neg, relu).</summary>
internal interface ILaneUnaryOp<T>
{
    static abstract T Apply(T x);
    static abstract Vector256<T> Apply(Vector256<T> x);
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply<T, TOp>(ReadOnlySpan<T> x, Span<T> y) where TOp : ILaneUnaryOp<T>
    {
        int n = y.Length, i = 0;
        ref T rx = ref MemoryMarshal.GetReference(x);
        ref T ry = ref MemoryMarshal.GetReference(y);
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                TOp.Apply(Vector256.LoadUnsafe(ref rx, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref ry, i) = TOp.Apply(Unsafe.Add(ref rx, i));
    }

    /// <summary>
    /// Longest span <see cref="Sum{T}"/> adds up in one pass; longer ones are split in two (pairwise). With 256-bit
    /// vectors a block is 32 running sums of 32 elements each; without them (the portable path: no AVX2, or ARM64) the
    /// block is added one element at a time, so it is 32 elements long to keep the same accuracy (one sequential pass
    /// over 1024 floats of 0.1 is off by 1e-5 relative).
    /// </summary>
    private static int SumBlock
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector256.IsHardwareAccelerated ? 1024 : 32;
    }

    /// <summary>
    /// The sum of a span, pairwise above <see cref="SumBlock"/> elements (split at a multiple of the block, each half
    /// summed the same way, as NumPy's and PyTorch's cascade sums do), so the rounding error grows with the log of the
    /// length. A block is summed with four vector accumulators, their lanes, then the elements left over. The order
    /// depends only on the length, so the result is deterministic.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Sum<T>(ReadOnlySpan<T> x) where T : INumber<T>
    {
        if (x.Length <= SumBlock) return BlockSum(x);
        int half = (x.Length / SumBlock + 1) / 2 * SumBlock;
        return Sum(x[..half]) + Sum(x[half..]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T BlockSum<T>(ReadOnlySpan<T> x) where T : INumber<T>
    {
        int n = x.Length, i = 0;
        ref T rx = ref MemoryMarshal.GetReference(x);
        T total = T.Zero;
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && n >= Vector256<T>.Count)
        {
            int w = Vector256<T>.Count;
            Vector256<T> s0 = Vector256<T>.Zero, s1 = s0, s2 = s0, s3 = s0;
            for (; i <= n - 4 * w; i += 4 * w)
            {
                s0 += Vector256.LoadUnsafe(ref rx, (nuint)i);
                s1 += Vector256.LoadUnsafe(ref rx, (nuint)(i + w));
                s2 += Vector256.LoadUnsafe(ref rx, (nuint)(i + 2 * w));
                s3 += Vector256.LoadUnsafe(ref rx, (nuint)(i + 3 * w));
            }
            for (; i <= n - w; i += w) s0 += Vector256.LoadUnsafe(ref rx, (nuint)i);
            total = Vector256.Sum((s0 + s1) + (s2 + s3));
        }
        for (; i < n; i++) total += Unsafe.Add(ref rx, i);
        return total;
    }

    /// <summary>
    /// The sum of a[i] * b[i] (a[0] * b[i] when <paramref name="aUniform"/>), bit for bit what <see cref="Sum{T}"/>
    /// gives for the array of the rounded products: the same pairwise split, blocks and accumulators, each product
    /// rounded before it is added (no fused multiply-add). Saves the product array when only its sum is needed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T SumOfProducts<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, bool aUniform) where T : INumber<T>
    {
        if (b.Length <= SumBlock) return ProductBlockSum(a, b, aUniform);
        int half = (b.Length / SumBlock + 1) / 2 * SumBlock;
        return SumOfProducts(aUniform ? a : a[..half], b[..half], aUniform) + SumOfProducts(aUniform ? a : a[half..], b[half..], aUniform);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T ProductBlockSum<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, bool aUniform) where T : INumber<T>
    {
        int n = b.Length, i = 0;
        ref T ra = ref MemoryMarshal.GetReference(a);
        ref T rb = ref MemoryMarshal.GetReference(b);
        T total = T.Zero;
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && n >= Vector256<T>.Count)
        {
            int w = Vector256<T>.Count;
            Vector256<T> s0 = Vector256<T>.Zero, s1 = s0, s2 = s0, s3 = s0;
            if (aUniform)
            {
                var va = Vector256.Create(ra);
                for (; i <= n - 4 * w; i += 4 * w)
                {
                    s0 += va * Vector256.LoadUnsafe(ref rb, (nuint)i);
                    s1 += va * Vector256.LoadUnsafe(ref rb, (nuint)(i + w));
                    s2 += va * Vector256.LoadUnsafe(ref rb, (nuint)(i + 2 * w));
                    s3 += va * Vector256.LoadUnsafe(ref rb, (nuint)(i + 3 * w));
                }
                for (; i <= n - w; i += w) s0 += va * Vector256.LoadUnsafe(ref rb, (nuint)i);
            }
            else
            {
                for (; i <= n - 4 * w; i += 4 * w)
                {
                    s0 += Vector256.LoadUnsafe(ref ra, (nuint)i) * Vector256.LoadUnsafe(ref rb, (nuint)i);
                    s1 += Vector256.LoadUnsafe(ref ra, (nuint)(i + w)) * Vector256.LoadUnsafe(ref rb, (nuint)(i + w));
                    s2 += Vector256.LoadUnsafe(ref ra, (nuint)(i + 2 * w)) * Vector256.LoadUnsafe(ref rb, (nuint)(i + 2 * w));
                    s3 += Vector256.LoadUnsafe(ref ra, (nuint)(i + 3 * w)) * Vector256.LoadUnsafe(ref rb, (nuint)(i + 3 * w));
                }
                for (; i <= n - w; i += w) s0 += Vector256.LoadUnsafe(ref ra, (nuint)i) * Vector256.LoadUnsafe(ref rb, (nuint)i);
            }
            total = Vector256.Sum((s0 + s1) + (s2 + s3));
        }
        for (; i < n; i++) total += (aUniform ? ra : Unsafe.Add(ref ra, i)) * Unsafe.Add(ref rb, i);
        return total;
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
