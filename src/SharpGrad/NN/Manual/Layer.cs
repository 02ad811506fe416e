using SharpGrad.Core;

namespace SharpGrad.NN.Manual;

/// <summary>
/// A layer of the hand-written-backprop teaching API (the course's <c>layers</c> module, after the book
/// 《深度学习入门》 chapters 5 and 7): <see cref="Forward"/> computes the output and keeps what the backward pass
/// needs, <see cref="Backward"/> takes dL/dout and returns dL/dx, storing the parameter gradients on the layer.
/// Nothing here uses autograd: both passes run under <see cref="Tensor.NoGrad"/> with plain tensor ops, so the
/// gradients are the ones written in the code. PyTorch has no equivalent; there <c>nn.Module</c> + <c>loss.backward()</c> do this.
/// </summary>
public abstract class Layer
{
    /// <summary>The layer's name in error messages (the course's class name).</summary>
    private protected abstract string Name { get; }

    /// <summary>Computes the output for <paramref name="x"/> and remembers what <see cref="Backward"/> needs (course: <c>forward(x)</c>).</summary>
    public Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        using (Tensor.NoGrad()) return ForwardCore(x);
    }

    /// <summary>
    /// Given dL/dout of the last <see cref="Forward"/>, returns dL/dx and stores the parameter gradients
    /// (course: <c>backward(dout)</c>).
    /// </summary>
    public Tensor Backward(Tensor dout)
    {
        ArgumentNullException.ThrowIfNull(dout);
        var expected = OutputShape ?? throw new InvalidOperationException($"{Name}.Backward: call Forward first");
        if (!dout.Layout.Sizes.AsSpan().SequenceEqual(expected))
            throw new ArgumentException($"{Name}.Backward: dout has shape {Shape.Format(dout.Shape)} but the forward output had shape {Shape.Format(expected)}");
        using (Tensor.NoGrad()) return BackwardCore(dout);
    }

    /// <summary>The shape of the last forward output (null before the first <see cref="Forward"/>).</summary>
    public int[]? OutputShape { get; private protected set; }

    /// <summary>The forward pass proper; runs under no-grad.</summary>
    private protected abstract Tensor ForwardCore(Tensor x);

    /// <summary>The backward pass proper; runs under no-grad with a <paramref name="dout"/> of the right shape.</summary>
    private protected abstract Tensor BackwardCore(Tensor dout);

    /// <summary>Throws unless <paramref name="x"/> has <paramref name="ndim"/> dims and a floating-point dtype.</summary>
    private protected void RequireInput(Tensor x, int ndim, string layout)
    {
        if (x.NDim != ndim)
            throw new ArgumentException($"{Name}.Forward: expected a {ndim}-D input {layout}, got shape {Shape.Format(x.Shape)}");
        if (x.DType is not (DType.Float32 or DType.Float64))
            throw new ArgumentException($"{Name}.Forward: expected a float32 or float64 input, got {x.DType.TorchName()}");
    }

    /// <summary>Throws unless <paramref name="x"/> has the dtype of the layer's parameter <paramref name="w"/>.</summary>
    private protected void RequireSameDType(Tensor x, Tensor w, string what)
    {
        if (x.DType != w.DType)
            throw new ArgumentException($"{Name}.Forward: the input is {x.DType.TorchName()} but {what} is {w.DType.TorchName()}; convert one of them");
    }
}
