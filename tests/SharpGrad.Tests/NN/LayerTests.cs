using SharpGrad;
using SharpGrad.NN;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.Tests;

public class LayerTests
{
    [Fact]
    public void Linear_ComputesXWTransposePlusBias()
    {
        var lin = new Linear(2, 3);
        using (Tensor.NoGrad())
        {
            lin.Weight.Copy_(Tensor.From(new float[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }));
            lin.Bias!.Copy_(Tensor.From(new float[] { 0.5f, -1, 2 }));
        }
        var y = lin.Forward(Tensor.From(new float[,] { { 1, 1 }, { 2, -1 } }));
        Check.Close(y, [2, 3], [3.5, 6, 13, 0.5, 1, 6]);
    }

    [Fact]
    public void Linear_DefaultInitIsWithinPyTorchBounds()
    {
        Tensor.ManualSeed(0);
        var lin = new Linear(100, 50);
        double bound = 1 / Math.Sqrt(100);
        Assert.True(lin.Weight.Abs().Max().Item() <= bound);
        Assert.True(lin.Bias!.Abs().Max().Item() <= bound);
        // Kaiming-uniform with a = sqrt(5) has std bound / sqrt(3).
        Check.Close(bound / Math.Sqrt(3), lin.Weight.Std().Item(), 0.05);
    }

    [Fact]
    public void Linear_GradCheck_OnBatchedAnd3DInput()
    {
        var w = Check.Input(1, 3, 4);
        var b = Check.Input(2, 3);
        Check.Gradients(x => F.Linear(x[0], x[1], x[2]), Check.Input(3, 5, 4), w, b);
        Check.Gradients(x => F.Linear(x[0], x[1], x[2]), Check.Input(4, 2, 5, 4), w, b);
    }

    [Fact]
    public void Linear_RejectsWrongInputWidth()
    {
        Check.Throws<ArgumentException>(() => new Linear(784, 200).Forward(Tensor.Zeros(32, 100)), "linear", "[32, 100]", "[200, 784]", "inFeatures = 784");
    }

    [Fact]
    public void Activations_GiveKnownValues()
    {
        var x = Tensor.From(new double[] { -2, -0.5, 0.5, 2 });
        Check.Close(new ReLU().Forward(x), [0, 0, 0.5, 2]);
        Check.Close(new LeakyReLU(0.1).Forward(x), [-0.2, -0.05, 0.5, 2]);
        Check.Close(new Hardtanh().Forward(x), [-1, -0.5, 0.5, 1]);
        Check.Close(new ELU().Forward(x), [Math.Exp(-2) - 1, Math.Exp(-0.5) - 1, 0.5, 2], 1e-12);
        // GELU(x) = x Φ(x); Φ(-2) = 0.022750131948179, Φ(-0.5) = 0.308537538725987.
        Check.Close(new GELU().Forward(x), [-2 * 0.022750131948179, -0.5 * 0.308537538725987, 0.5 * 0.691462461274013, 2 * 0.977249868051821], 1e-6);
        Check.Close(new GELU("tanh").Forward(x), [-0.04540230591222, -0.15428599017, 0.34571400983, 1.95459769409], 1e-6);
        Check.Close(new Sigmoid().Forward(x), x.ToArray<double>().Select(v => 1 / (1 + Math.Exp(-v))).ToArray(), 1e-12);
        Check.Close(new Tanh().Forward(x), x.ToArray<double>().Select(Math.Tanh).ToArray(), 1e-12);
    }

    [Fact]
    public void Activations_GradCheck()
    {
        var x = Tensor.From(new double[] { -2, -0.7, 0.3, 1.5 }).RequiresGrad_();
        Check.Gradients(t => F.LeakyRelu(t[0], 0.2), x);
        Check.Gradients(t => F.Elu(t[0], 1.3), x);
        Check.Gradients(t => F.Gelu(t[0]), x);
        Check.Gradients(t => F.Gelu(t[0], "tanh"), x);
        Check.Gradients(t => F.Hardtanh(t[0]), x);
        Check.Gradients(t => F.Softmax(t[0].View(2, 2), 1), x);
        Check.Gradients(t => F.LogSoftmax(t[0].View(2, 2), 0), x);
    }

    [Fact]
    public void Activations_PrintLikePyTorch()
    {
        Assert.Equal("ReLU()", new ReLU().ToString());
        Assert.Equal("ReLU(inplace=True)", new ReLU(true).ToString());
        Assert.Equal("LeakyReLU(negative_slope=0.01)", new LeakyReLU().ToString());
        Assert.Equal("Softmax(dim=1)", new Softmax(1).ToString());
        Assert.Equal("LogSoftmax(dim=1)", new LogSoftmax(1).ToString());
        Assert.Equal("Hardtanh(min_val=-1.0, max_val=1.0)", new Hardtanh().ToString());
        Assert.Equal("ELU(alpha=1.0)", new ELU().ToString());
        Assert.Equal("GELU(approximate='none')", new GELU().ToString());
        Assert.Equal("Sigmoid()", new Sigmoid().ToString());
        Assert.Equal("Dropout(p=0.5, inplace=False)", new Dropout().ToString());
        Assert.Equal("Identity()", new Identity().ToString());
        Assert.Equal("Flatten(start_dim=1, end_dim=-1)", new Flatten().ToString());
        Assert.Equal("BatchNorm1d(200, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)", new BatchNorm1d(200).ToString());
        Assert.Equal("MSELoss()", new MSELoss().ToString());
    }

    [Fact]
    public void LogSoftmax_IsStableForLargeInputsAndMatchesComposite()
    {
        var x = Tensor.From(new double[,] { { 1000, 1001, 1002 }, { -5, 0, 5 } });
        var y = x.LogSoftmax(1);
        double lse = Math.Log(Math.Exp(-2) + Math.Exp(-1) + 1), lse2 = Math.Log(Math.Exp(-10) + Math.Exp(-5) + 1);
        Check.Close(y, [-2 - lse, -1 - lse, -lse, -10 - lse2, -5 - lse2, -lse2], 1e-12);
        var small = Tensor.From(new double[,] { { 0.1, 0.7, -0.3 }, { 2, 1, 0 } });
        Check.Close(small.LogSoftmax(1), (small.Exp() / small.Exp().Sum(1, keepDim: true)).Log().ToArray<double>(), 1e-12);
        Check.Close(small.Softmax(0), (small.Exp() / small.Exp().Sum(0, keepDim: true)).ToArray<double>(), 1e-12);
    }

    [Fact]
    public void Dropout_ZeroesAboutPAndScalesTheRest_OnlyWhileTraining()
    {
        Tensor.ManualSeed(5);
        var d = new Dropout(0.25);
        var y = d.Forward(Tensor.Ones(10000));
        var values = y.ToArray();
        double zeros = values.Count(v => v == 0) / 10000.0;
        Assert.InRange(zeros, 0.22, 0.28);
        Assert.All(values.Where(v => v != 0), v => Assert.Equal(1 / 0.75, v, 5));
        d.Eval();
        Assert.Equal(Tensor.Ones(5).ToArray(), d.Forward(Tensor.Ones(5)).ToArray());
        Check.Throws<ArgumentException>(() => new Dropout(1.5), "between 0 and 1", "1.5");
    }

    [Fact]
    public void BatchNorm1d_NormalisesWithBatchStatsAndUpdatesRunningStats()
    {
        var bn = new BatchNorm1d(2);
        var x = Tensor.From(new float[,] { { 1, 10 }, { 3, 20 }, { 5, 30 } });
        var y = bn.Forward(x);
        // Column 0: mean 3, biased var 8/3; column 1: mean 20, biased var 200/3.
        double s0 = Math.Sqrt(8.0 / 3 + 1e-5), s1 = Math.Sqrt(200.0 / 3 + 1e-5);
        Check.Close(y, [-2 / s0, -10 / s1, 0, 0, 2 / s0, 10 / s1], 1e-5);
        // Running stats: 0.9 * init + 0.1 * batch (unbiased variance 4 and 100).
        Check.Close(bn.RunningMean!, [0.3, 2.0], 1e-6);
        Check.Close(bn.RunningVar!, [0.9 + 0.4, 0.9 + 10], 1e-6);
        bn.Eval();
        var z = bn.Forward(Tensor.From(new float[,] { { 0.3f, 2 } }));
        Check.Close(z, [0, 0], 1e-6);
    }

    [Fact]
    public void BatchNorm2d_GradCheck()
    {
        var bn = new BatchNorm2d(3, dtype: DType.Float64);
        Check.Gradients(x => bn.Forward(x[0]), Check.Input(7, 2, 3, 2, 2));
        Check.Throws<ArgumentException>(() => bn.Forward(Tensor.Zeros([2, 4, 2, 2], DType.Float64)), "BatchNorm2d", "3 channels", "[2, 4, 2, 2]");
    }

    [Fact]
    public void RemainingLayers_GradCheck()
    {
        var x = Check.Input(40, 4, 3);
        // A fresh generator with the same seed on every call gives the same dropout mask each time.
        Check.Gradients(t => F.Dropout(t[0], 0.3, generator: new Generator(7)), x);
        Check.Gradients(t => new BatchNorm1d(3, dtype: DType.Float64).Forward(t[0]), x);
        Check.Gradients(t => new BatchNorm1d(3, dtype: DType.Float64).Forward(t[0].View(2, 3, 2)), x);
        Check.Gradients(t => new Flatten(0, 1).Forward(t[0]), x);
        Check.Gradients(t => new Identity().Forward(t[0]) * 2, x);
        Check.Gradients(t => new Softmax(1).Forward(t[0]), x);
        Check.Gradients(t => new LogSoftmax(0).Forward(t[0]), x);
        Check.Gradients(t => new Sequential(new Tanh(), new Sigmoid(), new ReLU()).Forward(t[0]), x);
        var lin = new Linear(3, 2, dtype: DType.Float64);
        Check.Gradients(t => lin.Forward(t[0]), x);
        Check.Gradients(t => F.Linear(x.Detach(), t[0], t[1]), lin.Weight, lin.Bias!);
    }

    [Fact]
    public void BatchNorm_TrainingOnOneValuePerChannelIsAnError()
        => Check.Throws<ArgumentException>(() => new BatchNorm1d(3).Forward(Tensor.Zeros(1, 3)), "more than 1 value per channel", "[1, 3]");

    [Fact]
    public void OneHot_MatchesPyTorch()
    {
        var y = F.OneHot(Tensor.From(new long[] { 0, 2, 1 }), 4);
        Assert.Equal(DType.Int64, y.DType);
        Check.Close(y, [3, 4], [1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0]);
        Assert.Equal([2, 3], F.OneHot(Tensor.From(new long[] { 0, 2 })).Shape);
        Check.Throws<ArgumentException>(() => F.OneHot(Tensor.From(new long[] { 5 }), 3), "one_hot", "5", "3 classes");
    }
}
