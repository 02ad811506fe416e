namespace SharpGrad.NN.Manual;

/// <summary>
/// ReLU with hand-written backward (course <c>Relu()</c>; autograd counterpart <c>F.relu</c>). Forward keeps the
/// mask of inputs &lt;= 0 and zeroes them; Backward zeroes dout at the same places (the derivative at 0 is taken as 0,
/// as in PyTorch).
/// </summary>
public sealed class Relu : Layer
{
    private Tensor? _mask;

    private protected override string Name => "Relu";

    private protected override Tensor ForwardCore(Tensor x)
    {
        if (x.DType is not (DType.Float32 or DType.Float64))
            throw new ArgumentException($"Relu.Forward: expected a float32 or float64 input, got {x.DType.TorchName()}");
        _mask = x.Le(0.0);
        var output = Tensor.Where(_mask, 0.0, x);
        OutputShape = output.Shape;
        return output;
    }

    private protected override Tensor BackwardCore(Tensor dout) => Tensor.Where(_mask!, 0.0, dout);
}
