using SharpGrad;
using SharpGrad.Optim;

namespace SharpGrad.Tests;

public class ClipGradTests
{
    private static (Tensor A, Tensor B) Params()
    {
        var a = OptimTesting.Param(0, 0);
        var b = OptimTesting.Param(0);
        a.Grad = Tensor.From(new[] { 3.0, -4.0 });
        b.Grad = Tensor.From(new[] { 12.0 });
        return (a, b);
    }

    [Fact]
    public void ClipGradNorm_ScalesAllGradientsToMaxNorm()
    {
        var (a, b) = Params();
        // total 2-norm √(3² + 4² + 12²) = 13; coefficient 6.5 / (13 + 1e-6)
        var total = ClipGrad.ClipGradNorm_([a, b], maxNorm: 6.5);
        Assert.Equal(13.0, total.Item());
        Assert.Equal(DType.Float64, total.DType);
        Assert.Equal(0, total.NDim);
        double c = 6.5 / (13 + 1e-6);
        Check.Close(a.Grad!, [3 * c, -4 * c], 1e-15);
        Check.Close(b.Grad!, [12 * c], 1e-15);
    }

    [Fact]
    public void ClipGradNorm_BelowMaxNorm_LeavesGradientsUnchanged()
    {
        var (a, b) = Params();
        var total = ClipGrad.ClipGradNorm_([a, b], maxNorm: 20);
        Assert.Equal(13.0, total.Item());
        Check.Close(a.Grad!, [3, -4], 0);
        Check.Close(b.Grad!, [12], 0);
    }

    [Theory]
    [InlineData(double.PositiveInfinity, 12.0)]
    [InlineData(double.NegativeInfinity, 3.0)]
    [InlineData(1.0, 19.0)]
    [InlineData(3.0, 12.207054953820636)] // (27 + 64 + 1728)^(1/3)
    [InlineData(0.0, 2.0)] // PyTorch takes the 0-"norm" of the per-parameter nonzero counts: both are nonzero
    public void ClipGradNorm_OtherNormTypes(double normType, double expected)
    {
        var (a, b) = Params();
        var total = ClipGrad.ClipGradNorm_([a, b], maxNorm: 1, normType: normType);
        Check.Close(expected, total.Item(), 1e-9);
        double c = 1 / (expected + 1e-6);
        Check.Close(b.Grad!, [12 * c], 1e-12);
    }

    [Fact]
    public void ClipGradNorm_SkipsParametersWithoutGradient()
    {
        var (a, _) = Params();
        var none = OptimTesting.Param(1, 2);
        var total = ClipGrad.ClipGradNorm_([none, a], maxNorm: 1);
        Assert.Equal(5.0, total.Item());
        Assert.Null(none.Grad);
    }

    [Fact]
    public void ClipGradNorm_NoGradients_ReturnsFloatZero()
    {
        var total = ClipGrad.ClipGradNorm_([OptimTesting.Param(1)], maxNorm: 1);
        Assert.Equal(0.0, total.Item());
        Assert.Equal(DType.Float32, total.DType);
    }

    [Fact]
    public void ClipGradNorm_SingleTensor()
    {
        var (a, _) = Params();
        Assert.Equal(5.0, ClipGrad.ClipGradNorm_(a, maxNorm: 10).Item());
    }

    [Fact]
    public void ClipGradNorm_NonFinite_ThrowsWhenAsked()
    {
        var (a, b) = Params();
        b.Grad = Tensor.From(new[] { double.NaN });
        Check.Throws<InvalidOperationException>(() => ClipGrad.ClipGradNorm_([a, b], 1, errorIfNonfinite: true),
            "clip_grad_norm_: The total norm of order 2.0 for gradients from `parameters` is non-finite");
        Check.Close(a.Grad!, [3, -4], 0);
    }

    [Fact]
    public void ClipGradNorm_NonFinite_ScalesByItOtherwise()
    {
        var (a, b) = Params();
        b.Grad = Tensor.From(new[] { double.PositiveInfinity });
        var total = ClipGrad.ClipGradNorm_([a, b], 1);
        Assert.True(double.IsPositiveInfinity(total.Item()));
        Check.Close(a.Grad!, [0, 0], 0); // multiplied by 1/∞ = 0, as in PyTorch
    }

    [Fact]
    public void ClipGradNorm_Float32Gradients_ReturnsFloat32()
    {
        var p = Tensor.From(new[] { 0f, 0f }).RequiresGrad_();
        p.Grad = Tensor.From(new[] { 6f, 8f });
        var total = ClipGrad.ClipGradNorm_([p], 5);
        Assert.Equal(DType.Float32, total.DType);
        Check.Close(p.Grad!, [3, 4], 1e-6);
    }

    [Fact]
    public void ClipGradValue_ClampsEachElement()
    {
        var (a, b) = Params();
        var none = OptimTesting.Param(1);
        ClipGrad.ClipGradValue_([a, b, none], 3.5);
        Check.Close(a.Grad!, [3, -3.5], 0);
        Check.Close(b.Grad!, [3.5], 0);
        Assert.Null(none.Grad);
        ClipGrad.ClipGradValue_(a, 1);
        Check.Close(a.Grad!, [1, -1], 0);
    }

    [Fact]
    public void ClipGradNorm_AfterBackward_KeepsParametersTrainable()
    {
        var w = OptimTesting.Param(3.0, 4.0);
        (w * w).Sum().Backward(); // grad [6, 8], norm 10
        ClipGrad.ClipGradNorm_([w], 1);
        Check.Close(w.Grad!, [0.6, 0.8], 1e-6);
        var opt = new SGD([w], lr: 1);
        opt.Step();
        Check.Close(w, [3 - 0.6 / (1 + 1e-7), 4 - 0.8 / (1 + 1e-7)], 1e-9);
    }
}
