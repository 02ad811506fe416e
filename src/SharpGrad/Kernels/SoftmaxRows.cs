using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace SharpGrad.Kernels;

/// <summary>
/// Softmax and log-softmax over the last dimension of contiguous [rows, n] buffers, forward and backward, one row at
/// a time into the output buffer (no [rows, n] temporaries). Each row does what the composite tensor ops do
/// (max-shift, exp, sum, log or divide; the backward rules g − e^y Σg and y (g − Σ g y)), with the same
/// TensorPrimitives reductions.
/// </summary>
internal static class SoftmaxRows
{
    private const int StackRow = 256;

    /// <summary>
    /// Rows up to this length (10 classes of a classifier) take the block path: one exp call over all rows and scalar
    /// loops per row, instead of six TensorPrimitives calls per row whose fixed cost dominates for short rows.
    /// </summary>
    internal const int SmallRow = 32;

    /// <summary>y = log_softmax(x) (<paramref name="log"/>) or softmax(x) per row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<T>(T[] x, int xOffset, T[] y, int rows, int n, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>, IExponentialFunctions<T>, ILogarithmicFunctions<T>
    {
        if (n <= SmallRow && rows > 1)
        {
            ForwardSmall(x, xOffset, y, rows, n, log);
            return;
        }
        T[]? rented = log && n > StackRow ? ArrayPool<T>.Shared.Rent(n) : null;
        Span<T> scratch = log ? (rented is null ? stackalloc T[Math.Min(n, StackRow)] : rented.AsSpan(0, n)) : default;
        for (int r = 0; r < rows; r++)
        {
            var xr = new ReadOnlySpan<T>(x, xOffset + r * n, n);
            var yr = new Span<T>(y, r * n, n);
            TensorPrimitives.Subtract(xr, TensorPrimitives.Max(xr), yr);
            if (log)
            {
                TensorPrimitives.Exp(yr, scratch);
                TensorPrimitives.Subtract(yr, T.Log(TensorPrimitives.Sum<T>(scratch)), yr);
            }
            else
            {
                TensorPrimitives.Exp(yr, yr);
                TensorPrimitives.Divide(yr, TensorPrimitives.Sum<T>(yr), yr);
            }
        }
        if (rented is not null) ArrayPool<T>.Shared.Return(rented);
    }

    /// <summary>The input gradient from the output gradient g and the saved output y, per row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward<T>(T[] g, int gOffset, T[] y, int yOffset, T[] dx, int rows, int n, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>, IExponentialFunctions<T>
    {
        if (n <= SmallRow && rows > 1)
        {
            BackwardSmall(g, gOffset, y, yOffset, dx, rows, n, log);
            return;
        }
        for (int r = 0; r < rows; r++)
        {
            var gr = new ReadOnlySpan<T>(g, gOffset + r * n, n);
            var yr = new ReadOnlySpan<T>(y, yOffset + r * n, n);
            var dr = new Span<T>(dx, r * n, n);
            if (log)
            {
                T sum = TensorPrimitives.Sum(gr);
                TensorPrimitives.Exp(yr, dr);
                TensorPrimitives.Multiply(dr, sum, dr);
                TensorPrimitives.Subtract(gr, dr, dr);
            }
            else
            {
                TensorPrimitives.Multiply(gr, yr, dr);
                T dot = TensorPrimitives.Sum<T>(dr);
                TensorPrimitives.Subtract(gr, dot, dr);
                TensorPrimitives.Multiply(dr, yr, dr);
            }
        }
    }

    /// <summary>The forward for short rows: max-shift row by row, one exp over the block, then each row's sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardSmall<T>(T[] x, int xOffset, T[] y, int rows, int n, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>, IExponentialFunctions<T>, ILogarithmicFunctions<T>
    {
        int total = rows * n;
        for (int r = 0; r < rows; r++)
        {
            var xr = new ReadOnlySpan<T>(x, xOffset + r * n, n);
            var yr = new Span<T>(y, r * n, n);
            T max = xr[0];
            for (int i = 1; i < n; i++) max = T.Max(max, xr[i]); // NaN-propagating, as TensorPrimitives.Max
            for (int i = 0; i < n; i++) yr[i] = xr[i] - max;
        }
        var block = new Span<T>(y, 0, total);
        if (!log)
        {
            TensorPrimitives.Exp(block, block);
            for (int r = 0; r < rows; r++)
            {
                var yr = block.Slice(r * n, n);
                T sum = TensorPrimitives.Sum<T>(yr);
                for (int i = 0; i < n; i++) yr[i] /= sum;
            }
            return;
        }
        T[] rented = ArrayPool<T>.Shared.Rent(total);
        var exps = rented.AsSpan(0, total);
        TensorPrimitives.Exp(block, exps);
        for (int r = 0; r < rows; r++)
        {
            T logSum = T.Log(TensorPrimitives.Sum<T>(exps.Slice(r * n, n)));
            var yr = block.Slice(r * n, n);
            for (int i = 0; i < n; i++) yr[i] -= logSum;
        }
        ArrayPool<T>.Shared.Return(rented);
    }

    /// <summary>The backward for short rows: g − e^y Σg (one exp over the block) or y (g − Σ g y), row by row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardSmall<T>(T[] g, int gOffset, T[] y, int yOffset, T[] dx, int rows, int n, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>, IExponentialFunctions<T>
    {
        if (log) TensorPrimitives.Exp(new ReadOnlySpan<T>(y, yOffset, rows * n), new Span<T>(dx, 0, rows * n));
        for (int r = 0; r < rows; r++)
        {
            var gr = new ReadOnlySpan<T>(g, gOffset + r * n, n);
            var yr = new ReadOnlySpan<T>(y, yOffset + r * n, n);
            var dr = new Span<T>(dx, r * n, n);
            if (log)
            {
                T sum = TensorPrimitives.Sum(gr);
                for (int i = 0; i < n; i++) dr[i] = gr[i] - dr[i] * sum;
            }
            else
            {
                for (int i = 0; i < n; i++) dr[i] = gr[i] * yr[i];
                T dot = TensorPrimitives.Sum<T>(dr);
                for (int i = 0; i < n; i++) dr[i] = (gr[i] - dot) * yr[i];
            }
        }
    }
}
