namespace SharpGrad.Tests;

internal static partial class TorchReference
{
    /// <summary>A float64 tensor from reference values and their shape.</summary>
    public static Tensor T(double[] values, int[] shape, bool requiresGrad = false)
    {
        var t = Tensor.From(values, DType.Float64).View(shape).Clone();
        return requiresGrad ? t.RequiresGrad_() : t;
    }

    /// <summary>An int64 tensor from reference indices and their shape.</summary>
    public static Tensor T(long[] values, int[] shape) => Tensor.From(values, DType.Int64).View(shape).Clone();

    /// <summary>
    /// The same values in a non-contiguous layout (the first and last dims swapped in memory), to check that an op
    /// reads strides rather than assuming a packed buffer.
    /// </summary>
    public static Tensor Strided(Tensor t)
    {
        var s = t.Detach().Transpose(0, t.NDim - 1).Contiguous().Transpose(0, t.NDim - 1);
        Assert.False(s.IsContiguous());
        return t.RequiresGrad ? s.RequiresGrad_() : s;
    }
}
