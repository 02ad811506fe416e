using Spectre.Console;
using SharpGrad.Dashboard;

namespace SharpGrad.Cli.Infrastructure;

/// <summary>
/// One command's live dashboard: the <see cref="Visdom"/> server started by <c>--dashboard</c>, its URL printed when it
/// starts, and the end of its life: <see cref="Finish"/> keeps the page up after training (for <c>--dashboard-keep</c>
/// seconds, or until Enter on a terminal) and then stops it. Disposing stops it at once (e.g. after an error).
/// </summary>
internal sealed class DashboardSession : IDisposable
{
    private readonly double? _keepSeconds;

    private DashboardSession(Visdom visdom, double? keepSeconds)
    {
        Visdom = visdom;
        _keepSeconds = keepSeconds;
    }

    /// <summary>
    /// Raised by <see cref="Finish"/> after training, once every update is rendered and before the keep-alive wait: the
    /// running dashboard, still serving. The hook tests use to fetch the page; handlers run on the training thread.
    /// </summary>
    internal static event Action<Visdom>? Serving;

    /// <summary>The running dashboard.</summary>
    public Visdom Visdom { get; }

    /// <summary>The page's address.</summary>
    public string Url => Visdom.Url;

    /// <summary>Starts the server on <paramref name="port"/> (the next free one when busy) and prints its URL.</summary>
    public static DashboardSession Start(int port, double? keepSeconds)
    {
        var visdom = Visdom.Start(port);
        string note = visdom.PortWasBusy ? $" (port {port} is busy)" : "";
        AnsiConsole.Console.WriteLine($"dashboard: {visdom.Url}{note}");
        return new DashboardSession(visdom, keepSeconds);
    }

    /// <summary>
    /// After training: waits until the last updates are on the page, then keeps serving for <c>--dashboard-keep</c>
    /// seconds, or (without it) until Enter when both input and output are a terminal, and stops the server.
    /// </summary>
    public void Finish()
    {
        Visdom.FlushAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
        Serving?.Invoke(Visdom);
        if (_keepSeconds is double seconds)
        {
            if (seconds > 0)
            {
                AnsiConsole.Console.WriteLine($"dashboard at {Url} for {seconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} more seconds");
                Thread.Sleep(TimeSpan.FromSeconds(seconds));
            }
        }
        else if (!Console.IsInputRedirected && !Console.IsOutputRedirected)
        {
            AnsiConsole.Console.WriteLine($"dashboard at {Url} — press Enter to stop");
            Console.ReadLine();
        }
        Dispose();
    }

    /// <summary>Stops the server.</summary>
    public void Dispose() => Visdom.Dispose();
}
