using SharpGrad;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.Tests;

/// <summary>
/// Class-index cross-entropy and NLL (which pick logp[target] with a gather) against the slow composite that multiplies
/// by a one-hot mask, values and gradients, with ignore_index, weights, label smoothing and every reduction.
/// </summary>
public class CrossEntropyGatherTests
{
    private const int Ignore = -100;

    /// <summary>Cross-entropy written the slow way: one-hot masks over [N, C] for the target and its weight.</summary>
    private static Tensor SlowCrossEntropy(Tensor x, Tensor t, Tensor? weight, string reduction, double smoothing)
    {
        var logp = (x.NDim >= 2 ? x.Movedim(1, -1) : x).LogSoftmax(-1);
        int classes = logp.Size(-1);
        var valid = t.Ne((double)Ignore);
        var safe = Tensor.Where(valid, t, Tensor.ZerosLike(t));
        var onehot = safe.Unsqueeze(-1).Eq(Tensor.Arange(classes));
        var w = weight is null ? valid.To(logp.DType) : (weight * onehot).Sum(-1) * valid;
        var nll = -(logp * onehot).Sum(-1) * w;
        var smooth = -(weight is null ? logp : logp * weight).Sum(-1) * valid;
        var loss = (1 - smoothing) * nll + smooth * (smoothing / classes);
        return reduction switch
        {
            "none" => loss,
            "sum" => loss.Sum(),
            _ => loss.Sum() / w.Sum(),
        };
    }

    private static (Tensor X, Tensor T, Tensor W) Case(int seed, params int[] shape)
    {
        var x = Check.Input(seed, shape);
        int classes = shape.Length == 1 ? shape[0] : shape[1];
        var tShape = shape.Length == 1 ? [] : shape.Where((_, d) => d != 1).ToArray();
        var labels = Tensor.Randint(0, classes, tShape, new Generator((ulong)seed + 1)).ToArray<long>();
        if (labels.Length > 1) labels[1] = Ignore;
        var t = Tensor.From(labels).Reshape(tShape);
        var w = Tensor.Rand([classes], new Generator((ulong)seed + 2), DType.Float64) + 0.5;
        return (x, t, w);
    }

    [Theory]
    [InlineData("mean", 0.0)]
    [InlineData("sum", 0.0)]
    [InlineData("none", 0.0)]
    [InlineData("mean", 0.3)]
    [InlineData("sum", 0.3)]
    [InlineData("none", 0.3)]
    public void CrossEntropy_MatchesOneHotComposite_ValuesAndGradients(string reduction, double smoothing)
    {
        foreach (var shape in new[] { new[] { 5, 4 }, new[] { 3, 4, 2 }, new[] { 4 } })
        foreach (bool weighted in new[] { false, true })
        {
            var (x, t, w) = Case(shape.Length * 10 + (weighted ? 1 : 0), shape);
            var wt = weighted ? w : null;
            var fast = F.CrossEntropy(x, t, wt, Ignore, reduction, smoothing);
            var slow = SlowCrossEntropy(x, t, wt, reduction, smoothing);
            Check.Close(fast, slow.Shape, slow.ToArray<double>(), 1e-12);
            var v = Tensor.OnesLike(fast);
            var gFast = Autograd.Grad(fast, [x], v)[0]!;
            var gSlow = Autograd.Grad(slow, [x], v)[0]!;
            Check.Close(gFast, gSlow.Shape, gSlow.ToArray<double>(), 1e-12);
        }
    }

    [Fact]
    public void NllLoss_MatchesOneHotComposite_OnNonContiguousInput()
    {
        var (x, _, w) = Case(50, 4, 6);
        var logp = x.T.LogSoftmax(1);   // [6, 4] view, classes along dim 1
        var t6 = Tensor.Randint(0, 4, [6], new Generator(52));
        var slowPicked = -(logp * t6.Unsqueeze(-1).Eq(Tensor.Arange(4))).Sum(-1) * (w.Narrow(0, 0, 4) * t6.Unsqueeze(-1).Eq(Tensor.Arange(4))).Sum(-1);
        var fast = F.NllLoss(logp, t6, w.Narrow(0, 0, 4), reduction: "none");
        Check.Close(fast, [6], slowPicked.ToArray<double>(), 1e-12);
    }

    [Fact]
    public void CrossEntropy_ClassIndices_GradCheck_FirstAndSecondOrder()
    {
        var (x, t, w) = Case(60, 3, 4);
        Check.Gradients(a => F.CrossEntropy(a[0], t, w, Ignore, "mean", 0.1), x);
        Check.Gradients(a => F.NllLoss(a[0].LogSoftmax(1), t, reduction: "sum"), x);
        var v = Check.Input(61, 3).Detach();
        Check.Gradients(a => Autograd.Grad(F.CrossEntropy(a[0], t, w, Ignore, "none"), [a[0]], v, createGraph: true)[0]!, x);
    }
}
