using SharpGrad;

namespace SharpGrad.Tests;

/// <summary>createGraph: second derivatives, Hessian-vector products, and gradchecks of gradients (gradgradcheck).</summary>
public class HigherOrderTests
{
    [Fact]
    public void SecondDerivative_OfCube_IsSixX()
    {
        var x = Tensor.From(new[] { 1.0, -2.0, 0.5 }, DType.Float64, requiresGrad: true);
        var dx = Autograd.Grad(x.Pow(3).Sum(), [x], createGraph: true)[0]!;
        Check.Close(dx, [3, 12, 0.75]);
        Assert.True(dx.RequiresGrad);
        var d2x = Autograd.Grad(dx.Sum(), [x])[0]!;
        Check.Close(d2x, [6, -12, 3]);
        Assert.Null(x.Grad);
    }

    [Fact]
    public void SecondDerivative_ThroughBackwardWithCreateGraph_IsSixX()
    {
        var x = Tensor.From(new[] { 1.0, -2.0 }, DType.Float64, requiresGrad: true);
        (x * x * x).Sum().Backward(createGraph: true);
        var dx = x.Grad!;
        Check.Close(dx, [3, 12]);
        Assert.NotNull(dx.GradFn);
        x.Grad = null;
        dx.Sum().Backward();
        Check.Close(x.Grad!, [6, -12]);
    }

    [Fact]
    public void ThirdDerivative_OfFourthPower_Is24X()
    {
        var x = Tensor.From(new[] { 0.5, 2.0 }, DType.Float64, requiresGrad: true);
        var d1 = Autograd.Grad(x.Pow(4).Sum(), [x], createGraph: true)[0]!;
        var d2 = Autograd.Grad(d1.Sum(), [x], createGraph: true)[0]!;
        var d3 = Autograd.Grad(d2.Sum(), [x])[0]!;
        Check.Close(d3, [12, 48]);
    }

    [Fact]
    public void HessianVectorProduct_OfQuadratic_IsDiagonalTimesV()
    {
        // f(x1, x2) = 2 x1^2 + x2^2: H = [[4, 0], [0, 2]], so H v = [4 v1, 2 v2].
        var x = Tensor.From(new[] { 0.7, -1.3 }, DType.Float64, requiresGrad: true);
        var f = 2.0 * x.Select(0, 0).Square() + x.Select(0, 1).Square();
        var g = Autograd.Grad(f, [x], createGraph: true)[0]!;
        Check.Close(g, [4 * 0.7, 2 * -1.3]);
        var v = Tensor.From(new[] { 1.0, 3.0 }, DType.Float64);
        var hv = Autograd.Grad((g * v).Sum(), [x])[0]!;
        Check.Close(hv, [4, 6]);
    }

    [Fact]
    public void MixedSecondDerivative_OfProduct_IsOne()
    {
        // d/dy (d/dx x*y*y) = d/dy y^2 = 2y.
        var x = Tensor.From(1.5, DType.Float64, requiresGrad: true);
        var y = Tensor.From(-2.0, DType.Float64, requiresGrad: true);
        var dx = Autograd.Grad(x * y * y, [x], createGraph: true)[0]!;
        var dxy = Autograd.Grad(dx, [y])[0]!;
        Check.Close(dxy, [], [-4]);
    }

    [Fact]
    public void Backward_CreateGraph_GradsOfTwoLeavesAreIndependentTensors()
    {
        // x + y passes one gradient tensor to both leaves; storing it as both .Grad would make a later
        // in-place accumulation into one leaf's grad change the other's.
        var x = Tensor.From(new[] { 1.0, 2.0 }, DType.Float64, requiresGrad: true);
        var y = Tensor.From(new[] { 3.0, 4.0 }, DType.Float64, requiresGrad: true);
        (x + y).Sum().Backward(createGraph: true);
        Assert.NotSame(x.Grad, y.Grad);
        (x * 2.0).Sum().Backward();
        Check.Close(x.Grad!, [3, 3]);
        Check.Close(y.Grad!, [1, 1]);
    }

    [Fact]
    public void Backward_CreateGraph_ThenPlainBackward_AccumulatesCorrectly()
    {
        // The gradient of a sum is an expanded (stride 0) view; it must not become .Grad as is.
        var x = Tensor.From(new[] { 1.0, 2.0, 3.0 }, DType.Float64, requiresGrad: true);
        x.Sum().Backward(createGraph: true);
        x.Sum().Backward();
        Check.Close(x.Grad!, [2, 2, 2]);
    }

    /// <summary>GradCheck of the function x -> Grad(f(x), x, v) with a fixed random v: checks the second derivatives of f.</summary>
    private static void GradGradCheck(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var probe = f(inputs);
        var v = Tensor.Randn(probe.Shape, new Generator(99), DType.Float64);
        for (int i = 0; i < inputs.Length; i++)
        {
            int which = i;
            Check.Gradients(xs =>
            {
                var grads = Autograd.Grad(f(xs), xs, v, createGraph: true, allowUnused: true);
                return grads[which] ?? Tensor.ZerosLike(xs[which]);
            }, inputs);
        }
    }

    [Fact]
    public void GradGradCheck_Mul() => GradGradCheck(x => x[0] * x[1] * x[0], GradInputs.Leaf(1, 2, 3), GradInputs.Leaf(2, 3));

    [Fact]
    public void GradGradCheck_Div() => GradGradCheck(x => x[0] / x[1], GradInputs.Leaf(3, 2, 3), GradInputs.AwayFromZero(4, 2, 3));

    [Fact]
    public void GradGradCheck_Exp() => GradGradCheck(x => x[0].Exp(), GradInputs.Leaf(5, 2, 3));

    [Fact]
    public void GradGradCheck_Tanh() => GradGradCheck(x => x[0].Tanh(), GradInputs.Transposed(6, 2, 3));

    [Fact]
    public void GradGradCheck_Sigmoid() => GradGradCheck(x => x[0].Sigmoid(), GradInputs.Leaf(7, 2, 3));

    [Fact]
    public void GradGradCheck_LogSqrtSinCos()
    {
        GradGradCheck(x => x[0].Log() + x[0].Sqrt(), GradInputs.Positive(8, 2, 3));
        GradGradCheck(x => x[0].Sin() * x[0].Cos(), GradInputs.Leaf(9, 2, 3));
    }

    [Fact]
    public void GradGradCheck_MatMul()
    {
        GradGradCheck(x => x[0].MatMul(x[1]), GradInputs.Leaf(10, 2, 3), GradInputs.Transposed(11, 3, 2));
        GradGradCheck(x => x[0].MatMul(x[1]).Tanh(), GradInputs.Leaf(12, 2, 2, 3), GradInputs.Leaf(13, 3, 2));
        GradGradCheck(x => x[0].MatMul(x[1]).Square(), GradInputs.Leaf(14, 3), GradInputs.Leaf(15, 3, 2));
    }

    [Fact]
    public void GradGradCheck_Pow()
    {
        GradGradCheck(x => x[0].Pow(3), GradInputs.Leaf(16, 2, 3));
        GradGradCheck(x => x[0].Pow(2.5), GradInputs.Positive(17, 2, 3));
        GradGradCheck(x => x[0].Pow(x[1]), GradInputs.Positive(18, 2, 3), GradInputs.Leaf(19, 3));
    }

    [Fact]
    public void GradGradCheck_Prod() => GradGradCheck(x => x[0].Prod(1) * x[0].Sum(1) + x[0].Prod(), GradInputs.Leaf(20, 2, 3));

    [Fact]
    public void GradGradCheck_StdMean() => GradGradCheck(x => x[0].Std(0) + x[0].Mean(1).Sum(), GradInputs.Leaf(21, 3, 2));

    [Fact]
    public void GradGradCheck_Views() => GradGradCheck(x => (x[0].Transpose(0, 1).Narrow(0, 1, 2) * x[0].Select(0, 1)).Exp(), GradInputs.Leaf(22, 3, 3));

    [Fact]
    public void GradGradCheck_MaxMinClampWhere()
    {
        GradGradCheck(x => x[0].Max(1).Values.Square() + x[0].Min().Square(), GradInputs.Leaf(23, 2, 3));
        GradGradCheck(x => x[0].Maximum(x[1]).Pow(3) + x[0].Clamp(-0.5, 0.5).Square(), GradInputs.Leaf(24, 2, 3), GradInputs.Leaf(25, 3));
        GradGradCheck(x => Tensor.Where(x[0].Gt(0.0), x[0] * x[1], x[1].Exp()), GradInputs.Leaf(26, 2, 3), GradInputs.Leaf(27, 2, 3));
    }
}
