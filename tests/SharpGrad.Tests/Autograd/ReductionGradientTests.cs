using SharpGrad;

namespace SharpGrad.Tests;

/// <summary>Float64 gradchecks of the reductions: all elements and along dims, keepDim both ways, non-contiguous inputs.</summary>
public class ReductionGradientTests
{
    private static IEnumerable<Tensor> Inputs()
    {
        yield return GradInputs.Leaf(100, 3, 4);
        yield return GradInputs.Transposed(101, 3, 4);
        yield return GradInputs.Stepped(102, 3, 4);
        yield return GradInputs.Narrowed(103, 3, 4);
    }

    [Fact]
    public void Sum_AllAndDims_GradCheck()
    {
        foreach (var x in Inputs())
        {
            Check.Gradients(t => t[0].Sum(), x);
            foreach (bool keep in new[] { false, true })
            {
                Check.Gradients(t => t[0].Sum(0, keep), x);
                Check.Gradients(t => t[0].Sum(-1, keep), x);
                Check.Gradients(t => t[0].Sum([0, 1], keep), x);
            }
        }
        Check.Gradients(t => t[0].Sum(), GradInputs.Leaf(104));
        Check.Gradients(t => t[0].Sum([0, 2], keepDim: true), GradInputs.Leaf(105, 2, 3, 2));
    }

    [Fact]
    public void Mean_AllAndDims_GradCheck()
    {
        foreach (var x in Inputs())
        {
            Check.Gradients(t => t[0].Mean(), x);
            foreach (bool keep in new[] { false, true })
            {
                Check.Gradients(t => t[0].Mean(1, keep), x);
                Check.Gradients(t => t[0].Mean([1, 0], keep), x);
            }
        }
        Check.Gradients(t => t[0].Mean([0, 2]), GradInputs.Leaf(106, 2, 3, 2));
    }

    [Fact]
    public void SumMean_Gradients_AreOnesAndOneOverCount()
    {
        var x = GradInputs.Leaf(107, 2, 3);
        (x.Sum(1) * Tensor.From(new[] { 1.0, 2.0 }, DType.Float64)).Sum().Backward();
        Check.Close(x.Grad!, [2, 3], [1, 1, 1, 2, 2, 2]);
        x.Grad = null;
        x.Mean(0, keepDim: true).Sum().Backward();
        Check.Close(x.Grad!, [2, 3], [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
        x.Grad = null;
        x.Mean().Backward();
        Check.Close(x.Grad!, Enumerable.Repeat(1.0 / 6, 6).ToArray());
    }

    [Fact]
    public void Prod_AllAndDim_GradCheck()
    {
        foreach (var x in Inputs())
        {
            Check.Gradients(t => t[0].Prod(), x);
            foreach (bool keep in new[] { false, true })
            {
                Check.Gradients(t => t[0].Prod(0, keep), x);
                Check.Gradients(t => t[0].Prod(-1, keep), x);
            }
        }
        Check.Gradients(t => t[0].Prod(), GradInputs.Leaf(108));
    }

    [Fact]
    public void Prod_WithZeroEntries_GradCheck()
    {
        // Rows with no zero, one zero and two zeros: the product is multilinear, so central differences are exact.
        var data = new double[,] { { 2, 0, 3 }, { 0, 0, 4 }, { 1, -2, 3 } };
        Check.Gradients(t => t[0].Prod(1), Tensor.From(data, requiresGrad: true));
        Check.Gradients(t => t[0].Prod(0, keepDim: true), Tensor.From(data, requiresGrad: true));
        Check.Gradients(t => t[0].Prod(), Tensor.From(new double[] { 2, 0, 3, -1 }, requiresGrad: true));
        Check.Gradients(t => t[0].Prod(), Tensor.From(new double[] { 2, 0, 3, 0 }, requiresGrad: true));
    }

    [Fact]
    public void ThreeDimensional_MiddleDim_GradCheck()
    {
        var x = GradInputs.Stepped(111, 2, 3, 2);
        foreach (bool keep in new[] { false, true })
        {
            Check.Gradients(t => t[0].Prod(1, keep), x);
            Check.Gradients(t => t[0].Max(1, keep).Values, x);
            Check.Gradients(t => t[0].Min(-2, keep).Values, x);
            Check.Gradients(t => t[0].Var([0, 2], correction: 1, keepDim: keep), x);
            Check.Gradients(t => t[0].Mean([2, 0], keep), x);
        }
        var withZeros = Tensor.From(new double[,,] { { { 1, 0 }, { 2, 0 }, { 3, 5 } }, { { 0, 4 }, { -1, 2 }, { 0, 3 } } }, requiresGrad: true);
        Check.Gradients(t => t[0].Prod(1), withZeros);
        Check.Gradients(t => t[0].Prod(2, keepDim: true), withZeros);
        Check.Gradients(t => t[0].Prod(), withZeros);
    }

    [Fact]
    public void Prod_WithZeroEntries_MatchesHandWorkedGradient()
    {
        var x = Tensor.From(new double[,] { { 2, 0, 3 }, { 0, 0, 4 }, { 1, -2, 3 } }, requiresGrad: true);
        x.Prod(1).Sum().Backward();
        Check.Close(x.Grad!, [3, 3], [0, 6, 0, 0, 0, 0, -6, 3, -2]);
        var y = Tensor.From(new double[] { 2, 0, 3 }, requiresGrad: true);
        y.Prod().Backward();
        Check.Close(y.Grad!, [0, 6, 0]);
    }

    [Fact]
    public void MaxMin_All_GradCheck()
    {
        foreach (var x in Inputs())
        {
            Check.Gradients(t => t[0].Max(), x);
            Check.Gradients(t => t[0].Min(), x);
        }
    }

    [Fact]
    public void MaxMin_AllWithTies_ShareTheGradientEvenly()
    {
        var x = Tensor.From(new double[] { 1, 3, 3, -2 }, requiresGrad: true);
        x.Max().Backward();
        Check.Close(x.Grad!, [0, 0.5, 0.5, 0]);
        x.Grad = null;
        (x.Min() * 4.0).Backward();
        Check.Close(x.Grad!, [0, 0, 0, 4]);
    }

    [Fact]
    public void MaxMin_All_GradientKeepsFloat64Precision()
    {
        // The gradient is a bool mask times a 0-d float64; it must not pass through float32.
        var x = Tensor.From(new double[] { 1, 3, -2 }, requiresGrad: true);
        (x.Max() / 3.0 + x.Min() / 7.0).Backward();
        Assert.Equal(new[] { 0, 1.0 / 3, 1.0 / 7 }, x.Grad!.ToArray<double>());
        Assert.Equal(DType.Float64, (Tensor.From(new[] { true, false }) * Tensor.From(0.1, DType.Float64)).DType);
    }

    [Fact]
    public void MaxMin_AlongDim_GradCheck()
    {
        foreach (var x in Inputs())
            foreach (bool keep in new[] { false, true })
            {
                Check.Gradients(t => t[0].Max(1, keep).Values, x);
                Check.Gradients(t => t[0].Min(0, keep).Values, x);
                Check.Gradients(t => t[0].Max(-2, keep).Values, x);
            }
    }

    [Fact]
    public void MaxAlongDim_GradientGoesToTheIndexItReturns()
    {
        var x = Tensor.From(new double[,] { { 1, 5, 2 }, { 7, 0, 7 } }, requiresGrad: true);
        var (values, indices) = x.Max(1);
        Assert.Equal(new long[] { 1, 0 }, indices.ToArray<long>());
        Assert.Equal(DType.Int64, indices.DType);
        Assert.False(indices.RequiresGrad);
        (values * Tensor.From(new double[] { 10, 20 })).Sum().Backward();
        Check.Close(x.Grad!, [2, 3], [0, 10, 0, 20, 0, 0]);
    }

    [Fact]
    public void VarStd_DimAndAll_BothCorrections_GradCheck()
    {
        foreach (var x in Inputs())
            foreach (bool unbiased in new[] { true, false })
            {
                Check.Gradients(t => t[0].Var(unbiased: unbiased), x);
                Check.Gradients(t => t[0].Std(unbiased: unbiased), x);
                Check.Gradients(t => t[0].Var(1, unbiased), x);
                Check.Gradients(t => t[0].Std(0, unbiased, keepDim: true), x);
            }
        Check.Gradients(t => t[0].Var([0, 1], correction: 0, keepDim: true), GradInputs.Leaf(109, 2, 3));
        Check.Gradients(t => t[0].Std([1], correction: 1), GradInputs.Leaf(110, 2, 3));
    }

    [Fact]
    public void Var_Gradient_MatchesTwoCenteredOverNMinusCorrection()
    {
        double[] v = [1, 2, 4, 7];
        double mean = v.Average();
        foreach (int correction in new[] { 0, 1 })
        {
            var x = Tensor.From(v, requiresGrad: true);
            x.Var(unbiased: correction == 1).Backward();
            Check.Close(x.Grad!, v.Select(a => 2 * (a - mean) / (v.Length - correction)).ToArray(), 1e-12);
        }
    }
}
