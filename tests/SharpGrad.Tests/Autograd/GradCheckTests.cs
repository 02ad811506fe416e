using SharpGrad;
using SharpGrad.Graph;

namespace SharpGrad.Tests;

/// <summary>GradCheck itself: it must catch wrong backward rules and reject inputs that make the check meaningless.</summary>
public class GradCheckTests
{
    /// <summary>Backward of x^2 that returns <c>scale * g * x</c>: right for scale 2, deliberately wrong otherwise.</summary>
    private sealed class ScaledSquareBackward(Tensor x, double scale) : Node
    {
        public override string Name => "ScaledSquareBackward";
        protected internal override Tensor?[] Backward(Tensor g) => [g * x * scale];
    }

    /// <summary>x^2 computed outside autograd and recorded with a hand-written backward node.</summary>
    private static Tensor SquareWithBackward(Tensor x, double scale)
    {
        var value = x.Detach();
        return Tensor.Record(value * value, new ScaledSquareBackward(value, scale), x);
    }

    [Fact]
    public void CustomNode_WithRightBackward_Passes()
    {
        Assert.True(Autograd.GradCheck(x => SquareWithBackward(x, 2), GradInputs.Leaf(1, 2, 3)));
    }

    [Fact]
    public void CustomNode_WithWrongBackward_IsCaught()
    {
        var x = GradInputs.Leaf(2, 2, 3);
        Assert.False(Autograd.GradCheck(t => SquareWithBackward(t, 1), x, raiseException: false));
        var ex = Check.Throws<GradCheckException>(() => Autograd.GradCheck(t => SquareWithBackward(t, 1), x),
            "gradcheck", "Jacobian mismatch", "input 0 element 0", "numerical", "analytical");
        // Off-diagonal entries agree (both 0); only the diagonal ones are reported.
        Assert.DoesNotContain("element 0, output element 1:", ex.Message);
    }

    [Fact]
    public void GradientBrokenByDetach_IsCaught()
    {
        // x * x.Detach() has derivative x to autograd but 2x numerically.
        var x = GradInputs.AwayFromZero(3, 4);
        Assert.False(Autograd.GradCheck(t => t * t.Detach(), x, raiseException: false));
        Check.Throws<GradCheckException>(() => Autograd.GradCheck(t => t * t.Detach(), x), "numerical", "analytical");
    }

    [Fact]
    public void GradientThatLandsOnTheWrongElement_IsCaught()
    {
        // Same values as x.Flip(0), but the gradient goes straight through: right sum, wrong Jacobian.
        var x = GradInputs.Leaf(4, 3);
        Tensor Misrouted(Tensor t)
        {
            var flipped = Tensor.From(t.ToArray<double>().Reverse().ToArray());
            return t + (flipped - t.Detach());
        }
        Assert.False(Autograd.GradCheck(Misrouted, x, raiseException: false));
    }

    [Fact]
    public void CorrectGradients_ReturnTrue()
    {
        Assert.True(Autograd.GradCheck(t => (t[0] * t[1]).Tanh().Sum(0), [GradInputs.Leaf(5, 2, 3), GradInputs.Leaf(6, 2, 3)]));
        Assert.True(Autograd.GradCheck(t => t.Exp() / t.Exp().Sum(), GradInputs.Leaf(7, 4)));
        Assert.True(Autograd.GradCheck(t => t, GradInputs.Transposed(7, 2, 3)));
    }

    [Fact]
    public void InputsNotRequiringGrad_AreHeldConstant()
    {
        var x = GradInputs.Leaf(8, 3);
        var c = Tensor.Randn([3], new Generator(9), DType.Float32);
        Assert.True(Autograd.GradCheck(t => t[0] * t[1].Double(), [x, c]));
    }

    [Fact]
    public void LeavesTheInputValuesUnchanged()
    {
        var x = GradInputs.Transposed(10, 2, 3);
        var before = x.ToArray<double>();
        Autograd.GradCheck(t => t.Exp(), x);
        Assert.Equal(before, x.ToArray<double>());
        Assert.Null(x.Grad);
    }

    [Fact]
    public void RejectsFloat32Inputs()
    {
        var x = Tensor.Randn([3]).RequiresGrad_();
        Check.Throws<ArgumentException>(() => Autograd.GradCheck(t => t * 2.0, x), "gradcheck", "input 0", "float32", "float64");
    }

    [Fact]
    public void RejectsExpandedInputs()
    {
        var x = Tensor.Randn([3], new Generator(11), DType.Float64).Expand(2, 3).RequiresGrad_();
        Check.Throws<ArgumentException>(() => Autograd.GradCheck(t => t * 2.0, x), "gradcheck", "input 0", "overlapping");
    }

    [Fact]
    public void RejectsCallsWithNoInputRequiringGrad()
    {
        var x = Tensor.Randn([3], new Generator(12), DType.Float64);
        Check.Throws<ArgumentException>(() => Autograd.GradCheck(t => t * 2.0, x), "gradcheck", "no input requires grad");
    }

    [Fact]
    public void RejectsFunctionsWhoseOutputDoesNotRequireGrad()
    {
        var x = GradInputs.Leaf(13, 3);
        Check.Throws<ArgumentException>(() => Autograd.GradCheck(t => t.Detach() * 2.0, x), "gradcheck", "output", "does not require grad");
    }

    [Fact]
    public void Tolerances_AreHonoured()
    {
        // A backward off by 1% passes with rtol 0.05 and fails with the default rtol 0.001.
        var x = GradInputs.AwayFromZero(14, 3);
        Assert.True(Autograd.GradCheck(t => SquareWithBackward(t, 2.02), x, rtol: 0.05));
        Assert.False(Autograd.GradCheck(t => SquareWithBackward(t, 2.02), x, raiseException: false));
    }
}
