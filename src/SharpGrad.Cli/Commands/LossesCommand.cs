using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using SharpGrad.Cli.Infrastructure;
using SharpGrad.NN;

namespace SharpGrad.Cli.Commands;

/// <summary>
/// <c>sharpgrad losses</c>: the entropy demo of course 001 ("交叉熵"): -(p * log2 p).sum() of three
/// distributions over four outcomes; the more certain the distribution, the lower its entropy
/// (2.0000, 1.3568 and 0.0313 bits). Then the loss demo of course 003 ("损失函数与优化器"):
/// L1Loss and MSELoss with reduction="sum" of y_pred = [1, 2, 3] against y = [1, 2, 5] (2 and 4).
/// </summary>
internal static class LossesCommand
{
    /// <summary>The three distributions of the course, each summing to 1.</summary>
    internal static readonly float[][] Distributions =
    [
        [0.25f, 0.25f, 0.25f, 0.25f],
        [0.1f, 0.1f, 0.1f, 0.7f],
        [0.001f, 0.001f, 0.001f, 0.999f],
    ];

    /// <summary>Builds the command (the common options only: the demo has no randomness, --seed is recorded).</summary>
    public static Command Create()
    {
        var common = new CommonOptions();
        var command = new Command("losses",
            "Entropy -(p * log2 p).sum() of three distributions (course 001), L1 and MSE losses with reduction=\"sum\" (course 003)");
        common.AddTo(command);
        command.SetAction(parse =>
        {
            var clock = Stopwatch.StartNew();
            var run = common.Begin(parse, "losses");
            run.Markup("[bold]Entropy[/] -(p * log2 p).sum(): the more certain the distribution, the lower the entropy");
            var table = new Table().AddColumn("p").AddColumn(new TableColumn("entropy (bits)").RightAligned());
            for (int i = 0; i < Distributions.Length; i++)
            {
                var p = Distributions[i];
                double h = Entropy(Tensor.From(p)).Item();
                table.AddRow($"[[{string.Join(", ", p.Select(v => v.ToString(CultureInfo.InvariantCulture)))}]]", h.ToString("F4", CultureInfo.InvariantCulture));
                run.Metric($"entropy_{i + 1}", Math.Round(h, 6));
            }
            if (!run.Quiet) AnsiConsole.Console.Write(table);

            var (l1, mse) = CourseLosses();
            run.Markup("[bold]Losses[/] of y_pred = [[1, 2, 3]] against y = [[1, 2, 5]]");
            run.Log($"L1Loss(reduction=\"sum\")  = {l1.ToString("F4", CultureInfo.InvariantCulture)}   (|1-1| + |2-2| + |3-5|)");
            run.Log($"MSELoss(reduction=\"sum\") = {mse.ToString("F4", CultureInfo.InvariantCulture)}   ((1-1)^2 + (2-2)^2 + (3-5)^2)");
            run.Metric("l1_sum", l1);
            run.Metric("mse_sum", mse);
            run.Finish(clock);
            return 0;
        });
        return command;
    }

    /// <summary>Entropy in bits of a probability vector, as the course writes it: <c>-(p * torch.log2(p)).sum()</c>.</summary>
    internal static Tensor Entropy(Tensor p) => -(p * p.Log2()).Sum();

    /// <summary>Course 003's loss demo: <c>L1Loss(reduction="sum")</c> and <c>MSELoss(reduction="sum")</c>.</summary>
    internal static (double L1, double Mse) CourseLosses()
    {
        var yPred = Tensor.From(new[] { 1f, 2f, 3f });
        var y = Tensor.From(new[] { 1f, 2f, 5f });
        return (new L1Loss("sum").Forward(yPred, y).Item(), new MSELoss("sum").Forward(yPred, y).Item());
    }
}
