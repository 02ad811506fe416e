using SharpGrad;

namespace SharpGrad.Tests;

/// <summary>
/// Float64 gradchecks of the shape ops (views, copies, dtype conversion, sum_to_size). A full
/// Jacobian is checked, so a gradient that lands on the wrong element fails, not only a wrong sum.
/// </summary>
public class ViewGradientTests
{
    private static IEnumerable<Tensor> Inputs()
    {
        yield return GradInputs.Leaf(300, 3, 4);
        yield return GradInputs.Transposed(301, 3, 4);
        yield return GradInputs.Stepped(302, 3, 4);
    }

    [Fact]
    public void ViewReshapeFlatten_GradCheck()
    {
        Check.Gradients(t => t[0].View(4, 3), GradInputs.Leaf(303, 3, 4));
        Check.Gradients(t => t[0].View(-1), GradInputs.Leaf(304, 3, 4));
        foreach (var x in Inputs())
        {
            Check.Gradients(t => t[0].Reshape(2, 6), x);
            Check.Gradients(t => t[0].Reshape(12, 1), x);
            Check.Gradients(t => t[0].Flatten(), x);
        }
        Check.Gradients(t => t[0].Flatten(1), GradInputs.Stepped(305, 2, 2, 3));
        Check.Gradients(t => t[0].Flatten(0, 1), GradInputs.Leaf(306, 2, 2, 3));
    }

    [Fact]
    public void UnsqueezeSqueeze_GradCheck()
    {
        foreach (var x in Inputs())
        {
            Check.Gradients(t => t[0].Unsqueeze(1), x);
            Check.Gradients(t => t[0].Unsqueeze(-1).Unsqueeze(0).Squeeze(), x);
            Check.Gradients(t => t[0].Unsqueeze(0).Squeeze(0), x);
        }
        Check.Gradients(t => t[0].Squeeze(1), GradInputs.Leaf(307, 3, 1, 2));
        Check.Gradients(t => t[0].Squeeze(), GradInputs.Leaf(308, 1, 3, 1));
    }

    [Fact]
    public void TransposeTPermute_GradCheck()
    {
        foreach (var x in Inputs())
        {
            Check.Gradients(t => t[0].Transpose(0, 1), x);
            Check.Gradients(t => t[0].Transpose(-1, -2), x);
            Check.Gradients(t => t[0].T, x);
            Check.Gradients(t => t[0].Permute(1, 0), x);
        }
        Check.Gradients(t => t[0].Transpose(0, 2), GradInputs.Leaf(309, 2, 3, 2));
        Check.Gradients(t => t[0].Permute(2, 0, 1), GradInputs.Stepped(310, 2, 3, 2));
        Check.Gradients(t => t[0].T, GradInputs.Leaf(311, 2, 3, 2));
    }

    [Fact]
    public void Transpose_Gradient_IsTransposedBack()
    {
        var x = GradInputs.Leaf(312, 2, 3);
        var weight = Tensor.From(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } });
        (x.Transpose(0, 1) * weight).Sum().Backward();
        Check.Close(x.Grad!, [2, 3], [1, 3, 5, 2, 4, 6]);
    }

    [Fact]
    public void Expand_GradCheck()
    {
        Check.Gradients(t => t[0].Expand(3, 4), GradInputs.Leaf(313, 3, 1));
        Check.Gradients(t => t[0].Expand(2, 3, 4), GradInputs.Leaf(314, 4));
        Check.Gradients(t => t[0].Expand(2, -1, -1), GradInputs.Transposed(315, 3, 4));
        Check.Gradients(t => t[0].ExpandAs(Tensor.Zeros(2, 3)), GradInputs.Leaf(316, 1, 3));
        var x = GradInputs.Leaf(317, 2, 1);
        x.Expand(2, 3).Sum().Backward();
        Check.Close(x.Grad!, [2, 1], [3, 3]);
    }

    [Fact]
    public void NarrowSelect_GradCheck()
    {
        foreach (var x in Inputs())
        {
            Check.Gradients(t => t[0].Narrow(1, 1, 2), x);
            Check.Gradients(t => t[0].Narrow(0, -2, 2), x);
            Check.Gradients(t => t[0].Select(0, 1), x);
            Check.Gradients(t => t[0].Select(-1, -1), x);
            Check.Gradients(t => t[0].Narrow(1, 1, 3).Select(0, 2), x);
            Check.Gradients(t => t[0].Slice(1, 0, 2, 2), x);
            Check.Gradients(t => t[0].Slice(1, 1, 2, 2), x);
        }
        var y = GradInputs.Leaf(318, 3, 2);
        (y.Select(0, 1) * 2.0 + y.Narrow(0, 1, 2).Sum(0)).Sum().Backward();
        Check.Close(y.Grad!, [3, 2], [0, 0, 3, 3, 1, 1]);
    }

    [Fact]
    public void ContiguousCloneTo_GradCheck()
    {
        foreach (var x in Inputs())
        {
            Check.Gradients(t => t[0].Contiguous(), x);
            Check.Gradients(t => t[0].Clone() * t[0], x);
        }
        // Through float32 and back: rounding makes small steps useless, so the check uses a larger eps.
        Assert.True(Autograd.GradCheck(t => t[0].To(DType.Float32).To(DType.Float64) * 3.0, [GradInputs.Leaf(319, 2, 3)], eps: 1e-3, atol: 1e-3));
        Check.Gradients(t => t[0].To(DType.Float64), GradInputs.Leaf(320, 3));
    }

    [Fact]
    public void To_GradientComesBackInTheInputDType()
    {
        var x = GradInputs.Leaf(321, 3);
        var y = x.Float();
        Assert.Equal("ToCopyBackward0", y.GradFn!.Name);
        (y * 2f).Sum().Backward();
        Assert.Equal(DType.Float64, x.Grad!.DType);
        Check.Close(x.Grad, [2, 2, 2]);
        Assert.False(x.Long().RequiresGrad);
    }

    [Fact]
    public void Movedim_GradCheck()
    {
        Check.Gradients(t => t[0].Movedim(0, 2), GradInputs.Leaf(327, 2, 3, 2));
        Check.Gradients(t => t[0].Movedim(-1, 0), GradInputs.Stepped(328, 2, 3, 2));
    }

    [Fact]
    public void SumToSize_GradCheck()
    {
        Check.Gradients(t => t[0].SumToSize(1, 4), GradInputs.Leaf(322, 3, 4));
        Check.Gradients(t => t[0].SumToSize(3, 1), GradInputs.Transposed(323, 3, 4));
        Check.Gradients(t => t[0].SumToSize(4), GradInputs.Stepped(324, 3, 4));
        Check.Gradients(t => t[0].SumToSize(), GradInputs.Leaf(325, 2, 3));
        Check.Gradients(t => t[0].SumToSize(2, 1, 3), GradInputs.Leaf(326, 2, 2, 3));
    }
}
