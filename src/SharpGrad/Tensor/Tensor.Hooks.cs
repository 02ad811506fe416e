using SharpGrad.Graph;

namespace SharpGrad;

public partial class Tensor
{
    /// <summary>
    /// Registers <paramref name="hook"/> to run, with this leaf, each time a backward pass has finished accumulating
    /// into its <see cref="Grad"/> (<c>tensor.register_post_accumulate_grad_hook(hook)</c>): its gradient for that pass is
    /// then complete, while the rest of the pass may still be running. DistributedDataParallel starts averaging
    /// gradients from here. The hook must not start another backward pass through the same graph.
    /// </summary>
    /// <returns>A handle whose <c>Remove()</c> unregisters the hook.</returns>
    /// <exception cref="InvalidOperationException">The tensor is not a leaf, or does not require grad.</exception>
    public RemovableHandle RegisterPostAccumulateGradHook(Action<Tensor> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        if (!IsLeaf)
            throw new InvalidOperationException("register_post_accumulate_grad_hook: post accumulate grad hooks cannot be registered on non-leaf tensors");
        if (!RequiresGrad)
            throw new InvalidOperationException(
                $"register_post_accumulate_grad_hook: cannot register a hook on a tensor that doesn't require gradient (shape {Core.Shape.Format(Layout.Sizes)})");
        var accumulator = GradAccumulator;
        accumulator.AddPostHook(hook);
        return new RemovableHandle(() => accumulator.RemovePostHook(hook));
    }

    /// <summary>
    /// The identity, recorded so that backward calls <paramref name="onGradient"/> with this tensor's gradient and
    /// passes on what it returns (PyTorch's <c>BackwardHookFunction</c>, which module backward hooks are built on).
    /// Returns <paramref name="x"/> itself when autograd does not record it.
    /// </summary>
    internal static Tensor WithBackwardHook(Tensor x, Func<Tensor, Tensor> onGradient)
    {
        if (!NeedsGrad(x)) return x;
        return Record(new Tensor(x.Storage, x.Layout), new BackwardHookFunctionBackward(onGradient), x);
    }

    private sealed class BackwardHookFunctionBackward(Func<Tensor, Tensor> onGradient) : Node
    {
        public override string Name => "BackwardHookFunctionBackward";

        protected internal override Tensor?[] Backward(Tensor gradOutput) => [onGradient(gradOutput)];
    }
}
