using SharpGrad.IO;

namespace SharpGrad.Cli.Commands.Raw;

/// <summary>
/// The course 000 network written from raw tensors: <c>H = relu(X @ W1 + b1)</c>, <c>out = H @ W2 + b2</c>, with the
/// weights drawn from N(0, std) as <c>np.random.normal(0, std, (inputs, hiddens))</c> and the biases one zero each
/// (<c>torch.zeros(1)</c>, broadcast over the units, as the course writes them).
/// </summary>
internal sealed class RawMlp
{
    /// <summary>Draws the weights from N(0, <paramref name="std"/>) with the global generator; every tensor requires grad.</summary>
    public RawMlp(int inputs, int hiddens, int outputs, double std)
    {
        Inputs = inputs;
        W1 = Tensor.Normal(0, std, [inputs, hiddens]).RequiresGrad_();
        B1 = Tensor.Zeros([1], requiresGrad: true);
        W2 = Tensor.Normal(0, std, [hiddens, outputs]).RequiresGrad_();
        B2 = Tensor.Zeros([1], requiresGrad: true);
    }

    /// <summary>Number of input features.</summary>
    public int Inputs { get; }

    /// <summary>Input-to-hidden weights, [inputs, hiddens].</summary>
    public Tensor W1 { get; }

    /// <summary>Hidden bias, [1].</summary>
    public Tensor B1 { get; }

    /// <summary>Hidden-to-output weights, [hiddens, outputs].</summary>
    public Tensor W2 { get; }

    /// <summary>Output bias, [1].</summary>
    public Tensor B2 { get; }

    /// <summary><c>params = [W1, b1, W2, b2]</c>.</summary>
    public Tensor[] Parameters => [W1, B1, W2, B2];

    /// <summary><c>net(X)</c>: <c>relu(X.view(-1, inputs) @ W1 + b1) @ W2 + b2</c>.</summary>
    public Tensor Forward(Tensor x)
    {
        var h = (x.View(-1, Inputs).MatMul(W1) + B1).Relu();
        return h.MatMul(W2) + B2;
    }

    /// <summary>The course's <c>param.grad.data.zero_()</c> on every parameter that has a gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters) p.Grad?.Zero_();
    }

    /// <summary>
    /// The course's hand-written <c>SGD(params, lr, batch_size)</c>: <c>param.data -= lr * param.grad / batch_size</c>.
    /// The loss is already a batch mean, so the step is lr / batch_size times the mean gradient, exactly as in the course.
    /// </summary>
    public void SgdStep(double lr, int batchSize)
    {
        using (Tensor.NoGrad())
        {
            foreach (var p in Parameters)
            {
                if (p.Grad is null) throw new InvalidOperationException("SGD: a parameter has no gradient; call Backward() on the loss first");
                p.Sub_(p.Grad * (lr / batchSize));
            }
        }
    }

    /// <summary>Writes W1, b1, W2, b2 to a safetensors file (<c>torch.save</c> of the four tensors).</summary>
    public void Save(string path)
        => SafeTensors.Save(path, new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            ["W1"] = W1.Detach(), ["b1"] = B1.Detach(), ["W2"] = W2.Detach(), ["b2"] = B2.Detach(),
        });
}
