// Port of course 004 (第5关 最速下降法): steepest descent with exact line search on f(x1, x2) = 2 x1^2 + x2^2 from
// X0 = [1, 1], stopping when the gradient's length is at most theta = 0.1. The course uses sympy: diff() for the
// gradient and solve(diff(f(X0 + t p), t)) for the best step t. Here autograd does both: the gradient by
// Backward(), and the step from the first and second derivative of phi(t) = f(X0 + t p) at t = 0 (Autograd.Grad with
// createGraph: true): phi is a quadratic in t, so t* = -phi'(0) / phi''(0) is exactly sympy's stationary point.
// Expected: the first step goes to (-1/9, 4/9) = (-0.1111, 0.4444); it stops after 3 iterations.
// Run from the repository root: dotnet run -c Release examples/steepest_descent.cs
#:project ../src/SharpGrad/SharpGrad.csproj
#:property PublishAot=false
// (PublishAot=false: file-based programs default to native AOT, which this program does not need.)

using SharpGrad;

Tensor Func(Tensor x) => 2 * x[0].Pow(2) + x[1].Pow(2);                      // 2 * pow(x1, 2) + pow(x2, 2)

Tensor Grad(Tensor data)                                                      // 求梯度向量 (sympy diff + subs)
{
    var x = data.Detach().RequiresGrad_();
    Func(x).Backward();
    return x.Grad!;
}

double GradLen(Tensor grad) => grad.Square().Sum().Sqrt().Item();            // math.sqrt(pow(grad[0], 2) + pow(grad[1], 2))

double Zhudian(Func<Tensor, Tensor> phi)                                     // 求得min(t)的驻点: solve(diff(f, t))
{
    var t = Tensor.Zeros([], DType.Float64, requiresGrad: true);
    var dPhi = Autograd.Grad(phi(t), [t], createGraph: true)[0]!;             // phi'(t), itself differentiable
    var d2Phi = Autograd.Grad(dPhi, [t])[0]!;                                 // phi''(t)
    return -dPhi.Item() / d2Phi.Item();                                       // the root of phi'(t) = phi'(0) + phi''(0) t
}

void Main(double[] start, double theta)
{
    var X0 = Tensor.From(start);
    var gradVec = Grad(X0);                                                   // 偏导数的值
    double gradLength = GradLen(gradVec);                                     // 梯度向量的模长
    int k = 0;
    while (gradLength > theta)                                                // 迭代的终止条件
    {
        k += 1;
        var p = -gradVec;
        var x0 = X0;
        double tMin = Zhudian(t => Func(x0 + t * p));                         // X = X0 + t * p; t_func = f.subs(...); t_min = zhudian(t_func)
        X0 = X0 + tMin * p;
        gradVec = Grad(X0);
        gradLength = GradLen(gradVec);
        Console.WriteLine($"grad_length {gradLength}");
        Console.WriteLine($"坐标 {X0[0].Item()} {X0[1].Item()}   (t = {tMin})");
    }
    Console.WriteLine(k);
}

// 给定初始迭代点和阈值
Main([1, 1], 0.1);
