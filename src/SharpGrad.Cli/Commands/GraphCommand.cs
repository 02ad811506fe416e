using System.CommandLine;
using System.Diagnostics;
using SharpGrad.Cli.Commands.Mnist;
using SharpGrad.Cli.Infrastructure;
using SharpGrad.Graph;
using SharpGrad.NN;
using SharpGrad.NN.Manual;
using SharpGrad.Plotting;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.Cli.Commands;

/// <summary>
/// <c>sharpgrad graph</c>: draws the autograd graph of one of the course's models, from the input batch to the loss
/// (torchviz's <c>make_dot(loss, params=dict(model.named_parameters()))</c> without Graphviz): graph.svg drawn by
/// SharpGrad's Plotting and graph.dot for Graphviz users.
/// </summary>
internal static class GraphCommand
{
    /// <summary>The accepted <c>--model</c> values.</summary>
    public static readonly string[] Models = ["mlp3", "cnn", "tinynet", "fit"];

    /// <summary>Builds the command with --model, --batch and the common options.</summary>
    public static Command Create()
    {
        var model = CliOptions.Choice("--model", "The model whose loss is drawn", "mlp3", Models);
        var batch = CliOptions.Int("--batch", "Batch size of the random input (default 2); it changes only the shapes", 2);
        var common = new CommonOptions();
        var command = new Command("graph", "Draw a model's autograd graph, from the parameters to the loss (graph.svg, graph.dot)")
        {
            model, batch,
        };
        common.AddTo(command);
        command.SetAction(parse =>
        {
            var run = common.Begin(parse, "graph");
            return Execute(run, parse.GetValue(model)!, parse.GetValue(batch));
        });
        return command;
    }

    /// <summary>The loss of <paramref name="model"/> on a random batch, and the names of its parameters.</summary>
    internal static (Tensor Loss, List<(string Name, Tensor Tensor)> Names, string Description) Loss(string model, int batch)
    {
        switch (model)
        {
            case "tinynet":
            {
                var net = TinyNet.Random();
                var leaves = net.Parameters.Select(p => p.Clone().RequiresGrad_()).ToArray();
                var x = Tensor.Randn(batch, 3, 8, 8);
                var t = Tensor.Randint(0, 10, [batch]);
                var names = TinyNet.ParameterNames.Zip(leaves, (n, p) => (n, p)).ToList();
                return (TinyNetCommand.AutogradLoss(x, t, leaves), names, "TinyNet (course 004) on a random (B, 3, 8, 8) batch, cross-entropy loss");
            }
            case "fit":
            {
                var net = new Fit.Net(1, 10, 1);
                var x = Tensor.Linspace(-1, 1, batch).Unsqueeze(1);
                var y = x.Pow(2) + 0.2 * Tensor.Rand(x.Shape);
                return (new MSELoss().Forward(net.Forward(x), y), Named(net), "the 1-10-1 net of course 002, MSE loss");
            }
            default:
            {
                var net = MnistModels.Create(model, 0);
                var x = Tensor.Randn(batch, 1, 28, 28);
                var t = Tensor.Randint(0, 10, [batch]);
                string what = model == "cnn" ? "the CNN of course 003" : "the 784-200-200-10 MLP of course 001";
                return (F.CrossEntropy(net.Forward(x), t), Named(net), $"{what} on a random (B, 1, 28, 28) batch, cross-entropy loss");
            }
        }
    }

    private static List<(string, Tensor)> Named(Module net) => net.NamedParameters().Select(p => (p.Name, (Tensor)p.Parameter)).ToList();

    private static int Execute(RunContext run, string model, int batch)
    {
        var clock = Stopwatch.StartNew();
        var (loss, names, description) = Loss(model, batch);
        names.Add(("loss", loss));
        var graph = Autograd.Graph(loss, names);
        run.Markup($"[bold]graph[/] of {description}, batch {batch}");
        graph.SaveSvg(run.PathOf("graph.svg"));
        graph.SaveDot(run.PathOf("graph.dot"));
        var functions = graph.Nodes.Where(n => n.Kind == GraphNodeKind.Function).GroupBy(n => n.Name)
            .Select(g => g.Count() == 1 ? g.Key : $"{g.Key} x{g.Count()}");
        run.Log($"{graph.Nodes.Count} nodes, {graph.Edges.Count} edges: {string.Join(", ", functions)}");
        run.Log($"wrote {run.PathOf("graph.svg")} and graph.dot (render the latter with Graphviz: dot -Tpng graph.dot -o graph.png)");
        run.Metric("model", model);
        run.Metric("nodes", graph.Nodes.Count);
        run.Metric("edges", graph.Edges.Count);
        run.Finish(clock);
        return 0;
    }
}
