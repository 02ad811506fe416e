using SharpGrad;
using SharpGrad.NN;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.Tests;

public class LossTests
{
    private static readonly double[,] Logits = { { 1.0, 2.0, 0.5 }, { -1.0, 0.0, 3.0 }, { 0.3, 0.3, 0.3 }, { 2.5, -0.5, 1.0 } };
    private static readonly long[] Targets = { 1, 2, 0, 0 };

    /// <summary>Independent reference: log-softmax of one row by the definition.</summary>
    private static double LogProb(int row, int cls)
    {
        double sum = 0;
        for (int c = 0; c < 3; c++) sum += Math.Exp(Logits[row, c]);
        return Logits[row, cls] - Math.Log(sum);
    }

    [Fact]
    public void CourseLosses_L1AndMseWithSumReduction()
    {
        // Course 003: L1Loss(sum) of [1,2,3] vs [1,2,5] is 2, MSELoss(sum) is 4.
        var pred = Tensor.From(new float[] { 1, 2, 3 });
        var y = Tensor.From(new float[] { 1, 2, 5 });
        Assert.Equal(2.0, new L1Loss("sum").Forward(pred, y).Item());
        Assert.Equal(4.0, new MSELoss("sum").Forward(pred, y).Item());
        Assert.Equal(4.0 / 3, new MSELoss().Forward(pred, y).Item(), 6);
        Check.Close(new MSELoss("none").Forward(pred, y), [0, 0, 4]);
    }

    [Fact]
    public void MseLoss_RejectsShapesThatWouldBroadcast()
    {
        Check.Throws<ArgumentException>(() => F.MseLoss(Tensor.Zeros(64, 1), Tensor.Zeros(64)), "mse_loss", "[64]", "[64, 1]");
        Check.Throws<ArgumentException>(() => new MSELoss("avg"), "'avg' is not a valid value for reduction");
    }

    [Fact]
    public void CrossEntropy_MatchesDefinition_ForEveryReduction()
    {
        var x = Tensor.From(Logits);
        var t = Tensor.From(Targets);
        var perSample = Enumerable.Range(0, 4).Select(i => -LogProb(i, (int)Targets[i])).ToArray();
        Check.Close(F.CrossEntropy(x, t, reduction: "none"), perSample, 1e-12);
        Check.Close(perSample.Sum(), F.CrossEntropy(x, t, reduction: "sum").Item(), 1e-12);
        Check.Close(perSample.Average(), new CrossEntropyLoss().Forward(x, t).Item(), 1e-12);
        Assert.Equal("CrossEntropyLossBackward0", F.CrossEntropy(x.Detach().RequiresGrad_(), t).GradFn!.Name);
    }

    [Fact]
    public void CrossEntropy_WithWeightsAndIgnoreIndex()
    {
        var x = Tensor.From(Logits);
        var t = Tensor.From(new long[] { 1, -100, 0, 2 });
        var w = Tensor.From(new double[] { 0.5, 2.0, 1.5 });
        double[] wt = [2.0, 0, 0.5, 1.5];
        double num = -(wt[0] * LogProb(0, 1) + wt[2] * LogProb(2, 0) + wt[3] * LogProb(3, 2));
        Check.Close(num / (wt[0] + wt[2] + wt[3]), F.CrossEntropy(x, t, w).Item(), 1e-12);
        Check.Close(num, F.CrossEntropy(x, t, w, reduction: "sum").Item(), 1e-12);
    }

    [Fact]
    public void CrossEntropy_LabelSmoothing_MatchesPyTorchFormula()
    {
        // PyTorch: (1 - eps) * nll + eps / C * mean_i(-sum_c logp_ic).
        var x = Tensor.From(Logits);
        var t = Tensor.From(Targets);
        double eps = 0.1, nll = 0, smooth = 0;
        for (int i = 0; i < 4; i++)
        {
            nll -= LogProb(i, (int)Targets[i]) / 4;
            for (int c = 0; c < 3; c++) smooth -= LogProb(i, c) / 4;
        }
        Check.Close((1 - eps) * nll + eps / 3 * smooth, F.CrossEntropy(x, t, labelSmoothing: eps).Item(), 1e-12);
    }

    [Fact]
    public void CrossEntropy_WeightsIgnoreIndexAndSmoothingTogether_MatchPyTorch()
    {
        // PyTorch 1.13.1: F.cross_entropy(x, t, weight=w, label_smoothing=0.2, reduction=r) with x = Logits (float64),
        // t = [1, -100, 0, 2], w = [0.5, 2.0, 1.5].
        var x = Tensor.From(Logits);
        var t = Tensor.From(new long[] { 1, -100, 0, 2 });
        var w = Tensor.From(new double[] { 0.5, 2.0, 1.5 });
        Check.Close(1.1216216228026836, F.CrossEntropy(x, t, w, labelSmoothing: 0.2).Item(), 1e-12);
        Check.Close(4.4864864912107345, F.CrossEntropy(x, t, w, reduction: "sum", labelSmoothing: 0.2).Item(), 1e-12);
        Check.Close(F.CrossEntropy(x, t, w, reduction: "none", labelSmoothing: 0.2), [1.0501550636681638, 0.0, 0.7324081924454066, 2.7039232350971636], 1e-12);
        // PyTorch 1.13.1: F.binary_cross_entropy_with_logits([0.5, -2.0], [1.0, 0.0], pos_weight=[3.0]) = 0.7745795249938965 (float32).
        Check.Close(0.7745795249938965, F.BinaryCrossEntropyWithLogits(Tensor.From(new float[] { 0.5f, -2 }), Tensor.From(new float[] { 1, 0 }),
            posWeight: Tensor.From(new float[] { 3 })).Item(), 1e-7);
    }

    [Fact]
    public void CrossEntropy_ProbabilityTargets()
    {
        var x = Tensor.From(Logits);
        var p = Tensor.From(new double[,] { { 0.2, 0.8, 0 }, { 0, 0, 1 }, { 1, 0, 0 }, { 0.3, 0.3, 0.4 } });
        double expected = 0;
        for (int i = 0; i < 4; i++)
            for (int c = 0; c < 3; c++) expected -= p.ToArray<double>()[i * 3 + c] * LogProb(i, c) / 4;
        Check.Close(expected, F.CrossEntropy(x, p).Item(), 1e-12);
    }

    [Fact]
    public void CrossEntropy_SpatialInputMatchesFlattened()
    {
        var x = Check.Input(11, 2, 3, 4).Detach();
        var t = Tensor.Randint(0, 3, [2, 4], new Generator(2));
        var flat = x.Permute(0, 2, 1).Reshape(-1, 3);
        Check.Close(F.CrossEntropy(flat, t.Reshape(-1)).Item(), F.CrossEntropy(x, t).Item(), 1e-12);
    }

    [Fact]
    public void CrossEntropy_ErrorsNameTargetsAndSizes()
    {
        var x = Tensor.Zeros(4, 10);
        Check.Throws<ArgumentException>(() => F.CrossEntropy(x, Tensor.From(new long[] { 0, 10, 1, 2 })), "target 10 is out of bounds for 10 classes");
        Check.Throws<ArgumentException>(() => F.CrossEntropy(x, Tensor.From(new long[] { 0, 1 })), "cross_entropy", "batch sizes 4 and 2");
        Check.Throws<ArgumentException>(() => F.CrossEntropy(x, Tensor.Zeros(4)), "cross_entropy");
        Check.Throws<ArgumentException>(() => F.NllLoss(x, Tensor.From(new long[] { 0, 1, 2, -1 })), "nll_loss", "target -1 is out of bounds");
    }

    [Fact]
    public void NllLoss_OfLogSoftmaxEqualsCrossEntropy()
    {
        var x = Tensor.From(Logits);
        var t = Tensor.From(Targets);
        Check.Close(F.CrossEntropy(x, t).Item(), new NLLLoss().Forward(F.LogSoftmax(x, 1), t).Item(), 1e-12);
    }

    [Fact]
    public void BinaryCrossEntropy_ClampsLogAndRejectsOutOfRange()
    {
        var p = Tensor.From(new double[] { 0.9, 0.2, 0.0, 1.0 });
        var y = Tensor.From(new double[] { 1, 0, 1, 1 });
        Check.Close(F.BinaryCrossEntropy(p, y, reduction: "none"), [-Math.Log(0.9), -Math.Log(0.8), 100, 0], 1e-12);
        Check.Throws<ArgumentException>(() => new BCELoss().Forward(Tensor.From(new double[] { 1.5 }), Tensor.From(new double[] { 1 })), "binary_cross_entropy", "between 0 and 1");
    }

    [Fact]
    public void BCEWithLogits_IsStableAndMatchesSigmoidThenBce()
    {
        var x = Tensor.From(new double[] { -3, -0.5, 0.5, 4 });
        var y = Tensor.From(new double[] { 0, 1, 1, 0 });
        Check.Close(F.BinaryCrossEntropy(x.Sigmoid(), y).Item(), new BCEWithLogitsLoss().Forward(x, y).Item(), 1e-12);
        var big = F.BinaryCrossEntropyWithLogits(Tensor.From(new double[] { 1000, -1000 }), Tensor.From(new double[] { 0, 1 }), reduction: "none");
        Check.Close(big, [1000, 1000], 1e-12);
        // pos_weight multiplies the positive term: -pw y log σ(x) - (1 - y) log(1 - σ(x)).
        var pw = Tensor.From(new double[] { 3.0 });
        double sig = 1 / (1 + Math.Exp(-0.5));
        Check.Close(-3 * Math.Log(sig), F.BinaryCrossEntropyWithLogits(Tensor.From(new double[] { 0.5 }), Tensor.From(new double[] { 1.0 }), posWeight: pw).Item(), 1e-12);
    }

    [Fact]
    public void SmoothL1AndHuber_MatchDefinitions()
    {
        var x = Tensor.From(new double[] { 0, 0.5, 3 });
        var y = Tensor.From(new double[] { 0.2, 0, 0 });
        Check.Close(F.SmoothL1Loss(x, y, "none", 1.0), [0.02, 0.125, 2.5], 1e-12);
        Check.Close(F.SmoothL1Loss(x, y, "none", 2.0), [0.01, 0.0625, 2.0], 1e-12);
        Check.Close(F.HuberLoss(x, y, "none", 2.0), [0.02, 0.125, 4.0], 1e-12);
    }

    [Fact]
    public void EveryLoss_GradCheck()
    {
        var a = Check.Input(21, 4, 3);
        var b = Check.Input(22, 4, 3).Detach();
        Check.Gradients(x => F.MseLoss(x[0], x[1]), a, Check.Input(22, 4, 3));
        Check.Gradients(x => F.L1Loss(x[0], b), a);
        Check.Gradients(x => F.SmoothL1Loss(x[0], b, beta: 0.5), a);
        Check.Gradients(x => F.HuberLoss(x[0], b, delta: 0.7), a);
        var probs = Tensor.Rand([4, 3], new Generator(4), DType.Float64).Mul(0.8).Add(0.1).RequiresGrad_();
        var labels = Tensor.Rand([4, 3], new Generator(5), DType.Float64);
        Check.Gradients(x => F.BinaryCrossEntropy(x[0], labels), probs);
        Check.Gradients(x => F.BinaryCrossEntropyWithLogits(x[0], labels, posWeight: Tensor.From(new double[] { 1, 2, 3 })), a);
        var t = Tensor.From(new long[] { 2, 0, 1, 1 });
        var w = Tensor.From(new double[] { 0.3, 1.0, 2.0 });
        Check.Gradients(x => F.CrossEntropy(x[0], t, w, labelSmoothing: 0.2), a);
        Check.Gradients(x => F.CrossEntropy(x[0], Tensor.From(new long[] { 2, -100, 1, 1 })), a);
        Check.Gradients(x => F.NllLoss(x[0].LogSoftmax(1), t, reduction: "sum"), a);
        Check.Gradients(x => F.CrossEntropy(x[0], labels.Softmax(1)), a);
    }

    [Fact]
    public void Losses_CarryPyTorchBackwardNames()
    {
        var x = Tensor.Ones(3).RequiresGrad_();
        var y = Tensor.Zeros(3);
        Assert.Equal("MseLossBackward0", F.MseLoss(x, y).GradFn!.Name);
        Assert.Equal("L1LossBackward0", F.L1Loss(x, y).GradFn!.Name);
        Assert.Equal("BinaryCrossEntropyWithLogitsBackward0", F.BinaryCrossEntropyWithLogits(x, y).GradFn!.Name);
    }
}
