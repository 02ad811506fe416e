using SharpGrad.Core;

namespace SharpGrad.NN.Manual;

/// <summary>
/// Fully connected (affine) layer with hand-written backward (course <c>FullyConnected(W, b)</c>, the book's
/// <c>Affine</c>): out = x.reshape(N, -1) @ W + b with W [in, out] and b [out]. Note that PyTorch's
/// <c>nn.Linear</c> / <c>F.linear(x, weight, bias)</c> stores the transpose: weight = W.T, [out, in].
/// Backward gives dx = dout @ W.T (reshaped like x), <see cref="DW"/> = x.T @ dout and <see cref="DB"/> = dout summed over the batch.
/// </summary>
public sealed class FullyConnected : Layer
{
    private Tensor? _flat;
    private int[]? _inputShape;

    /// <summary>Creates the layer from <paramref name="w"/> [in, out] and <paramref name="b"/> [out].</summary>
    public FullyConnected(Tensor w, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(b);
        if (w.NDim != 2) throw new ArgumentException($"FullyConnected: W must be 2-D [in, out], got shape {Shape.Format(w.Shape)}");
        if (b.NDim != 1 || b.Shape[0] != w.Shape[1])
            throw new ArgumentException($"FullyConnected: b must have shape [{w.Shape[1]}] to match W {Shape.Format(w.Shape)}, got {Shape.Format(b.Shape)}");
        if (b.DType != w.DType) throw new ArgumentException($"FullyConnected: W is {w.DType.TorchName()} but b is {b.DType.TorchName()}");
        (W, B) = (w, b);
    }

    private protected override string Name => "FullyConnected";

    /// <summary>The weights [in, out] (course: <c>self.W</c>).</summary>
    public Tensor W { get; }

    /// <summary>The bias [out] (course: <c>self.b</c>).</summary>
    public Tensor B { get; }

    /// <summary>dL/dW after <see cref="Layer.Backward"/> (course: <c>self.dW</c>).</summary>
    public Tensor? DW { get; private set; }

    /// <summary>dL/db after <see cref="Layer.Backward"/> (course: <c>self.db</c>).</summary>
    public Tensor? DB { get; private set; }

    private protected override Tensor ForwardCore(Tensor x)
    {
        if (x.NDim < 2)
            throw new ArgumentException($"FullyConnected.Forward: expected a batch [N, ...] of at least 2 dims, got shape {Shape.Format(x.Shape)}");
        if (x.DType is not (DType.Float32 or DType.Float64))
            throw new ArgumentException($"FullyConnected.Forward: expected a float32 or float64 input, got {x.DType.TorchName()}");
        RequireSameDType(x, W, "W");
        int n = x.Shape[0];
        int features = n == 0 ? 0 : x.Numel() / n;
        if (features != W.Shape[0])
            throw new ArgumentException(
                $"FullyConnected.Forward: input {Shape.Format(x.Shape)} has {features} features per sample but W {Shape.Format(W.Shape)} expects {W.Shape[0]}");
        _inputShape = x.Shape;
        _flat = x.Reshape(n, features);
        var output = _flat.MatMul(W) + B;
        OutputShape = output.Shape;
        return output;
    }

    private protected override Tensor BackwardCore(Tensor dout)
    {
        DW = _flat!.T.MatMul(dout);
        DB = dout.Sum(0);
        return dout.MatMul(W.T).Reshape(_inputShape!);
    }
}
