using SharpGrad.Graph;

namespace SharpGrad;

public partial class Tensor
{
    /// <summary>
    /// Turns off graph recording on this thread until the returned scope is disposed
    /// (<c>with torch.no_grad():</c> is <c>using (Tensor.NoGrad()) { ... }</c>).
    /// </summary>
    public static IDisposable NoGrad() => GradMode.Set(false);

    /// <summary>Turns graph recording on until the scope is disposed, even inside NoGrad (<c>torch.enable_grad()</c>).</summary>
    public static IDisposable EnableGrad() => GradMode.Set(true);

    /// <summary>Sets grad mode until the scope is disposed (<c>torch.set_grad_enabled(mode)</c>).</summary>
    public static IDisposable SetGradEnabled(bool enabled) => GradMode.Set(enabled);

    /// <summary>Whether ops are recorded on this thread (<c>torch.is_grad_enabled()</c>).</summary>
    public static bool IsGradEnabled => GradMode.IsEnabled;
}
