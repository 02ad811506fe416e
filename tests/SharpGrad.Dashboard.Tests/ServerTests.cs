using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace SharpGrad.Dashboard.Tests;

public class ServerTests(ITestOutputHelper output)
{
    private static Visdom Start() => Visdom.Start(port: 0);

    [Fact]
    public async Task PageShowsEveryWindowAndAReloadShowsTheCurrentState()
    {
        await using var viz = Start();
        Assert.Equal("127.0.0.1", viz.Host);
        Assert.Equal($"http://127.0.0.1:{viz.Port}/", viz.Url);
        viz.Line([0.5, 0.4, 0.3], [1.0, 2.0, 3.0], win: "train_loss", title: "train loss");
        viz.Line(new double[,] { { 1.0, 0.5 }, { 0.8, 0.7 } }, [1, 2], win: "test", title: "test loss&acc.", legend: ["loss", "acc."]);
        viz.Text("7 2 1 <script>alert(1)</script>", win: "pred", title: "pred");
        viz.Images(Tensor.Rand(4, 1, 8, 8), win: "x");
        viz.Scatter([1.0, 2.0, 3.0], [3.0, 1.0, 2.0], win: "points", name: "data");
        Assert.True(await viz.FlushAsync());

        using var client = Http.Client(viz);
        using var response = await client.GetAsync("/");
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'none'", string.Join(";", response.Headers.GetValues("Content-Security-Policy")));
        string page = await response.Content.ReadAsStringAsync();
        foreach (var id in new[] { "train_loss", "test", "pred", "x", "points" }) Assert.Contains($"data-win=\"{id}\"", page);
        Assert.Contains("<h2>train loss</h2>", page);
        Assert.Contains("data-label=\"acc.\"", page); // the legend reached the SVG from SharpGrad.Plotting
        Assert.Contains("data:image/png;base64,", page);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page);
        Assert.DoesNotContain("<script>alert", page);
        Assert.DoesNotContain("http://", page.Replace("http://www.w3.org/2000/svg", "")); // nothing loaded from elsewhere

        // Appends after the first load show up on a reload, in the same window.
        long before = (await Http.State(viz)).Single(w => w.GetProperty("id").GetString() == "train_loss").GetProperty("version").GetInt64();
        viz.Line([0.2], [4.0], win: "train_loss", update: "append");
        Assert.True(await viz.FlushAsync());
        var state = await Http.State(viz);
        Assert.Equal(["train_loss", "test", "pred", "x", "points"], state.Select(w => w.GetProperty("id").GetString()));
        var loss = state[0];
        Assert.True(loss.GetProperty("version").GetInt64() > before);
        Assert.Equal(4, viz.StoredPoints("train_loss"));
        string reloaded = await client.GetStringAsync("/");
        Assert.Contains($"data-version=\"{loss.GetProperty("version").GetInt64()}\"", reloaded);
    }

    [Fact]
    public async Task EventStreamsPushUpdatesAndClosesToSeveralPages()
    {
        await using var viz = Start();
        viz.Text("hello", win: "pred");
        Assert.True(await viz.FlushAsync());
        await using var tab1 = await EventReader.Open(viz);
        await using var tab2 = await EventReader.Open(viz);
        foreach (var tab in new[] { tab1, tab2 })
        {
            var (name, data) = await tab.Next();
            Assert.Equal("reset", name);
            Assert.Equal("[\"pred\"]", data);
            var first = await tab.Until("window", w => w.GetProperty("id").GetString() == "pred");
            Assert.Contains("hello", first.GetProperty("html").GetString());
        }

        viz.Line([1.0, 0.5], win: "train_loss", title: "train loss");
        viz.Text("7 2 1", win: "pred", update: "append");
        foreach (var tab in new[] { tab1, tab2 })
        {
            var line = await tab.Until("window", w => w.GetProperty("id").GetString() == "train_loss");
            Assert.Equal("line", line.GetProperty("kind").GetString());
            Assert.Equal("train loss", line.GetProperty("title").GetString());
            Assert.StartsWith("<svg", line.GetProperty("html").GetString());
            var text = await tab.Until("window", w => w.GetProperty("id").GetString() == "pred" && w.GetProperty("html").GetString()!.Contains("7 2 1"));
            Assert.Contains("hello\n7 2 1", text.GetProperty("html").GetString());
        }

        Assert.True(viz.Close("pred"));
        Assert.False(viz.Close("pred"));
        foreach (var tab in new[] { tab1, tab2 })
            await tab.Until("close", w => w.GetProperty("id").GetString() == "pred");
        Assert.Equal(["train_loss"], viz.Windows);
        Assert.DoesNotContain("data-win=\"pred\"", await Http.Client(viz).GetStringAsync("/"));

        // Close() with no id closes everything (viz.close()).
        Assert.True(viz.Close());
        await tab1.Until("close", w => w.GetProperty("id").GetString() == "train_loss");
        Assert.Empty(viz.Windows);
        Assert.Empty(await Http.State(viz));
    }

    [Fact]
    public async Task HundredThousandAppendsKeepStateAndPageBoundedAndReturnFast()
    {
        await using var viz = Start();
        await using var stalled = await EventReader.Open(viz); // connected, never read: must not slow anything
        viz.Line(Array.Empty<double>(), win: "train_loss", title: "train loss");
        viz.Line(new double[0, 2], [], win: "test", legend: ["loss", "acc."]);
        const int steps = 100_000;
        var clock = Stopwatch.StartNew();
        long renders = viz.Hub.Renders;
        var ticks = new long[steps];
        for (int step = 0; step < steps; step++)
        {
            long t0 = Stopwatch.GetTimestamp();
            viz.Line(Math.Exp(-step / 20000.0) + (step == 54321 ? 5 : 0), step, win: "train_loss");
            if (step % 100 == 0)
                viz.Line(new double[,] { { 1.0 / (1 + step), step / (double)steps } }, [step], win: "test", legend: ["loss", "acc."], update: "append");
            ticks[step] = Stopwatch.GetTimestamp() - t0;
        }
        var elapsed = clock.Elapsed;
        Array.Sort(ticks);
        double Us(long t) => t * 1e6 / Stopwatch.Frequency;
        output.WriteLine($"{steps} train-loss appends + {steps / 100} test appends: {elapsed.TotalMilliseconds:F1} ms; per step " +
                         $"median {Us(ticks[steps / 2]):F2} us, 99.9% {Us(ticks[steps * 999 / 1000]):F1} us, max {Us(ticks[^1]):F0} us");
        // Not a speed goal (0.12 us per call when measured): a call that waited for a render or a socket write
        // would take about a millisecond, 100 s in all, so a generous bound tells the two apart on a loaded machine.
        Assert.True(elapsed < TimeSpan.FromSeconds(20), $"{steps} appends took {elapsed.TotalMilliseconds:F0} ms");
        Assert.True(await viz.FlushAsync());
        long rendered = viz.Hub.Renders - renders;
        double seconds = clock.Elapsed.TotalSeconds;
        // At most ~10 renders per second per window (2 windows), plus the first render of each.
        Assert.True(rendered <= 2 * (seconds * 10 + 2), $"{rendered} renders in {seconds:F2} s");
        output.WriteLine($"{rendered} renders in {seconds:F2} s");

        int stored = viz.StoredPoints("train_loss");
        Assert.InRange(stored, Visdom.SeriesCapacity / 2, Visdom.SeriesCapacity);
        Assert.True(viz.StoredPoints("test") <= 2 * Visdom.SeriesCapacity);
        string page = await Http.Client(viz).GetStringAsync("/");
        Assert.True(page.Length < 200_000, $"page is {page.Length} characters after {steps} appends");
        output.WriteLine($"stored points: train_loss {stored}, test {viz.StoredPoints("test")}; page {page.Length} characters");
        // The envelope keeps the spike at step 54321 and the axis reaches the last step.
        var svg = (await Http.State(viz)).Single(w => w.GetProperty("id").GetString() == "train_loss").GetProperty("html").GetString()!;
        var labels = System.Text.RegularExpressions.Regex.Matches(svg, ">([^<>]+)</text>").Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("100000", labels); // x reaches the last step
        Assert.Contains("5", labels); // y reaches the spike (without it the axis would stop at 1)
        GC.KeepAlive(stalled);
    }

    [Theory]
    [InlineData("GET /../../etc/passwd HTTP/1.1")]
    [InlineData("GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1")]
    [InlineData("GET /static/..%2f..%2f..%2fetc%2fpasswd HTTP/1.1")]
    [InlineData("GET /..%5c..%5cetc%5cpasswd HTTP/1.1")]
    [InlineData("GET /etc/passwd HTTP/1.1")]
    [InlineData("GET //etc/passwd HTTP/1.1")]
    [InlineData("GET /state/../../../../etc/passwd HTTP/1.1")]
    [InlineData("GET /Page.cs HTTP/1.1")]
    [InlineData("GET /SharpGrad.Dashboard.dll HTTP/1.1")]
    public async Task PathsOutsideThePageAndItsEndpointsAreRefused(string requestLine)
    {
        await using var viz = Start();
        var (status, response) = await Http.Raw(viz, requestLine);
        Assert.True(status is 400 or 404, $"{requestLine} -> {status}");
        Assert.DoesNotContain("root:", response);
        Assert.DoesNotContain("MZ", response);
    }

    [Fact]
    public async Task OnlyGetFromLocalNamesIsServed()
    {
        await using var viz = Start();
        Assert.Equal(200, (await Http.Raw(viz, "GET / HTTP/1.1")).Status);
        Assert.Equal(200, (await Http.Raw(viz, "GET /state HTTP/1.1", host: $"localhost:{viz.Port}")).Status);
        Assert.Equal(405, (await Http.Raw(viz, "POST /state HTTP/1.1")).Status);
        Assert.Equal(405, (await Http.Raw(viz, "DELETE / HTTP/1.1")).Status);
        // DNS rebinding: a foreign site's name pointed at 127.0.0.1 carries its own Host header.
        var (status, body) = await Http.Raw(viz, "GET /state HTTP/1.1", host: "evil.example");
        Assert.Equal(400, status);
        Assert.Contains("127.0.0.1", body);
    }

    [Fact]
    public async Task BusyPortIsReportedOrSkipped()
    {
        var blocker = new TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        try
        {
            int busy = ((IPEndPoint)blocker.LocalEndpoint).Port;
            var error = await Assert.ThrowsAsync<IOException>(() => Visdom.StartAsync(port: busy, findFreePort: false));
            Assert.Contains($"port {busy}", error.Message);
            Assert.Contains("already in use", error.Message);

            await using var viz = await Visdom.StartAsync(port: busy);
            Assert.True(viz.PortWasBusy);
            Assert.Equal(busy, viz.RequestedPort);
            Assert.NotEqual(busy, viz.Port);
            Assert.InRange(viz.Port, busy + 1, busy + Visdom.PortAttempts);
            Assert.Contains($":{viz.Port}/", viz.Url);
            Assert.Equal(200, (await Http.Raw(viz, "GET / HTTP/1.1")).Status);
        }
        finally
        {
            blocker.Stop();
        }
    }

    [Fact]
    public async Task DisposeStopsTheServerAndEndsEventStreams()
    {
        var viz = Start();
        var events = await EventReader.Open(viz);
        Assert.Equal("reset", (await events.Next()).Event);
        int port = viz.Port;
        var clock = Stopwatch.StartNew();
        await viz.DisposeAsync();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"dispose took {clock.Elapsed.TotalMilliseconds:F0} ms");
        await Assert.ThrowsAnyAsync<Exception>(events.Next);
        await events.DisposeAsync();
        using var tcp = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => tcp.ConnectAsync("127.0.0.1", port));
        Assert.Throws<ObjectDisposedException>(() => viz.Line([1.0]));
    }

    [Fact]
    public async Task BadCallsNameTheOptionAndTheValue()
    {
        await using var viz = Start();
        var e = Assert.Throws<ArgumentException>(() => viz.Line([1.0], win: "a", update: "appnd"));
        Assert.Contains("appnd", e.Message);
        Assert.Equal("update", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => viz.Line([1.0, 2.0], [1.0], win: "a"));
        Assert.Contains("x has 1 values but y has 2 rows", e.Message);
        e = Assert.Throws<ArgumentException>(() => viz.Line(new double[1, 2], [0.0], win: "a", legend: ["only one"]));
        Assert.Contains("legend has 1 names but y has 2 series", e.Message);
        viz.Line([1.0], win: "a");
        e = Assert.Throws<ArgumentException>(() => viz.Line(new double[1, 3], [1.0], win: "a", update: "append"));
        Assert.Contains("window 'a' has 1 series but the update has 3 columns", e.Message);
        e = Assert.Throws<ArgumentException>(() => viz.Text("x", win: "a", update: "append"));
        Assert.Contains("window 'a' is a line window", e.Message);
        e = Assert.Throws<ArgumentException>(() => viz.Images(Tensor.Zeros(2, 2, 4, 4), win: "img"));
        Assert.Contains("[2, 2, 4, 4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => viz.Line(Tensor.Zeros(2, 2, 2), win: "a"));
        Assert.Contains("[2, 2, 2]", e.Message);
        e = Assert.Throws<ArgumentException>(() => viz.Scatter(Tensor.Zeros(3, 3)));
        Assert.Contains("(N, 2)", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Visdom.Start(port: 70000));
        Assert.Contains("not an IP address", Assert.Throws<ArgumentException>(() => Visdom.Start(port: 0, host: "example.com")).Message);
    }

    [Fact]
    public async Task TensorsAndScalarsFeedTheSameWindows()
    {
        await using var viz = Start();
        viz.Line(Tensor.From(new float[] { 3, 2, 1 }), win: "t");
        viz.Line(0.5, 10, win: "t"); // appends by default, after x = 0, 1, 2
        viz.Line(Tensor.From(new double[,] { { 1, 2 }, { 3, 4 } }), Tensor.From(new long[] { 5, 6 }), win: "two", legend: ["a", "b"]);
        viz.Scatter(Tensor.From(new double[,] { { 0, 0 }, { 1, 1 }, { 2, 0 } }), Tensor.From(new long[] { 1, 2, 1 }), win: "s", legend: ["neg", "pos"]);
        viz.Images(Tensor.Full([2, 3, 4, 4], 200.0), win: "bytes"); // float > 1: 0..255, as visdom
        Assert.Equal(4, viz.StoredPoints("t"));
        Assert.Equal(4, viz.StoredPoints("two"));
        Assert.Equal(3, viz.StoredPoints("s"));
        Assert.True(await viz.FlushAsync());
        var state = (await Http.State(viz)).ToDictionary(w => w.GetProperty("id").GetString()!, w => w.GetProperty("html").GetString()!);
        Assert.Contains("data-label=\"b\"", state["two"]);
        Assert.Contains("data-label=\"pos\"", state["s"]);
        Assert.Equal("scatter", (await Http.State(viz)).Single(w => w.GetProperty("id").GetString() == "s").GetProperty("kind").GetString());
        Assert.DoesNotContain("error", state["bytes"]);
        Assert.StartsWith("<img", state["bytes"]);
    }

    [Fact]
    public async Task TextAndImageWindowsStayBounded()
    {
        await using var viz = Start();
        string line = new('a', 999);
        for (int i = 0; i < 300; i++) viz.Text(line + (i % 10), win: "log", update: "append");
        viz.Images(Tensor.Zeros(ImagesWindow.MaxImages + 3, 1, 2, 2), win: "many");
        Assert.True(await viz.FlushAsync());
        var state = (await Http.State(viz)).ToDictionary(w => w.GetProperty("id").GetString()!, w => w.GetProperty("html").GetString()!);
        Assert.InRange(state["log"].Length, TextWindow.MaxChars, TextWindow.MaxChars + 20);
        Assert.EndsWith("a9</pre>", state["log"]);
        Assert.Contains($"first {ImagesWindow.MaxImages} of {ImagesWindow.MaxImages + 3} images", state["many"]);
    }

    [Fact]
    public async Task WindowIdsAndTitlesAreEscaped()
    {
        await using var viz = Start();
        viz.Line([1.0, 2.0], win: "a\"><img src=x>", title: "<b>bold</b> & co", legend: ["x<y"]);
        Assert.Throws<ArgumentException>(() => viz.Line(new double[1, 2], [0.0], win: "d", legend: ["same", "same"]));
        Assert.True(await viz.FlushAsync());
        string page = await Http.Client(viz).GetStringAsync("/");
        Assert.Contains("data-win=\"a&quot;&gt;&lt;img src=x&gt;\"", page);
        Assert.Contains("<h2>&lt;b&gt;bold&lt;/b&gt; &amp; co</h2>", page);
        Assert.Contains("data-label=\"x&lt;y\"", page);
        Assert.DoesNotContain("<img src=x>", page);
    }

    [Fact]
    public async Task TheServerLeavesCtrlCAndSigtermToTheProgram()
    {
        await using var viz = Start();
        // ASP.NET's console lifetime would swallow Ctrl+C/SIGTERM to stop only the server; the training loop must stop instead.
        var lifetime = viz.Services.GetService(typeof(Microsoft.Extensions.Hosting.IHostLifetime));
        Assert.IsType<PassiveLifetime>(lifetime);
    }
}
