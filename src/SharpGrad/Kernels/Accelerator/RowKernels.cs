using System.Numerics;
using ILGPU;

namespace SharpGrad.Kernels.Accelerator;

/// <summary>Reductions and row-wise device kernels: one thread per output element or per contiguous row.</summary>
internal static class RowKernels
{
    /// <summary>Sum, product, max or min over the inner dims of <see cref="ReduceGeometry"/>, NaN propagating for max/min.</summary>
    public static void Reduce<T>(Index1D i, ArrayView<T> x, ArrayView<T> y, int kind, T identity, ReduceGeometry g) where T : unmanaged, INumber<T>
    {
        long xBase = g.Outer.Offset(i, g.OuterX);
        T acc = identity;
        for (long j = 0; j < g.InnerCount; j++)
        {
            T v = x[xBase + g.Inner.Offset(j, g.InnerX)];
            switch ((ReduceKind)kind)
            {
                case ReduceKind.Sum: acc += v; break;
                case ReduceKind.Prod: acc *= v; break;
                case ReduceKind.Max: if (!T.IsNaN(acc) && (T.IsNaN(v) || v > acc)) acc = v; break;
                default: if (!T.IsNaN(acc) && (T.IsNaN(v) || v < acc)) acc = v; break;
            }
        }
        y[g.Outer.Offset(i, g.OuterY)] = acc;
    }

    /// <summary>Softmax or log-softmax of each contiguous row of <paramref name="n"/> elements, max-subtracted.</summary>
    public static void SoftmaxForward<T>(Index1D row, ArrayView<T> x, ArrayView<T> y, long xOffset, int n, int log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long xs = xOffset + (long)row.X * n, ys = (long)row.X * n;
        T max = x[xs];
        for (int j = 1; j < n; j++) { T v = x[xs + j]; if (v > max || T.IsNaN(v)) max = v; }
        T sum = T.Zero;
        for (int j = 0; j < n; j++) sum += T.Exp(x[xs + j] - max);
        if (log != 0)
        {
            T logSum = T.Log(sum);
            for (int j = 0; j < n; j++) y[ys + j] = x[xs + j] - max - logSum;
        }
        else
        {
            T inv = T.One / sum;
            for (int j = 0; j < n; j++) y[ys + j] = T.Exp(x[xs + j] - max) * inv;
        }
    }

    /// <summary>Gradient of softmax (y (g - sum g y)) or log-softmax (g - e^y sum g) for contiguous rows.</summary>
    public static void SoftmaxBackward<T>(Index1D row, ArrayView<T> g, ArrayView<T> y, ArrayView<T> dx, RowOffsets o, int n, int log)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long gs = o.A + (long)row.X * n, ys = o.B + (long)row.X * n, ds = (long)row.X * n;
        T sum = T.Zero;
        for (int j = 0; j < n; j++) sum += log != 0 ? g[gs + j] : g[gs + j] * y[ys + j];
        for (int j = 0; j < n; j++)
            dx[ds + j] = log != 0 ? g[gs + j] - T.Exp(y[ys + j]) * sum : y[ys + j] * (g[gs + j] - sum);
    }

    /// <summary>Index of the first max (or min) of each contiguous row; NaN counts as the max, as on the CPU.</summary>
    public static void ArgRows<T>(Index1D row, ArrayView<T> x, ArrayView<long> result, long xOffset, int n, int max) where T : unmanaged, INumber<T>
    {
        long s = xOffset + (long)row.X * n;
        T best = x[s];
        long at = 0;
        for (int j = 1; j < n && !T.IsNaN(best); j++)
        {
            T v = x[s + j];
            if (T.IsNaN(v) || (max != 0 ? v > best : v < best)) { best = v; at = j; }
        }
        result[row] = at;
    }

    /// <summary>ReLU's gradient from its output: dx = g · (y &gt; 0) (contiguous operands; NaN gradients propagate as on the CPU).</summary>
    public static void ReluBackward<T>(Index1D i, ArrayView<T> g, ArrayView<T> y, ArrayView<T> dx, RowOffsets o) where T : unmanaged, INumber<T>
        => dx[i] = g[o.A + i] * (y[o.B + i] > T.Zero ? T.One : T.Zero);
}

/// <summary>Element offsets of two operands of a row kernel.</summary>
internal struct RowOffsets
{
    public long A, B;
}
