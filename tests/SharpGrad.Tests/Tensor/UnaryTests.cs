namespace SharpGrad.Tests;

public class UnaryTests
{
    public static TheoryData<string> Ops() =>
        new() { "neg", "abs", "exp", "log", "log2", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "sign" };

    private static Tensor Apply(string op, Tensor x) => op switch
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
        "sign" => x.Sign(),
        _ => throw new ArgumentException(op),
    };

    /// <summary>The mathematical definition, in double precision.</summary>
    private static double Reference(string op, double x) => op switch
    {
        "neg" => -x,
        "abs" => Math.Abs(x),
        "exp" => Math.Exp(x),
        "log" => Math.Log(x),
        "log2" => Math.Log2(x),
        "sqrt" => Math.Sqrt(x),
        "sin" => Math.Sin(x),
        "cos" => Math.Cos(x),
        "tanh" => Math.Tanh(x),
        "sigmoid" => 1 / (1 + Math.Exp(-x)),
        "relu" => Math.Max(x, 0),
        "sign" => Math.Sign(x),
        _ => throw new ArgumentException(op),
    };

    private static bool PositiveOnly(string op) => op is "log" or "log2" or "sqrt";

    /// <summary>Inputs valid for the op: a spread of magnitudes and signs (positive only where required), 40 of them.</summary>
    private static double[] Inputs(string op)
    {
        var g = new Generator(7);
        var x = new double[40];
        for (int i = 0; i < x.Length; i++)
        {
            double v = (g.NextDouble() - 0.5) * 8;
            x[i] = PositiveOnly(op) ? Math.Abs(v) + 0.01 : v;
        }
        x[0] = PositiveOnly(op) ? 1 : 0;
        return x;
    }

    private static double[] Map(string op, double[] x)
    {
        var r = new double[x.Length];
        for (int i = 0; i < x.Length; i++) r[i] = Reference(op, x[i]);
        return r;
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void Float64_MatchesTheDefinition(string op)
    {
        var x = Inputs(op);
        var y = Apply(op, Tensor.From(x));
        Assert.Equal(DType.Float64, y.DType);
        Check.Close(y, [40], Map(op, x), 1e-14);
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void Float32_MatchesTheDefinition(string op)
    {
        var x = Inputs(op).Select(v => (double)(float)v).ToArray();
        var y = Apply(op, Tensor.From(x, DType.Float32));
        Assert.Equal(DType.Float32, y.DType);
        Check.Close(y, [40], Map(op, x), 1e-6);
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void Int64_GivesInt64OrFloat32ForTranscendentalOps(string op)
    {
        long[] x = PositiveOnly(op) ? [1, 2, 3, 4, 9, 100] : [-3, -1, 0, 1, 2, 5];
        var y = Apply(op, Tensor.From(x));
        bool integral = op is "neg" or "abs" or "relu" or "sign";
        Assert.Equal(integral ? DType.Int64 : DType.Float32, y.DType);
        Check.Close(y, [6], x.Select(v => Reference(op, v)).ToArray(), 1e-6);
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void NonContiguousInput_GivesTheSameValuesAsContiguous(string op)
    {
        var g = new Generator(8);
        var baseT = Tensor.Rand([6, 10], g, DType.Float64) * 4.0 + (PositiveOnly(op) ? 0.1 : -2.0);
        var views = new[]
        {
            baseT.T,                                   // transposed
            baseT.Slice(1, 1, 5, 2),                   // stepped columns
            baseT.Narrow(0, 1, 4).Narrow(1, 3, 5),     // narrowed both ways
            baseT.Select(1, 4).Unsqueeze(1).Expand(6, 3), // broadcast (stride 0)
        };
        foreach (var v in views)
        {
            var expected = Map(op, v.Contiguous().ToArray<double>());
            var y = Apply(op, v);
            Assert.True(y.IsContiguous());
            Check.Close(y, v.Shape, expected, 1e-14);
            var y32 = Apply(op, v.Float());
            Check.Close(y32, v.Shape, Apply(op, v.Contiguous().Float()).ToArray<double>(), 1e-6);
        }
    }

    [Fact]
    public void Results_AreNewTensors()
    {
        var x = Tensor.From(new[] { 1f, -2f });
        var y = x.Abs();
        Assert.NotSame(x.Storage, y.Storage);
        Assert.Equal([1f, -2f], x.ToArray());
    }

    [Fact]
    public void SpecialValues()
    {
        var inf = double.PositiveInfinity;
        Check.Close(Tensor.From(new[] { 0.0, -1, inf }).Log(), [-inf, double.NaN, inf]);
        Check.Close(Tensor.From(new[] { 0.0, -1 }).Sqrt(), [0, double.NaN]);
        Check.Close(Tensor.From(new[] { -inf, inf, 1000, -1000 }).Exp(), [0, inf, inf, 0]);
        Check.Close(Tensor.From(new[] { double.NaN, -0.5, 0.0 }).Sign(), [double.NaN, -1, 0]);
        Check.Close(Tensor.From(new[] { double.NaN, -0.5 }).Relu(), [double.NaN, 0]);
        Check.Close(Tensor.From(new[] { double.NaN, -3.0 }).Abs(), [double.NaN, 3]);
        Check.Close(Tensor.From(new[] { 8.0, 0.25 }).Log2(), [3, -2]);
    }

    [Fact]
    public void SigmoidAndTanh_SaturateWithoutNaN()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var x = Tensor.From(new[] { -1000.0, -100, 100, 1000 }, dtype);
            Check.Close(x.Sigmoid(), [0, 0, 1, 1], 1e-30);
            Check.Close(x.Tanh(), [-1, -1, 1, 1], 1e-30);
            // The strided (non-vectorised) path too.
            var t = x.View(2, 2).T;
            Check.Close(t.Sigmoid(), [0, 1, 0, 1], 1e-30);
            Check.Close(t.Tanh(), [-1, 1, -1, 1], 1e-30);
        }
    }

    [Fact]
    public void Sigmoid_AtZeroIsOneHalf() => Assert.Equal([0.5f], Tensor.From(new[] { 0f }).Sigmoid().ToArray());

    [Fact]
    public void BoolInput_IsReadAsZeroAndOne()
    {
        var b = Tensor.From(new[] { true, false });
        Assert.Equal(DType.Int64, b.Abs().DType);
        Assert.Equal([1L, 0], b.Abs().ToArray<long>());
        Check.Close(b.Exp(), [Math.E, 1]);
    }

    [Fact]
    public void ScalarAndEmptyInputs()
    {
        Assert.Equal(Math.Exp(1), Tensor.From(1.0, DType.Float64).Exp().Item());
        Assert.Empty(Tensor.From(1.0).Exp().Shape);
        Assert.Equal([0, 3], Tensor.Zeros(0, 3).Sin().Shape);
        Assert.Equal([0, 3], Tensor.Zeros(3, 0).T.Sin().Shape);
    }
}
