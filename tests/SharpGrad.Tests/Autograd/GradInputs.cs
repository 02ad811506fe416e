using SharpGrad;

namespace SharpGrad.Tests;

/// <summary>
/// Float64 leaves for gradient checks: contiguous, transposed, narrowed and stepped views, and
/// values kept away from the kinks of relu/abs/max and from the poles of log/sqrt/div.
/// </summary>
internal static class GradInputs
{
    private static Tensor Raw(int seed, int[] shape) => Tensor.Randn(shape, new Generator((ulong)seed), DType.Float64);

    /// <summary>A contiguous leaf with standard-normal values.</summary>
    public static Tensor Leaf(int seed, params int[] shape) => Check.Input(seed, shape);

    /// <summary>A leaf whose values have magnitude at least 0.2 (no element near 0).</summary>
    public static Tensor AwayFromZero(int seed, params int[] shape)
    {
        var r = Raw(seed, shape);
        return ((r.Abs() + 0.2) * r.Sign()).RequiresGrad_();
    }

    /// <summary>A leaf with values in [0.5, 3.5) (for log, sqrt, pow with a real exponent).</summary>
    public static Tensor Positive(int seed, params int[] shape)
        => (Tensor.Rand(shape, new Generator((ulong)seed), DType.Float64) * 3.0 + 0.5).RequiresGrad_();

    /// <summary>A non-contiguous leaf of shape [rows, cols]: the transpose of a [cols, rows] tensor.</summary>
    public static Tensor Transposed(int seed, int rows, int cols) => NonContiguous(Raw(seed, [cols, rows]).Transpose(0, 1));

    /// <summary>A non-contiguous leaf of the given shape: a narrow of a tensor 3 wider in the last dim.</summary>
    public static Tensor Narrowed(int seed, params int[] shape)
    {
        var wide = (int[])shape.Clone();
        wide[^1] += 3;
        return NonContiguous(Raw(seed, wide).Narrow(-1, 1, shape[^1]));
    }

    /// <summary>A non-contiguous leaf of the given shape: every second element of the last dim of a wider tensor.</summary>
    public static Tensor Stepped(int seed, params int[] shape)
    {
        var wide = (int[])shape.Clone();
        wide[^1] = 2 * shape[^1];
        return NonContiguous(Raw(seed, wide).Slice(wide.Length - 1, 0, shape[^1], 2));
    }

    /// <summary>The same positive values as <see cref="Positive"/>, but seen through a transpose.</summary>
    public static Tensor PositiveTransposed(int seed, int rows, int cols)
        => NonContiguous((Tensor.Rand([cols, rows], new Generator((ulong)seed), DType.Float64) * 3.0 + 0.5).Transpose(0, 1));

    private static Tensor NonContiguous(Tensor view)
    {
        Assert.False(view.IsContiguous(), "the test input should be non-contiguous");
        Assert.True(view.IsLeaf);
        return view.RequiresGrad_();
    }
}
