using SharpGrad;

namespace SharpGrad.Tests;

/// <summary>Review of the engine's gradient-buffer ownership: aliasing cases beyond GradOwnershipTests.</summary>
public class ReviewAliasingTests
{
    private static Tensor Leaf(params double[] values) => Tensor.From(values, DType.Float64, requiresGrad: true);

    [Fact]
    public void HeldGradReference_IsAccumulatedInPlace_AsInPyTorch()
    {
        var p = Leaf(1, 2, 3);
        (p * 2).Sum().Backward();
        var held = p.Grad!;
        (p * 3).Sum().Backward();
        Assert.Same(held, p.Grad); // p.grad += new_grad in place when a gradient exists (no graph recorded)
        Check.Close(held, [5, 5, 5]);
    }

    [Fact]
    public void LeafPlusItsTranspose_ViewOfAPendingBufferIsNotAddedIntoItself()
    {
        var a = Tensor.From(new double[] { 1, 2, 3, 4 }, DType.Float64).View(2, 2).RequiresGrad_();
        var c = Tensor.From(new double[] { 1, 10, 100, 1000 }, DType.Float64).View(2, 2);
        ((a + a.T) * c).Sum().Backward();
        Check.Close(a.Grad!, [2, 110, 110, 2000]);
        ((a.T + a) * c).Sum().Backward();
        Check.Close(a.Grad!, [4, 220, 220, 4000]);
    }

    [Fact]
    public void OneBufferThroughClonesToTwoLeaves_EachGetsItsOwn()
    {
        var a = Leaf(1, 2);
        var b = Leaf(3, 4);
        var s = (a.Clone() + b.Clone().Reshape(2)) * Tensor.From(new double[] { 2, 3 }, DType.Float64);
        s.Sum().Backward();
        Assert.False(ReferenceEquals(a.Grad!.Storage, b.Grad!.Storage));
        a.Grad!.Mul_(10.0);
        Check.Close(a.Grad!, [20, 30]);
        Check.Close(b.Grad!, [2, 3]);
    }

    [Fact]
    public void AutogradGradResults_AreNotWrittenByLaterPasses()
    {
        var a = Leaf(1, 2);
        var y = a * a;
        var grads = Autograd.Grad(y.Sum(), [a], retainGraph: true);
        var g = grads[0]!;
        Check.Close(g, [2, 4]);
        y.Sum().Backward();
        Check.Close(a.Grad!, [2, 4]);
        a.Grad!.Add_(1.0);
        (a * a).Sum().Backward();
        Check.Close(g, [2, 4]);
        Check.Close(a.Grad!, [5, 9]);
    }

    [Fact]
    public void DtypeConvertedGradient_IsOwnedOnce()
    {
        // A float32 leaf used by a float64 op: its gradient arrives as float64 and is converted.
        var a = Tensor.From(new float[] { 1, 2 }, requiresGrad: true);
        var b = Leaf(3, 4);
        var y = a * b + a * 2;
        y.Sum().Backward();
        Assert.Equal(DType.Float32, a.Grad!.DType);
        Check.Close(a.Grad!, [5, 6]);
        Check.Close(b.Grad!, [1, 2]);
    }
}
