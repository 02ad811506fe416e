using Spectre.Console;

namespace SharpGrad.Cli.Tests;

/// <summary>What one run of the tool printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Output, string Error, string OutDir)
{
    /// <summary>The full path of a file in the run's output folder.</summary>
    public string File(string name) => Path.Combine(OutDir, name);
}

/// <summary>
/// Runs the <c>sharpgrad</c> tool in-process with its console captured. The tool writes through the static
/// AnsiConsole and Console, so every test class that runs it belongs to the "cli" collection (no parallelism).
/// </summary>
public static class CliRunner
{
    private static readonly Lock Gate = new();

    /// <summary>
    /// Runs <c>sharpgrad args</c> with <c>--out</c> pointing to a fresh temporary folder (unless
    /// <paramref name="withOut"/> is false, for commands or errors that take no --out).
    /// </summary>
    public static CliResult Run(string[] args, bool withOut = true)
    {
        string outDir = Path.Combine(Path.GetTempPath(), "sharpgrad-cli-tests", Guid.NewGuid().ToString("N"));
        string[] full = withOut ? [.. args, "--out", outDir] : args;
        lock (Gate)
        {
            var output = new StringWriter();
            var error = new StringWriter();
            var previousConsole = AnsiConsole.Console;
            var previousError = Console.Error;
            var previousOut = Console.Out;
            try
            {
                AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
                {
                    Ansi = AnsiSupport.No,
                    ColorSystem = ColorSystemSupport.NoColors,
                    Interactive = InteractionSupport.No,
                    Out = new AnsiConsoleOutput(output),
                });
                AnsiConsole.Profile.Width = 200;
                Console.SetError(error);
                Console.SetOut(output);
                int code = Program.Run(full);
                return new CliResult(code, output.ToString(), error.ToString(), outDir);
            }
            finally
            {
                AnsiConsole.Console = previousConsole;
                Console.SetError(previousError);
                Console.SetOut(previousOut);
            }
        }
    }
}

/// <summary>The tests that run the tool share the process-wide console: they run one at a time.</summary>
[CollectionDefinition("cli", DisableParallelization = true)]
public sealed class CliCollection;
