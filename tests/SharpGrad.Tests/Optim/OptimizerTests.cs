using SharpGrad.Core;
using SharpGrad;
using SharpGrad.Optim;

namespace SharpGrad.Tests;

public class OptimizerTests
{
    [Fact]
    public void ToString_SGD_MatchesPyTorchRepr()
    {
        var opt = new SGD([OptimTesting.Param(1)], lr: 0.2);
        Assert.Equal("SGD (\nParameter Group 0\n    dampening: 0\n    differentiable: False\n    foreach: None\n    lr: 0.2\n    maximize: False\n"
            + "    momentum: 0\n    nesterov: False\n    weight_decay: 0\n)", opt.ToString());
    }

    [Fact]
    public void ToString_Adam_MatchesPyTorchRepr()
    {
        var opt = new Adam([OptimTesting.Param(1)]);
        Assert.Equal("Adam (\nParameter Group 0\n    amsgrad: False\n    betas: (0.9, 0.999)\n    capturable: False\n    differentiable: False\n"
            + "    eps: 1e-08\n    foreach: None\n    fused: False\n    lr: 0.001\n    maximize: False\n    weight_decay: 0\n)", opt.ToString());
    }

    [Fact]
    public void ToString_AdamW_MatchesPyTorchRepr()
    {
        var opt = new AdamW([OptimTesting.Param(1)], lr: 0.01, weightDecay: 0.002);
        Assert.Equal("AdamW (\nParameter Group 0\n    amsgrad: False\n    betas: (0.9, 0.999)\n    capturable: False\n    eps: 1e-08\n"
            + "    foreach: None\n    lr: 0.01\n    maximize: False\n    weight_decay: 0.002\n)", opt.ToString());
    }

    [Fact]
    public void ToString_RMSprop_MatchesPyTorchRepr()
    {
        var opt = new RMSprop([OptimTesting.Param(1)]);
        Assert.Equal("RMSprop (\nParameter Group 0\n    alpha: 0.99\n    centered: False\n    differentiable: False\n    eps: 1e-08\n"
            + "    foreach: None\n    lr: 0.01\n    maximize: False\n    momentum: 0\n    weight_decay: 0\n)", opt.ToString());
    }

    [Fact]
    public void ToString_Adagrad_MatchesPyTorchRepr()
    {
        var opt = new Adagrad([OptimTesting.Param(1)]);
        Assert.Equal("Adagrad (\nParameter Group 0\n    eps: 1e-10\n    foreach: None\n    initial_accumulator_value: 0\n    lr: 0.01\n"
            + "    lr_decay: 0\n    maximize: False\n    weight_decay: 0\n)", opt.ToString());
    }

    [Fact]
    public void ToString_TwoGroupsAndScheduler_ListsEachGroupWithInitialLr()
    {
        var opt = new SGD([new ParamGroup([OptimTesting.Param(1)]), new ParamGroup([OptimTesting.Param(2)]) { ["lr"] = 1e-5 }], lr: 0.1, momentum: 0.9);
        _ = new StepLR(opt, stepSize: 2);
        Assert.Equal("SGD (\nParameter Group 0\n    dampening: 0\n    differentiable: False\n    foreach: None\n    initial_lr: 0.1\n    lr: 0.1\n"
            + "    maximize: False\n    momentum: 0.9\n    nesterov: False\n    weight_decay: 0\n\nParameter Group 1\n    dampening: 0\n"
            + "    differentiable: False\n    foreach: None\n    initial_lr: 1e-05\n    lr: 1e-05\n    maximize: False\n    momentum: 0.9\n"
            + "    nesterov: False\n    weight_decay: 0\n)", opt.ToString());
    }

    [Theory]
    [InlineData(0.2, "0.2")]
    [InlineData(1e-5, "1e-05")]
    [InlineData(1e-4, "0.0001")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(0.010000000000000002, "0.010000000000000002")]
    [InlineData(1.5e-10, "1.5e-10")]
    [InlineData(-2.5e-7, "-2.5e-07")]
    [InlineData(123.456, "123.456")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(2.0, "2.0")]
    [InlineData(0.0, "0.0")]
    [InlineData(double.PositiveInfinity, "inf")]
    public void PyFormatFloat_MatchesPythonRepr(double value, string expected)
    {
        Assert.Equal(expected, PyFormat.Float(value));
    }

    [Fact]
    public void PyFormatValue_WholeNumbersPrintAsInts()
    {
        Assert.Equal("0", PyFormat.Value(0.0));
        Assert.Equal("-3", PyFormat.Value(-3.0));
        Assert.Equal("(0.5, 1)", PyFormat.Value(new[] { 0.5, 1.0 }));
        Assert.Equal("None", PyFormat.Value(null));
        Assert.Equal("True", PyFormat.Value(true));
    }

    [Fact]
    public void ParamGroups_OwnLearningRateOverridesDefault()
    {
        var a = OptimTesting.Param(1.0);
        var b = OptimTesting.Param(1.0);
        var opt = new SGD([new ParamGroup([a]), new ParamGroup([b]) { ["lr"] = 0.01, ["momentum"] = 0.5 }], lr: 0.1);
        Assert.Equal(0.1, opt.ParamGroups[0].Lr);
        Assert.Equal(0.0, opt.ParamGroups[0]["momentum"]);
        Assert.Equal(0.5, opt.ParamGroups[1]["momentum"]);
        a.Grad = Tensor.From(new[] { 2.0 });
        b.Grad = Tensor.From(new[] { 2.0 });
        opt.Step();
        Check.Close(a, [0.8], 1e-15);
        Check.Close(b, [0.98], 1e-15);
    }

    [Fact]
    public void ParamGroupIndexer_SettingLrChangesNextStep()
    {
        var p = OptimTesting.Param(1.0);
        var opt = new SGD(new[] { p }, lr: 0.1);
        opt.ParamGroups[0]["lr"] = 1;
        Assert.Equal(1.0, opt.ParamGroups[0]["lr"]);
        p.Grad = Tensor.From(new[] { 0.25 });
        opt.Step();
        Check.Close(p, [0.75], 1e-15);
    }

    [Fact]
    public void ParamGroupIndexer_ReportsMissingKeysAndBadTypes()
    {
        var opt = new SGD([OptimTesting.Param(1)], lr: 0.1);
        Check.Throws<KeyNotFoundException>(() => _ = opt.ParamGroups[0]["betas"], "no hyper-parameter 'betas'", "lr, maximize");
        opt.ParamGroups[0]["lr"] = "fast";
        Check.Throws<InvalidOperationException>(() => opt.Step(), "hyper-parameter 'lr' must be a number, but it is fast");
        Check.Throws<ArgumentException>(() => opt.ParamGroups[0]["params"] = new[] { 1.0 }, "'params' cannot be assigned");
        Check.Throws<ArgumentException>(() => opt.ParamGroups[0]["lr"] = new object(), "hyper-parameter 'lr' has unsupported type Object");
    }

    [Fact]
    public void AddParamGroup_NewGroupTakesDefaultsAndIsStepped()
    {
        var a = OptimTesting.Param(1.0);
        var b = OptimTesting.Param(1.0);
        var opt = new Adam([a], lr: 0.1, betas: (0.5, 0.6));
        opt.AddParamGroup(new ParamGroup([b], [new("lr", 0.2)]));
        Assert.Equal(new[] { 0.5, 0.6 }, opt.ParamGroups[1].GetDoubles("betas"));
        b.Grad = Tensor.From(new[] { 3.0 });
        opt.Step();
        Check.Close(b, [1 - 0.2 * 3 / (3 + 1e-8)], 1e-12);
        Check.Close(a, [1.0], 0);
    }

    [Fact]
    public void AddParamGroup_RejectsParameterAlreadyInAGroup()
    {
        var a = OptimTesting.Param(1.0);
        var opt = new SGD([a], lr: 0.1);
        Check.Throws<ArgumentException>(() => opt.AddParamGroup(new ParamGroup([a])), "SGD: some parameters appear in more than one parameter group");
        Assert.Single(opt.ParamGroups);
    }

    [Fact]
    public void AddParamGroup_RejectsInvalidGroupHyperParameters()
    {
        var opt = new SGD([OptimTesting.Param(1.0)], lr: 0.1);
        Check.Throws<ArgumentException>(() => opt.AddParamGroup(new ParamGroup([OptimTesting.Param(2.0)]) { ["lr"] = -0.5 }), "SGD: Invalid learning rate: -0.5");
        Assert.Single(opt.ParamGroups);
    }

    [Fact]
    public void Constructor_RejectsEmptyParameterList()
    {
        Check.Throws<ArgumentException>(() => new SGD(Array.Empty<Tensor>(), lr: 0.1), "SGD: optimizer got an empty parameter list");
        Check.Throws<ArgumentException>(() => new Adam(Array.Empty<ParamGroup>()), "Adam: optimizer got an empty parameter list");
    }

    [Fact]
    public void Constructor_RejectsParameterInTwoGroups()
    {
        var a = OptimTesting.Param(1.0);
        Check.Throws<ArgumentException>(() => new SGD([new ParamGroup([a]), new ParamGroup([OptimTesting.Param(2), a])], lr: 0.1),
            "some parameters appear in more than one parameter group");
    }

    [Fact]
    public void Constructor_RejectsDuplicateParameterInAGroup()
    {
        var a = OptimTesting.Param(1.0);
        Check.Throws<ArgumentException>(() => new SGD([a, a], lr: 0.1), "duplicate parameters");
    }

    [Fact]
    public void Constructor_RejectsNonLeafTensor()
    {
        var a = OptimTesting.Param(1.0);
        Check.Throws<ArgumentException>(() => new SGD([a * 2.0], lr: 0.1), "SGD: can't optimize a non-leaf Tensor", "MulBackward0");
    }

    [Fact]
    public void Constructor_RejectsInvalidGroupHyperParameters()
    {
        Check.Throws<ArgumentException>(() => new Adam([new ParamGroup([OptimTesting.Param(1)]) { ["betas"] = (0.9, 1.0) }]),
            "Adam: Invalid beta parameter at index 1: 1");
    }

    public static TheoryData<string> OptimizerNames => ["sgd", "adam", "adamw", "rmsprop", "adagrad"];

    private static Optimizer Make(string name, Tensor p) => name switch
    {
        "sgd" => new SGD([p], lr: 0.1, momentum: 0.9, weightDecay: 0.1),
        "adam" => new Adam([p], lr: 0.1, weightDecay: 0.1, amsgrad: true),
        "adamw" => new AdamW([p], lr: 0.1),
        "rmsprop" => new RMSprop([p], lr: 0.01, momentum: 0.5, centered: true, weightDecay: 0.1),
        _ => new Adagrad([p], lr: 0.1, weightDecay: 0.1),
    };

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void Step_NonContiguousParameterAndGradient_MatchContiguousRun(string name)
    {
        // The same logical 2×3 values, once contiguous and once as the transpose of a 3×2 buffer.
        double[,] values = { { 1, -2, 3 }, { 0.5, 4, -1 } };
        double[,] grad = { { 0.1, -0.2, 0.3 }, { 1.5, -0.5, 0.25 } };
        var dense = Tensor.From(values).RequiresGrad_();
        var strided = Tensor.From(values).T.Contiguous().T.RequiresGrad_();
        Assert.False(strided.IsContiguous());
        var denseOpt = Make(name, dense);
        var stridedOpt = Make(name, strided);
        for (int t = 0; t < 3; t++)
        {
            dense.Grad = Tensor.From(grad) * (t + 1.0);
            strided.Grad = (Tensor.From(grad).T.Contiguous() * (t + 1.0)).T;
            denseOpt.Step();
            stridedOpt.Step();
            Check.Close(strided, dense.Shape, dense.ToArray<double>(), 1e-14);
        }
    }

    [Fact]
    public void Step_SkipsParametersWithoutGradient()
    {
        var a = OptimTesting.Param(1.0, 2.0);
        var b = OptimTesting.Param(3.0);
        var opt = new Adam([a, b], lr: 0.1);
        b.Grad = Tensor.From(new[] { 1.0 });
        opt.Step();
        Check.Close(a, [1.0, 2.0], 0);
        Assert.False(opt.State.ContainsKey(a));
        Assert.True(opt.State.ContainsKey(b));
        Assert.NotEqual(3.0, b.Item());
    }

    [Fact]
    public void ZeroGrad_Default_SetsGradientsToNull()
    {
        var a = OptimTesting.Param(1.0, 2.0);
        var b = OptimTesting.Param(3.0);
        var opt = new SGD([a, b], lr: 0.1);
        (a * b).Sum().Backward();
        Assert.NotNull(a.Grad);
        opt.ZeroGrad();
        Assert.Null(a.Grad);
        Assert.Null(b.Grad);
    }

    [Fact]
    public void ZeroGrad_NotToNone_FillsZerosInPlace()
    {
        var a = OptimTesting.Param(1.0, 2.0);
        var opt = new SGD([a], lr: 0.1);
        (a * a).Sum().Backward();
        var grad = a.Grad!;
        opt.ZeroGrad(setToNone: false);
        Assert.Same(grad, a.Grad);
        Check.Close(a.Grad!, [0.0, 0.0], 0);
        (a * a).Sum().Backward();
        Check.Close(a.Grad!, [2.0, 4.0], 0);
    }

    [Fact]
    public void Step_WithClosure_ReturnsLossAndRecordsGraphEvenUnderNoGrad()
    {
        var w = OptimTesting.Param(3.0);
        var opt = new SGD([w], lr: 0.1);
        Tensor? loss;
        using (Tensor.NoGrad())
            loss = opt.Step(() =>
            {
                opt.ZeroGrad();
                var l = (w * w).Sum();
                l.Backward();
                return l;
            });
        Assert.Equal(9.0, loss!.Item());
        Check.Close(w, [3.0 - 0.1 * 6.0], 1e-15);
    }

    [Fact]
    public void Step_TrainsALinearFitToConvergence()
    {
        // y = 2x + 1 from four points, full-batch Adam: the loss must end near zero.
        var x = Tensor.From(new[] { 0.0, 1.0, 2.0, 3.0 });
        var y = x * 2.0 + 1.0;
        var w = OptimTesting.Param(0.0);
        var b = OptimTesting.Param(0.0);
        var opt = new Adam([w, b], lr: 0.1);
        double loss = 0;
        for (int i = 0; i < 500; i++)
        {
            opt.ZeroGrad();
            var l = (x * w + b - y).Square().Mean();
            l.Backward();
            opt.Step();
            loss = l.Item();
        }
        Assert.True(loss < 1e-6, $"loss {loss}");
        Check.Close(w, [2.0], 1e-3);
    }
}
