using SharpGrad.NN;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.Cli.Commands.Fit;

/// <summary>
/// The course 002 network, <c>class Net(torch.nn.Module)</c>: a hidden <c>Linear(n_feature, n_hidden)</c> with ReLU and an
/// output <c>Linear(n_hidden, n_output)</c>. The class is named Net so that it prints as the course shows.
/// </summary>
internal sealed class Net : Module
{
    private readonly Linear hidden;
    private readonly Linear predict;

    /// <summary><c>Net(n_feature, n_hidden, n_output)</c>.</summary>
    public Net(int nFeature, int nHidden, int nOutput)
    {
        hidden = new Linear(nFeature, nHidden);
        predict = new Linear(nHidden, nOutput);
        RegisterComponents();
    }

    /// <summary><c>x = F.relu(self.hidden(x)); x = self.predict(x)</c>.</summary>
    public override Tensor Forward(Tensor input) => predict.Forward(F.Relu(hidden.Forward(input)));
}
