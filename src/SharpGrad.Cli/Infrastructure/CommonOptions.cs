using System.CommandLine;

namespace SharpGrad.Cli.Infrastructure;

/// <summary>
/// The options every experiment takes: <c>--seed</c>, <c>--out</c> and <c>--quiet</c>. One instance per
/// command, attached with <see cref="AddTo"/> and turned into a <see cref="RunContext"/> when the command runs.
/// </summary>
internal sealed class CommonOptions
{
    /// <summary>Seed of SharpGrad's global generator (<c>torch.manual_seed</c>).</summary>
    public Option<long> Seed { get; }

    /// <summary>Folder for the run's outputs; default <c>runs/&lt;command&gt;-&lt;timestamp&gt;</c>.</summary>
    public Option<string?> Out { get; } = new("--out")
    {
        Description = "Folder for the outputs (metrics.json, history.csv, plots, model); default runs/<command>-<timestamp>",
    };

    /// <summary>No progress bars and no per-step log lines; the summary is still printed.</summary>
    public Option<bool> Quiet { get; } = new("--quiet", "-q")
    {
        Description = "Print only the summary: no progress bars, no per-epoch log lines",
    };

    /// <summary>Creates the options with the given default seed.</summary>
    public CommonOptions(long defaultSeed = 0)
        => Seed = CliOptions.Long("--seed", "Seed of the random numbers (Tensor.ManualSeed); same seed, same run", defaultSeed);

    /// <summary>Adds the three options to <paramref name="command"/>.</summary>
    public Command AddTo(Command command)
    {
        command.Options.Add(Seed);
        command.Options.Add(Out);
        command.Options.Add(Quiet);
        return command;
    }

    /// <summary>Seeds the generator, creates the output folder and returns the run's context.</summary>
    public RunContext Begin(ParseResult parse, string command)
    {
        long seed = parse.GetValue(Seed);
        Tensor.ManualSeed(seed);
        string folder = parse.GetValue(Out) ?? Path.Combine("runs", $"{command}-{DateTime.Now:yyyyMMdd-HHmmss}");
        if (string.IsNullOrWhiteSpace(folder)) throw new UsageException("--out: the folder name is empty");
        try
        {
            return new RunContext(command, Path.GetFullPath(folder), seed, parse.GetValue(Quiet));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // A folder that cannot be created is a bad --out (exit code 2), not a failed run.
            throw new UsageException($"--out: cannot create the output folder '{folder}': {ex.Message}");
        }
    }
}
