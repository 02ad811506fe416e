using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using SharpGrad.Core;

namespace SharpGrad.Kernels;

/// <summary>An associative reduction: its identity, how two values combine, and vectorised forms.</summary>
internal interface IReduceOp<T>
{
    static abstract T Identity { get; }
    static abstract T Combine(T acc, T x);
    static abstract T Reduce(ReadOnlySpan<T> x);
    static abstract void Combine(ReadOnlySpan<T> acc, ReadOnlySpan<T> x, Span<T> y);
}

internal struct SumReduce<T> : IReduceOp<T> where T : INumber<T>
{
    public static T Identity => T.Zero;
    public static T Combine(T acc, T x) => acc + x;
    public static T Reduce(ReadOnlySpan<T> x) => Simd.Sum(x);
    public static void Combine(ReadOnlySpan<T> acc, ReadOnlySpan<T> x, Span<T> y) => Simd.Apply<T, AddOp<T>>(acc, x, y);
}

internal struct ProdReduce<T> : IReduceOp<T> where T : INumber<T>
{
    public static T Identity => T.One;
    public static T Combine(T acc, T x) => acc * x;
    public static T Reduce(ReadOnlySpan<T> x) => TensorPrimitives.Product(x);
    public static void Combine(ReadOnlySpan<T> acc, ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Multiply(acc, x, y);
}

internal struct MaxReduce<T> : IReduceOp<T> where T : INumber<T>
{
    public static T Identity => T.CreateSaturating(double.NegativeInfinity);
    public static T Combine(T acc, T x) => T.Max(acc, x);
    public static T Reduce(ReadOnlySpan<T> x) => TensorPrimitives.Max(x);
    public static void Combine(ReadOnlySpan<T> acc, ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Max(acc, x, y);
}

internal struct MinReduce<T> : IReduceOp<T> where T : INumber<T>
{
    public static T Identity => T.CreateSaturating(double.PositiveInfinity);
    public static T Combine(T acc, T x) => T.Min(acc, x);
    public static T Reduce(ReadOnlySpan<T> x) => TensorPrimitives.Min(x);
    public static void Combine(ReadOnlySpan<T> acc, ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Min(acc, x, y);
}

/// <summary>Reductions over chosen dimensions and arg-reductions over one dimension.</summary>
internal static class Reduce
{
    /// <summary>
    /// Reduces <paramref name="x"/> into the contiguous <paramref name="y"/>, whose layout is given
    /// as <paramref name="ly"/>: x's sizes with stride 0 on the reduced dims. The loop visits x in
    /// its own order and folds each element into the output element it maps to, so the order of
    /// every sum is fixed by the shapes alone.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<T, TOp>(T[] x, Layout lx, T[] y, Layout ly) where TOp : IReduceOp<T>
    {
        int outCount = 1;
        for (int d = 0; d < ly.Sizes.Length; d++) if (ly.Strides[d] != 0) outCount *= ly.Sizes[d];
        if (outCount == 1 && lx.IsContiguous)
        {
            // Everything into one element: the same fold as the row kernel below does for one contiguous row.
            y[ly.Offset] = lx.Numel == 0 ? TOp.Identity : TOp.Combine(TOp.Identity, TOp.Reduce(x.AsSpan(lx.Offset, lx.Numel)));
            return;
        }
        y.AsSpan(ly.Offset, outCount).Fill(TOp.Identity);
        var k = new ReduceRow<T, TOp> { X = x, Y = y };
        StridedLoop.Run(lx.Sizes, [lx.Strides, ly.Strides], [lx.Offset, ly.Offset], ref k);
    }

    /// <summary>Index of the largest (or smallest) element of each contiguous row of length <paramref name="n"/>; NaN wins, first index on ties.</summary>
    public static void ArgRows<T>(T[] x, int offset, int rows, int n, long[] result, bool max) where T : INumber<T>
    {
        for (int r = 0; r < rows; r++)
        {
            var row = x.AsSpan(offset + r * n, n);
            int best = 0;
            T bestValue = row[0];
            if (!T.IsNaN(bestValue))
            {
                for (int i = 1; i < n; i++)
                {
                    T v = row[i];
                    if (T.IsNaN(v)) { best = i; break; }
                    if (max ? v > bestValue : v < bestValue) { best = i; bestValue = v; }
                }
            }
            result[r] = best;
        }
    }

    private struct ReduceRow<T, TOp> : IRowKernel where TOp : IReduceOp<T>
    {
        public T[] X, Y;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Row(int n, ReadOnlySpan<int> o, ReadOnlySpan<int> s)
        {
            if (s[1] == 0)
            {
                T acc = Y[o[1]];
                if (s[0] == 1) acc = TOp.Combine(acc, TOp.Reduce(X.AsSpan(o[0], n)));
                else for (int i = 0, ix = o[0]; i < n; i++, ix += s[0]) acc = TOp.Combine(acc, X[ix]);
                Y[o[1]] = acc;
                return;
            }
            if (s[0] == 1 && s[1] == 1)
            {
                var dst = Y.AsSpan(o[1], n);
                TOp.Combine(dst, X.AsSpan(o[0], n), dst);
                return;
            }
            for (int i = 0, ix = o[0], iy = o[1]; i < n; i++, ix += s[0], iy += s[1]) Y[iy] = TOp.Combine(Y[iy], X[ix]);
        }
    }
}
