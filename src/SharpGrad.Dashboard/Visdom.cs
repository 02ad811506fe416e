using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SharpGrad.Dashboard;

/// <summary>
/// A live training dashboard served from this process: visdom's <c>viz = Visdom()</c> plus
/// <c>python -m visdom.server</c> in one object, without Python. Open <see cref="Url"/> in a browser;
/// every window (<see cref="Line(double[], double[], string?, string?, IReadOnlyList{string}?, string?, string?, string?)"/>,
/// <see cref="Scatter(double[], double[], string?, string?, string?, string?, string?, string?)"/>,
/// <see cref="Images"/>, <see cref="Text"/>) appears and updates live, in every open tab, without reloading.
/// <para>Calls never wait for the browser: they update in-memory state and return; one background task
/// renders each changed window at most 10 times per second (SVG charts from <c>SharpGrad.Plotting</c>,
/// PNG image grids) and pushes it to the connected pages. Long series keep a bounded number of points.</para>
/// <para>The server listens on 127.0.0.1 unless a host is given, serves only its page (<c>/</c>), its event
/// stream (<c>/events</c>) and a JSON copy of the windows (<c>/state</c>), and never touches the file system.</para>
/// </summary>
/// <example><code>
/// using var viz = Visdom.Start(port: 8097);
/// Console.WriteLine($"dashboard: {viz.Url}");
/// viz.Line([0.0], [0.0], win: "train_loss", title: "train loss");
/// viz.Line([loss.Item()], [step], win: "train_loss", update: "append");
/// </code></example>
public sealed partial class Visdom : IDisposable, IAsyncDisposable
{
    /// <summary>visdom's default port.</summary>
    public const int DefaultPort = 8097;

    /// <summary>How many ports after a busy one are tried when <c>findFreePort</c> is true.</summary>
    public const int PortAttempts = 100;

    /// <summary>The most event-stream clients (browser tabs) served at once; one more ends the oldest stream.</summary>
    public const int MaxClients = 64;

    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    private readonly WindowHub _hub;
    private readonly WebApplication _app;
    private readonly bool _loopbackOnly;
    private int _disposed;

    private Visdom(WindowHub hub, WebApplication app, string host, int port, int requestedPort, bool loopbackOnly)
    {
        _hub = hub;
        _app = app;
        Host = host;
        Port = port;
        RequestedPort = requestedPort;
        _loopbackOnly = loopbackOnly;
    }

    /// <summary>The address to open in a browser, e.g. <c>http://127.0.0.1:8097/</c>.</summary>
    public string Url => $"http://{(Host.Contains(':') ? "[" + Host + "]" : Host)}:{Port}/{(Token is null ? "" : "?token=" + Token)}";

    /// <summary>The host (IP address) the server listens on.</summary>
    public string Host { get; }

    /// <summary>The port actually listened on (differs from <see cref="RequestedPort"/> when that was 0 or busy).</summary>
    public int Port { get; }

    /// <summary>The port asked for in <see cref="Start"/>.</summary>
    public int RequestedPort { get; }

    /// <summary>True when the requested port was busy and the next free one was taken instead.</summary>
    public bool PortWasBusy => RequestedPort != 0 && Port != RequestedPort;

    /// <summary>The ids of the open windows, in creation order (visdom's <c>viz.get_window_data</c> list).</summary>
    public IReadOnlyList<string> Windows => _hub.Ids();

    internal WindowHub Hub => _hub;

    internal IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts the dashboard server (<c>python -m visdom.server -port PORT</c> plus <c>Visdom()</c>).
    /// <paramref name="port"/> 0 takes any free port. When the port is busy and <paramref name="findFreePort"/>
    /// is true, the next free port (up to <see cref="PortAttempts"/> further) is used: check <see cref="Url"/>
    /// or <see cref="PortWasBusy"/>; otherwise an <see cref="IOException"/> names the port.
    /// <paramref name="host"/> defaults to 127.0.0.1 (this machine only); pass e.g. "0.0.0.0" to accept other machines,
    /// which then need <see cref="Token"/> (in <see cref="Url"/>), as a Jupyter server does.
    /// </summary>
    /// <param name="port">The port; 0 for any free one.</param>
    /// <param name="host">The IP address to listen on; default 127.0.0.1.</param>
    /// <param name="findFreePort">Take the next free port when <paramref name="port"/> is busy.</param>
    /// <param name="token">The token to require; null: a random one when <paramref name="host"/> is not loopback, none otherwise;
    /// "": none at all (a trusted network).</param>
    public static Visdom Start(int port = DefaultPort, string? host = null, bool findFreePort = true, string? token = null) =>
        StartAsync(port, host, findFreePort, token).GetAwaiter().GetResult();

    /// <summary>Starts the dashboard server; see <see cref="Start"/>.</summary>
    public static async Task<Visdom> StartAsync(int port = DefaultPort, string? host = null, bool findFreePort = true, string? token = null)
    {
        if (port < 0 || port > 65535)
            throw new ArgumentOutOfRangeException(nameof(port), port, "dashboard: port must be in 0..65535 (0 picks any free port)");
        var address = ParseHost(host);
        int last = port == 0 || !findFreePort ? port : Math.Min(65535, port + PortAttempts);
        for (int candidate = port; ; candidate++)
        {
            var hub = new WindowHub();
            var box = new StrongBox<Visdom?>();
            var app = Build(address, candidate,
                context => box.Value is { } v ? v.HandleAsync(context) : Plain(context.Response, 503, "dashboard: starting"));
            try
            {
                await app.StartAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is AddressInUseException || e.InnerException is AddressInUseException)
            {
                await app.DisposeAsync().ConfigureAwait(false);
                hub.Dispose();
                if (candidate < last) continue;
                throw new IOException(port == last
                    ? $"dashboard: port {port} on {address} is already in use; pass another port, port 0 for any free port, or findFreePort: true"
                    : $"dashboard: ports {port}..{last} on {address} are all in use; pass another port or port 0 for any free port", e);
            }
            catch
            {
                await app.DisposeAsync().ConfigureAwait(false);
                hub.Dispose();
                throw;
            }
            int bound = BoundPort(app, candidate);
            return box.Value = new Visdom(hub, app, address.ToString(), bound, port, IPAddress.IsLoopback(address)) { Token = ChooseToken(token, address) };
        }
    }

    private static IPAddress ParseHost(string? host)
    {
        if (string.IsNullOrWhiteSpace(host) || host == "localhost") return IPAddress.Loopback;
        if (host == "*") return IPAddress.Any;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var ip)) return ip;
        throw new ArgumentException($"dashboard: host '{host}' is not an IP address (use 127.0.0.1, ::1, 0.0.0.0 or another local address)", nameof(host));
    }

    private static WebApplication Build(IPAddress address, int port, RequestDelegate handler)
    {
        // The empty builder reads no configuration files or environment variables, so nothing can
        // widen the listening address or add middleware behind the caller's back.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "SharpGrad.Dashboard" });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;
            options.Limits.MaxRequestBodySize = 0;
            options.Listen(address, port);
        });
        // The default console lifetime would take over Ctrl+C and SIGTERM to stop only this server, leaving
        // the training loop running; the dashboard must leave the process's signals alone.
        builder.Services.AddSingleton<IHostLifetime, PassiveLifetime>();
        var app = builder.Build();
        app.Run(handler);
        return app;
    }

    private static int BoundPort(WebApplication app, int fallback)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        foreach (var a in addresses ?? []) if (Uri.TryCreate(a, UriKind.Absolute, out var uri)) return uri.Port;
        return fallback;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "no-store";
        response.Headers["Referrer-Policy"] = "no-referrer";
        if (_loopbackOnly && !LocalHost(request.Host))
        {
            // A page on another site that rebinds its name to 127.0.0.1 would send its own Host header.
            await Plain(response, 400, "dashboard: this server answers only to 127.0.0.1, localhost or [::1]").ConfigureAwait(false);
            return;
        }
        if (!Authorized(context))
        {
            await Plain(response, 403, "dashboard: this dashboard needs its token: open the address it printed when it started (.../?token=...)").ConfigureAwait(false);
            return;
        }
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            response.Headers.Allow = "GET, HEAD";
            await Plain(response, 405, "dashboard: only GET is supported").ConfigureAwait(false);
            return;
        }
        // Exact matches only: no path from the request is ever mapped to a file.
        switch (request.Path.Value)
        {
            case "/":
            case "/index.html":
                response.ContentType = "text/html; charset=utf-8";
                response.Headers.ContentSecurityPolicy = Page.ContentSecurityPolicy;
                await Write(response, Page.Render(_hub.Snapshot())).ConfigureAwait(false);
                return;
            case "/state":
                response.ContentType = "application/json; charset=utf-8";
                await Write(response, StateJson()).ConfigureAwait(false);
                return;
            case "/events":
                await EventsAsync(context).ConfigureAwait(false);
                return;
            default:
                await Plain(response, 404, "dashboard: not found").ConfigureAwait(false);
                return;
        }
    }

    private bool LocalHost(HostString host)
    {
        string name = host.Host;
        return name is "127.0.0.1" or "localhost" or "[::1]" or "::1" && (!host.Port.HasValue || host.Port == Port);
    }

    private static Task Plain(HttpResponse response, int status, string text)
    {
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        return Write(response, text + "\n");
    }

    private static async Task Write(HttpResponse response, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(response.HttpContext.Request.Method))
            await response.Body.WriteAsync(bytes).ConfigureAwait(false);
    }

    private string StateJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var w in _hub.Snapshot()) WriteWindow(json, w);
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteWindow(Utf8JsonWriter json, Rendered w)
    {
        json.WriteStartObject();
        json.WriteString("id", w.Id);
        json.WriteString("kind", w.Kind);
        json.WriteString("title", w.Title);
        json.WriteNumber("version", w.Version);
        json.WriteString("html", w.Html);
        json.WriteEndObject();
    }

    /// <summary>
    /// Server-sent events: "reset" (the ids that exist), then "window" for every window that changed and
    /// "close" for every window that was closed, coalesced per client, plus a comment line as heartbeat.
    /// </summary>
    private async Task EventsAsync(HttpContext context)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers["X-Accel-Buffering"] = "no";
        // Beyond MaxClients the oldest stream is ended, so a fresh tab always connects (stalled ones cannot lock it out).
        var subscriber = _hub.Subscribe(MaxClients);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _hub.Stopping, subscriber.Evicted);
        var token = stop.Token;
        try
        {
            await response.WriteAsync("retry: 1000\n\n", token).ConfigureAwait(false);
            await response.Body.FlushAsync(token).ConfigureAwait(false);
            while (!token.IsCancellationRequested)
            {
                if (!await subscriber.WaitAsync(Heartbeat, token).ConfigureAwait(false))
                {
                    await response.WriteAsync(": ping\n\n", token).ConfigureAwait(false);
                    await response.Body.FlushAsync(token).ConfigureAwait(false);
                    continue;
                }
                var (reset, ids) = subscriber.Take();
                var sb = new StringBuilder();
                if (reset) sb.Append("event: reset\ndata: ").Append(JsonSerializer.Serialize(_hub.Ids())).Append("\n\n");
                foreach (var id in ids)
                {
                    var w = _hub.RenderedWindow(id);
                    if (w is null && _hub.Find(id) is not null) continue; // created, not rendered yet: a window event follows
                    sb.Append(w is null ? "event: close\ndata: " : "event: window\ndata: ").Append(EventJson(id, w)).Append("\n\n");
                }
                if (sb.Length == 0) continue;
                await response.WriteAsync(sb.ToString(), token).ConfigureAwait(false);
                await response.Body.FlushAsync(token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
            // The browser went away mid-write.
        }
        finally
        {
            _hub.Unsubscribe(subscriber);
        }
    }

    private static string EventJson(string id, Rendered? w)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            if (w is null)
            {
                json.WriteStartObject();
                json.WriteString("id", id);
                json.WriteEndObject();
            }
            else WriteWindow(json, w);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Waits until every update so far is rendered and pushed to the pages' queues; false on timeout.</summary>
    public Task<bool> FlushAsync(TimeSpan? timeout = null) => _hub.IdleAsync(timeout ?? TimeSpan.FromSeconds(10));

    /// <summary>Stops the server and closes every page's event stream.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Stops the server and closes every page's event stream.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _hub.Dispose();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try { await _app.StopAsync(timeout.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}

/// <summary>A host lifetime that does nothing: no signal handlers, so Ctrl+C and SIGTERM stop the process as usual.</summary>
internal sealed class PassiveLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
