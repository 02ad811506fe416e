using System.Diagnostics;
using System.Globalization;
using System.Text;
using Spectre.Console;
using SharpGrad.IO;

namespace SharpGrad.Cli.Infrastructure;

/// <summary>
/// One run of an experiment: its output folder (<c>runs/&lt;command&gt;-&lt;timestamp&gt;</c> or <c>--out</c>),
/// its seed, and the console conventions every command shares: course-style log lines (hidden by
/// <c>--quiet</c>), a progress bar with loss and speed on long loops (only on an interactive terminal),
/// and a summary table that is also written to <c>metrics.json</c>.
/// </summary>
internal sealed class RunContext
{
    private readonly Dictionary<string, object> _metrics = new(StringComparer.Ordinal);
    private readonly List<string> _failedOutputs = [];

    /// <summary>Creates the context and its output folder.</summary>
    public RunContext(string command, string directory, long seed, bool quiet)
    {
        Command = command;
        Directory = directory;
        Seed = seed;
        Quiet = quiet;
        System.IO.Directory.CreateDirectory(directory);
    }

    /// <summary>The command's name, e.g. <c>mnist</c>.</summary>
    public string Command { get; }

    /// <summary>Absolute path of the output folder (it exists).</summary>
    public string Directory { get; }

    /// <summary>The seed the generator was given.</summary>
    public long Seed { get; }

    /// <summary>True under <c>--quiet</c>.</summary>
    public bool Quiet { get; }

    /// <summary>Progress bars are shown only on an interactive terminal and not under <c>--quiet</c>.</summary>
    public bool ShowProgress => !Quiet && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>The full path of <paramref name="file"/> inside the output folder.</summary>
    public string PathOf(string file) => Path.Combine(Directory, file);

    /// <summary>Prints a plain log line (the course's per-epoch lines); nothing under <c>--quiet</c>.</summary>
    public void Log(string line)
    {
        if (!Quiet) AnsiConsole.Console.WriteLine(line);
    }

    /// <summary>Prints Spectre markup; nothing under <c>--quiet</c>.</summary>
    public void Markup(string markup)
    {
        if (!Quiet) AnsiConsole.Console.MarkupLine(markup);
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="file"/> in the output folder, atomically, and returns its path.</summary>
    public string SaveText(string file, string text)
    {
        string path = PathOf(file);
        AtomicFile.WriteAllText(path, text);
        return path;
    }

    /// <summary>True once Ctrl-C or SIGTERM asked the run to stop: training loops finish the current step and return what they have.</summary>
    public bool Interrupted => Interruption.Requested;

    /// <summary>
    /// Writes one optional output (a plot, an image grid) with <paramref name="write"/>, given the full path of
    /// <paramref name="file"/>. A failure is printed and remembered, never thrown: it must not cost the run's other outputs.
    /// <see cref="Finish"/> reports the failures (exit code 1) after everything else is written. Returns whether it worked.
    /// </summary>
    public bool Output(string file, Action<string> write)
    {
        try
        {
            write(PathOf(file));
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _failedOutputs.Add($"{file}: {ex.Message}");
            Console.Error.WriteLine($"sharpgrad: warning: {file} not written: {ex.Message}");
            return false;
        }
    }

    /// <summary>Records a result for the summary table and <c>metrics.json</c> (numbers, strings or booleans).</summary>
    public void Metric(string name, object value) => _metrics[name] = value;

    /// <summary>The results recorded so far.</summary>
    public IReadOnlyDictionary<string, object> Metrics => _metrics;

    /// <summary>
    /// Writes <c>metrics.json</c> (the recorded results plus command, seed and seconds, and <c>"interrupted": true</c> after
    /// Ctrl-C or SIGTERM) and prints the summary table with the output folder and the files in it. Always printed, also
    /// under <c>--quiet</c>. Then throws an <see cref="IOException"/> naming the outputs <see cref="Output"/> could not write.
    /// </summary>
    public void Finish(Stopwatch elapsed)
    {
        Metric("seconds", Math.Round(elapsed.Elapsed.TotalSeconds, 3));
        if (Interrupted) Metric("interrupted", true);
        var json = new StringBuilder("{\n");
        json.Append($"  \"command\": {Json(Command)},\n  \"seed\": {Seed.ToString(CultureInfo.InvariantCulture)}");
        foreach (var (name, value) in _metrics) json.Append($",\n  {Json(name)}: {Json(value)}");
        json.Append("\n}\n");
        SaveText("metrics.json", json.ToString());

        var table = new Table().Title($"[bold]{Command}[/] summary").AddColumn("result").AddColumn(new TableColumn("value").RightAligned());
        foreach (var (name, value) in _metrics) table.AddRow(Spectre.Console.Markup.Escape(name), Spectre.Console.Markup.Escape(Format(value)));
        var files = System.IO.Directory.GetFiles(Directory).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        AnsiConsole.Console.Write(table);
        // The folder and its files go below the table: a long list would stretch every row of it.
        AnsiConsole.Console.WriteLine($"outputs in {Directory}: {string.Join(", ", files)}");
        if (Interrupted) Console.Error.WriteLine($"sharpgrad: interrupted: what the run had so far is in {Directory}");
        if (_failedOutputs.Count > 0)
            throw new IOException($"{_failedOutputs.Count} output(s) not written: {string.Join("; ", _failedOutputs)}");
    }

    /// <summary>
    /// Runs <paramref name="body"/> with a progress bar of <paramref name="total"/> units when
    /// <see cref="ShowProgress"/>, otherwise with a reporter that only counts.
    /// </summary>
    public T WithProgress<T>(string title, long total, Func<ProgressReporter, T> body)
    {
        if (!ShowProgress) return body(new ProgressReporter(null, total));
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Spectre.Console.Markup.Escape(title), maxValue: Math.Max(1, total));
                result = body(new ProgressReporter(task, total) { Title = title });
            });
        return result;
    }

    /// <summary>Runs <paramref name="body"/> with a progress bar (see the generic overload).</summary>
    public void WithProgress(string title, long total, Action<ProgressReporter> body)
        => WithProgress<bool>(title, total, p => { body(p); return true; });

    private static string Format(object value) => value switch
    {
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        float f => f.ToString("G6", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Json(object value) => value switch
    {
        bool b => b ? "true" : "false",
        double d when !double.IsFinite(d) => Json(d.ToString(CultureInfo.InvariantCulture)),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => Json((double)f),
        int or long => ((IFormattable)value).ToString(null, CultureInfo.InvariantCulture),
        string s => "\"" + Escape(s) + "\"",
        _ => Json(value.ToString() ?? ""),
    };

    private static string Escape(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (char c in s)
        {
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }
}
