using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using Spectre.Console;
using SharpGrad.Cli.Commands;
using SharpGrad.Cli.Infrastructure;

namespace SharpGrad.Cli;

/// <summary>Entry point of the <c>sharpgrad</c> tool: one subcommand per course experiment.</summary>
internal static class Program
{
    /// <summary>Exit code for a command line that does not parse (unknown command or option, bad value).</summary>
    private const int UsageError = 2;

    /// <summary>Exit code for a run that the library rejected (an invalid argument reached an op).</summary>
    private const int RunError = 1;

    private static int Main(string[] args)
    {
        Interruption.Install();
        return Run(args);
    }

    /// <summary>Parses and runs one command line; returns the exit code (0 ok, 1 run error, 2 usage error). Tests call this.</summary>
    internal static int Run(string[] args)
    {
        // Numbers are printed the same way on every machine, whatever its locale.
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

        // Redirected output (a log file, CI) gets no escape codes and no wrapping at 80 columns.
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Capabilities.Ansi = false;
            AnsiConsole.Profile.Width = 200;
        }

        var parse = BuildRoot().Parse(args);
        if (parse.Errors.Count > 0)
        {
            Console.Error.WriteLine($"sharpgrad: {parse.Errors[0].Message} (see 'sharpgrad --help')");
            return UsageError;
        }
        try
        {
            int code = parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
            return Interruption.Requested ? Interruption.ExitCode : code;
        }
        catch (UsageException ex)
        {
            Console.Error.WriteLine($"sharpgrad: {ex.Message}");
            return UsageError;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"sharpgrad: {ex.Message}");
            return Interruption.Requested ? Interruption.ExitCode : RunError;
        }
    }

    /// <summary>
    /// The root command with every experiment; without a subcommand it prints the help. It is a plain
    /// command named "sharpgrad" rather than a RootCommand, which would take its name from the assembly.
    /// </summary>
    private static Command BuildRoot()
    {
        var root = new Command("sharpgrad", "The experiments of the SharpGrad course, run with the SharpGrad library")
        {
            new HelpOption(),
            new VersionOption(),
            Commands.Sine.SineCommand.Create(),
            LossesCommand.Create(),
            ActivationsCommand.Create(),
            NeuronCommand.Create(),
            MetricsCommand.Create(),
            SplitCommand.Create(),
            RegressionCommand.Create(),
            ClassifyCommand.Create(),
            Commands.Fit.FitCommand.Create(),
            MnistCommand.Create(),
            TinyNetCommand.Create(),
            DescentCommand.Create(),
            GraphCommand.Create(),
            Commands.Backprop.BackpropCommand.Create(),
        };
        root.SetAction(parse =>
        {
            new HelpAction().Invoke(parse);
            return 0;
        });
        return root;
    }
}
