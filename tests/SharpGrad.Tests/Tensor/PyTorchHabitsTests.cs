using SharpGrad.NN;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.Tests;

/// <summary>
/// What a PyTorch user writes first: accuracy counting with == and Sum, Item into an int, isclose/allclose,
/// reciprocal, the pair overloads of F.conv2d/F.max_pool2d, and the dtype message of cross_entropy.
/// Expected values from torch 1.13 (Debian's python3-torch):
///   a = torch.tensor([1., 2., inf, nan, 1e-9, 100.]); b = torch.tensor([1. + 1e-6, 2.1, inf, nan, 0., 100.001])
///   torch.isclose(a, b) -> [T, F, T, F, T, T]; with equal_nan=True -> [T, F, T, T, T, T]
///   torch.isclose(tensor([inf]), tensor([1e30])) -> [F]; torch.isclose(tensor([1.]), tensor([inf])) -> [F]
///   torch.isclose(tensor([3, 5]), tensor([3, 6])) -> [T, F]; tensor([1, 2, 4]).reciprocal() -> [1., .5, .25]
///   (tensor([1, 2, 3]) == tensor([1, 0, 3])).sum() -> tensor(2) (int64)
/// </summary>
public class PyTorchHabitsTests
{
    private static Tensor L(params long[] v) => Tensor.From(v);
    private static Tensor Fl(params float[] v) => Tensor.From(v);
    private static Tensor D(params double[] v) => Tensor.From(v);

    [Fact]
    public void EqualsOperator_IsElementWise_AndSumCountsAsInt64()
    {
        var pred = L(1, 2, 3);
        var y = L(1, 0, 3);
        var hits = pred == y;
        Assert.Equal(DType.Bool, hits.DType);
        Assert.Equal([true, false, true], hits.ToArray<bool>());
        Assert.Equal([false, true, false], (pred != y).ToArray<bool>());
        var count = hits.Sum();
        Assert.Equal(DType.Int64, count.DType);
        int correct = 0;
        correct += count.Item<int>();
        Assert.Equal(2, correct);
        Assert.Equal([true, false, false], (Fl(2f, 1, 0) == 2).ToArray<bool>());
        // Equals stays reference identity (dictionaries of tensors keep working).
        Assert.False(pred.Equals(L(1, 2, 3)));
        Assert.True(pred.Equals(pred));
    }

    [Fact]
    public void MeanOfBools_SaysToCastFirst()
        => Check.Throws<ArgumentException>(() => (L(1) == L(1)).Mean(),
            "mean:", "bool", "(pred == y).Float().Mean()");

    [Fact]
    public void IsCloseAndAllClose_MatchPyTorch()
    {
        var a = Fl(1f, 2, float.PositiveInfinity, float.NaN, 1e-9f, 100);
        var b = Fl(1f + 1e-6f, 2.1f, float.PositiveInfinity, float.NaN, 0, 100.001f);
        Assert.Equal([true, false, true, false, true, true], a.IsClose(b).ToArray<bool>());
        Assert.Equal([true, false, true, true, true, true], a.IsClose(b, equalNan: true).ToArray<bool>());
        Assert.False(Fl(float.PositiveInfinity).IsClose(Fl(1e30f)).Item<bool>());
        Assert.False(Fl(1f).IsClose(Fl(float.PositiveInfinity)).Item<bool>());
        Assert.Equal([true, false], L(3, 5).IsClose(L(3, 6)).ToArray<bool>());
        Assert.True(Fl(1f, 2).AllClose(Fl(1f, 2.00001f)));
        Assert.False(a.AllClose(b));
        // Broadcasting, as torch.allclose.
        Assert.True(Tensor.Ones(2, 3).AllClose(Tensor.Ones(3)));
        Check.Throws<ArgumentException>(() => Tensor.Ones(2).IsClose(Tensor.Ones([2], DType.Float64)), "isclose:", "float32", "float64");
        Check.Throws<ArgumentException>(() => Tensor.Ones(2).AllClose(Tensor.Ones(3)), "isclose");
    }

    [Fact]
    public void Reciprocal_ValuesGradientAndIntegers()
    {
        Assert.Equal([1f, 0.5f, 0.25f], L(1, 2, 4).Reciprocal().ToArray<float>());
        Check.Close(D(2.0, -4.0).Reciprocal(), [0.5, -0.25]);
        Check.Gradients(x => x[0].Reciprocal(), Check.Input(1, 3, 2).Abs() + 0.5);
        Check.Gradients(x => x[0].Reciprocal(), (Check.Input(2, 3, 4).Abs() + 0.5).Transpose(0, 1));
    }

    [Fact]
    public void FunctionalPairOverloads_TakeOptionalStridePaddingDilation()
    {
        var x = Tensor.Randn(1, 2, 6, 6);
        var w = Tensor.Randn(3, 2, 3, 3);
        Assert.Equal([1, 2, 3, 3], F.MaxPool2d(x, (2, 2)).Shape);
        Assert.True(F.MaxPool2d(x, (2, 2)).Equal(F.MaxPool2d(x, 2)));
        Assert.Equal([1, 2, 3, 2], F.MaxPool2d(x, (2, 3)).Shape);
        Assert.Equal([1, 2, 3, 3], F.AvgPool2d(x, (2, 2)).Shape);
        Assert.True(F.Conv2d(x, w, padding: (1, 1)).Equal(F.Conv2d(x, w, padding: 1)));
        Assert.Equal([1, 3, 2, 4], F.Conv2d(x, w, stride: (2, 1)).Shape);
        Assert.Equal([1, 3, 4, 4], F.Conv2d(x, w).Shape);
    }

    [Fact]
    public void CrossEntropy_FloatClassIndices_SayTheDtypeIsWrong()
    {
        var logits = Tensor.Randn(4, 3);
        Check.Throws<ArgumentException>(() => F.CrossEntropy(logits, Fl(0f, 1, 2, 1)),
            "cross_entropy: expected target dtype int64", "float32", "target.Long()");
        // Probabilities of the input's shape are still fine.
        Assert.Equal(DType.Float32, F.CrossEntropy(logits, F.Softmax(Tensor.Randn(4, 3), 1)).DType);
    }
}

/// <summary>The reduction and mode constants are the strings PyTorch uses, and the functions accept them.</summary>
public class ArgumentConstantTests
{
    [Fact]
    public void ReductionAndModeConstants_AreThePyTorchStrings()
    {
        var a = Tensor.From(new float[] { 1, 2 });
        var b = Tensor.From(new float[] { 0, 0 });
        Assert.Equal(5f, F.MseLoss(a, b, SharpGrad.NN.Reduction.Sum).Item<float>());
        Assert.Equal(2.5f, F.MseLoss(a, b, SharpGrad.NN.Reduction.Mean).Item<float>());
        Assert.Equal([1f, 4f], F.MseLoss(a, b, SharpGrad.NN.Reduction.None).ToArray<float>());
        Assert.Equal(("fan_in", "fan_out"), (FanMode.FanIn, FanMode.FanOut));
        var optimizer = new SharpGrad.Optim.SGD([Tensor.Ones(1).RequiresGrad_()], lr: 1);
        var plateau = new SharpGrad.Optim.ReduceLROnPlateau(optimizer, SharpGrad.Optim.MonitorMode.Max, thresholdMode: SharpGrad.Optim.ThresholdMode.Abs);
        Assert.Equal("max", plateau.StateDict().Strings["mode"]);
        Assert.Equal("abs", plateau.StateDict().Strings["threshold_mode"]);
    }
}
