using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace SharpGrad.Dashboard;

/// <summary>A window as last rendered: what the page shows and what every event carries.</summary>
internal sealed record Rendered(string Id, string Kind, string Title, string Html, long Version);

/// <summary>
/// The dashboard's state and its one background renderer. Callers edit a <see cref="Window"/> and call
/// <see cref="MarkDirty"/> (a dictionary insert and at most one semaphore release, no I/O and no
/// rendering); the renderer renders each dirty window at most once per <see cref="MinRenderInterval"/>,
/// stores the result and tells every <see cref="Subscriber"/> which window changed. A subscriber keeps
/// only the set of changed ids, so a slow or stalled browser costs one small set, never a queue of pages.
/// </summary>
internal sealed class WindowHub : IDisposable
{
    /// <summary>The shortest time between two renders of the same window (at most 10 renders/s per window).</summary>
    public static readonly TimeSpan MinRenderInterval = TimeSpan.FromMilliseconds(100);

    private readonly object _gate = new();
    private readonly ConcurrentDictionary<string, Window> _windows = new();
    private readonly List<string> _order = [];
    private readonly Dictionary<string, Rendered> _rendered = [];
    private readonly List<Subscriber> _subscribers = [];
    private readonly ConcurrentDictionary<string, byte> _dirty = new();
    private readonly Dictionary<string, long> _lastRender = [];
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _signaled, _busy;
    private long _version;
    private long _renders;

    public WindowHub() => _loop = Task.Run(RenderLoopAsync);

    /// <summary>Cancelled when the hub stops: ends the render loop and every event stream.</summary>
    public CancellationToken Stopping => _stop.Token;

    /// <summary>The number of renders done so far (for tests of the throttle).</summary>
    public long Renders => Interlocked.Read(ref _renders);

    /// <summary>The live window ids, in creation order.</summary>
    public IReadOnlyList<string> Ids()
    {
        lock (_gate) return [.. _order];
    }

    /// <summary>The window <paramref name="id"/>, or null.</summary>
    public Window? Find(string id) => _windows.TryGetValue(id, out var w) ? w : null;

    /// <summary>
    /// Stores <paramref name="window"/> under its id, replacing any window of that id; a new id beyond
    /// <see cref="Visdom.MaxWindows"/> closes the oldest window.
    /// </summary>
    public void Put(Window window)
    {
        lock (_gate)
        {
            if (!_windows.ContainsKey(window.Id))
            {
                while (_order.Count >= Visdom.MaxWindows) CloseLocked(_order[0]);
                _order.Add(window.Id);
            }
            _windows[window.Id] = window;
        }
    }

    /// <summary>Queues <paramref name="id"/> for rendering; never blocks.</summary>
    public void MarkDirty(string id)
    {
        _dirty.TryAdd(id, 0);
        if (Interlocked.Exchange(ref _signaled, 1) == 0) _wake.Release();
    }

    /// <summary>Removes window <paramref name="id"/>; true when it existed.</summary>
    public bool Close(string id)
    {
        lock (_gate) return CloseLocked(id);
    }

    private bool CloseLocked(string id)
    {
        if (!_windows.TryRemove(id, out _)) return false;
        _order.Remove(id);
        _rendered.Remove(id);
        foreach (var s in _subscribers) s.Mark(id);
        return true;
    }

    /// <summary>The last rendering of window <paramref name="id"/>, or null when it is closed or not rendered yet.</summary>
    public Rendered? RenderedWindow(string id)
    {
        lock (_gate) return _rendered.GetValueOrDefault(id);
    }

    /// <summary>Every rendered window, in creation order.</summary>
    public IReadOnlyList<Rendered> Snapshot()
    {
        lock (_gate)
        {
            var list = new List<Rendered>(_order.Count);
            foreach (var id in _order) if (_rendered.TryGetValue(id, out var r)) list.Add(r);
            return list;
        }
    }

    /// <summary>
    /// Registers an event-stream client; it first gets a reset and every current window. With <paramref name="maxClients"/>
    /// already connected, the oldest is evicted (its stream ends): a stalled page never locks a fresh one out.
    /// </summary>
    public Subscriber Subscribe(int maxClients = int.MaxValue)
    {
        var s = new Subscriber();
        lock (_gate)
        {
            while (_subscribers.Count >= Math.Max(1, maxClients))
            {
                _subscribers[0].Evict();
                _subscribers.RemoveAt(0);
            }
            _subscribers.Add(s);
            s.MarkReset(_order);
        }
        return s;
    }

    /// <summary>The number of connected event-stream clients.</summary>
    public int Subscribers
    {
        get { lock (_gate) return _subscribers.Count; }
    }

    public void Unsubscribe(Subscriber s)
    {
        lock (_gate) _subscribers.Remove(s);
    }

    private async Task RenderLoopAsync()
    {
        var token = _stop.Token;
        long interval = (long)(MinRenderInterval.TotalSeconds * Stopwatch.Frequency);
        try
        {
            while (!token.IsCancellationRequested)
            {
                Volatile.Write(ref _busy, 0);
                await _wake.WaitAsync(token).ConfigureAwait(false);
                Volatile.Write(ref _busy, 1);
                Volatile.Write(ref _signaled, 0);
                while (!token.IsCancellationRequested)
                {
                    long now = Stopwatch.GetTimestamp(), nextDue = long.MaxValue;
                    foreach (var id in _dirty.Keys)
                    {
                        if (!_windows.TryGetValue(id, out var window)) { _dirty.TryRemove(id, out _); continue; }
                        if (_lastRender.TryGetValue(id, out long last) && now - last < interval)
                        {
                            nextDue = Math.Min(nextDue, last + interval);
                            continue;
                        }
                        // Take the id off the dirty set before the snapshot: an edit made after the snapshot marks it again.
                        _dirty.TryRemove(id, out _);
                        _lastRender[id] = now;
                        Render(window);
                    }
                    if (nextDue == long.MaxValue) break;
                    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), nextDue);
                    if (wait > TimeSpan.Zero) await Task.Delay(wait, token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    private void Render(Window window)
    {
        Func<string> render;
        string title;
        lock (window.Gate)
        {
            render = window.Snapshot();
            title = string.IsNullOrEmpty(window.Title) ? window.Id : window.Title;
        }
        string html;
        try
        {
            html = render();
        }
        catch (Exception e)
        {
            // A bad update (e.g. nothing drawable) shows in its window instead of killing the renderer.
            html = $"<pre class=\"error\">{WebUtility.HtmlEncode(e.Message)}</pre>";
        }
        Interlocked.Increment(ref _renders);
        lock (_gate)
        {
            if (!_windows.TryGetValue(window.Id, out var current) || !ReferenceEquals(current, window)) return;
            _rendered[window.Id] = new Rendered(window.Id, window.Kind, title, html, ++_version);
            foreach (var s in _subscribers) s.Mark(window.Id);
        }
    }

    /// <summary>Waits until nothing is dirty (tests and shutdown); false on timeout.</summary>
    public async Task<bool> IdleAsync(TimeSpan timeout)
    {
        var end = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!_dirty.IsEmpty || Volatile.Read(ref _busy) != 0 || Volatile.Read(ref _signaled) != 0)
        {
            if (Stopwatch.GetTimestamp() > end) return false;
            await Task.Delay(10).ConfigureAwait(false);
        }
        return true;
    }

    public void Dispose()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); }
        catch (AggregateException) { }
    }
}

/// <summary>
/// One event-stream client's pending work: the set of window ids changed since its last write (and
/// whether it must first reset its page). Bounded by the number of window ids, whatever the update rate.
/// </summary>
internal sealed class Subscriber
{
    private readonly CancellationTokenSource _evicted = new();
    private readonly HashSet<string> _pending = [];
    private readonly List<string> _order = [];
    private readonly SemaphoreSlim _wake = new(0, 1);
    private bool _reset;
    private int _signaled;

    /// <summary>Cancelled when a newer client took this one's place.</summary>
    public CancellationToken Evicted => _evicted.Token;

    /// <summary>Ends this client's stream (its handler sees <see cref="Evicted"/> cancelled).</summary>
    public void Evict() => _evicted.Cancel();

    public void Mark(string id)
    {
        lock (_pending) if (_pending.Add(id)) _order.Add(id);
        Signal();
    }

    public void MarkReset(IEnumerable<string> ids)
    {
        lock (_pending)
        {
            _reset = true;
            foreach (var id in ids) if (_pending.Add(id)) _order.Add(id);
        }
        Signal();
    }

    private void Signal()
    {
        if (Interlocked.Exchange(ref _signaled, 1) == 0) _wake.Release();
    }

    /// <summary>Waits for changes; false when <paramref name="timeout"/> passed without any.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken token)
    {
        bool woke = await _wake.WaitAsync(timeout, token).ConfigureAwait(false);
        if (woke) Volatile.Write(ref _signaled, 0);
        return woke;
    }

    /// <summary>Takes the pending ids (in the order they changed) and the reset flag.</summary>
    public (bool Reset, List<string> Ids) Take()
    {
        lock (_pending)
        {
            var ids = new List<string>(_order);
            bool reset = _reset;
            _order.Clear();
            _pending.Clear();
            _reset = false;
            return (reset, ids);
        }
    }
}
