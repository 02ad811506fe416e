using System.Diagnostics;
using SharpGrad.Vision;

namespace SharpGrad.Dashboard.Tests;

/// <summary>
/// Renders the dashboard in headless Chromium (Debian's <c>chromium</c> package; .ci/run installs it).
/// Not skipped when Chromium is missing: the test fails and says how to install it.
/// </summary>
public class ChromiumTests
{
    private static readonly TimeSpan ChromiumTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task HeadlessChromiumRendersTheWindows()
    {
        string chromium = FindChromium();
        await using var dash = TrainingDashboard.Start(port: 0);
        var viz = dash.Visdom;
        var rng = new Random(1);
        double loss = 2.3;
        for (int step = 1; step <= 600; step++)
        {
            loss = loss * 0.995 + 0.02 * (rng.NextDouble() - 0.5);
            dash.TrainLoss(step, loss);
            if (step % 100 == 0) dash.TestMetrics(step, loss * 0.9, 1 - loss / 2.5);
        }
        var test = MNIST.Embedded(train: false);
        dash.TestImages(test.Data.Narrow(0, 0, 32).Unsqueeze(1));
        dash.Predictions(test.Targets.Narrow(0, 0, 32));
        Assert.True(await viz.FlushAsync());

        string folder = Path.Combine(AppContext.BaseDirectory, "chromium");
        Directory.CreateDirectory(folder);
        string screenshot = Path.Combine(folder, "dashboard.png");
        File.Delete(screenshot);

        string dom = await Run(chromium, folder, "--dump-dom", viz.Url);
        foreach (var id in new[] { "train_loss", "test", "x", "pred" })
            Assert.Contains($"data-win=\"{id}\"", dom);
        Assert.Contains("<svg", dom);
        Assert.Contains("data:image/png;base64,", dom);
        Assert.Contains("data-label=\"acc.\"", dom);
        Assert.Contains("<h2>test loss &amp; acc.</h2>", dom);

        await Run(chromium, folder, $"--screenshot={screenshot}", "--hide-scrollbars", viz.Url);
        var (width, height, channels, pixels) = PngDecoder.Decode(await File.ReadAllBytesAsync(screenshot));
        Assert.Equal((1280, 900), (width, height));
        var colors = new HashSet<int>();
        long nonWhite = 0, pixelsTotal = (long)width * height;
        double sum = 0, sumSquares = 0;
        for (long p = 0; p < pixelsTotal; p++)
        {
            int r = pixels[p * channels], g = pixels[p * channels + (channels >= 3 ? 1 : 0)], b = pixels[p * channels + (channels >= 3 ? 2 : 0)];
            colors.Add((r << 16) | (g << 8) | b);
            if (r < 240 || g < 240 || b < 240) nonWhite++;
            double luma = 0.299 * r + 0.587 * g + 0.114 * b;
            sum += luma;
            sumSquares += luma * luma;
        }
        double mean = sum / pixelsTotal, variance = sumSquares / pixelsTotal - mean * mean;
        Assert.True(colors.Count > 100, $"the screenshot has only {colors.Count} colours");
        Assert.True(variance > 100, $"the screenshot is nearly uniform (luma variance {variance:F1})");
        Assert.True(nonWhite > pixelsTotal / 20, $"only {nonWhite} of {pixelsTotal} pixels are not white");
        // The page header is drawn in #2b3a4a across the top.
        int at = (10 * width + 640) * channels;
        Assert.Equal((0x2b, 0x3a, 0x4a), (pixels[at], pixels[at + 1], pixels[at + 2]));
    }

    [Fact]
    public async Task ThePageScriptAppliesLiveUpdatesAndClosesWithoutReloading()
    {
        string chromium = FindChromium();
        await using var viz = Visdom.Start(port: 0);
        viz.Text("first", win: "pred", title: "pred");
        Assert.True(await viz.FlushAsync());
        string folder = Path.Combine(AppContext.BaseDirectory, "chromium");
        Directory.CreateDirectory(folder);
        await using var page = await ChromiumPage.Open(chromium, folder, viz.Url);
        await page.WaitFor("document.getElementById('status').textContent === 'live'", "document.getElementById('status').textContent");
        const string Windows = "Array.prototype.map.call(document.querySelectorAll('#grid > section'), function (s) { return s.dataset.win; }).join(',')";
        Assert.Equal("pred", await page.Evaluate(Windows));

        // A new window, an append and a line chart arrive through the event stream, in creation order.
        viz.Line([3.0, 2.0, 1.5, 1.2], win: "train_loss", title: "train loss");
        viz.Text("second", win: "pred", update: "append");
        await page.WaitFor($"{Windows} === 'pred,train_loss'", Windows);
        await page.WaitFor("document.querySelector('[data-win=pred] pre').textContent === 'first\\nsecond'", "document.querySelector('[data-win=pred] pre').textContent");
        await page.WaitFor("document.querySelectorAll('[data-win=train_loss] svg polyline').length === 1", "document.querySelector('[data-win=train_loss]').innerHTML.length");
        Assert.Equal("train loss", await page.Evaluate("document.querySelector('[data-win=train_loss] h2').textContent"));

        viz.Close("pred");
        await page.WaitFor($"{Windows} === 'train_loss'", Windows);
    }

    /// <summary>Chromium from SHARPGRAD_CHROMIUM, /usr/bin/chromium or the PATH; a clear failure when there is none.</summary>
    internal static string FindChromium()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("SHARPGRAD_CHROMIUM") is { Length: > 0 } configured) candidates.Add(configured);
        candidates.Add("/usr/bin/chromium");
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            foreach (var name in new[] { "chromium", "chromium-browser", "google-chrome" })
                candidates.Add(Path.Combine(dir, name));
        return candidates.FirstOrDefault(File.Exists) ?? throw new InvalidOperationException(
            "dashboard tests: headless Chromium is required but was not found (looked at SHARPGRAD_CHROMIUM, /usr/bin/chromium and " +
            "chromium/chromium-browser/google-chrome on PATH). Install it with 'apt-get install -y chromium' (.ci/run does this when run as root).");
    }

    /// <summary>The flags of every run: headless, no sandbox (CI runs as root), a throw-away profile, no background traffic.</summary>
    internal static string[] CommonArguments(string profile) =>
        ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", "--disable-background-networking",
         "--disable-sync", "--disable-default-apps", "--window-size=1280,900", $"--user-data-dir={profile}"];

    private static async Task<string> Run(string chromium, string folder, params string[] args)
    {
        string profile = Path.Combine(folder, "profile-" + Guid.NewGuid().ToString("N"));
        var info = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in CommonArguments(profile)) info.ArgumentList.Add(a);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {chromium}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ChromiumTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"chromium {string.Join(' ', args)} did not finish in {ChromiumTimeout.TotalSeconds} s; stderr: {await stderr}");
        }
        finally
        {
            try { Directory.Delete(profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        Assert.True(process.ExitCode == 0, $"chromium {string.Join(' ', args)} exited with {process.ExitCode}; stderr: {await stderr}");
        return await stdout;
    }
}
