using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace SharpGrad.Dashboard.Tests;

/// <summary>
/// A page kept open in headless Chromium and queried over the DevTools protocol (a WebSocket, no
/// packages): lets a test watch the page's own script apply live updates, which a one-shot
/// <c>--dump-dom</c> cannot show (it dumps at the load event, before the event stream delivers anything).
/// </summary>
internal sealed class ChromiumPage : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket;
    private int _nextId;

    private ChromiumPage(Process process, string profile, ClientWebSocket socket) => (_process, _profile, _socket) = (process, profile, socket);

    public static async Task<ChromiumPage> Open(string chromium, string folder, string url)
    {
        string profile = Path.Combine(folder, "profile-" + Guid.NewGuid().ToString("N"));
        var info = new ProcessStartInfo(chromium) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in ChromiumTests.CommonArguments(profile)) info.ArgumentList.Add(a);
        info.ArgumentList.Add("--remote-debugging-port=0");
        info.ArgumentList.Add(url);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {chromium}");
        _ = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        try
        {
            // Chromium writes its DevTools port to <profile>/DevToolsActivePort once it listens.
            string portFile = Path.Combine(profile, "DevToolsActivePort");
            var clock = Stopwatch.StartNew();
            string[] lines = [];
            while (lines.Length < 1 || lines[0].Length == 0)
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException("chromium did not open its DevTools port in 30 s");
                if (process.HasExited) throw new InvalidOperationException($"chromium exited with {process.ExitCode} before opening its DevTools port");
                await Task.Delay(50);
                try { lines = File.Exists(portFile) ? await File.ReadAllLinesAsync(portFile) : []; } catch (IOException) { }
            }
            using var http = new HttpClient { Timeout = Http.Timeout };
            string? socketUrl = null;
            while (socketUrl is null)
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"chromium did not list a page for {url}");
                var targets = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{lines[0].Trim()}/json/list")).RootElement;
                socketUrl = targets.EnumerateArray()
                    .Where(t => t.GetProperty("type").GetString() == "page" && t.GetProperty("url").GetString() == url)
                    .Select(t => t.GetProperty("webSocketDebuggerUrl").GetString()).FirstOrDefault();
                if (socketUrl is null) await Task.Delay(50);
            }
            var socket = new ClientWebSocket();
            await socket.ConnectAsync(new Uri(socketUrl), new CancellationTokenSource(Http.Timeout).Token);
            return new ChromiumPage(process, profile, socket);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Evaluates a JavaScript expression in the page and returns its string value.</summary>
    public async Task<string> Evaluate(string expression)
    {
        var reply = await Call("Runtime.evaluate", new { expression = $"String({expression})", returnByValue = true });
        // While the page is still loading the expression may throw (no #status yet): report it, WaitFor polls again.
        if (reply.TryGetProperty("result", out var outer) && outer.TryGetProperty("result", out var value) && value.TryGetProperty("value", out var text))
            return text.GetString() ?? "";
        return "<no value: " + reply.GetRawText() + ">";
    }

    /// <summary>A PNG of the page's viewport (DevTools <c>Page.captureScreenshot</c>).</summary>
    public async Task<byte[]> Screenshot()
    {
        var reply = await Call("Page.captureScreenshot", new { format = "png" });
        return Convert.FromBase64String(reply.GetProperty("result").GetProperty("data").GetString()!);
    }

    /// <summary>Sends one DevTools command and returns its whole reply.</summary>
    private async Task<JsonElement> Call(string method, object parameters)
    {
        int id = ++_nextId;
        var request = JsonSerializer.SerializeToUtf8Bytes(new { id, method, @params = parameters });
        using var cts = new CancellationTokenSource(Http.Timeout);
        await _socket.SendAsync(request, WebSocketMessageType.Text, true, cts.Token);
        var buffer = new byte[1 << 16];
        while (true)
        {
            var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await _socket.ReceiveAsync(buffer, cts.Token);
                message.Write(buffer, 0, result.Count);
            } while (!result.EndOfMessage);
            var reply = JsonDocument.Parse(message.ToArray()).RootElement;
            if (reply.TryGetProperty("id", out var replyId) && replyId.GetInt32() == id) return reply;
        }
    }

    /// <summary>Evaluates <paramref name="expression"/> until it is "true"; fails after 10 s with the last value of <paramref name="describe"/>.</summary>
    public async Task WaitFor(string expression, string describe)
    {
        var clock = Stopwatch.StartNew();
        while (await Evaluate(expression) != "true")
        {
            if (clock.Elapsed > Http.Timeout) Assert.Fail($"the page never satisfied {expression}; {describe} = {await Evaluate(describe)}");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        try { Directory.Delete(_profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
