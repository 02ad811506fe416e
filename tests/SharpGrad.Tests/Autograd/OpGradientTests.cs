using SharpGrad;

namespace SharpGrad.Tests;

/// <summary>Float64 gradchecks of the element-wise ops: contiguous, broadcast and non-contiguous inputs, scalars on both sides.</summary>
public class OpGradientTests
{
    private static readonly Func<Tensor, Tensor, Tensor>[] Binary =
    [
        (a, b) => a + b,
        (a, b) => a - b,
        (a, b) => a * b,
        (a, b) => a / b,
    ];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Binary_SameShape_GradCheck(int op)
        => Check.Gradients(x => Binary[op](x[0], x[1]), GradInputs.Leaf(1, 3, 4), GradInputs.AwayFromZero(2, 3, 4));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Binary_BroadcastRowAgainstMatrix_GradCheck(int op)
    {
        Check.Gradients(x => Binary[op](x[0], x[1]), GradInputs.Leaf(3, 3, 4), GradInputs.AwayFromZero(4, 4));
        Check.Gradients(x => Binary[op](x[0], x[1]), GradInputs.AwayFromZero(5, 4), GradInputs.AwayFromZero(6, 3, 4));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Binary_BroadcastColumnAgainstRow_GradCheck(int op)
        => Check.Gradients(x => Binary[op](x[0], x[1]), GradInputs.AwayFromZero(7, 3, 1), GradInputs.AwayFromZero(8, 1, 4));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Binary_ZeroDimOperand_GradCheck(int op)
    {
        Check.Gradients(x => Binary[op](x[0], x[1]), GradInputs.Leaf(9, 2, 3), GradInputs.AwayFromZero(10));
        Check.Gradients(x => Binary[op](x[0], x[1]), GradInputs.AwayFromZero(11), GradInputs.AwayFromZero(12, 2, 3));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Binary_NonContiguousInputs_GradCheck(int op)
    {
        Check.Gradients(x => Binary[op](x[0], x[1]), GradInputs.Transposed(13, 3, 4), GradInputs.AwayFromZero(14, 3, 4));
        Check.Gradients(x => Binary[op](x[0], x[1]), GradInputs.Narrowed(15, 3, 4), GradInputs.Stepped(16, 3, 4));
        // A stepped divisor: Stepped values are standard normal, so keep them from 0 by adding a constant outside the check.
        Check.Gradients(x => Binary[op](x[0], x[1] * x[1] + 0.5), GradInputs.Stepped(17, 2, 3), GradInputs.Transposed(18, 2, 3));
    }

    [Fact]
    public void Binary_OnlyOneSideRequiresGrad_GradCheck()
    {
        var constant = Tensor.Randn([3, 4], new Generator(19), DType.Float64).Abs() + 0.5;
        foreach (var op in Binary)
        {
            Check.Gradients(x => op(x[0], constant), GradInputs.Leaf(20, 3, 4));
            Check.Gradients(x => op(constant, x[0]), GradInputs.AwayFromZero(21, 4));
        }
    }

    [Fact]
    public void ScalarOperands_BothSides_GradCheck()
    {
        var x = GradInputs.AwayFromZero(22, 2, 3);
        Check.Gradients(t => t[0] + 2.5, x);
        Check.Gradients(t => 2.5 + t[0], x);
        Check.Gradients(t => t[0] - 2.5, x);
        Check.Gradients(t => 2.5 - t[0], x);
        Check.Gradients(t => t[0] * 2.5, x);
        Check.Gradients(t => 2.5 * t[0], x);
        Check.Gradients(t => t[0] / 2.5, x);
        Check.Gradients(t => 2.5 / t[0], x);
        Check.Gradients(t => t[0].Add(1.5).Sub(0.5).Mul(-3.0).Div(7.0), x);
        Check.Gradients(t => 3L * t[0] - 2L + 1L / t[0], x);
    }

    [Fact]
    public void ScalarDivision_Gradient_IsMinusScalarOverSquare()
    {
        var x = Tensor.From(new[] { 2.0, -4.0 }, DType.Float64, requiresGrad: true);
        (3.0 / x).Sum().Backward();
        Check.Close(x.Grad!, [-3.0 / 4, -3.0 / 16]);
    }

    [Theory]
    [InlineData(3.0)]
    [InlineData(2.0)]
    [InlineData(1.0)]
    [InlineData(-1.0)]
    public void PowScalar_AnyBase_GradCheck(double exponent)
    {
        Check.Gradients(x => x[0].Pow(exponent), GradInputs.AwayFromZero(23, 2, 3));
        Check.Gradients(x => x[0].Pow(exponent), GradInputs.Transposed(24, 2, 3));
    }

    [Theory]
    [InlineData(2.5)]
    [InlineData(0.5)]
    [InlineData(-1.5)]
    public void PowScalar_RealExponentOnPositiveBase_GradCheck(double exponent)
        => Check.Gradients(x => x[0].Pow(exponent), GradInputs.Positive(25, 2, 3));

    [Fact]
    public void PowScalar_ZeroExponent_HasZeroGradient()
    {
        var x = GradInputs.Leaf(26, 3);
        x.Pow(0).Sum().Backward();
        Check.Close(x.Grad!, [0, 0, 0]);
        Check.Gradients(t => t[0].Pow(0) * t[0], GradInputs.Leaf(27, 3));
    }

    [Fact]
    public void PowTensor_BaseAndExponent_GradCheck()
    {
        Check.Gradients(x => x[0].Pow(x[1]), GradInputs.Positive(28, 2, 3), GradInputs.Leaf(29, 2, 3));
        Check.Gradients(x => x[0].Pow(x[1]), GradInputs.PositiveTransposed(30, 2, 3), GradInputs.Stepped(31, 2, 3));
    }

    [Fact]
    public void PowTensor_BroadcastAndZeroDim_GradCheck()
    {
        Check.Gradients(x => x[0].Pow(x[1]), GradInputs.Positive(32, 2, 3), GradInputs.Leaf(33, 3));
        Check.Gradients(x => x[0].Pow(x[1]), GradInputs.Positive(34, 2, 3), GradInputs.Leaf(35));
        Check.Gradients(x => x[0].Pow(x[1]), GradInputs.Positive(36), GradInputs.Leaf(37, 2, 3));
    }

    [Fact]
    public void PowTensor_ZeroBase_ExponentGradientIsZeroWherePyTorchDefinesIt()
    {
        // d/de 0^e is taken as 0 for e >= 0 (PyTorch's convention); d/dx x^e at x = 0 with e = 2 is 0, with e = 1 is 1.
        var x = Tensor.From(new[] { 0.0, 0.0, 2.0 }, DType.Float64, requiresGrad: true);
        var e = Tensor.From(new[] { 2.0, 1.0, 3.0 }, DType.Float64, requiresGrad: true);
        x.Pow(e).Sum().Backward();
        Check.Close(x.Grad!, [0, 1, 12]);
        Check.Close(e.Grad!, [0, 0, 8 * Math.Log(2)]);
    }

    public static TheoryData<string> UnaryNames => ["neg", "abs", "exp", "log", "log2", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "square"];

    private static Tensor ApplyUnary(string name, Tensor x) => name switch
    {
        "neg" => x.Neg(),
        "abs" => x.Abs(),
        "exp" => x.Exp(),
        "log" => x.Log(),
        "log2" => x.Log2(),
        "sqrt" => x.Sqrt(),
        "sin" => x.Sin(),
        "cos" => x.Cos(),
        "tanh" => x.Tanh(),
        "sigmoid" => x.Sigmoid(),
        "relu" => x.Relu(),
        "square" => x.Square(),
        _ => throw new ArgumentException(name),
    };

    private static bool NeedsPositive(string name) => name is "log" or "log2" or "sqrt";

    [Theory]
    [MemberData(nameof(UnaryNames))]
    public void Unary_Contiguous_GradCheck(string name)
    {
        var x = NeedsPositive(name) ? GradInputs.Positive(40, 3, 4) : GradInputs.AwayFromZero(40, 3, 4);
        Check.Gradients(t => ApplyUnary(name, t[0]), x);
    }

    [Theory]
    [MemberData(nameof(UnaryNames))]
    public void Unary_NonContiguous_GradCheck(string name)
    {
        // Square the standard-normal views and add 0.2 to stay away from kinks and poles, inside the function.
        Check.Gradients(t => ApplyUnary(name, t[0] * t[0] + 0.2), GradInputs.Transposed(41, 3, 4));
        Check.Gradients(t => ApplyUnary(name, t[0] * t[0] + 0.2), GradInputs.Stepped(42, 2, 3));
        Check.Gradients(t => ApplyUnary(name, NeedsPositive(name) ? t[0] * t[0] + 0.2 : t[0]), GradInputs.Narrowed(43, 2, 3));
    }

    [Theory]
    [MemberData(nameof(UnaryNames))]
    public void Unary_ZeroDim_GradCheck(string name)
        => Check.Gradients(t => ApplyUnary(name, t[0]), NeedsPositive(name) ? GradInputs.Positive(44) : GradInputs.AwayFromZero(44));

    [Fact]
    public void Unary_Gradients_MatchHandWorkedValues()
    {
        double[] v = [0.5, -1.25, 2.0];
        foreach (var (name, derivative) in new (string, Func<double, double>)[]
                 {
                     ("neg", _ => -1), ("abs", a => Math.Sign(a)), ("exp", Math.Exp), ("sin", Math.Cos), ("cos", a => -Math.Sin(a)),
                     ("tanh", a => 1 - Math.Tanh(a) * Math.Tanh(a)), ("sigmoid", a => Math.Exp(-a) / Math.Pow(1 + Math.Exp(-a), 2)),
                     ("relu", a => a > 0 ? 1 : 0), ("square", a => 2 * a),
                 })
        {
            var x = Tensor.From(v, DType.Float64, requiresGrad: true);
            ApplyUnary(name, x).Sum().Backward();
            Check.Close(x.Grad!, v.Select(derivative).ToArray(), 1e-12);
        }
        double[] p = [0.5, 1.25, 4.0];
        foreach (var (name, derivative) in new (string, Func<double, double>)[]
                 { ("log", a => 1 / a), ("log2", a => 1 / (a * Math.Log(2))), ("sqrt", a => 0.5 / Math.Sqrt(a)) })
        {
            var x = Tensor.From(p, DType.Float64, requiresGrad: true);
            ApplyUnary(name, x).Sum().Backward();
            Check.Close(x.Grad!, p.Select(derivative).ToArray(), 1e-12);
        }
    }

    [Fact]
    public void Sign_HasZeroGradient()
    {
        var x = Tensor.From(new[] { 0.5, -2.0 }, DType.Float64, requiresGrad: true);
        (x.Sign() * 3.0 + x).Sum().Backward();
        Check.Close(x.Grad!, [1, 1]);
    }

    [Fact]
    public void MaximumMinimum_DistinctInputs_GradCheck()
    {
        Check.Gradients(x => x[0].Maximum(x[1]), GradInputs.Leaf(50, 3, 4), GradInputs.Leaf(51, 3, 4));
        Check.Gradients(x => x[0].Minimum(x[1]), GradInputs.Leaf(50, 3, 4), GradInputs.Leaf(51, 3, 4));
        Check.Gradients(x => Tensor.Max(x[0], x[1]), GradInputs.Transposed(52, 3, 4), GradInputs.Stepped(53, 3, 4));
        Check.Gradients(x => Tensor.Min(x[0], x[1]), GradInputs.Narrowed(54, 3, 4), GradInputs.Transposed(55, 3, 4));
    }

    [Fact]
    public void MaximumMinimum_Broadcast_GradCheck()
    {
        Check.Gradients(x => x[0].Maximum(x[1]), GradInputs.Leaf(56, 3, 4), GradInputs.Leaf(57, 4));
        Check.Gradients(x => x[0].Minimum(x[1]), GradInputs.Leaf(58, 3, 1), GradInputs.Leaf(59, 1, 4));
    }

    [Fact]
    public void MaximumAgainstZeroDimZero_IsRelu_GradCheck()
    {
        // torch.max(x, torch.tensor(0.0)) from the course.
        var zero = Tensor.From(0.0, DType.Float64);
        Check.Gradients(x => Tensor.Max(x[0], zero), GradInputs.AwayFromZero(60, 3, 4));
        Check.Gradients(x => Tensor.Min(x[0], zero), GradInputs.AwayFromZero(61, 3, 4));
        var x = Tensor.From(new[] { -1.0, 2.0, 3.0 }, DType.Float64, requiresGrad: true);
        Tensor.Max(x, zero).Sum().Backward();
        Check.Close(x.Grad!, [0, 1, 1]);
    }

    [Fact]
    public void MaximumAgainstZeroDim_ZeroDimGetsTheSumWhereItWins()
    {
        Check.Gradients(x => x[0].Maximum(x[1]), GradInputs.Leaf(62, 3, 4), GradInputs.Leaf(63));
        var x = Tensor.From(new[] { -1.0, 2.0, -3.0 }, DType.Float64, requiresGrad: true);
        var b = Tensor.From(0.0, DType.Float64, requiresGrad: true);
        (x.Maximum(b) * Tensor.From(new[] { 1.0, 2.0, 4.0 }, DType.Float64)).Sum().Backward();
        Check.Close(b.Grad!, [], [5]);
    }

    [Fact]
    public void MaximumMinimum_Ties_SplitTheGradientEvenly()
    {
        var a = Tensor.From(new[] { 1.0, 2.0, 3.0 }, DType.Float64, requiresGrad: true);
        var b = Tensor.From(new[] { 3.0, 2.0, 1.0 }, DType.Float64, requiresGrad: true);
        a.Maximum(b).Sum().Backward();
        Check.Close(a.Grad!, [0, 0.5, 1]);
        Check.Close(b.Grad!, [1, 0.5, 0]);
        a.Grad = b.Grad = null;
        a.Minimum(b).Sum().Backward();
        Check.Close(a.Grad!, [1, 0.5, 0]);
        Check.Close(b.Grad!, [0, 0.5, 1]);
    }

    [Fact]
    public void Clamp_MinOnlyMaxOnlyBoth_GradCheck()
    {
        var x = GradInputs.Leaf(64, 3, 4);
        Check.Gradients(t => t[0].Clamp(min: -0.3), x);
        Check.Gradients(t => t[0].Clamp(max: 0.4), x);
        Check.Gradients(t => t[0].Clamp(-0.3, 0.4), x);
        Check.Gradients(t => t[0].ClampMin(0.1) * t[0].ClampMax(-0.1), x);
        Check.Gradients(t => t[0].Clamp(-0.5, 0.5), GradInputs.Transposed(65, 3, 4));
    }

    [Fact]
    public void Clamp_Gradient_IsOneInsideAndAtTheBoundsZeroOutside()
    {
        var x = Tensor.From(new[] { -2.0, -1.0, 0.5, 1.0, 3.0 }, DType.Float64, requiresGrad: true);
        x.Clamp(-1, 1).Sum().Backward();
        Check.Close(x.Grad!, [0, 1, 1, 1, 0]);
    }

    [Fact]
    public void Where_BothBranches_GradCheck()
    {
        var cond = Tensor.From(new[,] { { true, false, true, false }, { false, false, true, true }, { true, true, false, false } });
        Check.Gradients(x => Tensor.Where(cond, x[0], x[1]), GradInputs.Leaf(66, 3, 4), GradInputs.Leaf(67, 3, 4));
        Check.Gradients(x => Tensor.Where(cond, x[0], x[1]), GradInputs.Transposed(68, 3, 4), GradInputs.Stepped(69, 3, 4));
    }

    [Fact]
    public void Where_BroadcastAndScalarBranches_GradCheck()
    {
        var cond = Tensor.From(new[,] { { true }, { false }, { true } });
        Check.Gradients(x => Tensor.Where(cond, x[0], x[1]), GradInputs.Leaf(70, 4), GradInputs.Leaf(71, 3, 4));
        Check.Gradients(x => Tensor.Where(cond, x[0], x[1]), GradInputs.Leaf(72), GradInputs.Leaf(73, 1, 4));
        Check.Gradients(x => Tensor.Where(cond, x[0], 2.0), GradInputs.Leaf(74, 3, 4));
        Check.Gradients(x => Tensor.Where(cond, -1.0, x[0]), GradInputs.Leaf(75, 4));
    }

    [Fact]
    public void Where_ConditionWiderThanBothBranches_GradCheck()
    {
        var cond = Tensor.Randn([2, 3, 4], new Generator(76)).Gt(0.0);
        Check.Gradients(x => Tensor.Where(cond, x[0], x[1]), GradInputs.Leaf(77, 4), GradInputs.Leaf(78));
        Check.Gradients(x => Tensor.Where(cond, x[0], x[1]), GradInputs.Transposed(79, 3, 4), GradInputs.Leaf(80, 2, 1, 1));
    }

    [Fact]
    public void Where_Gradient_GoesToTheChosenBranch()
    {
        var cond = Tensor.From(new[] { true, false, true });
        var a = Tensor.From(new[] { 1.0, 2.0, 3.0 }, DType.Float64, requiresGrad: true);
        var b = Tensor.From(new[] { 4.0, 5.0, 6.0 }, DType.Float64, requiresGrad: true);
        (Tensor.Where(cond, a, b) * Tensor.From(new[] { 10.0, 20.0, 30.0 }, DType.Float64)).Sum().Backward();
        Check.Close(a.Grad!, [10, 0, 30]);
        Check.Close(b.Grad!, [0, 20, 0]);
    }
}
