using SharpGrad;

namespace SharpGrad.Tests;

/// <summary>
/// Gradient accumulation without copies: a leaf takes the engine's gradient buffer when nothing else can see it,
/// and aliased buffers (shared between inputs, the caller's gradient, views) are still copied.
/// </summary>
public class GradOwnershipTests
{
    private static Tensor Leaf(params double[] values) => Tensor.From(values, DType.Float64, requiresGrad: true);

    [Fact]
    public void SameLeafTwice_SumsBothContributions_AndAccumulatesAgain()
    {
        var x = Leaf(1, 2, 3);
        (x + x).Backward(Tensor.From(new double[] { 1, 10, 100 }, DType.Float64));
        Check.Close(x.Grad!, [2, 20, 200]);
        (x + x).Sum().Backward();
        Check.Close(x.Grad!, [4, 22, 202]);
    }

    [Fact]
    public void TwoLeavesOfOneAdd_GetSeparateBuffers()
    {
        var a = Leaf(1, 2);
        var b = Leaf(3, 4);
        (a + b).Sum().Backward();
        Assert.False(ReferenceEquals(a.Grad!.Storage, b.Grad!.Storage));
        a.Grad!.Add_(5.0);
        Check.Close(a.Grad!, [6, 6]);
        Check.Close(b.Grad!, [1, 1]);
        // A second pass adds in place into each leaf's own buffer.
        (a - b).Sum().Backward();
        Check.Close(a.Grad!, [7, 7]);
        Check.Close(b.Grad!, [0, 0]);
    }

    [Fact]
    public void CallersGradient_IsNeverTakenOrChanged()
    {
        var x = Leaf(1, 2, 3, 4);
        var g = Tensor.From(new double[] { 1, 2, 3, 4 }, DType.Float64).View(2, 2);
        x.View(2, 2).Backward(g);
        Assert.False(ReferenceEquals(x.Grad!.Storage, g.Storage));
        x.View(2, 2).Backward(g);
        Check.Close(x.Grad!, [2, 4, 6, 8]);
        Check.Close(g, [1, 2, 3, 4]);

        // The root itself a leaf: its gradient is the caller's tensor, copied.
        var y = Leaf(5, 6);
        var gy = Tensor.From(new double[] { 1, 1 }, DType.Float64);
        y.Backward(gy);
        y.Backward(gy);
        Check.Close(y.Grad!, [2, 2]);
        Check.Close(gy, [1, 1]);
    }

    [Fact]
    public void ExpandedGradient_IsReducedAndOwnedByEachLeaf()
    {
        var a = Leaf(1, 2, 3);
        var b = Leaf(10);
        var y = a * b; // b's gradient is summed over the broadcast dimension
        y.Sum().Backward(retainGraph: true);
        Check.Close(b.Grad!, [6]);
        Check.Close(a.Grad!, [10, 10, 10]);
        y.Sum().Backward();
        Check.Close(b.Grad!, [12]);
        Check.Close(a.Grad!, [20, 20, 20]);
    }

    [Fact]
    public void RetainGraphTwice_DoublesTheGradient_AndLeavesSavedTensorsAlone()
    {
        var x = Leaf(0, 1, 2);
        var y = x.Exp();
        var before = y.ToArray<double>();
        var loss = (y * y).Sum();
        loss.Backward(retainGraph: true);
        var first = x.Grad!.ToArray<double>();
        loss.Backward();
        Check.Close(x.Grad!, first.Select(v => 2 * v).ToArray());
        Check.Close(y, before);
        Check.Close(x.Grad!, before.Select(e => 4 * e * e).ToArray());
    }

    [Fact]
    public void ZeroGradToNone_ThenBackward_StartsFresh()
    {
        var w = Leaf(1, 2);
        var optimizer = new Optim.SGD([w], lr: 0.1);
        (w * 3.0).Sum().Backward();
        var old = w.Grad!;
        optimizer.ZeroGrad();
        Assert.Null(w.Grad);
        (w * 2.0).Sum().Backward();
        Check.Close(w.Grad!, [2, 2]);
        Check.Close(old, [3, 3]);
    }

    [Fact]
    public void CreateGraph_GradientStaysDifferentiable()
    {
        var x = Leaf(1, 2);
        (x * x * x).Sum().Backward(createGraph: true);
        Assert.NotNull(x.Grad!.GradFn);
        var gx = x.Grad!;
        x.Grad = null;
        gx.Sum().Backward();
        Check.Close(x.Grad!, [6, 12]);
    }

    [Fact]
    public void FreshGradient_IsTakenWithoutACopy()
    {
        const int n = 1 << 18; // 2 MB of float64
        var w = Tensor.Zeros([n], DType.Float64).RequiresGrad_();
        var g = Tensor.Ones([n], DType.Float64);
        var y = w * 2.0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        y.Backward(g);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // MulBackward makes one 2 MB buffer; a copy into .Grad would make a second one.
        Assert.InRange(allocated, 8L * n, 8L * n + (1 << 20));
        Check.Close(w.Grad![..3], [2, 2, 2]);
        Check.Close(g[..3], [1, 1, 1]);
    }
}
