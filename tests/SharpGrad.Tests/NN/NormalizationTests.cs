using SharpGrad.NN;
using F = SharpGrad.NN.Functional;
using R = SharpGrad.Tests.TorchReference;

namespace SharpGrad.Tests;

public class NormalizationTests
{
    [Fact]
    public void LayerNorm_MatchesPyTorch()
    {
        var ln = new LayerNorm([3, 4], dtype: DType.Float64);
        ln.Weight!.Data = R.T(R.LayerNormWeight, R.LayerNormWeightShape);
        ln.Bias!.Data = R.T(R.LayerNormBias, R.LayerNormBiasShape);
        var x = R.T(R.LayerNormX, R.LayerNormXShape);
        Check.Close(ln.Forward(x), R.LayerNormYShape, R.LayerNormY, 1e-12);
        Check.Close(ln.Forward(R.Strided(x)), R.LayerNormYShape, R.LayerNormY, 1e-12);
        var plain = new LayerNorm(5, elementwiseAffine: false, dtype: DType.Float64);
        Assert.Empty(plain.Parameters());
        Check.Close(plain.Forward(R.T(R.LayerNormPlainX, R.LayerNormPlainXShape)), R.LayerNormPlainYShape, R.LayerNormPlainY, 1e-12);
    }

    [Fact]
    public void LayerNorm_Float32AgreesWithFloat64()
    {
        var x = R.T(R.LayerNormX, R.LayerNormXShape);
        var y = F.LayerNorm(x.Float(), [4], Tensor.Full([4], 2.0), Tensor.Full([4], 0.5));
        Assert.Equal(DType.Float32, y.DType);
        Check.Close(y, F.LayerNorm(x, [4], Tensor.Full([4], 2.0, DType.Float64), Tensor.Full([4], 0.5, DType.Float64)).ToArray<double>(), 1e-5);
    }

    [Fact]
    public void LayerNorm_GradCheck()
    {
        var ln = new LayerNorm([3, 4], dtype: DType.Float64);
        ln.Weight!.Data = R.T(R.LayerNormWeight, R.LayerNormWeightShape);
        ln.Bias!.Data = R.T(R.LayerNormBias, R.LayerNormBiasShape);
        var x = Check.Input(1, 2, 3, 4);
        Check.Gradients(t => F.LayerNorm(t[0], [3, 4], t[1], t[2]), x, ln.Weight, ln.Bias);
        Check.Gradients(t => F.LayerNorm(t[0], [2]), R.Strided(Check.Input(2, 2, 3, 2)));
    }

    [Fact]
    public void LayerNorm_PrintsAndNamesLikePyTorch()
    {
        Assert.Equal("LayerNorm((3, 4), eps=1e-05, elementwise_affine=True)", new LayerNorm([3, 4]).ToString());
        Assert.Equal("LayerNorm((5,), eps=0.001, elementwise_affine=False)", new LayerNorm(5, 1e-3, false).ToString());
        Assert.Equal(["weight", "bias"], new LayerNorm(5).NamedParameters().Select(p => p.Name));
        var y = new LayerNorm(2).Forward(Tensor.Randn(3, 2));
        Assert.Equal("NativeLayerNormBackward0", y.GradFn!.Name);
    }

    [Fact]
    public void LayerNorm_RejectsMismatchedShapes()
    {
        Check.Throws<ArgumentException>(() => new LayerNorm([3, 4]).Forward(Tensor.Zeros(2, 3, 5)),
            "layer_norm", "[3, 4]", "[*, 3, 4]", "[2, 3, 5]");
        Check.Throws<ArgumentException>(() => new LayerNorm([3, 4]).Forward(Tensor.Zeros(4)), "layer_norm", "[4]");
        Check.Throws<ArgumentException>(() => F.LayerNorm(Tensor.Zeros(2, 4), [4], Tensor.Ones(3)), "layer_norm", "weight", "[4]", "[3]");
        Check.Throws<ArgumentException>(() => F.LayerNorm(Tensor.Zeros(2, 4), [4], null, Tensor.Ones(2, 2)), "layer_norm", "bias", "[2, 2]");
        Check.Throws<ArgumentException>(() => new LayerNorm(Array.Empty<int>()), "LayerNorm", "normalizedShape");
    }

    [Fact]
    public void GroupNorm_MatchesPyTorch()
    {
        var gn = new GroupNorm(3, 6, dtype: DType.Float64);
        gn.Weight!.Data = R.T(R.GroupNormWeight, R.GroupNormWeightShape);
        gn.Bias!.Data = R.T(R.GroupNormBias, R.GroupNormBiasShape);
        var x = R.T(R.GroupNormX, R.GroupNormXShape);
        Check.Close(gn.Forward(x), R.GroupNormYShape, R.GroupNormY, 1e-12);
        Check.Close(gn.Forward(R.Strided(x)), R.GroupNormYShape, R.GroupNormY, 1e-12);
        Assert.Equal("GroupNorm(3, 6, eps=1e-05, affine=True)", gn.ToString());
        Assert.Equal("NativeGroupNormBackward0", gn.Forward(x.Clone().RequiresGrad_()).GradFn!.Name);
    }

    [Fact]
    public void GroupNorm_OneGroupIsLayerNormOverCHW_AndGroupsOfOneAreInstanceNorm()
    {
        var x = Check.Input(3, 2, 4, 3, 2).Detach();
        Check.Close(F.GroupNorm(x, 1), F.LayerNorm(x, [4, 3, 2]).ToArray<double>(), 1e-12);
        var perChannel = (x - x.Mean([2, 3], keepDim: true)) / (x.Var([2, 3], correction: 0, keepDim: true) + 1e-5).Sqrt();
        Check.Close(F.GroupNorm(x, 4), perChannel.ToArray<double>(), 1e-12);
    }

    [Fact]
    public void GroupNorm_GradCheck()
    {
        var w = Check.Input(4, 6);
        var b = Check.Input(5, 6);
        Check.Gradients(t => F.GroupNorm(t[0], 3, t[1], t[2]), Check.Input(6, 2, 6, 2, 2), w, b);
        Check.Gradients(t => F.GroupNorm(t[0], 2), R.Strided(Check.Input(7, 3, 4)));
    }

    [Fact]
    public void GroupNorm_RejectsBadChannels()
    {
        Check.Throws<ArgumentException>(() => new GroupNorm(4, 6), "GroupNorm", "numChannels (6)", "numGroups (4)");
        Check.Throws<ArgumentException>(() => new GroupNorm(3, 6).Forward(Tensor.Zeros(2, 5, 3)), "GroupNorm", "6 channels", "[2, 5, 3]");
        Check.Throws<ArgumentException>(() => F.GroupNorm(Tensor.Zeros(2, 5, 3), 3), "group_norm", "divisible", "[2, 5, 3]", "numGroups=3");
        Check.Throws<ArgumentException>(() => F.GroupNorm(Tensor.Zeros(5), 1), "group_norm", "[5]");
        Check.Throws<ArgumentException>(() => F.GroupNorm(Tensor.Zeros(2, 6), 3, Tensor.Ones(3)), "group_norm", "weight", "[6]", "[3]");
    }
}
