using System.Globalization;
using Spectre.Console;
using SharpGrad.Vision;

namespace SharpGrad.Cli.Infrastructure;

/// <summary>
/// Runs a dataset download with one progress bar per file (bytes received of the file's size, speed, time left) on an
/// interactive terminal; quiet or redirected output gets only the library's "Downloading URL to PATH" lines. Ctrl+C
/// cancels the download cleanly (the partial file is deleted) and ends the tool with the usual cancellation exit.
/// </summary>
internal static class DownloadBar
{
    /// <summary>Runs <paramref name="download"/>, showing bars when <paramref name="show"/> and the terminal is interactive.</summary>
    public static void Run(bool show, Func<IProgress<DownloadProgress>?, CancellationToken, Task> download)
    {
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            if (!show || Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
            {
                download(null, cancel.Token).GetAwaiter().GetResult();
                return;
            }
            AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                    new DownloadedColumn { Culture = CultureInfo.InvariantCulture }, new TransferSpeedColumn { Culture = CultureInfo.InvariantCulture },
                    new RemainingTimeColumn())
                .StartAsync(ctx => download(new Bars(ctx), cancel.Token))
                .GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw new IOException("download cancelled (Ctrl+C); the partial file was deleted, the finished ones are kept");
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>One bar per file, created on its first report; reports arrive on the download's thread, in order.</summary>
    private sealed class Bars(ProgressContext context) : IProgress<DownloadProgress>
    {
        private readonly Dictionary<string, ProgressTask> _tasks = new(StringComparer.Ordinal);

        public void Report(DownloadProgress value)
        {
            if (!_tasks.TryGetValue(value.FileName, out var task))
            {
                task = context.AddTask(Markup.Escape(value.FileName), maxValue: Math.Max(1, value.TotalBytes ?? 1));
                _tasks[value.FileName] = task;
            }
            if (value.TotalBytes is long total && total > 0) task.MaxValue = total;
            else task.IsIndeterminate = true;
            task.Value = value.BytesReceived;
        }
    }
}
