using System.CommandLine;
using System.Diagnostics;

namespace SharpGrad.Cli.Infrastructure;

/// <summary>
/// The run skeleton the experiment commands share: <c>--seed</c>, <c>--out</c>, <c>--quiet</c> (and, for the training
/// commands, <c>--dashboard</c>, <c>--dashboard-keep</c>) added after the command's own options, and an action that times
/// the run, creates its context (and live dashboard), runs the command's body, then prints the summary and ends the
/// dashboard.
/// </summary>
internal static class Experiment
{
    /// <summary>
    /// Adds the common options (and the dashboard options when <paramref name="dashboard"/>) to <paramref name="command"/>
    /// and sets its action: start the clock, <paramref name="check"/> the options (a <see cref="UsageException"/> there
    /// leaves no run folder behind), begin run <paramref name="name"/>, start the dashboard if asked, run
    /// <paramref name="body"/>, <see cref="RunContext.Finish"/>, keep or stop the dashboard; exit code 0.
    /// </summary>
    public static Command SetRun(this Command command, string name, Action<ParseResult, RunContext, DashboardSession?> body,
        bool dashboard = false, Action<ParseResult>? check = null)
    {
        var common = new CommonOptions();
        common.AddTo(command);
        var live = dashboard ? new DashboardOptions() : null;
        live?.AddTo(command);
        command.SetAction(parse =>
        {
            var clock = Stopwatch.StartNew();
            check?.Invoke(parse);
            var run = common.Begin(parse, name);
            using var session = live?.Begin(parse);
            body(parse, run, session);
            run.Finish(clock);
            session?.Finish();
            return 0;
        });
        return command;
    }
}
