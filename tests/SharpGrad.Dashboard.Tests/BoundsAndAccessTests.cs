using System.Net.Sockets;
using System.Text;

namespace SharpGrad.Dashboard.Tests;

/// <summary>
/// The dashboard's memory is bounded in size, not only in count (pixels per image window, number of windows, text
/// appends that cost what they append), stalled pages never lock new ones out, and served beyond loopback it asks for
/// a token, as Jupyter does.
/// </summary>
public sealed class BoundsAndAccessTests
{
    [Fact]
    public async Task AHugeImageIsDownscaledToThePixelBound()
    {
        await using var viz = Visdom.Start(port: 0);
        viz.Images(Tensor.Rand(1, 1, 2100, 2100), win: "big");
        var big = (ImagesWindow)viz.Hub.Find("big")!;
        Assert.True(big.Batch!.Numel() <= Visdom.MaxImagePixels, $"stored {big.Batch.Numel()} pixels");
        Assert.Equal([1, 1, 1050, 1050], big.Batch.Shape);
        // Many images: the bound is on all of them together.
        viz.Images(Tensor.Zeros(100, 1, 250, 250), win: "batch");
        var batch = (ImagesWindow)viz.Hub.Find("batch")!;
        Assert.True(batch.Batch!.Numel() <= Visdom.MaxImagePixels, $"stored {batch.Batch.Numel()} pixels");
        Assert.Equal([100, 1, 125, 125], batch.Batch.Shape);
        Assert.True(await viz.FlushAsync(TimeSpan.FromSeconds(60)));
        var html = (await Http.State(viz)).Single(w => w.GetProperty("id").GetString() == "big").GetProperty("html").GetString()!;
        Assert.StartsWith("<img", html);
        Assert.Contains("downscaled", html);
        // Small images are kept as they are.
        viz.Images(Tensor.Rand(4, 1, 28, 28), win: "small");
        Assert.Equal([4, 1, 28, 28], ((ImagesWindow)viz.Hub.Find("small")!).Batch!.Shape);
    }

    [Fact]
    public async Task WindowsBeyondTheLimitCloseTheOldest()
    {
        await using var viz = Visdom.Start(port: 0);
        for (int i = 0; i < Visdom.MaxWindows + 5; i++) viz.Text("t", win: "w" + i);
        var ids = viz.Windows;
        Assert.Equal(Visdom.MaxWindows, ids.Count);
        Assert.Equal("w5", ids[0]);
        Assert.Equal("w" + (Visdom.MaxWindows + 4), ids[^1]);
        // Updating an existing window never closes another.
        viz.Text("again", win: "w5");
        Assert.Equal("w5", viz.Windows[0]);
    }

    [Fact]
    public async Task TextAppendCostsWhatItAppends()
    {
        await using var viz = Visdom.Start(port: 0);
        viz.Text(new string('x', TextWindow.MaxChars), win: "log");
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 2000; i++) viz.Text("line " + (i % 10), win: "log", update: "append");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // A copy of the 100,000-character buffer per call would be 2000 x 200 KB = 400 MB.
        Assert.True(allocated < 20_000_000, $"2000 appends allocated {allocated} bytes");
        var w = (TextWindow)viz.Hub.Find("log")!;
        string text;
        lock (w.Gate) text = w.Text;
        Assert.Equal(TextWindow.MaxChars, text.Length);
        Assert.EndsWith("line 8\nline 9", text);
        Assert.StartsWith("x", text);
    }

    [Fact]
    public async Task StalledEventStreamsNeverLockOutANewTab()
    {
        await using var viz = Visdom.Start(port: 0);
        var stalled = new List<TcpClient>();
        try
        {
            for (int i = 0; i < Visdom.MaxClients + 6; i++)
            {
                var tcp = new TcpClient();
                await tcp.ConnectAsync("127.0.0.1", viz.Port);
                await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes($"GET /events HTTP/1.1\r\nHost: 127.0.0.1:{viz.Port}\r\n\r\n"));
                stalled.Add(tcp); // never read again
            }
            var deadline = DateTime.UtcNow + Http.Timeout;
            while (viz.Hub.Subscribers < Visdom.MaxClients && DateTime.UtcNow < deadline) await Task.Delay(20);
            Assert.Equal(Visdom.MaxClients, viz.Hub.Subscribers);

            await using var fresh = await EventReader.Open(viz); // a fresh tab connects: the oldest stream made room
            var (name, _) = await fresh.Next();
            Assert.Equal("reset", name);
            Assert.True(viz.Hub.Subscribers <= Visdom.MaxClients);
        }
        finally
        {
            foreach (var t in stalled) t.Dispose();
        }
    }

    [Fact]
    public async Task BeyondLoopbackATokenIsRequired()
    {
        await using var viz = Visdom.Start(port: 0, host: "0.0.0.0");
        Assert.NotNull(viz.Token);
        Assert.True(viz.Token!.Length >= 32);
        Assert.EndsWith("/?token=" + viz.Token, viz.Url);
        viz.Text("secret training data", win: "t");
        Assert.True(await viz.FlushAsync());

        foreach (var path in new[] { "/", "/state", "/events", "/?token=wrong", "/state?token=" })
        {
            var (status, response) = await Http.Raw(viz, $"GET {path} HTTP/1.1");
            Assert.True(status == 403, $"{path}: {status}");
            Assert.Contains("token", response);
            Assert.DoesNotContain("secret", response);
        }

        var (ok, page) = await Http.Raw(viz, $"GET /?token={viz.Token} HTTP/1.1");
        Assert.Equal(200, ok);
        Assert.Contains("secret training data", page);
        string cookie = page.Split("\r\n").Single(l => l.StartsWith("Set-Cookie:", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        string pair = cookie["Set-Cookie:".Length..].Trim().Split(';')[0];

        // After the first visit the cookie is enough, for the state and the event stream the page opens.
        var (state, json) = await Http.Raw(viz, "GET /state HTTP/1.1", cookie: pair);
        Assert.Equal(200, state);
        Assert.Contains("secret training data", json);
        var (tokenState, _) = await Http.Raw(viz, $"GET /state?token={viz.Token} HTTP/1.1");
        Assert.Equal(200, tokenState);
    }

    [Fact]
    public async Task ATokenCanBeSetOrExplicitlyTurnedOff()
    {
        await using (var open = Visdom.Start(port: 0, host: "0.0.0.0", token: ""))
        {
            Assert.Null(open.Token);
            Assert.DoesNotContain("token", open.Url);
            Assert.Equal(200, (await Http.Raw(open, "GET /state HTTP/1.1")).Status);
        }
        await using (var chosen = Visdom.Start(port: 0, token: "my-token"))
        {
            Assert.Equal("my-token", chosen.Token);
            Assert.Equal(403, (await Http.Raw(chosen, "GET /state HTTP/1.1")).Status);
            Assert.Equal(200, (await Http.Raw(chosen, "GET /state?token=my-token HTTP/1.1")).Status);
        }
        await using (var local = Visdom.Start(port: 0))
        {
            Assert.Null(local.Token);
            Assert.Equal(200, (await Http.Raw(local, "GET /state HTTP/1.1")).Status);
        }
    }
}
