using System.Text.Json;
using SharpGrad.Cli.Commands.Fit;
using SharpGrad.Cli.Commands.Mnist;
using SharpGrad.Cli.Commands.Sine;
using SharpGrad.Tests.Export;
using SharpGrad.Vision;
using SharpGrad.Vision.Transforms;

namespace SharpGrad.Cli.Tests;

/// <summary>The course's models exported to ONNX and run in ONNX Runtime, and <c>sharpgrad mnist --export-onnx</c> end to end.</summary>
[Collection("cli")]
public sealed class OnnxExportTests
{
    private static readonly Dictionary<string, Dictionary<int, string>> BatchAxis = new()
    {
        ["input"] = new() { [0] = "batch" },
        ["output"] = new() { [0] = "batch" },
    };

    [Theory]
    [InlineData("mlp", 0.0)]
    [InlineData("mlp3", 0.0)]
    [InlineData("mlp3", 0.2)]
    [InlineData("deep", 0.0)]
    [InlineData("deep", 0.5)]
    [InlineData("cnn", 0.0)]
    [InlineData("cnn", 0.3)]
    public void MnistModels_ExportWithBatch1_MatchOnnxRuntimeWithBatch64(string model, double dropout)
    {
        Tensor.ManualSeed(11);
        var net = MnistModels.Create(model, dropout);
        var example = Tensor.Randn(1, 1, 28, 28);
        var batch = Tensor.Randn(64, 1, 28, 28);
        OnnxRuntimeCheck.ExportAndCompare(net, example, batch, BatchAxis);
    }

    [Fact]
    public void FitNet_1_10_1_MatchesOnnxRuntime()
    {
        Tensor.ManualSeed(12);
        var net = new Net(1, 10, 1);
        OnnxRuntimeCheck.ExportAndCompare(net, Tensor.Linspace(-1, 1, 1).Unsqueeze(1), Tensor.Linspace(-1, 1, 100).Unsqueeze(1), BatchAxis);
    }

    [Fact]
    public void SineLiner_LinearThenFlatten01_MatchesOnnxRuntime()
    {
        Tensor.ManualSeed(15);
        var x = Tensor.Linspace(-Math.PI, Math.PI, 2000).Unsqueeze(-1);
        var features = x.Pow(Tensor.From(new[] { 1f, 2f, 3f }));
        OnnxRuntimeCheck.ExportAndCompare(new Liner(), features[..1], features, BatchAxis);
    }

    [Theory]
    [InlineData("mlp3", null)]
    [InlineData("cnn", "512")]
    public void MnistCommand_ExportOnnx_OnnxRuntimeAccuracyEqualsSharpGrads(string model, string? limitTrain)
    {
        string[] args = ["mnist", "--model", model, "--epochs", "1", "--quiet", "--export-onnx", "model.onnx"];
        if (limitTrain is not null) args = [.. args, "--limit-train", limitTrain, "--limit-test", "500"];
        var r = CliRunner.Run(args);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        using var metrics = JsonDocument.Parse(File.ReadAllText(r.File("metrics.json")));
        long correct = metrics.RootElement.GetProperty("test_correct").GetInt64();
        int count = metrics.RootElement.GetProperty("test_samples").GetInt32();
        Assert.True(File.Exists(r.File("model.safetensors")));

        var test = MNIST.Embedded(train: false, transform: new Compose(new ToTensor(), new Normalize([0.1307], [0.3081])));
        var (x, y) = new Data.DataLoader(test, count).First();
        var logits = OnnxRuntimeCheck.Run(File.ReadAllBytes(r.File("model.onnx")), ("input", x))[0];
        Assert.Equal([count, 10], logits.Shape);
        var predicted = Tensor.From(logits.Values).View(count, 10).Argmax(1);
        Assert.Equal(correct, predicted.Eq(y).Sum().Item<long>());
    }

    [Fact]
    public void MnistCommand_ExportOnnxWithoutAFileName_IsAUsageError()
    {
        var r = CliRunner.Run(["mnist", "--epochs", "1", "--quiet", "--export-onnx", "onnx/"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--export-onnx", r.Error);
    }

    [Fact]
    public void MnistCommand_ExportOnnxIntoASubfolder_CreatesIt()
    {
        var r = CliRunner.Run(["mnist", "--epochs", "1", "--limit-train", "64", "--limit-test", "64", "--quiet", "--export-onnx", "onnx/digits.onnx"]);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        Assert.True(new FileInfo(r.File("onnx/digits.onnx")).Length > 0);
    }
}
