// Port of course 004 (exercises 第1关 Sigmoid函数, 第2关 Tanh 函数, 第3关 激活函数-ReLU函数): the class
// ActivationFunction with sigmoid(x) = 1 / (1 + np.exp(-x)), tanh(x) = (e^x - e^-x) / (e^x + e^-x) and
// ReLU(x) = np.where(x > 0, x, 0), applied to a list of inputs; the derivatives come from autograd (not in the
// exercises, which only compute the functions). e_10 = np.exp(10) is the exercises' hint.
// The CLI does the same with plots: dotnet run -c Release --project src/SharpGrad.Cli -- activations
// Run from the repository root: dotnet run -c Release examples/activations.cs
#:project ../src/SharpGrad/SharpGrad.csproj
#:property PublishAot=false
// (PublishAot=false: file-based programs default to native AOT, which this program does not need.)

using SharpGrad;

var e10 = Tensor.From(10.0, DType.Float64).Exp();                            // e_10 = np.exp(10)
Console.WriteLine($"e_10 = {e10.Item()}");

var f = new ActivationFunction();
var x = Tensor.From(new[] { -10.0, -1.0, -0.5, 0.0, 0.5, 1.0, 10.0 });        // the input list (float64, as NumPy's)
Console.WriteLine($"x       = {x}");
Console.WriteLine($"sigmoid = {f.Sigmoid(x)}");
Console.WriteLine($"tanh    = {f.Tanh(x)}");
Console.WriteLine($"ReLU    = {f.ReLU(x)}");

// Not in the exercises: the derivatives by autograd, next to their closed forms.
foreach (var (name, fn, closedForm) in new (string, Func<Tensor, Tensor>, Func<Tensor, Tensor>)[]
{
    ("sigmoid", f.Sigmoid, v => f.Sigmoid(v) * (1 - f.Sigmoid(v))),             // s (1 - s)
    ("tanh", f.Tanh, v => 1 - f.Tanh(v).Square()),                               // 1 - tanh^2
    ("ReLU", f.ReLU, v => (v > 0).Double()),                                     // 1 where x > 0
})
{
    var xg = x.Detach().RequiresGrad_();
    fn(xg).Sum().Backward();
    Console.WriteLine($"d {name} (autograd)    = {xg.Grad}");
    Console.WriteLine($"d {name} (closed form) = {closedForm(x)}");
}

class ActivationFunction
{
    /// <summary>Sigmoid 函数</summary>
    public Tensor Sigmoid(Tensor x)
    {
        var y = 1.0 / (1 + (-x).Exp());                                      // y = 1./(1+ np.exp(-x))
        return y;
    }

    /// <summary>Tanh 函数</summary>
    public Tensor Tanh(Tensor x)
    {
        var y = (x.Exp() - (-x).Exp()) / (x.Exp() + (-x).Exp());              // y = (np.exp(x)-np.exp(-x))/(np.exp(x)+np.exp(-x))
        return y;
    }

    /// <summary>ReLU 函数</summary>
    public Tensor ReLU(Tensor x)
    {
        var y = Tensor.Where(x > 0, x, 0);                                    // y = np.where(x>0,x,0)
        return y;
    }
}
