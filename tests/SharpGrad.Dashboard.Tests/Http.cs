using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace SharpGrad.Dashboard.Tests;

/// <summary>Test helpers: an HttpClient per dashboard, raw requests (paths sent byte for byte) and an event-stream reader.</summary>
internal static class Http
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static HttpClient Client(Visdom viz) => new() { BaseAddress = new Uri(viz.Url), Timeout = Timeout };

    /// <summary>The windows in <c>/state</c>: id, kind, title, version, html.</summary>
    public static async Task<List<JsonElement>> State(Visdom viz)
    {
        using var client = Client(viz);
        var json = await client.GetStringAsync("state");
        return [.. JsonDocument.Parse(json).RootElement.EnumerateArray()];
    }

    /// <summary>Sends <paramref name="requestLine"/> and headers as written (no URL normalisation) and returns status and body.</summary>
    public static async Task<(int Status, string Response)> Raw(Visdom viz, string requestLine, string? host = null, string? cookie = null)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", viz.Port);
        var stream = tcp.GetStream();
        string request = $"{requestLine}\r\nHost: {host ?? $"127.0.0.1:{viz.Port}"}\r\n{(cookie is null ? "" : $"Cookie: {cookie}\r\n")}Connection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var cts = new CancellationTokenSource(Timeout);
        using var reader = new StreamReader(stream);
        string response = await reader.ReadToEndAsync(cts.Token);
        var parts = response.Split(' ', 3);
        Assert.True(parts.Length >= 2 && parts[0].StartsWith("HTTP/1.1"), $"not an HTTP response: {response}");
        return (int.Parse(parts[1]), response);
    }
}

/// <summary>Reads server-sent events from <c>/events</c>.</summary>
internal sealed class EventReader : IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private EventReader(HttpClient client, HttpResponseMessage response, StreamReader reader)
    {
        (_client, _response, _reader) = (client, response, reader);
    }

    public static async Task<EventReader> Open(Visdom viz)
    {
        var client = new HttpClient { BaseAddress = new Uri(viz.Url), Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        var response = await client.GetAsync("events", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        return new EventReader(client, response, reader);
    }

    /// <summary>The next event (name and data), skipping comments and the retry line.</summary>
    public async Task<(string Event, string Data)> Next()
    {
        using var cts = new CancellationTokenSource(Http.Timeout);
        string name = "message";
        var data = new StringBuilder();
        while (true)
        {
            string? line = await _reader.ReadLineAsync(cts.Token) ?? throw new EndOfStreamException("event stream ended");
            if (line.Length == 0)
            {
                if (data.Length > 0) return (name, data.ToString());
                name = "message";
                continue;
            }
            if (line.StartsWith(':') || line.StartsWith("retry:")) continue;
            if (line.StartsWith("event: ")) name = line["event: ".Length..];
            else if (line.StartsWith("data: ")) data.Append(line["data: ".Length..]);
        }
    }

    /// <summary>Reads events until one named <paramref name="name"/> whose data satisfies <paramref name="match"/>.</summary>
    public async Task<JsonElement> Until(string name, Func<JsonElement, bool> match)
    {
        while (true)
        {
            var (e, data) = await Next();
            var json = JsonDocument.Parse(data).RootElement;
            if (e == name && match(json)) return json;
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
