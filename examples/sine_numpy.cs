// Port of course 003 ("Chapter 4 神经网络训练", section 高阶函数构造 sin(x), program 1 "常规思路"):
// fit y = a + b x + c x^2 + d x^3 to sin(x) with gradients derived by hand. The course writes it
// with NumPy: float64 arrays and plain Python floats for a, b, c, d; here the arrays are float64
// tensors and the coefficients are doubles. The course runs 200000 epochs; 2000 already bring the
// loss from about 240000 to about 9 (set epochs to 200_000 for the course's run).
// Run from the repository root: dotnet run examples/sine_numpy.cs
#:project ../src/SharpGrad/SharpGrad.csproj
#:property PublishAot=false
// (PublishAot=false: file-based programs default to native AOT, which this program does not need.)

using SharpGrad;

// 0. sine
var x = Tensor.Linspace(-Math.PI, Math.PI, 2000, DType.Float64);   // x = np.linspace(start=-np.pi, stop=np.pi, num=2000)
var y = x.Sin();                                                    // y = np.sin(x)

// a, b, c, d = np.random.rand(), np.random.rand(), np.random.rand(), np.random.rand()
double a = Tensor.Rand([], dtype: DType.Float64).Item(), b = Tensor.Rand([], dtype: DType.Float64).Item(),
       c = Tensor.Rand([], dtype: DType.Float64).Item(), d = Tensor.Rand([], dtype: DType.Float64).Item();
double learningRate = 1e-6;
int epochs = 2000;
for (int epoch = 0; epoch < epochs; epoch++)
{
    var yPred = a + b * x + c * x.Pow(2) + d * x.Pow(3);          // y_pred = a + b*x + c*x**2 + d*x**3
    double loss = (yPred - y).Square().Sum().Item();               // loss = np.square(y_pred - y).sum()
    var gradYPre = 2 * (yPred - y);                                // grad_y_pre = 2 * (y_pred - y)
    double gradA = gradYPre.Sum().Item();                          // grad_a = grad_y_pre.sum()
    double gradB = (gradYPre * x.Pow(1)).Sum().Item();             // grad_b = (grad_y_pre * x**1).sum()
    double gradC = (gradYPre * x.Pow(2)).Sum().Item();             // grad_c = (grad_y_pre * x**2).sum()
    double gradD = (gradYPre * x.Pow(3)).Sum().Item();             // grad_d = (grad_y_pre * x**3).sum()

    a -= learningRate * gradA;
    b -= learningRate * gradB;
    c -= learningRate * gradC;
    d -= learningRate * gradD;
    // By the chain rule, dloss/db = dloss/dy_pred * dy_pred/db, and so on for a, c, d.
    if (epoch % 20 == 0)
        Console.WriteLine(loss);                                   // print(loss)
}

Console.WriteLine($"y_pred = {a} + {b}*x + {c}*x^2 + {d}*x^3");
