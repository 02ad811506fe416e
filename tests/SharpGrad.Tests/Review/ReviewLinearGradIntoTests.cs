using SharpGrad;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.Tests;

/// <summary>
/// Review of Linear's backward adding the weight gradient straight into an existing .Grad: it is an in-place change
/// of that tensor like AccumulateGrad's add, so it must bump the version (a graph that saved the gradient then refuses
/// to run backward instead of silently using the new values) and must not read an operand that is the gradient itself.
/// </summary>
public class ReviewLinearGradIntoTests
{
    [Fact]
    public void WritingIntoGrad_BumpsItsVersion_LikeAccumulateGrad()
    {
        var gen = new Generator(5);
        var x = Tensor.Randn([6, 4], gen, DType.Float64);
        var w = Tensor.Randn([3, 4], gen, DType.Float64).RequiresGrad_();
        F.Linear(x, w).Sum().Backward();
        var grad = w.Grad!;
        int before = grad.Version;
        F.Linear(x, w).Sum().Backward();
        Assert.Same(grad, w.Grad);
        Assert.True(grad.Version > before, $"version {grad.Version} after an in-place accumulation (was {before})");

        // A graph that saved the gradient before it changed cannot run backward any more (as with any in-place change).
        var v = Tensor.Randn([3, 4], gen, DType.Float64).RequiresGrad_();
        var saved = (grad * v).Sum();
        F.Linear(x, w).Sum().Backward();
        Assert.Throws<InvalidOperationException>(() => saved.Backward());
    }

    [Fact]
    public void InputThatIsTheWeightsGrad_IsReadBeforeTheGradChanges()
    {
        var gen = new Generator(6);
        var w = Tensor.Randn([4, 4], gen, DType.Float64).RequiresGrad_();
        var x0 = Tensor.Randn([4, 4], gen, DType.Float64);
        F.Linear(x0, w).Sum().Backward();
        // The existing gradient used as the layer's input (say, a meta-learning step): dW = g^T x must use x as it was.
        var x = w.Grad!;
        var expected = (x.Detach().Clone() + Tensor.Ones([4, 4], DType.Float64).T.Mm(x.Detach().Clone())).ToArray<double>();
        F.Linear(x, w).Sum().Backward();
        Check.Close(w.Grad!, expected, 1e-12);
    }
}
