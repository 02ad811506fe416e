using SharpGrad;

namespace SharpGrad.Tests;

/// <summary>Assertions shared by the tests: values of tensors, gradient checks, error messages.</summary>
internal static class Check
{
    /// <summary>Asserts the tensor's shape and its values (row-major) within an absolute-plus-relative tolerance.</summary>
    public static void Close(Tensor actual, int[] shape, double[] expected, double tol = 1e-5)
    {
        Assert.Equal(shape, actual.Shape);
        Close(actual, expected, tol);
    }

    /// <summary>Asserts the tensor's values (row-major) within an absolute-plus-relative tolerance.</summary>
    public static void Close(Tensor actual, double[] expected, double tol = 1e-5)
    {
        var values = actual.ToArray<double>();
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < values.Length; i++)
        {
            bool ok = double.IsNaN(expected[i]) ? double.IsNaN(values[i])
                : values[i] == expected[i] || Math.Abs(values[i] - expected[i]) <= tol * (1 + Math.Abs(expected[i]));
            // The message (which lists every value) is only built on failure: building it per element is quadratic.
            if (!ok) Assert.Fail($"element {i}: expected {expected[i]}, got {values[i]} (all: [{string.Join(", ", values)}])");
        }
    }

    /// <summary>Asserts a scalar value.</summary>
    public static void Close(double expected, double actual, double tol = 1e-5)
        => Assert.True(Math.Abs(actual - expected) <= tol * (1 + Math.Abs(expected)), $"expected {expected}, got {actual}");

    /// <summary>Runs gradcheck (float64 central differences) and fails with its report on a mismatch.</summary>
    public static void Gradients(Func<Tensor[], Tensor> function, params Tensor[] inputs)
        => Assert.True(Autograd.GradCheck(function, inputs));

    /// <summary>A float64 tensor of the given shape with values from a seeded generator, requiring grad.</summary>
    public static Tensor Input(int seed, params int[] shape)
        => Tensor.Randn(shape, new Generator((ulong)seed), DType.Float64).RequiresGrad_();

    /// <summary>Asserts that the call throws <typeparamref name="TException"/> whose message contains every fragment.</summary>
    public static TException Throws<TException>(Action call, params string[] fragments) where TException : Exception
    {
        var ex = Assert.ThrowsAny<TException>(call);
        foreach (var f in fragments) Assert.Contains(f, ex.Message);
        return ex;
    }
}
