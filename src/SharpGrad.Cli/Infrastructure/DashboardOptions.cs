using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using SharpGrad.Dashboard;

namespace SharpGrad.Cli.Infrastructure;

/// <summary>
/// The live-dashboard options of the training commands: <c>--dashboard [PORT]</c> (visdom's page, served by this process)
/// and <c>--dashboard-keep SECONDS</c>. One instance per command, attached with <see cref="AddTo"/>; <see cref="Begin"/>
/// starts the server (or returns null when <c>--dashboard</c> is absent).
/// </summary>
internal sealed class DashboardOptions
{
    /// <summary><c>--dashboard [PORT]</c>: null when absent, <see cref="Visdom.DefaultPort"/> (8097) without a value.</summary>
    public Option<int?> Port { get; } = new("--dashboard")
    {
        Description = $"Serve a live dashboard (visdom's page, no Python) at http://127.0.0.1:PORT/ while training. PORT is optional " +
            $"(default {Visdom.DefaultPort}, visdom's); 0 picks any free port, a busy port moves to the next free one; the URL is printed",
        HelpName = "PORT",
        Arity = ArgumentArity.ZeroOrOne,
        CustomParser = ParsePort,
    };

    /// <summary><c>--dashboard-keep SECONDS</c>: how long the page stays up after training; null for the default behaviour.</summary>
    public Option<double?> Keep { get; } = new("--dashboard-keep")
    {
        Description = "With --dashboard: keep serving the page this many seconds after training, then exit (0: stop at once). " +
            "Default: on a terminal, wait for Enter; with redirected input or output (scripts, CI), stop at once",
        HelpName = "SECONDS",
        CustomParser = ParseKeep,
    };

    /// <summary>Adds the two options to <paramref name="command"/>.</summary>
    public Command AddTo(Command command)
    {
        command.Options.Add(Port);
        command.Options.Add(Keep);
        return command;
    }

    /// <summary>
    /// Starts the dashboard when <c>--dashboard</c> was given and prints its URL (always, also under <c>--quiet</c>);
    /// null otherwise. <c>--dashboard-keep</c> without <c>--dashboard</c> is a usage error.
    /// </summary>
    public DashboardSession? Begin(ParseResult parse)
    {
        int? port = parse.GetValue(Port);
        double? keep = parse.GetValue(Keep);
        if (port is null)
        {
            if (keep is not null) throw new UsageException("--dashboard-keep needs --dashboard");
            return null;
        }
        return DashboardSession.Start(port.Value, keep);
    }

    private static int? ParsePort(ArgumentResult r)
    {
        if (r.Tokens.Count == 0) return Visdom.DefaultPort;
        string text = r.Tokens[^1].Value;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v is >= 0 and <= 65535) return v;
        r.AddError($"--dashboard expects a port number in 0..65535 (0: any free port), got '{text}'");
        return null;
    }

    private static double? ParseKeep(ArgumentResult r)
    {
        string text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= 0 && double.IsFinite(v)) return v;
        r.AddError($"--dashboard-keep expects a number of seconds of at least 0, got '{text}'");
        return null;
    }
}
