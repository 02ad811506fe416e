using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SharpGrad.Graph;

namespace SharpGrad;

public partial class Tensor
{
    /// <summary>
    /// The gradient of relu, g · (y &gt; 0), from the incoming gradient and the saved result. Outside createGraph, for
    /// contiguous operands of one float dtype, it is one pass into one new buffer (no bool mask, no converted copy of it);
    /// the values are those of the composite <c>g * y.Gt(0)</c> (g · 1 or g · 0, so NaN and ±∞ gradients propagate
    /// as before). Recording for higher-order gradients, or on other operands, uses the composite itself.
    /// </summary>
    internal static Tensor ReluGrad(Tensor g, Tensor y)
    {
        bool fused = !GradMode.IsEnabled && g.DType == y.DType && g.Layout.IsContiguous && y.Layout.IsContiguous
            && g.Layout.Sizes.AsSpan().SequenceEqual(y.Layout.Sizes);
        if (!fused || g.DType is not (DType.Float32 or DType.Float64)) return g * y.Gt(0.0);
        var result = AllocForOverwrite(g.Layout.Sizes, g.DType);
        int n = g.Layout.Numel;
        if (g.DType == DType.Float32) ReluGrad(g.Buffer<float>().AsSpan(g.Layout.Offset, n), y.Buffer<float>().AsSpan(y.Layout.Offset, n), result.Buffer<float>());
        else ReluGrad(g.Buffer<double>().AsSpan(g.Layout.Offset, n), y.Buffer<double>().AsSpan(y.Layout.Offset, n), result.Buffer<double>());
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ReluGrad<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> result) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0, width = Vector<T>.Count;
        ref T rg = ref MemoryMarshal.GetReference(g), ry = ref MemoryMarshal.GetReference(y), rr = ref MemoryMarshal.GetReference(result);
        for (; i + width <= g.Length; i += width)
        {
            var mask = Vector.GreaterThan(Vector.LoadUnsafe(ref ry, (nuint)i), Vector<T>.Zero);
            var factor = Vector.ConditionalSelect(mask, Vector<T>.One, Vector<T>.Zero);
            (Vector.LoadUnsafe(ref rg, (nuint)i) * factor).StoreUnsafe(ref rr, (nuint)i);
        }
        for (; i < g.Length; i++)
            Unsafe.Add(ref rr, i) = Unsafe.Add(ref rg, i) * (Unsafe.Add(ref ry, i) > T.Zero ? T.One : T.Zero);
    }
}
