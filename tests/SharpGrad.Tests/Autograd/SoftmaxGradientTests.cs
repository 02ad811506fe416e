using SharpGrad;

namespace SharpGrad.Tests;

/// <summary>Float64 gradchecks (first and second order) of softmax and log_softmax along every dim, on non-contiguous inputs.</summary>
public class SoftmaxGradientTests
{
    [Fact]
    public void SoftmaxLogSoftmax_EveryDim_GradCheck()
    {
        foreach (var x in new[] { GradInputs.Leaf(400, 3, 4), GradInputs.Transposed(401, 3, 4), GradInputs.Stepped(402, 3, 4) })
            foreach (int dim in new[] { 0, 1, -1 })
            {
                Check.Gradients(t => t[0].Softmax(dim), x);
                Check.Gradients(t => t[0].LogSoftmax(dim), x);
            }
        Check.Gradients(t => t[0].Softmax(1), GradInputs.Leaf(403, 2, 3, 2));
        Check.Gradients(t => t[0].LogSoftmax(0), GradInputs.Leaf(404, 5));
    }

    [Fact]
    public void SoftmaxLogSoftmax_ZeroDim_HaveZeroGradient()
    {
        var x = Tensor.From(0.7, DType.Float64, requiresGrad: true);
        (x.Softmax(0) + x.LogSoftmax(0) + x).Backward();
        Check.Close(x.Grad!, [], [1]);
    }

    [Fact]
    public void SoftmaxLogSoftmax_SecondOrder_GradCheck()
    {
        var v = Tensor.Randn([3, 4], new Generator(405), DType.Float64);
        Check.Gradients(t => Autograd.Grad(t[0].Softmax(1), [t[0]], v, createGraph: true)[0]!, GradInputs.Leaf(406, 3, 4));
        Check.Gradients(t => Autograd.Grad(t[0].LogSoftmax(0), [t[0]], v, createGraph: true)[0]!, GradInputs.Leaf(407, 3, 4));
    }

    [Fact]
    public void LogSoftmax_Gradient_MatchesTheComposite()
    {
        // d/dx of sum(w * log_softmax(x)) = w - softmax(x) * sum(w), checked against autograd through the slow composite.
        var w = Tensor.From(new[] { 1.0, -2.0, 0.5 }, DType.Float64);
        var a = Tensor.From(new[] { 0.3, 1.2, -0.7 }, DType.Float64, requiresGrad: true);
        var b = Tensor.From(new[] { 0.3, 1.2, -0.7 }, DType.Float64, requiresGrad: true);
        (w * a.LogSoftmax(0)).Sum().Backward();
        (w * (b - b.Exp().Sum().Log())).Sum().Backward();
        Check.Close(a.Grad!, b.Grad!.ToArray<double>(), 1e-12);
    }
}
