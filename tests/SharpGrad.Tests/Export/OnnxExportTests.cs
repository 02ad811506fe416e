using SharpGrad.Export;
using SharpGrad.NN;
using static SharpGrad.Tests.Export.OnnxRuntimeCheck;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.Tests.Export;

/// <summary>Each supported layer and op: export, run in ONNX Runtime (which must load the file without a warning), compare with SharpGrad.</summary>
public class OnnxExportTests
{
    private static Tensor Input(params int[] shape)
    {
        Tensor.ManualSeed(7);
        return Tensor.Randn(shape);
    }

    /// <summary>A module whose Forward is a function, for functional ops in a custom module.</summary>
    private sealed class Lambda : Module
    {
        private readonly Func<Tensor, Tensor> _forward;

        public Lambda(Func<Tensor, Tensor> forward, params (string Name, Module Child)[] children)
        {
            _forward = forward;
            foreach (var (name, child) in children) RegisterModule(name, child);
        }

        // Never inlined, as a user's module with a real body would not be: the exporter names modules from Forward frames.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        public override Tensor Forward(Tensor input) => _forward(input);
    }

    [Fact]
    public void Linear_ExportsAsGemm_WithAndWithoutBias()
    {
        Tensor.ManualSeed(1);
        ExportAndCompare(new Linear(5, 3), Input(4, 5));
        ExportAndCompare(new Linear(5, 3, bias: false), Input(4, 5));
    }

    [Fact]
    public void Linear_On3DAnd1DInputs()
    {
        Tensor.ManualSeed(1);
        ExportAndCompare(new Linear(5, 3), Input(2, 4, 5));
        ExportAndCompare(new Linear(5, 3), Input(5));
    }

    [Theory]
    [InlineData(1, 0, 1, 1, true)]
    [InlineData(2, 1, 1, 1, true)]
    [InlineData(1, 2, 2, 1, false)]
    [InlineData(2, 1, 1, 2, true)]
    [InlineData(3, 2, 2, 4, false)]
    public void Conv2d_StridePaddingDilationGroups(int stride, int padding, int dilation, int groups, bool bias)
    {
        Tensor.ManualSeed(2);
        var conv = new Conv2d(4, 8, (3, 2), (stride, 1), (padding, padding + 1), (dilation, 1), groups, bias);
        ExportAndCompare(conv, Input(2, 4, 11, 9));
    }

    [Fact]
    public void Conv2d_UnbatchedInput()
    {
        Tensor.ManualSeed(2);
        ExportAndCompare(new Conv2d(3, 5, 3, padding: 1), Input(3, 6, 6));
    }

    [Theory]
    [InlineData(2, null, 0, 1, false)]
    [InlineData(3, 2, 1, 1, false)]
    [InlineData(3, 2, 1, 2, false)]
    [InlineData(3, 2, 0, 1, true)]
    [InlineData(3, 2, 1, 1, true)]
    [InlineData(2, 3, 1, 1, true)]
    public void MaxPool2d(int kernel, int? stride, int padding, int dilation, bool ceil)
        => ExportAndCompare(new MaxPool2d(kernel, stride, padding, dilation, ceil), Input(2, 3, 9, 8));

    [Theory]
    [InlineData(2, null, 0, false, true)]
    [InlineData(3, 2, 1, false, true)]
    [InlineData(3, 2, 1, false, false)]
    [InlineData(3, 2, 0, true, true)]
    [InlineData(3, 2, 1, true, true)]
    [InlineData(3, 2, 1, true, false)]
    [InlineData(2, 3, 1, true, false)]
    public void AvgPool2d(int kernel, int? stride, int padding, bool ceil, bool countIncludePad)
        => ExportAndCompare(new AvgPool2d(kernel, stride, padding, ceil, countIncludePad), Input(2, 3, 9, 8));

    [Fact]
    public void AvgPool2d_CeilModeWindowThatPyTorchDrops_IsRefusedWithCountIncludePad()
    {
        var pool = new Sequential(new ReLU(), new AvgPool2d(2, 3, 1, ceilMode: true));
        var e = Assert.Throws<OnnxExportException>(() => Onnx.ExportToBytes(pool, [Input(2, 3, 9, 8)], x => [pool.Forward(x[0])]));
        Assert.Equal("avg_pool2d", e.Op);
        Assert.Equal("1", e.ModulePath);
    }

    [Fact]
    public void Pooling_OnOneImage()
    {
        ExportAndCompare(new MaxPool2d(2), Input(3, 8, 8));
        ExportAndCompare(new AvgPool2d(3, 2, 1), Input(3, 8, 8));
    }

    [Fact]
    public void ElementwiseUnaryOps_AndMm()
    {
        Tensor.ManualSeed(10);
        var w = Tensor.Randn(4, 3);
        ExportAndCompare(new Lambda(x => (x.Sin() + x.Cos() * x.Sign() - x.Neg().Tanh()).Mm(w)), Input(5, 4));
    }

    [Fact]
    public void Activations()
    {
        foreach (var m in new Module[] { new ReLU(), new LeakyReLU(0.2), new Sigmoid(), new Tanh(), new Softmax(1), new LogSoftmax(1), new LogSoftmax(-1), new Softmax(0),
                     new Hardtanh(-0.5, 2.0), new Lambda(x => x.Clamp(-1, 1) + x.ClampMin(0.5) * x.ClampMax(0)) })
            ExportAndCompare(m, Input(3, 7) * 3.0);
    }

    [Fact]
    public void FlattenReshapeViewTransposeSqueeze()
    {
        ExportAndCompare(new Flatten(), Input(2, 3, 4, 5));
        ExportAndCompare(new Flatten(1, 2), Input(2, 3, 4, 5));
        ExportAndCompare(new Lambda(x => x.View(-1, 20).T.Unsqueeze(0).Squeeze(0).Transpose(0, 1).Reshape(6, 2, 10)), Input(2, 3, 4, 5));
        ExportAndCompare(new Lambda(x => x.Unsqueeze(2).Squeeze().Permute(1, 0, 2)), Input(3, 4, 5));
        ExportAndCompare(new Lambda(x => x.T.Contiguous().View(-1).Detach().Clone()), Input(3, 4));
    }

    [Fact]
    public void BatchNorm_UsesRunningStatistics()
    {
        Tensor.ManualSeed(3);
        var bn2 = new BatchNorm2d(3);
        var bn1 = new BatchNorm1d(4, affine: false);
        for (int i = 0; i < 3; i++)
        {
            bn2.Forward(Input(5, 3, 4, 4) * 2.0 + 1.0);
            bn1.Forward(Input(6, 4) - 0.5);
        }
        using (Tensor.NoGrad())
        {
            bn2.Weight!.Copy_(Tensor.From(new[] { 0.5f, 2f, -1f }));
            bn2.Bias!.Copy_(Tensor.From(new[] { 0.1f, 0.2f, 0.3f }));
        }
        Assert.True(bn2.Training);
        ExportAndCompare(bn2, Input(2, 3, 4, 4));
        ExportAndCompare(bn1, Input(2, 4));
        ExportAndCompare(new Sequential(new Linear(4, 4), new BatchNorm1d(4), new ReLU()), Input(3, 4));
    }

    [Fact]
    public void Export_LeavesTheTrainingModeAsItWas()
    {
        var net = new Sequential(new Linear(2, 2), new Dropout(0.5), new Sequential(new BatchNorm1d(2)));
        ((Sequential)net[2]).Eval();
        Onnx.ExportToBytes(net, [Input(3, 2)], x => [net.Forward(x[0])]);
        Assert.True(net.Training);
        Assert.True(net[1].Training);
        Assert.False(net[2].Training);
        Assert.False(((Sequential)net[2])[0].Training);
    }

    [Fact]
    public void Dropout_IsIdentityInTheExport()
    {
        Tensor.ManualSeed(4);
        var net = new Sequential(new Linear(6, 6), new Dropout(0.5), new ReLU(), new Dropout(0.3), new Linear(6, 2));
        ExportAndCompare(net, Input(5, 6));
    }

    [Fact]
    public void ArithmeticWithTensorsScalarsAndWeights()
    {
        Tensor.ManualSeed(5);
        var w = new Linear(4, 4);
        ExportAndCompare(new Lambda(x =>
        {
            var a = w.Forward(x);
            var b = (a + x) * (a - 0.5) / (x.Pow(2) + 1.0);
            var c = 2.0 - b.MatMul(w.Weight) + x.Abs().Pow(0.5) - (-x).Sigmoid() * x.Exp() / 3.0;
            return c.Pow(Tensor.From(2f)) + b.Maximum(x).Minimum(a) + (x * x).Sqrt() + (x.Abs() + 1.0).Log();
        }, ("w", w)), Input(3, 4));
    }

    [Fact]
    public void TwoInputsAndTwoOutputs_UseTheGivenNames()
    {
        Tensor.ManualSeed(6);
        var net = new Linear(3, 3);
        var (a, b) = (Input(2, 3), Input(2, 3) + 1.0);
        var bytes = Onnx.ExportToBytes(net, [a, b], x => [net.Forward(x[0]) * x[1], x[1] - x[0]], ["a", "b"], ["ab", "diff"]);
        var outputs = Run(bytes, ("a", a), ("b", b));
        AssertClose(net.Forward(a) * b, outputs[0]);
        AssertClose(b - a, outputs[1]);
    }

    [Fact]
    public void IdentityModule_ExportsAnIdentityNode()
        => ExportAndCompare(new Identity(), Input(2, 3));

    [Fact]
    public void DynamicBatchAxis_ExportWithBatch1_RunWith64()
    {
        Tensor.ManualSeed(8);
        var net = new Sequential(new Conv2d(1, 4, 3, padding: 1), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
            new Flatten(), new Linear(4 * 4 * 4, 10), new LogSoftmax(1));
        net.Forward(Input(8, 1, 8, 8));
        var axes = new Dictionary<string, Dictionary<int, string>> { ["input"] = new() { [0] = "batch" }, ["output"] = new() { [0] = "batch" } };
        ExportAndCompare(net, Input(1, 1, 8, 8), Input(64, 1, 8, 8), axes);
        var mlp = new Lambda(x => x.Reshape(-1, 16).Relu(), ("l", new Linear(16, 3)));
        ExportAndCompare(mlp, Input(1, 4, 4), Input(64, 4, 4), new() { ["input"] = new() { [0] = "n" } });
    }

    [Fact]
    public void OpsetsFrom13To21()
    {
        Tensor.ManualSeed(9);
        var net = new Sequential(new Conv2d(2, 3, 3), new ReLU(), new AvgPool2d(2), new Flatten(), new Linear(12, 2), new Softmax(1));
        foreach (int opset in new[] { 13, 17, 21 }) ExportAndCompare(net, Input(2, 2, 6, 6), opset: opset);
        Assert.Throws<ArgumentException>(() => Onnx.ExportToBytes(net, [Input(2, 2, 6, 6)], x => x, opsetVersion: 12));
    }

    private sealed class Log2Block : Module
    {
        public override Tensor Forward(Tensor input) => input.Abs().Log2();
    }

    private sealed class SumBlock : Module
    {
        private readonly Linear inner = new(4, 4);
        public SumBlock() => RegisterComponents();
        public override Tensor Forward(Tensor input) => inner.Forward(input).Sum(1, keepDim: true) + input;
    }

    [Fact]
    public void UnsupportedOp_NamesTheOpAndTheModulePath()
    {
        var net = new Sequential(new Linear(4, 4), new ReLU(), new Sequential(new Linear(4, 4), new Log2Block()));
        var e = Assert.Throws<OnnxExportException>(() => Onnx.ExportToBytes(net, [Input(2, 4)], x => [net.Forward(x[0])]));
        Assert.Equal("log2", e.Op);
        Assert.Equal("2.1", e.ModulePath);
        Assert.Contains("log2 in module '2.1' has no ONNX mapping", e.Message);

        // A forward delegate that calls a submodule directly: the path is still relative to the exported module.
        e = Assert.Throws<OnnxExportException>(() => Onnx.ExportToBytes(net, [Input(2, 4)], x => [((Sequential)net[2])[1].Forward(x[0])]));
        Assert.Equal("2.1", e.ModulePath);

        var net2 = new Sequential(new ReLU(), new SumBlock(), new SumBlock());
        e = Assert.Throws<OnnxExportException>(() => Onnx.ExportToBytes(net2, [Input(2, 4)], x => [net2.Forward(x[0])]));
        Assert.Equal("Tensor.Sum", e.Op);
        Assert.Equal("1", e.ModulePath);
        Assert.Contains("Tensor.Sum in module '1' has no ONNX mapping (its result feeds add)", e.Message);
    }

    [Fact]
    public void UnmappedOpAsTheOutput_AndNonDifferentiableOps_AreRefused()
    {
        var argmax = new Lambda(x => x.Argmax(dim: 1));
        var e = Assert.Throws<OnnxExportException>(() => Onnx.ExportToBytes(argmax, [Input(2, 4)], x => [argmax.Forward(x[0])]));
        Assert.Equal("Tensor.Argmax", e.Op);
        var mask = new Lambda(x => x * x.Gt(0.0));
        e = Assert.Throws<OnnxExportException>(() => Onnx.ExportToBytes(mask, [Input(2, 4)], x => [mask.Forward(x[0])]));
        Assert.Equal("Tensor.Gt", e.Op);
        Assert.Contains("in the exported module's Forward", e.Message);
    }

    [Fact]
    public void InPlaceReluAndLeakyRelu_Export()
    {
        Tensor.ManualSeed(14);
        ExportAndCompare(new Sequential(new Linear(4, 4), new ReLU(inplace: true), new Linear(4, 4), new LeakyReLU(0.1, inplace: true)), Input(3, 4));
        ExportAndCompare(new Lambda(x => F.Relu(x * 1.0, inplace: true) + 1.0), Input(3, 4));
        ExportAndCompare(new Sequential(new ReLU(inplace: true), new Linear(4, 4)), Input(3, 4)); // on the graph input itself
    }

    [Fact]
    public void InPlaceOpOnATracedTensor_IsRefused()
    {
        var net = new Sequential(new Linear(4, 4), new Lambda(x => x.Mul_(2.0)));
        var e = Assert.Throws<OnnxExportException>(() => Onnx.ExportToBytes(net, [Input(2, 4)], x => [net.Forward(x[0])]));
        Assert.Equal("1", e.ModulePath);
        Assert.Equal("Tensor.Mul_", e.Op);
        Assert.Contains("in place", e.Message);

        // A view whose storage an in-place ReLU changed behind it.
        var stale = new Lambda(x =>
        {
            var y = x * 1.0;
            var view = y.View(8);
            F.Relu(y, inplace: true);
            return view + 1.0;
        });
        e = Assert.Throws<OnnxExportException>(() => Onnx.ExportToBytes(stale, [Input(2, 4)], x => [stale.Forward(x[0])]));
        Assert.Equal("relu (in place)", e.Op);
    }

    [Fact]
    public void BadArguments_AreRefused()
    {
        var net = new Linear(2, 2);
        var x = Input(1, 2);
        Assert.Throws<ArgumentException>(() => Onnx.ExportToBytes(net, [x], t => [net.Forward(t[0])], inputNames: ["a", "b"]));
        Assert.Throws<ArgumentException>(() => Onnx.ExportToBytes(net, [x], t => [net.Forward(t[0])], inputNames: ["x"], outputNames: ["x"]));
        Assert.Throws<ArgumentException>(() => Onnx.ExportToBytes(net, [x], t => [net.Forward(t[0])], dynamicAxes: new() { ["nope"] = new() { [0] = "b" } }));
        Assert.Throws<ArgumentException>(() => Onnx.ExportToBytes(net, [x], t => [net.Forward(t[0])], dynamicAxes: new() { ["input"] = new() { [2] = "b" } }));
        var e = Assert.Throws<OnnxExportException>(() => Onnx.ExportToBytes(net, [x], t => [net.Weight]));
        Assert.Contains("does not depend on the inputs", e.Message);
    }

    /// <summary>docs/onnx.md's ONNX Runtime example, as written there (only the file name differs).</summary>
    [Fact]
    public void DocsExample_RunsAsWritten()
    {
        var dir = Directory.CreateTempSubdirectory("sharpgrad-onnx-");
        try
        {
            EnsureEnvironment();
            Tensor.ManualSeed(13);
            var net = new Sequential(new Flatten(), new Linear(784, 10));
            string path = Path.Combine(dir.FullName, "model.onnx");
            Onnx.Export(net, Tensor.Randn(1, 1, 28, 28), path, dynamicAxes: new() { ["input"] = new() { [0] = "batch" }, ["output"] = new() { [0] = "batch" } });

            using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(path);
            var images = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(new float[64 * 28 * 28], [64, 1, 28, 28]);
            using var results = session.Run([Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor("input", images)]);
            var logits = results[0].AsTensor<float>();
            int digit = Enumerable.Range(0, 10).MaxBy(c => logits[0, c]);
            Assert.Equal(net.Forward(Tensor.Zeros(1, 1, 28, 28)).Argmax(1).Item<long>(), digit);
            Assert.Equal([64, 10], logits.Dimensions.ToArray());
        }
        finally { dir.Delete(true); }
    }

    /// <summary>The warning check can fail: a model with an initializer no node uses makes ONNX Runtime's loader warn.</summary>
    [Fact]
    public void RuntimeCheck_CatchesLoaderWarnings()
    {
        var model = new OnnxModel();
        model.Inputs.Add(new OnnxValueInfo("input", DType.Float32, [2], null));
        model.Outputs.Add(new OnnxValueInfo("output", DType.Float32, [2], null));
        model.Nodes.Add(new OnnxNode("Relu", "/Relu", ["input"], ["output"], []));
        var x = Tensor.From(new[] { -1f, 2f });
        AssertClose(x.Relu(), Run(model.ToBytes(), ("input", x))[0]);
        model.Initializers.Add(("unused", Tensor.Ones(3)));
        var e = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Run(model.ToBytes(), ("input", x)));
        Assert.Contains("unused", e.Message);
    }

    [Fact]
    public void Export_WritesTheFileAtomically()
    {
        var dir = Directory.CreateTempSubdirectory("sharpgrad-onnx-");
        try
        {
            var net = new Sequential(new Linear(3, 2), new Tanh());
            string path = Path.Combine(dir.FullName, "model.onnx");
            Onnx.Export(net, Input(1, 3), path, dynamicAxes: new() { ["input"] = new() { [0] = "batch" } });
            var x = Input(5, 3);
            AssertClose(net.Forward(x), Run(File.ReadAllBytes(path), ("input", x))[0]);
            Assert.Single(dir.GetFiles());
        }
        finally { dir.Delete(true); }
    }
}
