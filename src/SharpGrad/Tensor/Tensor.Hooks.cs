using SharpGrad.Graph;

namespace SharpGrad;

public partial class Tensor
{
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
