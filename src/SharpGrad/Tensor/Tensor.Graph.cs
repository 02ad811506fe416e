using SharpGrad.Graph;

namespace SharpGrad;

public partial class Tensor
{
    /// <summary>
    /// The autograd graph behind this tensor (torchviz's <c>make_dot(y)</c>); see <see cref="Autograd.Graph(Tensor)"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor does not require grad.</exception>
    public AutogradGraph Graph() => AutogradGraph.Build(this, null);

    /// <summary>
    /// The autograd graph behind this tensor with leaves named from <paramref name="names"/> (torchviz's
    /// <c>make_dot(y, params=dict(model.named_parameters()))</c>): <c>loss.Graph(net.NamedParameters())</c>.
    /// </summary>
    public AutogradGraph Graph<T>(IEnumerable<(string Name, T Tensor)> names) where T : Tensor => Autograd.Graph(this, names);
}
