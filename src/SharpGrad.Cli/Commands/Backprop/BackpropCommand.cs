using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using SharpGrad.Cli.Infrastructure;
using SharpGrad.Graph;
using SharpGrad.NN;
using SharpGrad.Plotting;

namespace SharpGrad.Cli.Commands.Backprop;

/// <summary>
/// <c>sharpgrad backprop</c>: backpropagation step by step (course 004's computation graph, 计算图). Traces one backward
/// pass with <see cref="Autograd.Trace(Tensor, Tensor?, bool)"/>, prints the table (node, incoming gradient, local rule,
/// outgoing gradients) and writes backprop.html, a page that steps through the pass over the drawn graph, plus
/// trace.txt, graph.svg and graph.dot. By default the course's 1-10-1 net (course 002) on 3 points with the MSE loss;
/// with <c>--expr</c> a scalar expression of named variables.
/// </summary>
internal static class BackpropCommand
{
    /// <summary>Builds the command with --expr, --values and the common options.</summary>
    public static Command Create()
    {
        var expr = new Option<string?>("--expr")
        {
            Description = "A scalar expression to trace instead of the 1-10-1 net, e.g. \"a*b + c\" or \"tanh(w*x + b)^2\" " +
                          $"(+ - * / ^, parentheses, numbers, variables; functions {string.Join(", ", ExpressionParser.Functions)})",
        };
        var values = CliLists.Words("--values", "Values of the expression's variables, e.g. a=2,b=-3,c=10 (default: random, rounded to 0.1)");
        var common = new CommonOptions();
        var command = new Command("backprop",
            "Backpropagation step by step: trace a backward pass node by node and write a page that steps through it (course 004)")
        {
            expr, values,
        };
        common.AddTo(command);
        command.SetAction(parse =>
        {
            string? text = parse.GetValue(expr);
            var given = ParseValues(CliLists.Given(parse, values));
            if (text is null && given.Count > 0) throw new UsageException("--values needs --expr (the 1-10-1 net has no named variables)");
            var run = common.Begin(parse, "backprop");
            return text is null ? Net(run) : Expression(run, text, given);
        });
        return command;
    }

    /// <summary>The course's 1-10-1 net on 3 points of y = x² + noise, MSE loss.</summary>
    private static int Net(RunContext run)
    {
        var clock = Stopwatch.StartNew();
        var x = Tensor.Linspace(-1, 1, 3).Unsqueeze(1);
        var y = x.Pow(2) + 0.2 * Tensor.Rand(x.Shape);
        var net = new Fit.Net(1, 10, 1);
        var loss = new MSELoss().Forward(net.Forward(x), y);
        run.Markup("[bold]backprop[/]: the 1-10-1 net of course 002 on 3 points, loss = MSELoss(net(x), y)");
        run.Log($"x = {Values(x)}, y = {Values(y)}, loss = {BackwardTrace.Num(loss.Item())}");
        var names = net.NamedParameters().Select(p => (p.Name, (Tensor)p.Parameter)).Append(("loss", loss));
        var trace = Autograd.Trace(loss, names);
        return Finish(run, clock, trace, "Backpropagation through the 1-10-1 net (course 002), step by step");
    }

    /// <summary>A scalar expression of named variables.</summary>
    private static int Expression(RunContext run, string text, Dictionary<string, double> given)
    {
        var clock = Stopwatch.StartNew();
        var names = ExpressionParser.Variables(text);
        if (names.Count == 0) throw new UsageException($"--expr: '{text}' has no variable, so nothing needs a gradient; use letters, as in a*b + c");
        foreach (var name in given.Keys)
            if (!names.Contains(name)) throw new UsageException($"--values: '{name}' is not a variable of '{text}' (its variables: {string.Join(", ", names)})");
        var leaves = new Dictionary<string, Tensor>();
        foreach (var name in names)
        {
            double v = given.TryGetValue(name, out double g) ? g : Math.Round(Tensor.Randn(1).Item() * 20) / 10;
            leaves[name] = Tensor.From(v, DType.Float64, requiresGrad: true);
        }
        var output = ExpressionParser.Evaluate(text, name => leaves[name]);
        run.Markup($"[bold]backprop[/] of {Spectre.Console.Markup.Escape(text)}");
        run.Log(string.Join(", ", leaves.Select(p => $"{p.Key} = {BackwardTrace.Num(p.Value.Item())}")) + $"  ->  value {BackwardTrace.Num(output.Item())}");
        var trace = Autograd.Trace(output, leaves.Select(p => (p.Key, p.Value)).Append(("output", output)));
        foreach (var (name, leaf) in leaves)
        {
            run.Log($"d({text})/d{name} = {BackwardTrace.Num(leaf.Grad?.Item() ?? 0)}");
            run.Metric($"grad_{name}", leaf.Grad?.Item() ?? 0);
        }
        return Finish(run, clock, trace, $"Backpropagation through {text}, step by step");
    }

    private static int Finish(RunContext run, Stopwatch clock, BackwardTrace trace, string title)
    {
        string table = trace.ToString();
        if (!run.Quiet) Console.Write(table);
        run.SaveText("trace.txt", table);
        trace.Graph.SaveSvg(run.PathOf("graph.svg"));
        trace.Graph.SaveDot(run.PathOf("graph.dot"));
        trace.SaveHtml(run.PathOf("backprop.html"), title);
        run.Log($"{trace.Steps.Count} backward steps over {trace.Graph.Nodes.Count} nodes; open {run.PathOf("backprop.html")} in a browser and step with Prev / Next");
        run.Metric("steps", trace.Steps.Count);
        run.Metric("nodes", trace.Graph.Nodes.Count);
        run.Metric("edges", trace.Graph.Edges.Count);
        run.Finish(clock);
        return 0;
    }

    private static Dictionary<string, double> ParseValues(string[]? items)
    {
        var values = new Dictionary<string, double>();
        foreach (var item in items ?? [])
        {
            var parts = item.Split('=', 2);
            if (parts.Length != 2 || parts[0].Trim().Length == 0
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                throw new UsageException($"--values expects name=number pairs separated by commas (a=2,b=-3), got '{item}'");
            values[parts[0].Trim()] = v;
        }
        return values;
    }

    private static string Values(Tensor t) => "[" + string.Join(", ", t.Flatten().ToArray<double>().Select(BackwardTrace.Num)) + "]";
}
