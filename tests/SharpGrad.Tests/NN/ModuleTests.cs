using SharpGrad;
using SharpGrad.NN;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.Tests;

public class ModuleTests
{
    /// <summary>The course's 1-10-1 regression net (course 002), written as the course writes it.</summary>
    private sealed class Net : Module
    {
        private readonly Linear hidden;
        private readonly Linear predict;

        public Net(int nFeature, int nHidden, int nOutput)
        {
            hidden = new Linear(nFeature, nHidden);
            predict = new Linear(nHidden, nOutput);
            RegisterComponents();
        }

        public override Tensor Forward(Tensor x) => predict.Forward(F.Relu(hidden.Forward(x)));
    }

    private sealed class Mlp : Module
    {
        public Sequential Model { get; } = new(
            new Linear(784, 200), new LeakyReLU(inplace: true),
            new Linear(200, 200), new LeakyReLU(inplace: true),
            new Linear(200, 10), new LeakyReLU(inplace: true));

        public Mlp() => RegisterComponents();

        public override Tensor Forward(Tensor x) => Model.Forward(x);
    }

    [Fact]
    public void Net_PrintsItsTreeAsTheCourseShows()
    {
        // Course 002 prints exactly this for print(Net(1, 10, 1)).
        var net = new Net(1, 10, 1);
        Assert.Equal(
            "Net(\n  (hidden): Linear(in_features=1, out_features=10, bias=True)\n  (predict): Linear(in_features=10, out_features=1, bias=True)\n)",
            net.ToString());
    }

    [Fact]
    public void SequentialMlp_PrintsNestedTreeWithIndexedChildren()
    {
        // PyTorch 1.13: print(MLP()) for course 001's model.
        var expected =
            "Mlp(\n" +
            "  (Model): Sequential(\n" +
            "    (0): Linear(in_features=784, out_features=200, bias=True)\n" +
            "    (1): LeakyReLU(negative_slope=0.01, inplace=True)\n" +
            "    (2): Linear(in_features=200, out_features=200, bias=True)\n" +
            "    (3): LeakyReLU(negative_slope=0.01, inplace=True)\n" +
            "    (4): Linear(in_features=200, out_features=10, bias=True)\n" +
            "    (5): LeakyReLU(negative_slope=0.01, inplace=True)\n" +
            "  )\n" +
            ")";
        Assert.Equal(expected, new Mlp().ToString());
    }

    [Fact]
    public void CubicFitModel_PrintsAndComputesLikeTheCourse()
    {
        // Course 003: nn.Sequential(nn.Linear(3,1), nn.Flatten(0,1)) on the powers x, x^2, x^3.
        var model = new Sequential(new Linear(3, 1), new Flatten(0, 1));
        Assert.Equal("Sequential(\n  (0): Linear(in_features=3, out_features=1, bias=True)\n  (1): Flatten(start_dim=0, end_dim=1)\n)", model.ToString());
        var x = Tensor.Linspace(-Math.PI, Math.PI, 2000);
        var xx = x.Unsqueeze(-1).Pow(Tensor.From(new long[] { 1, 2, 3 }));
        Assert.Equal([2000], model.Forward(xx).Shape);
    }

    [Fact]
    public void NamedParameters_UseDottedPathsInRegistrationOrder()
    {
        var net = new Net(1, 10, 1);
        Assert.Equal(["hidden.weight", "hidden.bias", "predict.weight", "predict.bias"], net.NamedParameters().Select(p => p.Name));
        Assert.Equal([[10, 1], [10], [1, 10], [1]], net.Parameters().Select(p => p.Shape));
        Assert.All(net.Parameters(), p => Assert.True(p.RequiresGrad && p.IsLeaf));
        Assert.Equal(["", "hidden", "predict"], net.NamedModules().Select(m => m.Name));
        Assert.Equal(2, net.Children().Count());
    }

    [Fact]
    public void SharedModule_IsCountedOnce()
    {
        var shared = new Linear(2, 2);
        var seq = new Sequential(shared, shared);
        Assert.Equal(2, seq.Parameters().Count());
    }

    [Fact]
    public void TrainEval_PropagateToChildren()
    {
        var net = new Mlp();
        net.Eval();
        Assert.All(net.Modules(), m => Assert.False(m.Training));
        net.Train();
        Assert.All(net.Modules(), m => Assert.True(m.Training));
    }

    [Fact]
    public void ZeroGrad_ClearsGradients()
    {
        var net = new Net(1, 10, 1);
        net.Forward(Tensor.Ones(4, 1)).Sum().Backward();
        Assert.All(net.Parameters(), p => Assert.NotNull(p.Grad));
        net.ZeroGrad(setToNone: false);
        Assert.All(net.Parameters(), p => Assert.Equal(0.0, p.Grad!.Abs().Sum().Item()));
        net.ZeroGrad();
        Assert.All(net.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void Apply_VisitsChildrenBeforeParent()
    {
        var order = new List<string>();
        new Net(1, 2, 1).Apply(m => order.Add(m.GetType().Name));
        Assert.Equal(["Linear", "Linear", "Net"], order);
    }

    [Fact]
    public void StateDict_RoundTripsIntoAFreshModel()
    {
        Tensor.ManualSeed(3);
        var a = new Net(1, 10, 1);
        var b = new Net(1, 10, 1);
        var x = Tensor.Linspace(-1, 1, 7).Unsqueeze(1);
        Assert.NotEqual(a.Forward(x).ToArray(), b.Forward(x).ToArray());
        var result = b.LoadStateDict(a.StateDict());
        Assert.Empty(result.MissingKeys);
        Assert.Equal(a.Forward(x).ToArray(), b.Forward(x).ToArray());
    }

    [Fact]
    public void LoadStateDict_ListsMissingUnexpectedAndMismatchedKeys()
    {
        var net = new Net(1, 10, 1);
        var dict = net.StateDict();
        dict.Remove("predict.bias");
        dict["extra.weight"] = Tensor.Zeros(1);
        dict["hidden.weight"] = Tensor.Zeros(10, 2);
        var ex = Check.Throws<ArgumentException>(() => net.LoadStateDict(dict),
            "Error(s) in loading state_dict for Net", "Missing key(s) in state_dict: \"predict.bias\"",
            "Unexpected key(s) in state_dict: \"extra.weight\"",
            "size mismatch for hidden.weight: copying a param with shape [10, 2] from checkpoint, the shape in current model is [10, 1]");
        Assert.NotNull(ex);
    }

    [Fact]
    public void LoadStateDict_NonStrictReportsKeysAndLoadsTheRest()
    {
        var net = new Net(1, 3, 1);
        var dict = new Dictionary<string, Tensor> { ["hidden.bias"] = Tensor.From(new float[] { 1, 2, 3 }), ["junk"] = Tensor.Zeros(1) };
        var keys = net.LoadStateDict(dict, strict: false);
        Assert.Equal(["hidden.weight", "predict.weight", "predict.bias"], keys.MissingKeys);
        Assert.Equal(["junk"], keys.UnexpectedKeys);
        Check.Close(net.StateDict()["hidden.bias"], [1, 2, 3]);
    }

    [Fact]
    public void To_ConvertsParametersAndKeepsThemLeaves()
    {
        var net = new Net(1, 4, 1);
        net.To(DType.Float64);
        Assert.All(net.Parameters(), p => Assert.Equal(DType.Float64, p.DType));
        var y = net.Forward(Tensor.Ones([2, 1], DType.Float64));
        y.Sum().Backward();
        Assert.All(net.Parameters(), p => Assert.Equal(DType.Float64, p.Grad!.DType));
    }

    [Fact]
    public void Parameter_PrintsWithPyTorchHeader()
    {
        var p = new Parameter(Tensor.Zeros(2));
        Assert.StartsWith("Parameter containing:\ntensor(", p.ToString());
    }

    [Fact]
    public void RegisterParameter_RejectsDottedNames()
    {
        var m = new Sequential();
        Check.Throws<ArgumentException>(() => m.RegisterParameter("a.b", new Parameter(Tensor.Zeros(1))), "can't be empty or contain \".\"");
    }

    [Fact]
    public void Forward_WithoutOverrideIsAClearError()
    {
        Check.Throws<InvalidOperationException>(() => new ModuleList().Forward(Tensor.Zeros(1)), "ModuleList", "Forward");
    }

    [Fact]
    public void SequentialIndexing_AndModuleList()
    {
        var seq = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1));
        Assert.IsType<ReLU>(seq[1]);
        Assert.IsType<Linear>(seq[-1]);
        Check.Throws<ArgumentOutOfRangeException>(() => _ = seq[3], "index 3 is out of range for 3 modules");
        var list = new ModuleList(new Linear(1, 1), new Linear(1, 1));
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias"], list.NamedParameters().Select(p => p.Name));
    }
}

public class CourseNetworkTests
{
    /// <summary>Course 004's deep MNIST net: 784-700x6-10, ReLU, log_softmax output.</summary>
    private sealed class DeepNet : Module
    {
        private readonly Linear fc1 = new(784, 700), fc2 = new(700, 700), fc3 = new(700, 700), fc4 = new(700, 700),
            fc5 = new(700, 700), fc6 = new(700, 700), fc7 = new(700, 10);

        public DeepNet() => RegisterComponents();

        public override Tensor Forward(Tensor x)
        {
            x = x.View(-1, 784);
            foreach (var fc in new[] { fc1, fc2, fc3, fc4, fc5, fc6 }) x = F.Relu(fc.Forward(x));
            return F.LogSoftmax(fc7.Forward(x));
        }
    }

    [Fact]
    public void DeepNet_PrintsSevenLinearLayers_AndOutputsLogProbabilities()
    {
        var net = new DeepNet();
        var lines = net.ToString().Split('\n');
        Assert.Equal("DeepNet(", lines[0]);
        Assert.Equal("  (fc1): Linear(in_features=784, out_features=700, bias=True)", lines[1]);
        Assert.Equal("  (fc6): Linear(in_features=700, out_features=700, bias=True)", lines[6]);
        Assert.Equal("  (fc7): Linear(in_features=700, out_features=10, bias=True)", lines[7]);
        Assert.Equal(")", lines[8]);
        Assert.Equal(14, net.Parameters().Count());
        var output = net.Forward(Tensor.Rand(3, 1, 28, 28));
        Assert.Equal([3, 10], output.Shape);
        Check.Close(output.Exp().Sum(1), [1, 1, 1], 1e-5);
        var loss = F.NllLoss(output, Tensor.From(new long[] { 1, 2, 3 }));
        loss.Backward();
        Assert.All(net.Parameters(), p => Assert.NotNull(p.Grad));
    }

    [Fact]
    public void MlpWithInplaceLeakyRelu_TrainsLikeTheOutOfPlaceOne()
    {
        static Sequential Build(bool inplace) => new(new Linear(784, 200), new LeakyReLU(inplace: inplace), new Linear(200, 200),
            new LeakyReLU(inplace: inplace), new Linear(200, 10), new LeakyReLU(inplace: inplace));
        Tensor.ManualSeed(2);
        var model = Build(true);
        var reference = Build(false);
        reference.LoadStateDict(model.StateDict());
        var x = Tensor.Rand(16, 784);
        var y = Tensor.Randint(0, 10, [16]);
        var losses = new List<double>();
        for (int step = 0; step < 40; step++)
        {
            var loss = F.CrossEntropy(model.Forward(x), y);
            var refLoss = F.CrossEntropy(reference.Forward(x), y);
            Assert.Equal(refLoss.Item(), loss.Item(), 5);
            losses.Add(loss.Item());
            foreach (var (net, l) in new[] { (model, loss), (reference, refLoss) })
            {
                net.ZeroGrad();
                l.Backward();
                using (Tensor.NoGrad())
                    foreach (var p in net.Parameters()) p.Sub_(0.1 * p.Grad!);
            }
        }
        Assert.True(losses[^1] < losses[0] * 0.8, $"loss {losses[0]} -> {losses[^1]}");
    }
}

public class CheckpointTests
{
    [Fact]
    public void SaveThenLoad_RestoresEveryParameterAndBuffer()
    {
        var dir = Directory.CreateTempSubdirectory("sharpgrad-ckpt");
        try
        {
            Tensor.ManualSeed(4);
            var a = new Sequential(new Linear(3, 4), new BatchNorm1d(4), new ReLU(), new Linear(4, 2));
            a.Forward(Tensor.Randn(8, 3));
            var path = Path.Combine(dir.FullName, "model.safetensors");
            a.Save(path);
            var b = new Sequential(new Linear(3, 4), new BatchNorm1d(4), new ReLU(), new Linear(4, 2));
            b.Load(path);
            foreach (var (name, t) in a.StateDict())
                Assert.Equal(t.ToArray<double>(), b.StateDict()[name].ToArray<double>());
            Assert.Equal(1L, b.StateDict()["1.num_batches_tracked"].Item<long>());
            var wrong = new Sequential(new Linear(3, 5));
            Check.Throws<ArgumentException>(() => wrong.Load(path), "size mismatch for 0.weight", "Unexpected key(s)");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
