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

    /// <summary>y = log_softmax(x) (<paramref name="log"/>) or softmax(x) per row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<T>(T[] x, int xOffset, T[] y, int rows, int n, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>, IExponentialFunctions<T>, ILogarithmicFunctions<T>
    {
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
}
