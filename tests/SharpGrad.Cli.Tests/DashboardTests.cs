using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using SharpGrad.Cli.Infrastructure;
using SharpGrad.Dashboard;

namespace SharpGrad.Cli.Tests;

/// <summary>
/// <c>--dashboard</c> on the training commands: each run at a tiny size on a free port, with the page and its windows
/// fetched over HTTP right after training (through <see cref="DashboardSession.Serving"/>, while the server still runs),
/// and the server gone once the command returns.
/// </summary>
[Collection("cli")]
public sealed class DashboardTests
{
    private static readonly Regex UrlLine = new(@"^dashboard: (http://127\.0\.0\.1:(\d+)/)", RegexOptions.Multiline);

    /// <summary>What the page served right after training.</summary>
    private sealed record Served(CliResult Result, string Page, Dictionary<string, JsonElement> Windows, int Port);

    private static Served RunWithDashboard(params string[] args)
    {
        string? page = null, url = null;
        Dictionary<string, JsonElement>? windows = null;
        Exception? failure = null;
        void Fetch(Visdom viz)
        {
            try
            {
                using var client = new HttpClient { BaseAddress = new Uri(viz.Url), Timeout = TimeSpan.FromSeconds(10) };
                url = viz.Url;
                page = client.GetStringAsync("").GetAwaiter().GetResult();
                var state = JsonDocument.Parse(client.GetStringAsync("state").GetAwaiter().GetResult()).RootElement;
                windows = state.EnumerateArray().ToDictionary(w => w.GetProperty("id").GetString()!, w => w.Clone());
            }
            catch (Exception e)
            {
                failure = e;
            }
        }
        DashboardSession.Serving += Fetch;
        CliResult r;
        try
        {
            r = CliRunner.Run([.. args, "--quiet", "--dashboard", "0", "--dashboard-keep", "0"]);
        }
        finally
        {
            DashboardSession.Serving -= Fetch;
        }
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        Assert.Null(failure);
        Assert.NotNull(windows);
        // The URL is printed even under --quiet, and it is the one that served the page.
        var printed = UrlLine.Match(r.Output);
        Assert.True(printed.Success, r.Output);
        Assert.Equal(url, printed.Groups[1].Value);
        int port = int.Parse(printed.Groups[2].Value);
        // Input is redirected under the test runner and --dashboard-keep is 0: the server is stopped when the command returns.
        using (var tcp = new TcpClient())
            Assert.ThrowsAny<SocketException>(() => tcp.Connect("127.0.0.1", port));
        return new Served(r, page!, windows, port);
    }

    private static JsonElement Window(Served s, string id, string kind)
    {
        Assert.True(s.Windows.TryGetValue(id, out var w), $"no window '{id}' in [{string.Join(", ", s.Windows.Keys)}]");
        Assert.Equal(kind, w.GetProperty("kind").GetString());
        Assert.Contains($"data-win=\"{id}\"", s.Page);
        return w;
    }

    private static string Html(JsonElement w) => w.GetProperty("html").GetString()!;

    private static int Count(string text, string part) => Regex.Matches(text, Regex.Escape(part)).Count;

    [Fact]
    public void Fit_StreamsLossPerStep_AndTheScatterWithThePrediction()
    {
        var s = RunWithDashboard("fit", "--steps", "6", "--points", "20");
        Assert.Contains("<polyline", Html(Window(s, TrainingDashboard.TrainLossWindow, "line")));
        var fit = Window(s, "fit", "scatter");
        // The window shows the last step (t = 5, counted from 0 as the course does).
        Assert.StartsWith("fit: step 5  Loss=", fit.GetProperty("title").GetString());
        Assert.Contains("prediction", Html(fit));
        Assert.True(Count(Html(fit), "<circle") >= 40, "20 data points and 20 predicted points");
    }

    [Fact]
    public void Regression_StreamsLossPerStep_AndTrainTestLossPerEpoch()
    {
        var s = RunWithDashboard("regression", "--samples", "100", "--features", "8", "--hidden", "8", "--epochs", "3");
        Assert.Contains("<polyline", Html(Window(s, TrainingDashboard.TrainLossWindow, "line")));
        string loss = Html(Window(s, "loss", "line"));
        Assert.Contains(">train<", loss);
        Assert.Contains(">test<", loss);
        Assert.Equal(2, Count(loss, "<polyline"));
    }

    [Fact]
    public void Classify_StreamsLossPerStep_AndTestLossAndAccuracyPerEpoch()
    {
        var s = RunWithDashboard("classify", "--samples", "50", "--features", "6", "--hidden", "8", "--epochs", "2");
        Assert.Contains("<polyline", Html(Window(s, TrainingDashboard.TrainLossWindow, "line")));
        string test = Html(Window(s, TrainingDashboard.TestWindow, "line"));
        Assert.Contains(">loss<", test);
        Assert.Contains(">acc.<", test);
    }

    [Fact]
    public void Mnist_StreamsTheCoursesFourWindows()
    {
        var s = RunWithDashboard("mnist", "--epochs", "2", "--limit-train", "64", "--limit-test", "40", "--batch-size", "16");
        Assert.Contains("<polyline", Html(Window(s, TrainingDashboard.TrainLossWindow, "line")));
        string test = Html(Window(s, TrainingDashboard.TestWindow, "line"));
        Assert.Contains(">loss<", test);
        Assert.Contains(">acc.<", test);
        Assert.Equal(2, Count(test, "<polyline"));
        Assert.Contains("<img", Html(Window(s, TrainingDashboard.ImagesWindow, "images")));
        // The first 32 test predictions and their labels, as numpy prints a vector.
        string pred = Html(Window(s, TrainingDashboard.PredictionsWindow, "text"));
        Assert.Matches(@"<pre>\[(\d )+\d\]
true: \[(\d )+\d\]</pre>", pred);
        Assert.Equal(2 * 32, Regex.Matches(pred, @"\d").Count);
    }

    [Fact]
    public void BadPort_IsAUsageError()
    {
        foreach (var port in new[] { "x", "-1", "65536" })
        {
            var r = CliRunner.Run(["fit", "--steps", "1", "--dashboard", port]);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("--dashboard expects a port number", r.Error);
            Assert.Single(r.Error.Trim().Split('\n'));
        }
        var keep = CliRunner.Run(["regression", "--epochs", "1", "--dashboard-keep", "1"]);
        Assert.Equal(2, keep.ExitCode);
        Assert.Contains("--dashboard-keep needs --dashboard", keep.Error);
    }
}
