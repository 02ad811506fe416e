using System.Runtime.InteropServices;

namespace SharpGrad.Cli.Infrastructure;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM during a run: the first asks the run to stop after the current step and write what
/// exists (metrics with <c>"interrupted": true</c>, history, plots, the last model), then the tool exits with 130; a
/// second one exits at once. Training loops poll <see cref="Requested"/> (through <see cref="RunContext.Interrupted"/>).
/// </summary>
internal static class Interruption
{
    /// <summary>The exit code of an interrupted run (128 + SIGINT, what shells report for Ctrl-C).</summary>
    public const int ExitCode = 130;

    private static int s_signals;
    private static PosixSignalRegistration[]? s_registrations;

    /// <summary>True once a first SIGINT or SIGTERM arrived.</summary>
    public static bool Requested => Volatile.Read(ref s_signals) > 0;

    /// <summary>Takes over SIGINT and SIGTERM for this process (the tool's entry point calls it; in-process tests do not).</summary>
    public static void Install()
    {
        if (s_registrations is not null || OperatingSystem.IsBrowser()) return;
        s_registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];
    }

    private static void OnSignal(PosixSignalContext context)
    {
        string name = context.Signal == PosixSignal.SIGINT ? "Ctrl-C" : "SIGTERM";
        if (Interlocked.Increment(ref s_signals) == 1)
        {
            context.Cancel = true;
            Console.Error.WriteLine($"sharpgrad: interrupted ({name}): finishing the current step and writing what exists; press Ctrl-C again to exit at once");
            return;
        }
        Console.Error.WriteLine($"sharpgrad: interrupted again ({name}): exiting now");
        Environment.Exit(ExitCode);
    }
}
