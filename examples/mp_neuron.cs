// Port of course 004 (第4关 认识 M-P 神经元): the M-P neuron y = f(x . w + b) on the four inputs
// [[0,0],[0,1],[1,0],[1,1]]. First the tutorial's logical OR with sgn(x) = np.where(x >= 0, 1, 0), w = [1, 1] and
// b = -0.5; then the exercise's answer, logical AND with f(x) = np.where(x > 0, 1, 0), w = [0.5, 0.5], b = -0.5.
// Each prints "x1 x2 y" lines as the course does (OR: 0 0 0 / 0 1 1 / 1 0 1 / 1 1 1; AND: 0 0 0 / 0 1 0 / 1 0 0 / 1 1 1).
// The CLI shows the same with any weights: dotnet run -c Release --project src/SharpGrad.Cli -- neuron --weights 1,1 --threshold 1.5
// Run from the repository root: dotnet run -c Release examples/mp_neuron.cs
#:project ../src/SharpGrad/SharpGrad.csproj
#:property PublishAot=false
// (PublishAot=false: file-based programs default to native AOT, which this program does not need.)

using SharpGrad;

// 激活函数
Tensor Sgn(Tensor x) => Tensor.Where(x >= 0, Tensor.OnesLike(x), 0);          // np.where(x>=0,1,0)
Tensor F(Tensor x) => Tensor.Where(x > 0, Tensor.OnesLike(x), 0);             // np.where(x>0,1,0)

// 输入设计
var x = Tensor.From(new double[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } });

void Print(Tensor x, Tensor y)                                                // for (xi,yi) in zip(x,y): print(xi[0], xi[1], yi)
{
    for (int i = 0; i < x.Shape[0]; i++)
        Console.WriteLine($"{x[i, 0].Item()} {x[i, 1].Item()} {y[i].Item()}");
}

// 逻辑或 (OR): 权重设计 w = np.array([1,1]), 阈值 b = -0.5, y = sgn(np.dot(x,w)+b)
var w = Tensor.From(new[] { 1.0, 1.0 });
double b = -0.5;
var y = Sgn(x.MatMul(w) + b);
Console.WriteLine("OR (w = [1, 1], b = -0.5, sgn):");
Print(x, y);

// 逻辑与 (AND), the exercise: w = np.array([0.5,0.5]), b = -0.5, y = f(np.dot(x,w)+b)
w = Tensor.From(new[] { 0.5, 0.5 });
b = -0.5;
y = F(x.MatMul(w) + b);
Console.WriteLine("AND (w = [0.5, 0.5], b = -0.5, f):");
Print(x, y);
