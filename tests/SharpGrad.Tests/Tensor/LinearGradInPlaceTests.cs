using SharpGrad;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.Tests;

/// <summary>
/// The Linear backward adding the weight gradient straight into an existing .Grad (GEMM C += A B), against the
/// path that returns a fresh gradient for AccumulateGrad.
/// </summary>
public class LinearGradInPlaceTests
{
    private static (Tensor X, Tensor W, Tensor B) Make(int seed, DType dtype, int n = 33, int inF = 70, int outF = 50)
    {
        var gen = new Generator((ulong)seed);
        var x = Tensor.Randn([n, inF], gen, dtype);
        var w = Tensor.Randn([outF, inF], gen, dtype).RequiresGrad_();
        var b = Tensor.Randn([outF], gen, dtype).RequiresGrad_();
        return (x, w, b);
    }

    private static Tensor Loss(Tensor x, Tensor w, Tensor b) => F.Relu(F.Linear(x, w, b)).Pow(2).Sum();

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void ZeroedGrad_IsBitIdenticalToFreshGrad_AndKeepsItsBuffer(DType dtype)
    {
        var (x, w, b) = Make(1, dtype);
        Loss(x, w, b).Backward();
        var fresh = w.Grad!.ToArray<double>();

        using (Tensor.NoGrad()) w.Grad!.Zero_();
        var held = w.Grad!;
        Loss(x, w, b).Backward();
        Assert.Same(held, w.Grad);
        Assert.Equal(fresh, w.Grad!.ToArray<double>());
    }

    [Fact]
    public void SecondBackward_AccumulatesIntoTheHeldGrad_AsPyTorch()
    {
        var (x, w, b) = Make(2, DType.Float64);
        Loss(x, w, b).Backward();
        var held = w.Grad!;
        var once = held.ToArray<double>();
        Loss(x, w, b).Backward();
        Assert.Same(held, w.Grad);
        Check.Close(held, [50, 70], once.Select(v => 2 * v).ToArray(), 1e-12);
    }

    [Fact]
    public void OptimizerZeroGradInPlace_KeepsBuffers_AndMatchesSetToNone()
    {
        var (x, w, b) = Make(3, DType.Float32);
        var w2 = w.Detach().Clone().RequiresGrad_();
        var b2 = b.Detach().Clone().RequiresGrad_();
        var inPlace = new Optim.SGD([w, b], lr: 0.1);
        var none = new Optim.SGD([w2, b2], lr: 0.1);
        Tensor? held = null;
        for (int step = 0; step < 3; step++)
        {
            inPlace.ZeroGrad(setToNone: false);
            Loss(x, w, b).Backward();
            held ??= w.Grad;
            Assert.Same(held, w.Grad);
            inPlace.Step();
            none.ZeroGrad();
            Loss(x, w2, b2).Backward();
            none.Step();
            Assert.Equal(w2.ToArray<float>(), w.ToArray<float>());
        }
    }

    [Fact]
    public void CreateGraph_FallsBackToOutOfPlaceSum()
    {
        var (x, w, b) = Make(4, DType.Float64, 4, 3, 2);
        Loss(x, w, b).Backward();
        var held = w.Grad!;
        var once = held.ToArray<double>();
        Loss(x, w, b).Backward(createGraph: true);
        Assert.NotSame(held, w.Grad);
        Assert.Equal(once, held.ToArray<double>());
        Check.Close(w.Grad!, [2, 3], once.Select(v => 2 * v).ToArray(), 1e-12);
        Assert.NotNull(w.Grad!.GradFn);
    }

    [Fact]
    public void AutogradGrad_LeavesDotGradAlone()
    {
        var (x, w, b) = Make(5, DType.Float64);
        Loss(x, w, b).Backward();
        var before = w.Grad!.ToArray<double>();
        var g = Autograd.Grad(Loss(x, w, b), [w])[0]!;
        Assert.Equal(before, w.Grad!.ToArray<double>());
        Check.Close(g, [50, 70], before, 1e-12);
    }

    [Fact]
    public void WeightUsedTwice_SumsBothContributions()
    {
        var (x, w, b) = Make(6, DType.Float64, 5, 4, 4);
        Tensor Twice() => F.Linear(F.Linear(x, w, b), w, b).Pow(2).Sum();
        Twice().Backward();
        var fresh = w.Grad!.ToArray<double>();
        using (Tensor.NoGrad()) w.Grad!.Zero_();
        Twice().Backward();
        Check.Close(w.Grad!, [4, 4], fresh, 1e-12);
        Check.Gradients(t => F.Linear(F.Linear(x, t[0], b.Detach()), t[0], b.Detach()).Pow(2).Sum(), w.Detach().Clone().RequiresGrad_());
    }
}
