using SharpGrad;
using SharpGrad.Optim;

namespace SharpGrad.Tests;

/// <summary>
/// The optimizers' fused single-pass updates give bit-for-bit the results of the tensor-op compositions they replaced
/// (written out below as the reference), in float32 and float64, for sizes that use the vector loop, its tail and the
/// thread split, and for a strided parameter.
/// </summary>
public class FusedUpdateTests
{
    private const int Steps = 3;

    public static TheoryData<string, int, DType> Cases()
    {
        var data = new TheoryData<string, int, DType>();
        foreach (var kind in new[] { "sgd", "sgd-momentum", "sgd-nesterov", "adam", "adam-amsgrad", "adamw", "rmsprop", "rmsprop-centered", "adagrad" })
        {
            data.Add(kind, 1003, DType.Float32);
            data.Add(kind, 5, DType.Float64);
        }
        data.Add("adam", 262_147, DType.Float32); // split across two threads
        data.Add("rmsprop-centered", 70_001, DType.Float64);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FusedStep_MatchesTheTensorOpComposition_BitForBit(string kind, int n, DType dtype)
    {
        var gen = new Generator(7);
        var start = Tensor.Randn([n], gen, dtype);
        var grads = Enumerable.Range(0, Steps).Select(_ => Tensor.Randn([n], gen, dtype)).ToArray();
        var p = start.Clone().RequiresGrad_();
        var optimizer = Make(kind, p);
        var expected = start.Clone();
        var state = new Dictionary<string, Tensor>();
        for (int t = 0; t < Steps; t++)
        {
            p.Grad = grads[t];
            optimizer.Step();
            using (Tensor.NoGrad()) Reference(kind, expected, grads[t], state, t + 1);
            AssertBitEqual(expected, p, $"{kind}, step {t + 1}");
        }
    }

    [Fact]
    public void StridedParameterAndGradient_AreUpdatedThroughTheirViews()
    {
        var gen = new Generator(3);
        var start = Tensor.Randn([30, 40], gen, DType.Float32);
        var p = start.Clone().T.RequiresGrad_(); // [40, 30], not contiguous
        var optimizer = new Adam([p], lr: 0.01, weightDecay: 0.1);
        var expected = start.Clone().T;
        var state = new Dictionary<string, Tensor>();
        for (int t = 1; t <= Steps; t++)
        {
            var grad = Tensor.Randn([30, 40], gen, DType.Float32).T;
            p.Grad = grad;
            int version = p.Version;
            optimizer.Step();
            Assert.True(p.Version > version);
            using (Tensor.NoGrad()) Reference("adam-wd", expected, grad, state, t);
            AssertBitEqual(expected, p, $"step {t}");
        }
        Assert.False(p.IsContiguous());
    }

    [Fact]
    public void GradientSharingTheParametersBuffer_IsReadBeforeTheUpdate()
    {
        var p = Tensor.From(new float[] { 1, 2, 3 }).RequiresGrad_();
        p.Grad = p.Detach();
        new SGD([p], lr: 0.5).Step();
        Check.Close(p, [0.5, 1, 1.5]);
    }

    private static Optimizer Make(string kind, Tensor p) => kind switch
    {
        "sgd" => new SGD([p], lr: 0.1, weightDecay: 0.01, maximize: true),
        "sgd-momentum" => new SGD([p], lr: 0.1, momentum: 0.9, dampening: 0.2, weightDecay: 0.01),
        "sgd-nesterov" => new SGD([p], lr: 0.1, momentum: 0.9, nesterov: true),
        "adam" => new Adam([p], lr: 0.01),
        "adam-amsgrad" => new Adam([p], lr: 0.01, weightDecay: 0.002, amsgrad: true, maximize: true),
        "adamw" => new AdamW([p], lr: 0.01, weightDecay: 0.1),
        "rmsprop" => new RMSprop([p], lr: 0.01, weightDecay: 0.1),
        "rmsprop-centered" => new RMSprop([p], lr: 0.01, momentum: 0.5, centered: true),
        "adagrad" => new Adagrad([p], lr: 0.1, lrDecay: 0.01, weightDecay: 0.1),
        _ => throw new ArgumentException(kind),
    };

    /// <summary>The update rules as the tensor-op compositions that the optimizers used before the fused kernels.</summary>
    private static void Reference(string kind, Tensor p, Tensor grad, Dictionary<string, Tensor> state, int step)
    {
        Tensor Decayed(double wd, bool maximize) => wd != 0 ? (maximize ? p.Mul(wd).Sub_(grad) : p.Mul(wd).Add_(grad)) : maximize ? grad.Neg() : grad;
        Tensor State(string name, double fill = 0) => state.TryGetValue(name, out var s) ? s : state[name] = Tensor.FullLike(p, fill);
        switch (kind)
        {
            case "sgd": p.Sub_(Decayed(0.01, true).Mul(0.1)); break;
            case "sgd-momentum" or "sgd-nesterov":
            {
                bool nesterov = kind == "sgd-nesterov";
                double wd = nesterov ? 0 : 0.01, dampening = nesterov ? 0 : 0.2;
                var d = Decayed(wd, false);
                if (!state.TryGetValue("buf", out var buf)) state["buf"] = buf = d.Clone();
                else buf.Mul_(0.9).Add_(d.Mul(1 - dampening));
                d = nesterov ? buf.Mul(0.9).Add_(d) : buf;
                p.Sub_(d.Mul(0.1));
                break;
            }
            case "adam" or "adam-wd" or "adam-amsgrad" or "adamw":
            {
                double wd = kind switch { "adam-wd" => 0.1, "adam-amsgrad" => 0.002, _ => 0 };
                bool amsgrad = kind == "adam-amsgrad";
                var g = Decayed(wd, maximize: amsgrad);
                if (kind == "adamw") p.Mul_(1 - 0.01 * 0.1);
                var (m, v) = (State("m"), State("v"));
                m.Sub_(g).Mul_(0.9).Add_(g);
                v.Mul_(0.999).Add_(g.Mul(g).Mul_(1 - 0.999));
                var second = v;
                if (amsgrad) { second = State("vmax"); second.Copy_(second.Maximum(v)); }
                var denom = second.Sqrt().Div_(Math.Sqrt(1 - Math.Pow(0.999, step))).Add_(1e-8);
                p.Sub_(m.Clone().Div_(denom).Mul_(0.01 / (1 - Math.Pow(0.9, step))));
                break;
            }
            case "rmsprop" or "rmsprop-centered":
            {
                bool centered = kind == "rmsprop-centered";
                var g = Decayed(centered ? 0 : 0.1, false);
                var sq = State("sq");
                sq.Mul_(0.99).Add_(g.Mul(g).Mul_(1 - 0.99));
                Tensor avg;
                if (centered)
                {
                    var ga = State("ga");
                    ga.Sub_(g).Mul_(0.99).Add_(g);
                    avg = ga.Mul(ga).Mul_(-1).Add_(sq).Sqrt();
                }
                else avg = sq.Sqrt();
                avg.Add_(1e-8);
                var s = g.Div(avg);
                if (centered) { var buf = State("buf"); buf.Mul_(0.5).Add_(s); s = buf.Clone(); }
                p.Sub_(s.Mul_(0.01));
                break;
            }
            case "adagrad":
            {
                var g = Decayed(0.1, false);
                var sum = State("sum");
                sum.Add_(g.Mul(g));
                p.Sub_(g.Div(sum.Sqrt().Add_(1e-10)).Mul_(0.1 / (1 + (step - 1) * 0.01)));
                break;
            }
        }
    }

    private static void AssertBitEqual(Tensor expected, Tensor actual, string what)
    {
        var e = expected.ToArray<double>();
        var a = actual.ToArray<double>();
        Assert.Equal(e.Length, a.Length);
        for (int i = 0; i < e.Length; i++)
            if (BitConverter.DoubleToInt64Bits(e[i]) != BitConverter.DoubleToInt64Bits(a[i]))
                Assert.Fail($"{what}: element {i} expected {e[i]:R}, got {a[i]:R}");
    }
}
