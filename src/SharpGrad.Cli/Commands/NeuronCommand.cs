using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Spectre.Console;
using SharpGrad.Cli.Infrastructure;

namespace SharpGrad.Cli.Commands;

/// <summary>
/// <c>sharpgrad neuron</c>: the M-P neuron of course 004 ("认识 M-P 神经元"): y = f(w · x − θ) with the step
/// f(z) = 1 if z &gt; 0 else 0 (the course's answer, <c>np.where(x &gt; 0, 1, 0)</c>). With the course's weights it
/// computes logical OR (w = [1, 1], θ = 0.5) and AND (w = [0.5, 0.5], θ = 0.5). <c>--weights</c> and
/// <c>--threshold</c> try other values; the tool says which logic function they compute.
/// </summary>
internal static class NeuronCommand
{
    /// <summary>A neuron: weights and threshold (the course's bias b is −θ).</summary>
    internal sealed record Neuron(string Name, double[] Weights, double Threshold);

    /// <summary>The course's two neurons.</summary>
    internal static readonly Neuron[] CourseNeurons =
    [
        new("OR", [1, 1], 0.5),
        new("AND", [0.5, 0.5], 0.5),
    ];

    /// <summary>Every 0/1 input combination for <paramref name="n"/> inputs, in counting order: [2^n, n] (float64).</summary>
    internal static Tensor Inputs(int n)
    {
        var x = new double[1 << n, n];
        for (int row = 0; row < 1 << n; row++)
            for (int j = 0; j < n; j++)
                x[row, j] = (row >> (n - 1 - j)) & 1;
        return Tensor.From(x);
    }

    /// <summary>The neuron's outputs for the rows of <paramref name="x"/>: step(x @ w − θ), as 0/1 integers.</summary>
    internal static long[] Outputs(Neuron neuron, Tensor x)
    {
        var w = Tensor.From(neuron.Weights, DType.Float64);
        var z = x.Mv(w) - neuron.Threshold;          // np.dot(x, w) + b, with b = -threshold
        return (z > 0).Long().ToArray<long>();       // f(z) = np.where(z > 0, 1, 0)
    }

    /// <summary>The name of the two-input logic function with this truth table (rows 00, 01, 10, 11), or null.</summary>
    internal static string? GateName(long[] y)
    {
        if (y.Length != 4) return y.All(v => v == 1) ? "constant 1" : y.All(v => v == 0) ? "constant 0" : null;
        return string.Concat(y) switch
        {
            "0001" => "AND",
            "0111" => "OR",
            "1110" => "NAND",
            "1000" => "NOR",
            "0110" => "XOR",
            "1001" => "XNOR",
            "0000" => "constant 0",
            "1111" => "constant 1",
            "0011" => "A (copies the first input)",
            "0101" => "B (copies the second input)",
            "1100" => "NOT A",
            "1010" => "NOT B",
            "0010" => "A AND NOT B",
            "0100" => "NOT A AND B",
            "1011" => "A OR NOT B",
            "1101" => "NOT A OR B",
            _ => null,
        };
    }

    /// <summary>Builds the command with --weights, --threshold and the common options.</summary>
    public static Command Create()
    {
        var weights = CliLists.Numbers("--weights", "Your own weights, one per input (e.g. 1,1); tries this neuron instead of the course's OR and AND");
        var threshold = new Option<double?>("--threshold")
        {
            Description = "Your own threshold θ (the neuron fires when w · x > θ; default 0.5 with --weights)",
            CustomParser = r =>
            {
                string text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)) return v;
                r.AddError($"--threshold expects a number, got '{text}'");
                return null;
            },
        };
        var common = new CommonOptions();
        var command = new Command("neuron", "The M-P neuron y = step(w · x - θ) computing OR and AND, or your own weights (course 004)")
        {
            weights, threshold,
        };
        common.AddTo(command);
        command.SetAction(parse =>
        {
            var clock = Stopwatch.StartNew();
            double[]? w = CliLists.Given(parse, weights);
            double? theta = parse.GetValue(threshold);
            if (w is { Length: > 12 })
                throw new UsageException($"--weights: at most 12 inputs (2^12 rows), got {w.Length}");
            var run = common.Begin(parse, "neuron");
            var neurons = w is null && theta is null
                ? CourseNeurons
                : [new Neuron("yours", w ?? [1, 1], theta ?? 0.5)];

            run.Markup("[bold]M-P neuron[/] y = f(w · x - θ), f(z) = 1 if z > 0 else 0");
            var csv = new StringBuilder("neuron,inputs,output\n");
            foreach (var neuron in neurons)
            {
                int n = neuron.Weights.Length;
                var x = Inputs(n);
                var y = Outputs(neuron, x);
                var rows = x.ToArray<double>();
                string? gate = GateName(y);
                string title = neuron.Name == "yours" ? $"your neuron ({gate ?? "no named logic function"})" : neuron.Name;
                run.Log("");
                run.Log($"{title}: w = [{CliLists.Format(neuron.Weights)}], θ = {Num(neuron.Threshold)} (b = {Num(-neuron.Threshold)})");
                var table = new Table().AddColumn("inputs").AddColumn(new TableColumn("w · x - θ").RightAligned()).AddColumn(new TableColumn("output").RightAligned());
                for (int r = 0; r < y.Length; r++)
                {
                    var bits = rows.Skip(r * n).Take(n).Select(v => ((int)v).ToString(CultureInfo.InvariantCulture)).ToArray();
                    double z = bits.Select((b, j) => (b == "1" ? 1 : 0) * neuron.Weights[j]).Sum() - neuron.Threshold;
                    table.AddRow(string.Join(" ", bits), Num(z), y[r].ToString(CultureInfo.InvariantCulture));
                    csv.Append($"{neuron.Name},{string.Join(" ", bits)},{y[r]}\n");
                }
                if (!run.Quiet) AnsiConsole.Console.Write(table);
                if (neuron.Name == "yours")
                {
                    run.Metric("function", gate ?? "none");
                }
                else
                {
                    bool ok = gate == neuron.Name;
                    run.Log(ok ? $"matches the truth table of {neuron.Name}" : $"does NOT match {neuron.Name} (computes {gate ?? "something else"})");
                    run.Metric($"{neuron.Name} correct", ok);
                }
            }
            run.SaveText("truth_tables.csv", csv.ToString());
            run.Finish(clock);
            return 0;
        });
        return command;
    }

    private static string Num(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
}
