using System.CommandLine;
using Spectre.Console;

namespace SharpGrad.Cli.Commands;

/// <summary>
/// <c>sharpgrad losses</c>: the entropy demo of course 001 ("交叉熵"): -(p * log2 p).sum() of three
/// distributions over four outcomes; the more certain the distribution, the lower its entropy
/// (2.0000, 1.3568 and 0.0313 bits).
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

    /// <summary>Builds the command (no options).</summary>
    public static Command Create()
    {
        var command = new Command("losses", "Entropy -(p * log2 p).sum() of three distributions (course 001)");
        command.SetAction(_ =>
        {
            var table = new Table().AddColumn("p").AddColumn(new TableColumn("entropy (bits)").RightAligned());
            foreach (var p in Distributions)
                table.AddRow($"[[{string.Join(", ", p)}]]", $"{Entropy(Tensor.From(p)).Item():F4}");
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    /// <summary>Entropy in bits of a probability vector, as the course writes it: <c>-(p * torch.log2(p)).sum()</c>.</summary>
    internal static Tensor Entropy(Tensor p) => -(p * p.Log2()).Sum();
}
