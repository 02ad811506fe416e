using System.Collections;

namespace SharpGrad.Data;

/// <summary>
/// The sample indices a <see cref="DataLoader"/> visits in one epoch, in order (PyTorch <c>torch.utils.data.Sampler</c>);
/// pass one as the loader's <c>sampler</c>. Each enumeration is one epoch.
/// </summary>
public abstract class Sampler : IEnumerable<int>
{
    /// <summary>Number of indices an epoch yields (<c>len(sampler)</c>).</summary>
    public abstract int Count { get; }

    /// <summary>The indices of one epoch.</summary>
    public abstract IEnumerator<int> GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
