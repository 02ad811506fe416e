namespace SharpGrad.Tests;

/// <summary>Factories asked for more elements than a tensor can hold say so, naming the op (PyTorch: "invalid size, possible overflow?").</summary>
public sealed class FactoryLimitsTests
{
    [Fact]
    public void Arange_RefusesSizesThatOverflow()
    {
        Check.Throws<ArgumentException>(() => Tensor.Arange(0, long.MaxValue), "arange", "invalid size", "9223372036854775807");
        Check.Throws<ArgumentException>(() => Tensor.Arange(long.MinValue, long.MaxValue), "arange", "invalid size");
        Check.Throws<ArgumentException>(() => Tensor.Arange(0.0, 1.0, 1e-12), "arange", "invalid size", "1E-12");
        Check.Throws<ArgumentException>(() => Tensor.Arange(-1e308, 1e308, 1.0), "arange", "invalid size");
        Check.Throws<ArgumentException>(() => Tensor.Arange(0.0, double.PositiveInfinity), "arange", "finite");
        Check.Throws<ArgumentException>(() => Tensor.Arange(double.NaN, 1.0), "arange", "finite");
        Assert.Equal([5L, 3, 1], Tensor.Arange(5, 0, -2).ToArray<long>());
        Assert.Equal([long.MaxValue - 2, long.MaxValue - 1], Tensor.Arange(long.MaxValue - 2, long.MaxValue).ToArray<long>());
    }
}
