using SharpGrad;
using SharpGrad.Optim;

namespace SharpGrad.Tests;

/// <summary>Runs optimizers on a small parameter with fixed gradients and compares with slow scalar references.</summary>
internal static class OptimTesting
{
    /// <summary>The 2-element starting parameter used by the update-rule tests.</summary>
    public static readonly double[] Start = [1.0, -2.0];

    /// <summary>Three steps of fixed gradients (changing sign and size, so momentum and averages matter).</summary>
    public static readonly double[][] Grads = [[0.5, -1.0], [0.25, 2.0], [-1.5, 0.75]];

    /// <summary>A float64 leaf parameter requiring grad.</summary>
    public static Tensor Param(params double[] values) => Tensor.From(values).RequiresGrad_();

    /// <summary>Creates the optimizer on a fresh parameter, applies each gradient and steps; returns the parameter after each step.</summary>
    public static double[][] Run(Func<Tensor, Optimizer> make, double[] start, double[][] grads, DType dtype = DType.Float64)
    {
        var p = Tensor.From(start).To(dtype).RequiresGrad_();
        var optimizer = make(p);
        var result = new double[grads.Length][];
        for (int t = 0; t < grads.Length; t++)
        {
            p.Grad = Tensor.From(grads[t]).To(dtype);
            optimizer.Step();
            result[t] = p.ToArray<double>();
        }
        return result;
    }

    /// <summary>Asserts every step's values within an absolute-plus-relative tolerance.</summary>
    public static void AssertSteps(double[][] expected, double[][] actual, double tol = 1e-12)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int t = 0; t < expected.Length; t++)
            for (int i = 0; i < expected[t].Length; i++)
                Assert.True(Math.Abs(expected[t][i] - actual[t][i]) <= tol * (1 + Math.Abs(expected[t][i])),
                    $"step {t + 1}, element {i}: expected {expected[t][i]:R}, got {actual[t][i]:R}");
    }

    /// <summary>True when two step sequences differ somewhere by more than the tolerance (to show a flag matters).</summary>
    public static bool Differ(double[][] a, double[][] b, double tol = 1e-9)
    {
        for (int t = 0; t < a.Length; t++)
            for (int i = 0; i < a[t].Length; i++)
                if (Math.Abs(a[t][i] - b[t][i]) > tol) return true;
        return false;
    }
}
