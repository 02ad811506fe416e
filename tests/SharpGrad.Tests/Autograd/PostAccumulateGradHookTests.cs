using SharpGrad.Graph;
using SharpGrad.NN;

namespace SharpGrad.Tests;

public class PostAccumulateGradHookTests
{
    [Fact]
    public void Hook_RunsOncePerPass_WithTheCompleteGradient()
    {
        var w = Tensor.FromBuffer([1.0, 2.0], 2).RequiresGrad_();
        var seen = new List<double[]>();
        w.RegisterPostAccumulateGradHook(t => seen.Add(t.Grad!.ToArray<double>()));
        // w reaches the loss along two paths: the hook must see the sum 3 * w + 2 * w, not one term.
        ((w * w * 1.5).Sum() + (w * w).Sum()).Backward();
        Assert.Single(seen);
        Assert.Equal([5.0, 10.0], seen[0]);
        (w * 3).Sum().Backward();
        Assert.Equal(2, seen.Count);
        Assert.Equal([8.0, 13.0], seen[1]);
    }

    [Fact]
    public void Hook_RunsWhenALayerAddsItsGradientStraightIntoGrad()
    {
        // The second backward of a Linear adds the weight gradient into the existing Grad in place (no pending gradient).
        Tensor.ManualSeed(0);
        var layer = new Linear(3, 2);
        var x = Tensor.Randn(4, 3);
        int calls = 0;
        Tensor? atHook = null;
        layer.Weight.RegisterPostAccumulateGradHook(t => { calls++; atHook = t.Grad!.Clone(); });
        layer.Forward(x).Sum().Backward();
        layer.Forward(x).Sum().Backward();
        Assert.Equal(2, calls);
        Check.Close(atHook!, layer.Weight.Grad!.ToArray<float>().Select(v => (double)v).ToArray(), 0);
    }

    [Fact]
    public void Remove_StopsTheHook_AndNonLeavesAreRejected()
    {
        var w = Tensor.Ones([2], requiresGrad: true);
        int calls = 0;
        var handle = w.RegisterPostAccumulateGradHook(_ => calls++);
        (w * 2).Sum().Backward();
        handle.Remove();
        (w * 2).Sum().Backward();
        Assert.Equal(1, calls);
        Check.Throws<InvalidOperationException>(() => (w * 2).RegisterPostAccumulateGradHook(_ => { }), "non-leaf");
        Check.Throws<InvalidOperationException>(() => Tensor.Ones(2).RegisterPostAccumulateGradHook(_ => { }), "doesn't require gradient");
    }

    [Fact]
    public void AutogradGrad_DoesNotRunTheHook()
    {
        var w = Tensor.Ones([2], requiresGrad: true);
        int calls = 0;
        w.RegisterPostAccumulateGradHook(_ => calls++);
        Autograd.Grad((w * w).Sum(), [w]);
        Assert.Equal(0, calls);
    }

    [Fact]
    public void QueuedCallback_RunsAfterEveryHookOfThePass()
    {
        var a = Tensor.Ones([2], requiresGrad: true);
        var b = Tensor.Ones([2], requiresGrad: true);
        var log = new List<string>();
        bool queued = false;
        a.RegisterPostAccumulateGradHook(_ =>
        {
            log.Add("a");
            if (!queued) { Engine.QueueCallback(() => log.Add("end")); queued = true; }
        });
        b.RegisterPostAccumulateGradHook(_ => log.Add("b"));
        ((a * 2) + (b * 3)).Sum().Backward();
        Assert.Equal("end", log[^1]);
        Assert.Equal(3, log.Count);
        Check.Throws<InvalidOperationException>(() => Engine.QueueCallback(() => { }), "no backward pass");
    }
}
