namespace SharpGrad;

/// <summary>Removes a registered hook when asked (PyTorch <c>torch.utils.hooks.RemovableHandle</c>); disposing removes it too.</summary>
public sealed class RemovableHandle : IDisposable
{
    private Action? _remove;

    internal RemovableHandle(Action remove) => _remove = remove;

    /// <summary>Unregisters the hook (<c>handle.remove()</c>); later calls do nothing.</summary>
    public void Remove()
    {
        _remove?.Invoke();
        _remove = null;
    }

    /// <summary>Same as <see cref="Remove"/>.</summary>
    public void Dispose() => Remove();
}
