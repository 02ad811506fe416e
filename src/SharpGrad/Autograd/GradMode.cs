namespace SharpGrad.Graph;

/// <summary>Whether ops record the autograd graph on this thread (PyTorch <c>torch.is_grad_enabled()</c>).</summary>
public static class GradMode
{
    [ThreadStatic] private static bool t_disabled;

    /// <summary>True when new ops on tensors that require grad are recorded (the default on every thread).</summary>
    public static bool IsEnabled
    {
        get => !t_disabled;
        set => t_disabled = !value;
    }

    /// <summary>Sets the grad mode until the returned scope is disposed, then restores the previous mode.</summary>
    public static IDisposable Set(bool enabled)
    {
        var scope = new Scope(IsEnabled);
        IsEnabled = enabled;
        return scope;
    }

    private sealed class Scope(bool previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            IsEnabled = previous;
        }
    }
}
