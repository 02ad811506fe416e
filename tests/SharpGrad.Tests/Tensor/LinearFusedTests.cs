using SharpGrad;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.Tests;

/// <summary>The fused linear op (<see cref="Tensor.LinearFused"/>, behind F.Linear) against the composite x W^T + b.</summary>
public class LinearFusedTests
{
    private static Tensor Composite(Tensor x, Tensor w, Tensor? b)
    {
        var y = x.MatMul(w.T);
        return b is null ? y : y + b;
    }

    /// <summary>y[i, o] = sum_k x[i, k] w[o, k] + b[o], by loops over plain arrays.</summary>
    private static double[] SlowLinear(double[] x, double[] w, double[]? b, int n, int inF, int outF)
    {
        var y = new double[n * outF];
        for (int i = 0; i < n; i++)
            for (int o = 0; o < outF; o++)
            {
                double s = b is null ? 0 : b[o];
                for (int k = 0; k < inF; k++) s += x[i * inF + k] * w[o * inF + k];
                y[i * outF + o] = s;
            }
        return y;
    }

    private static void SameAsComposite(Tensor x, Tensor w, Tensor? b, double tol = 1e-12)
    {
        var fused = Tensor.LinearFused(x, w, b);
        var composite = Composite(x, w, b);
        Check.Close(fused, composite.Shape, composite.ToArray<double>(), tol);
    }

    [Fact]
    public void LinearFused_MatchesLoops_WithAndWithoutBias()
    {
        var x = Check.Input(1, 5, 4).Detach();
        var w = Check.Input(2, 3, 4).Detach();
        var b = Check.Input(3, 3).Detach();
        Check.Close(Tensor.LinearFused(x, w, b), [5, 3], SlowLinear(x.ToArray<double>(), w.ToArray<double>(), b.ToArray<double>(), 5, 4, 3), 1e-12);
        Check.Close(Tensor.LinearFused(x, w, null), [5, 3], SlowLinear(x.ToArray<double>(), w.ToArray<double>(), null, 5, 4, 3), 1e-12);
    }

    [Fact]
    public void LinearFused_LargeFloat32_MatchesComposite()
    {
        // Big enough for the packed GEMM path, where the bias is the accumulator's starting value.
        var gen = new Generator(11);
        var x = Tensor.Randn([70, 90], gen);
        var w = Tensor.Randn([50, 90], gen);
        var b = Tensor.Randn([50], gen);
        var fused = Tensor.LinearFused(x, w, b);
        Check.Close(fused, [70, 50], Composite(x, w, b).ToArray<double>(), 1e-4);
    }

    [Fact]
    public void LinearFused_RecordsOneAddmmNode()
    {
        var x = Check.Input(4, 2, 3);
        var w = Check.Input(5, 4, 3);
        var b = Check.Input(6, 4);
        var y = F.Linear(x, w, b);
        Assert.Equal("AddmmBackward0", y.GradFn!.Name);
        Assert.Equal("AddmmBackward0", F.Linear(x, w).GradFn!.Name);
        using (Tensor.NoGrad()) Assert.Null(F.Linear(x, w, b).GradFn);
    }

    [Fact]
    public void LinearFused_Gradients_MatchTheComposite()
    {
        var x = Check.Input(7, 3, 4);
        var w = Check.Input(8, 2, 4);
        var b = Check.Input(9, 2);
        var v = Check.Input(10, 3, 2).Detach();
        var fused = Autograd.Grad(Tensor.LinearFused(x, w, b), [x, w, b], v);
        var composite = Autograd.Grad(Composite(x, w, b), [x, w, b], v);
        for (int i = 0; i < 3; i++)
            Check.Close(fused[i]!, composite[i]!.Shape, composite[i]!.ToArray<double>(), 1e-12);
    }

    [Fact]
    public void LinearFused_GradCheck_FirstOrder()
    {
        Check.Gradients(t => Tensor.LinearFused(t[0], t[1], t[2]), Check.Input(11, 3, 4), Check.Input(12, 2, 4), Check.Input(13, 2));
        Check.Gradients(t => Tensor.LinearFused(t[0], t[1], null), Check.Input(14, 3, 4), Check.Input(15, 2, 4));
        // Only the bias requires grad.
        var x = Check.Input(16, 3, 4).Detach();
        var w = Check.Input(17, 2, 4).Detach();
        Check.Gradients(t => Tensor.LinearFused(x, w, t[0]), Check.Input(18, 2));
    }

    [Fact]
    public void LinearFused_GradCheck_SecondOrder()
    {
        // The backward is built from recording ops, so the gradients are themselves differentiable (also in g).
        Tensor[] Grads(Tensor[] t) => Autograd.Grad(Tensor.LinearFused(t[0], t[1], t[2]), [t[0], t[1], t[2]], t[3], createGraph: true)!;
        var inputs = new[] { Check.Input(19, 3, 4), Check.Input(20, 2, 4), Check.Input(21, 2), Check.Input(22, 3, 2) };
        Check.Gradients(t => Grads(t)[0], inputs);
        Check.Gradients(t => Grads(t)[1], inputs);
        Check.Gradients(t => Grads(t)[2], inputs);
    }

    [Fact]
    public void LinearFused_NonContiguousInputs()
    {
        var xt = Check.Input(23, 4, 3).T;                  // [3, 4], transposed
        var wt = Check.Input(24, 4, 6).T.Narrow(0, 1, 3);   // [3, 4] rows of a transpose
        var ws = Check.Input(25, 6, 4)[TensorIndex.Slice(0, 6, 2)]; // [3, 4] every other row
        var b = Check.Input(26, 3);
        SameAsComposite(xt, wt, b);
        SameAsComposite(xt, ws, null);
        Check.Gradients(t => Tensor.LinearFused(t[0].T, t[1].T.Narrow(0, 1, 3), t[2]), Check.Input(27, 4, 3), Check.Input(28, 4, 6), Check.Input(29, 3));
        var bs = Check.Input(30, 6)[TensorIndex.Slice(0, 6, 2)];     // strided bias
        SameAsComposite(xt, ws, bs);
    }

    [Fact]
    public void LinearFused_FoldsLeadingDims_And1DInput()
    {
        var w = Check.Input(31, 2, 4);
        var b = Check.Input(32, 2);
        var x3 = Check.Input(33, 2, 3, 4);
        var y = Tensor.LinearFused(x3, w, b);
        Assert.Equal([2, 3, 2], y.Shape);
        SameAsComposite(x3, w, b);
        SameAsComposite(Check.Input(34, 3, 4, 2).Permute(2, 0, 1), w, b); // non-contiguous 3-D: the fold copies
        SameAsComposite(Check.Input(35, 4), w, b);
        Assert.Equal([2], Tensor.LinearFused(Check.Input(35, 4), w, b).Shape);
        Check.Gradients(t => Tensor.LinearFused(t[0], t[1], t[2]), Check.Input(36, 2, 3, 4), w, b);
        Check.Gradients(t => Tensor.LinearFused(t[0].Permute(2, 0, 1), t[1], null), Check.Input(37, 3, 4, 2), w);
        Check.Gradients(t => Tensor.LinearFused(t[0], t[1], t[2]), Check.Input(38, 4), w, b);
    }

    [Fact]
    public void LinearFused_EmptyBatchAndEmptyFeatures()
    {
        var w = Check.Input(39, 2, 4).Detach();
        var b = Tensor.From(new[] { 1.5, -2.0 }, DType.Float64);
        Assert.Equal([0, 2], Tensor.LinearFused(Tensor.Zeros([0, 4], DType.Float64), w, b).Shape);
        // in_features = 0: the product is empty, the output is the bias.
        Check.Close(Tensor.LinearFused(Tensor.Zeros([3, 0], DType.Float64), Tensor.Zeros([2, 0], DType.Float64), b), [3, 2], [1.5, -2, 1.5, -2, 1.5, -2]);
    }

    [Fact]
    public void Linear_MixedDtypes_KeepTheCompositeBehaviour()
    {
        var x = Tensor.Ones(2, 3);
        var w64 = Tensor.Ones([4, 3], DType.Float64);
        Check.Throws<ArgumentException>(() => F.Linear(x, w64), "matmul", "same numeric dtype");
        // A float64 bias promotes the float32 product, as x.MatMul(w.T) + b does.
        var y = F.Linear(x, Tensor.Ones(4, 3), Tensor.Ones([4], DType.Float64));
        Assert.Equal(DType.Float64, y.DType);
        Check.Close(y, [2, 4], [4, 4, 4, 4, 4, 4, 4, 4]);
    }

    [Fact]
    public void Linear_RejectsBadShapes_WithTheLinearMessages()
    {
        Check.Throws<ArgumentException>(() => F.Linear(Tensor.Zeros(2, 3), Tensor.Zeros(4, 5)), "linear", "[2, 3]", "[4, 5]", "inFeatures = 5");
        Check.Throws<ArgumentException>(() => F.Linear(Tensor.Zeros(2, 3), Tensor.Zeros(4, 3), Tensor.Zeros(3)), "linear", "bias", "[4]", "[3]");
        Check.Throws<ArgumentException>(() => F.Linear(Tensor.Zeros(2, 3), Tensor.Zeros(3)), "linear", "weight must be 2-D", "[3]");
    }
}
