// Port of course 003 ("Chapter 4 神经网络训练", section 高阶函数构造 sin(x), program 2 "loss.backward()"):
// the same cubic fit of sin(x), with the gradients computed by autograd: a, b, c, d are float32
// scalars that require grad, loss.backward() fills their .grad, and the update runs under no_grad.
// Run from the repository root: dotnet run examples/sine_autograd.cs
#:project ../src/SharpGrad/SharpGrad.csproj
#:property PublishAot=false
// (PublishAot=false: file-based programs default to native AOT, which this program does not need.)

using SharpGrad;

// 0. sine
var x = Tensor.Linspace(-Math.PI, Math.PI, 2000);                  // x = torch.linspace(start=-torch.pi, end=torch.pi, steps=2000)
var y = x.Sin();                                                    // y = torch.sin(x)

// a, b, c, d = torch.rand((), requires_grad=True), ... (four times)
var a = Tensor.Rand([], requiresGrad: true);
var b = Tensor.Rand([], requiresGrad: true);
var c = Tensor.Rand([], requiresGrad: true);
var d = Tensor.Rand([], requiresGrad: true);

double learningRate = 1e-6;
for (int epoch = 0; epoch < 2000; epoch++)
{
    var yPred = a + b * x + c * x.Pow(2) + d * x.Pow(3);          // y_pred = a + b*x + c*x**2 + d*x**3
    var loss = (yPred - y).Square().Sum();                         // loss = torch.square((y_pred - y),).sum()
    loss.Backward();                                               // loss.backward(): replaces the hand-derived gradients

    using (Tensor.NoGrad())                                        // with torch.no_grad():
    {
        a.Sub_(learningRate * a.Grad!);                            //     a -= learning_rate * a.grad
        b.Sub_(learningRate * b.Grad!);
        c.Sub_(learningRate * c.Grad!);
        d.Sub_(learningRate * d.Grad!);
    }

    a.Grad = null;                                                 // a.grad = None
    b.Grad = null;
    c.Grad = null;
    d.Grad = null;
    if (epoch % 20 == 0)
        Console.WriteLine(loss.Item());                            // print(loss)
}

Console.WriteLine($"y_pred = {a.Item<float>()} + {b.Item<float>()}*x + {c.Item<float>()}*x^2 + {d.Item<float>()}*x^3");
