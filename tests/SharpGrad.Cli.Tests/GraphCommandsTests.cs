using SharpGrad.Cli.Commands.Backprop;

namespace SharpGrad.Cli.Tests;

/// <summary>End-to-end runs of <c>sharpgrad graph</c> and <c>sharpgrad backprop</c>, and the expression parser behind --expr.</summary>
[Collection("cli")]
public sealed class GraphCommandsTests
{
    private static void AssertUsageError(CliResult r, params string[] mentions) => SmallCommandsTests.AssertUsageError(r, mentions);

    [Theory]
    [InlineData("mlp3", "model.0.weight", "AddmmBackward0")]
    [InlineData("cnn", "model.0.weight", "ConvolutionBackward0")]
    [InlineData("tinynet", "W_conv1", "MaxPool2DWithIndicesBackward0")]
    [InlineData("fit", "hidden.weight", "ReluBackward0")]
    public void Graph_WritesTheSvgAndTheDotOfEachModel(string model, string parameter, string function)
    {
        var r = CliRunner.Run(["graph", "--model", model, "--quiet"]);
        Assert.Equal(0, r.ExitCode);
        string svg = File.ReadAllText(r.File("graph.svg"));
        string dot = File.ReadAllText(r.File("graph.dot"));
        Assert.StartsWith("<svg", svg);
        Assert.Contains($">{parameter}<", svg);
        Assert.Contains($">{function}<", svg);
        Assert.StartsWith("digraph {", dot);
        Assert.Contains($"label=\"{parameter}\\n", dot);
        Assert.Contains("label=\"loss\\n()\" fillcolor=darkolivegreen1", dot);
        Assert.Contains("\"nodes\":", File.ReadAllText(r.File("metrics.json")));
    }

    [Fact]
    public void Graph_RejectsAnUnknownModel() =>
        AssertUsageError(CliRunner.Run(["graph", "--model", "resnet"], withOut: false), "--model", "resnet");

    [Fact]
    public void Backprop_Default_TracesTheCoursesNetAndWritesTheSteppingPage()
    {
        var r = CliRunner.Run(["backprop"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("| step | node", r.Output);
        Assert.Contains("AccumulateGrad (hidden.weight)", r.Output);
        Assert.Contains("hidden.weight.grad += grad", r.Output);
        string html = File.ReadAllText(r.File("backprop.html"));
        Assert.Contains("<button id=\"next\"", html);
        Assert.Contains("id=\"trace-data\"", html);
        Assert.Contains("<svg", html);
        Assert.Equal(File.ReadAllText(r.File("trace.txt")), r.Output[r.Output.IndexOf("+------", StringComparison.Ordinal)..][..File.ReadAllText(r.File("trace.txt")).Length]);
        Assert.True(File.Exists(r.File("graph.svg")) && File.Exists(r.File("graph.dot")));
    }

    [Fact]
    public void Backprop_Expression_GivesTheHandDerivedGradients()
    {
        var r = CliRunner.Run(["backprop", "--expr", "a*b + c", "--values", "a=2,b=-3,c=10"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("d(a*b + c)/da = -3", r.Output);
        Assert.Contains("d(a*b + c)/db = 2", r.Output);
        Assert.Contains("d(a*b + c)/dc = 1", r.Output);
        Assert.Contains("MulBackward0", r.Output);
        Assert.Contains("grad_a = grad * b", r.Output);
    }

    [Fact]
    public void Backprop_RejectsBadExpressionsAndValues()
    {
        AssertUsageError(CliRunner.Run(["backprop", "--expr", "a*(b + c"], withOut: false), "--expr", "missing ')'");
        AssertUsageError(CliRunner.Run(["backprop", "--expr", "2 + 3"], withOut: false), "--expr", "no variable");
        AssertUsageError(CliRunner.Run(["backprop", "--expr", "a*b", "--values", "z=1"], withOut: false), "--values", "'z'");
        AssertUsageError(CliRunner.Run(["backprop", "--expr", "a*b", "--values", "a=x"], withOut: false), "--values", "a=x");
        AssertUsageError(CliRunner.Run(["backprop", "--values", "a=1"], withOut: false), "--values needs --expr");
    }

    [Theory]
    [InlineData("a*b + c", 2 * -3 + 10.0)]
    [InlineData("a - b - c", 2 + 3 - 10.0)]
    [InlineData("a / b * c", 2.0 / -3 * 10)]
    [InlineData("-a^2", -4.0)]
    [InlineData("a ** 3 ** 0.5", 3.3219970854839125)]      // right-associative: 2 ** (3 ** 0.5)
    [InlineData("2*(a + 1.5e1)", 34.0)]
    [InlineData("tanh(a) + exp(b) * relu(c) - sigmoid(0)", 0.9640275800758169 + 0.049787068367863944 * 10 - 0.5)]
    public void ExpressionParser_FollowsTheUsualPrecedence(string text, double expected)
    {
        var values = new Dictionary<string, double> { ["a"] = 2, ["b"] = -3, ["c"] = 10 };
        var result = ExpressionParser.Evaluate(text, name => Tensor.From(values[name], DType.Float64, requiresGrad: true));
        Assert.Equal(expected, result.Item(), 12);
    }

    [Fact]
    public void ExpressionParser_BuildsPyTorchsNodes()
    {
        var leaves = new Dictionary<string, Tensor>();
        Tensor Leaf(string n) => leaves.TryGetValue(n, out var t) ? t : leaves[n] = Tensor.From(1.0, DType.Float64, requiresGrad: true);
        Assert.Equal("PowBackward0", ExpressionParser.Evaluate("x^2", Leaf).GradFn!.Name);
        Assert.Equal("PowBackward1", ExpressionParser.Evaluate("x^y", Leaf).GradFn!.Name);
        Assert.Equal("SubBackward0", ExpressionParser.Evaluate("1 - x", Leaf).GradFn!.Name);
        Assert.Equal("NegBackward0", ExpressionParser.Evaluate("-x", Leaf).GradFn!.Name);
        Assert.Equal(["x", "y"], ExpressionParser.Variables("x*y + sin(x)"));
    }
}
