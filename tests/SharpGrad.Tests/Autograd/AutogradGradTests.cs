using SharpGrad;
using SharpGrad.Graph;

namespace SharpGrad.Tests;

/// <summary><c>Autograd.Grad</c> (<c>torch.autograd.grad</c>): returned gradients, unused inputs, non-leaf inputs, errors.</summary>
public class AutogradGradTests
{
    [Fact]
    public void Grad_ReturnsGradientsWithoutTouchingDotGrad()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }, DType.Float64, requiresGrad: true);
        var w = Tensor.From(new[] { 3.0, -1.0 }, DType.Float64, requiresGrad: true);
        var grads = Autograd.Grad((x * w).Sum(), [x, w]);
        Check.Close(grads[0]!, [3, -1]);
        Check.Close(grads[1]!, [1, 2]);
        Assert.Null(x.Grad);
        Assert.Null(w.Grad);
    }

    [Fact]
    public void Grad_LeavesAnExistingDotGradUnchanged()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }, DType.Float64, requiresGrad: true);
        x.Sum().Backward();
        var g = Autograd.Grad((x * x).Sum(), [x])[0]!;
        Check.Close(g, [2, 4]);
        Check.Close(x.Grad!, [1, 1]);
    }

    [Fact]
    public void Grad_OnlyTheRequestedInputs()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }, DType.Float64, requiresGrad: true);
        var w = Tensor.From(new[] { 3.0, -1.0 }, DType.Float64, requiresGrad: true);
        var g = Autograd.Grad((x * w).Sum(), [w]);
        Assert.Single(g);
        Check.Close(g[0]!, [1, 2]);
    }

    [Fact]
    public void Grad_UnusedInputWithAllowUnused_GivesNull()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }, DType.Float64, requiresGrad: true);
        var unused = Tensor.From(new[] { 5.0 }, DType.Float64, requiresGrad: true);
        var grads = Autograd.Grad((x * 2.0).Sum(), [x, unused], allowUnused: true);
        Check.Close(grads[0]!, [2, 2]);
        Assert.Null(grads[1]);
    }

    [Fact]
    public void Grad_UnusedInputWithoutAllowUnused_ThrowsNamingTheInput()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }, DType.Float64, requiresGrad: true);
        var unused = Tensor.From(new[] { 5.0 }, DType.Float64, requiresGrad: true);
        Check.Throws<InvalidOperationException>(() => Autograd.Grad((x * 2.0).Sum(), [x, unused]), "input 1", "[1]", "allowUnused");
    }

    [Fact]
    public void Grad_WithRespectToAnIntermediate_GivesItsGradient()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }, DType.Float64, requiresGrad: true);
        var h = x * 3.0;
        var loss = (h * h).Sum();
        var grads = Autograd.Grad(loss, [h, x]);
        Check.Close(grads[0]!, [6, 12]);
        Check.Close(grads[1]!, [18, 36]);
        Assert.Null(x.Grad);
    }

    [Fact]
    public void Grad_WithGradOutput_IsTheVectorJacobianProduct()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }, DType.Float64, requiresGrad: true);
        var g = Autograd.Grad(x * x, [x], Tensor.From(new[] { 10.0, 100.0 }, DType.Float64))[0]!;
        Check.Close(g, [20, 400]);
    }

    [Fact]
    public void Grad_GradOutputOfWrongShape_ThrowsNamingBothShapes()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }, DType.Float64, requiresGrad: true);
        Check.Throws<ArgumentException>(() => Autograd.Grad(x * x, [x], Tensor.Ones([3], DType.Float64)), "grad", "gradOutput", "[3]", "[2]");
        var g = Autograd.Grad(x * x, [x], Tensor.From(new[] { 1f, 2f }))[0]!;
        Assert.Equal(DType.Float64, g.DType);
        Check.Close(g, [2, 8]);
    }

    [Fact]
    public void Grad_NonScalarOutputWithoutGradOutput_ThrowsNamingTheShape()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }, DType.Float64, requiresGrad: true);
        Check.Throws<InvalidOperationException>(() => Autograd.Grad(x * x, [x]), "grad", "scalar", "[2]");
    }

    [Fact]
    public void Grad_OutputNotRequiringGrad_Throws()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }, DType.Float64, requiresGrad: true);
        var c = Tensor.From(new[] { 1.0, 2.0 }, DType.Float64);
        Check.Throws<InvalidOperationException>(() => Autograd.Grad(c.Sum(), [x]), "grad", "does not require grad");
    }

    [Fact]
    public void Grad_InputNotRequiringGrad_Throws()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }, DType.Float64, requiresGrad: true);
        var c = Tensor.From(new[] { 1.0, 2.0 }, DType.Float64);
        Check.Throws<ArgumentException>(() => Autograd.Grad((x * c).Sum(), [c]), "grad", "input 0", "does not require grad");
    }

    [Fact]
    public void Grad_Twice_NeedsRetainGraph()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }, DType.Float64, requiresGrad: true);
        var loss = (x * x).Sum();
        Autograd.Grad(loss, [x], retainGraph: true);
        Check.Close(Autograd.Grad(loss, [x])[0]!, [2, 4]);
        Check.Throws<InvalidOperationException>(() => Autograd.Grad(loss, [x]), "retainGraph");
    }

    /// <summary>A backward node that fails the test if the engine runs it.</summary>
    private sealed class MustNotRunBackward : Node
    {
        public override string Name => "MustNotRunBackward";
        protected internal override Tensor?[] Backward(Tensor g) => throw new InvalidOperationException("MustNotRunBackward ran");
    }

    [Fact]
    public void Grad_RunsOnlyTheNodesLeadingToTheInputs()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }, DType.Float64, requiresGrad: true);
        var w = Tensor.From(new[] { 3.0, 4.0 }, DType.Float64, requiresGrad: true);
        var branch = Tensor.Record(w.Detach().Clone(), new MustNotRunBackward(), w);
        var h = x * 5.0;
        var hBelow = Tensor.Record(x.Detach().Clone(), new MustNotRunBackward(), x);
        var loss = (h * branch).Sum() + hBelow.Sum();
        var grads = Autograd.Grad(loss, [h]);
        Check.Close(grads[0]!, [3, 4]);
        Assert.Null(x.Grad);
        Assert.Null(w.Grad);
    }

    [Fact]
    public void Grad_WithRespectToAnIntermediate_WorksAfterTheGraphBelowWasFreed()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }, DType.Float64, requiresGrad: true);
        var h = x.Exp();
        h.Sum().Backward();
        var g = Autograd.Grad((h * h).Sum(), [h])[0]!;
        Check.Close(g, [2 * Math.Exp(1), 2 * Math.Exp(2)], 1e-12);
    }

    [Fact]
    public void Grad_WithoutCreateGraph_ReturnsTensorsOutsideTheGraph()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }, DType.Float64, requiresGrad: true);
        var g = Autograd.Grad((x * x).Sum(), [x])[0]!;
        Assert.False(g.RequiresGrad);
        Assert.Null(g.GradFn);
    }
}
