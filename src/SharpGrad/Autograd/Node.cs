using System.Runtime.CompilerServices;

namespace SharpGrad.Graph;

/// <summary>
/// A node of the autograd graph: the backward function of one op (PyTorch <c>torch.autograd.graph.Node</c>,
/// what <c>tensor.grad_fn</c> returns). It maps the gradient of the op's output to the gradients
/// of its inputs, written with tensor ops so that higher-order gradients work.
/// </summary>
public abstract class Node
{
    private static long s_sequence;

    /// <summary>Creates a node with the next sequence number (later nodes run first in backward).</summary>
    protected Node()
    {
        Sequence = Interlocked.Increment(ref s_sequence);
    }

    /// <summary>PyTorch's name for this backward function, e.g. <c>MulBackward0</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Where each input's gradient goes: the input's own node, or null when that input needs no gradient.</summary>
    public Node?[] NextFunctions { get; internal set; } = [];

    internal long Sequence { get; }

    /// <summary>Sizes and dtype of each input when the op ran: the engine checks returned gradients against them.</summary>
    internal (int[] Sizes, DType DType)[] InputMeta { get; set; } = [];

    internal bool Released { get; private set; }

    /// <summary>True when input <paramref name="i"/> needs a gradient.</summary>
    protected bool NeedsInputGrad(int i) => i < NextFunctions.Length && NextFunctions[i] is not null;

    /// <summary>Gradients of the inputs given the gradient of the output; null where an input needs none.</summary>
    protected internal abstract Tensor?[] Backward(Tensor gradOutput);

    /// <summary>Drops the tensors saved for backward (after a backward pass without retainGraph).</summary>
    protected internal virtual void ReleaseSaved() { }

    internal void Release()
    {
        Released = true;
        ReleaseSaved();
    }

    internal void ThrowIfReleased()
    {
        if (Released)
            throw new InvalidOperationException(
                $"backward: trying to backward through the graph a second time (through {Name}); the saved tensors were freed " +
                "after the first Backward. Pass retainGraph: true to the first Backward call if you need to backward twice.");
    }

    /// <inheritdoc/>
    public override string ToString() => $"<{Name}>";
}

/// <summary>The node that adds an incoming gradient into a leaf tensor's <c>Grad</c> (PyTorch <c>AccumulateGrad</c>).</summary>
public sealed class AccumulateGrad : Node
{
    internal AccumulateGrad(Tensor variable)
    {
        Variable = variable;
    }

    /// <summary>The leaf tensor whose gradient this node accumulates.</summary>
    public Tensor Variable { get; }

    /// <inheritdoc/>
    public override string Name => "AccumulateGrad";

    /// <summary>Hooks run once the leaf's gradient of a backward pass is complete; null while none is registered (the engine tests only that).</summary>
    internal Action<Tensor>[]? PostHooks { get; private set; }

    internal void AddPostHook(Action<Tensor> hook) => PostHooks = [.. PostHooks ?? [], hook];

    internal void RemovePostHook(Action<Tensor> hook)
    {
        if (PostHooks is null) return;
        var rest = Array.FindAll(PostHooks, h => !ReferenceEquals(h, hook));
        PostHooks = rest.Length == 0 ? null : rest;
    }

    internal void RunPostHooks()
    {
        foreach (var hook in PostHooks!) hook(Variable);
    }

    /// <inheritdoc/>
    protected internal override Tensor?[] Backward(Tensor gradOutput)
    {
        Variable.AccumulateGradient(gradOutput);
        return [];
    }
}

/// <summary>
/// A tensor saved for backward together with its storage version at save time, so that using it
/// after an in-place change is caught (as PyTorch does) instead of giving a wrong gradient.
/// </summary>
public struct SavedTensor
{
    private Tensor? _tensor;
    private readonly int _version;

    /// <summary>Saves <paramref name="tensor"/> at its current version.</summary>
    public SavedTensor(Tensor tensor)
    {
        _tensor = tensor;
        _version = tensor.Version;
    }

    /// <summary>The saved tensor; throws if it was modified in place since it was saved.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly Tensor Unpack(Node owner, string name = "a tensor")
    {
        owner.ThrowIfReleased();
        var t = _tensor ?? throw new InvalidOperationException($"backward: {owner.Name} has no saved tensor '{name}'");
        if (t.Version != _version)
            throw new InvalidOperationException(
                $"backward: one of the variables needed for gradient computation has been modified by an inplace operation: " +
                $"{name} of {owner.Name}, shape {Core.Shape.Format(t.Shape)}, is at version {t.Version}; expected version {_version} instead.");
        return t;
    }

    /// <summary>Forgets the tensor (frees its memory for the collector).</summary>
    public void Release() => _tensor = null;

    /// <summary>The saved tensor without the version check, or null when none was saved or it was released (for drawing the graph).</summary>
    internal readonly Tensor? Peek => _tensor;
}
