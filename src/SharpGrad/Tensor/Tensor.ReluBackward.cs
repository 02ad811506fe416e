using SharpGrad.Graph;
using SharpGrad.Kernels;

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
        var result = AllocForOverwrite(g.Layout.Sizes, g.DType, DeviceOf("threshold_backward", g, y));
        Dispatch.ReluBackward(g.Storage, g.Layout.Offset, y.Storage, y.Layout.Offset, result.Storage, g.Layout.Numel);
        return result;
    }
}
