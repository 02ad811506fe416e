using SharpGrad;

namespace SharpGrad.Tests;

/// <summary>No-grad and enable-grad scopes: recording stops and resumes, nesting restores, scopes are per thread.</summary>
public class GradModeTests
{
    private static Tensor Leaf() => Tensor.From(new[] { 1.0, 2.0 }, DType.Float64, requiresGrad: true);

    [Fact]
    public void NoGrad_StopsRecording_AndRestoresOnDispose()
    {
        var x = Leaf();
        Assert.True(Tensor.IsGradEnabled);
        Tensor y;
        using (Tensor.NoGrad())
        {
            Assert.False(Tensor.IsGradEnabled);
            y = (x * 2.0).Exp().Sum();
        }
        Assert.False(y.RequiresGrad);
        Assert.Null(y.GradFn);
        Assert.True(Tensor.IsGradEnabled);
        Assert.True((x * 2.0).RequiresGrad);
    }

    [Fact]
    public void NoGrad_ViewsAndReductionsAreNotRecordedEither()
    {
        var x = Tensor.Zeros([2, 3], DType.Float64, requiresGrad: true);
        using (Tensor.NoGrad())
        {
            Assert.False(x.T.RequiresGrad);
            Assert.False(x.Narrow(1, 0, 2).RequiresGrad);
            Assert.False(x.Select(0, 1).RequiresGrad);
            Assert.False(x.Max(1).Values.RequiresGrad);
            Assert.False(x.MatMul(x.T).RequiresGrad);
            Assert.False(x.Clone().RequiresGrad);
        }
    }

    [Fact]
    public void NestedNoGradAndEnableGrad_RestoreTheOuterMode()
    {
        var x = Leaf();
        using (Tensor.NoGrad())
        {
            using (Tensor.EnableGrad())
            {
                Assert.True(Tensor.IsGradEnabled);
                Assert.True((x * 2.0).RequiresGrad);
                using (Tensor.NoGrad())
                    Assert.False((x * 2.0).RequiresGrad);
                Assert.True(Tensor.IsGradEnabled);
            }
            Assert.False(Tensor.IsGradEnabled);
            Assert.False((x * 2.0).RequiresGrad);
            using (Tensor.NoGrad()) Assert.False(Tensor.IsGradEnabled);
            Assert.False(Tensor.IsGradEnabled);
        }
        Assert.True(Tensor.IsGradEnabled);
    }

    [Fact]
    public void SetGradEnabled_SetsEitherMode()
    {
        using (Tensor.SetGradEnabled(false))
        {
            Assert.False(Tensor.IsGradEnabled);
            using (Tensor.SetGradEnabled(true)) Assert.True(Tensor.IsGradEnabled);
            Assert.False(Tensor.IsGradEnabled);
        }
        Assert.True(Tensor.IsGradEnabled);
    }

    [Fact]
    public void DisposingAScopeTwice_DoesNotUndoALaterScope()
    {
        var first = Tensor.NoGrad();
        first.Dispose();
        Assert.True(Tensor.IsGradEnabled);
        using (Tensor.NoGrad())
        {
            first.Dispose();
            Assert.False(Tensor.IsGradEnabled);
        }
        Assert.True(Tensor.IsGradEnabled);
    }

    [Fact]
    public void GradMode_IsThreadLocal()
    {
        var x = Leaf();
        bool otherThreadRecorded = false, otherThreadEnabled = false;
        using (Tensor.NoGrad())
        {
            var thread = new Thread(() =>
            {
                otherThreadEnabled = Tensor.IsGradEnabled;
                otherThreadRecorded = (x * 2.0).RequiresGrad;
            });
            thread.Start();
            thread.Join();
            Assert.False((x * 2.0).RequiresGrad);
        }
        Assert.True(otherThreadEnabled);
        Assert.True(otherThreadRecorded);
    }

    [Fact]
    public void NoGradOnAnotherThread_DoesNotAffectThisThread()
    {
        var x = Leaf();
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            using (Tensor.NoGrad())
            {
                entered.Set();
                release.Wait();
            }
        });
        thread.Start();
        entered.Wait();
        try
        {
            Assert.True(Tensor.IsGradEnabled);
            Assert.True((x * 2.0).RequiresGrad);
        }
        finally
        {
            release.Set();
            thread.Join();
        }
    }

    [Fact]
    public void Backward_InsideNoGrad_StillComputesGradients()
    {
        var x = Leaf();
        var loss = (x * x).Sum();
        using (Tensor.NoGrad()) loss.Backward();
        Check.Close(x.Grad!, [2, 4]);
        Assert.True(Tensor.IsGradEnabled);
    }

    [Fact]
    public void Backward_RestoresTheGradMode()
    {
        var x = Leaf();
        (x * x).Sum().Backward(createGraph: true);
        Assert.True(Tensor.IsGradEnabled);
        var loss = (x * x).Sum();
        using (Tensor.NoGrad())
        {
            loss.Backward(createGraph: true);
            Assert.False(Tensor.IsGradEnabled);
        }
        Assert.True(Tensor.IsGradEnabled);
    }
}
