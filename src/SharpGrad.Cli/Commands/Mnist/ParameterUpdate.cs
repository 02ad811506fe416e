using SharpGrad.Optim;

namespace SharpGrad.Cli.Commands.Mnist;

/// <summary>How a training step changes the parameters: a library optimizer, or course 000's hand-written SGD.</summary>
internal interface IParameterUpdate
{
    /// <summary>Clears the gradients before the backward pass.</summary>
    void ZeroGrad();

    /// <summary>Applies one update from the current gradients.</summary>
    void Step();

    /// <summary>Builds the update <paramref name="s"/> asks for over <paramref name="parameters"/>.</summary>
    static IParameterUpdate Create(MnistSettings s, IReadOnlyList<Tensor> parameters) => s.Optimizer switch
    {
        "sgd" when s.Model == "mlp" => new HandWrittenSgd(parameters, s.Lr, s.WeightDecay),
        "sgd" => new OptimizerUpdate(new SGD(parameters, lr: s.Lr, weightDecay: s.WeightDecay)),
        "adam" => new OptimizerUpdate(new Adam(parameters, lr: s.Lr, weightDecay: s.WeightDecay)),
        "rmsprop" => new OptimizerUpdate(new RMSprop(parameters, lr: s.Lr, weightDecay: s.WeightDecay)),
        _ => throw new ArgumentException($"mnist: unknown optimizer '{s.Optimizer}'"),
    };
}

/// <summary>A library optimizer (<c>optimizer.zero_grad()</c>, <c>optimizer.step()</c>).</summary>
internal sealed class OptimizerUpdate(Optimizer optimizer) : IParameterUpdate
{
    /// <inheritdoc/>
    public void ZeroGrad() => optimizer.ZeroGrad();

    /// <inheritdoc/>
    public void Step() => optimizer.Step();
}

/// <summary>
/// Course 000's <c>SGD(params, lr, batch_size)</c>: <c>param.data -= lr * param.grad</c> for every parameter, then the
/// gradients are cleared by hand. The course also divides by the batch size although its loss is already a batch mean,
/// which makes the step 32 times smaller than its learning rate says (the reason it reaches only 84% in 20 epochs); the
/// division is left out here. A weight decay adds <c>weight_decay * param</c> to the gradient, as <c>optim.SGD</c> does.
/// </summary>
internal sealed class HandWrittenSgd(IReadOnlyList<Tensor> parameters, double lr, double weightDecay) : IParameterUpdate
{
    /// <inheritdoc/>
    public void ZeroGrad()
    {
        foreach (var p in parameters) p.Grad = null;
    }

    /// <inheritdoc/>
    public void Step()
    {
        using (Tensor.NoGrad())
        {
            foreach (var p in parameters)
            {
                if (p.Grad is not { } grad) continue;
                if (weightDecay != 0) grad = grad + weightDecay * p;
                p.Sub_(lr * grad);
            }
        }
    }
}
