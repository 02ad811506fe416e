using SharpGrad;
using SharpGrad.NN;

namespace SharpGrad.Tests;

/// <summary>net.Call(x) runs PyTorch's forward pre-hooks, forward hooks and full backward hooks.</summary>
public class ModuleHookTests
{
    [Fact]
    public void Call_WithoutHooks_IsForward()
    {
        var linear = new Linear(3, 2, dtype: DType.Float64);
        var x = Tensor.Randn([4, 3], dtype: DType.Float64);
        Assert.True(linear.Call(x).Equal(linear.Forward(x)));
    }

    [Fact]
    public void ForwardHooks_SeeAndReplace_AndRemoveStopsThem()
    {
        var linear = new Linear(3, 2);
        var seen = new List<string>();
        using (linear.RegisterForwardHook((m, i, o) => seen.Add($"{m.GetType().Name} {Core.Shape.Format(i.Shape)} -> {Core.Shape.Format(o.Shape)}")))
        {
            var pre = linear.RegisterForwardPreHook((m, i) => i * 0);
            var y = linear.Call(Tensor.Ones(4, 3));
            Assert.True(y.Equal(linear.Bias!.Detach().Expand(4, 2)), "the pre-hook zeroed the input");
            pre.Remove();
            pre.Remove();
            var doubled = linear.RegisterForwardHook((m, i, o) => o * 2);
            Assert.True(linear.Call(Tensor.Ones(4, 3)).AllClose(linear.Forward(Tensor.Ones(4, 3)) * 2));
            doubled.Remove();
        }
        Assert.Equal(["Linear [4, 3] -> [4, 2]", "Linear [4, 3] -> [4, 2]"], seen);
        linear.Call(Tensor.Ones(1, 3));
        Assert.Equal(2, seen.Count);
    }

    [Fact]
    public void SequentialCallsItsChildrenThroughCall()
    {
        var relu = new ReLU();
        var net = new Sequential(new Linear(2, 3), relu, new Linear(3, 1));
        int calls = 0;
        relu.RegisterForwardHook((m, i, o) => calls++);
        net.Call(Tensor.Ones(5, 2));
        net.Forward(Tensor.Ones(5, 2));
        Assert.Equal(2, calls);
    }

    [Fact]
    public void FullBackwardHook_GetsTheInputAndOutputGradients()
    {
        var linear = new Linear(3, 2, dtype: DType.Float64);
        var x = Tensor.Randn([4, 3], dtype: DType.Float64).RequiresGrad_();
        Tensor? gradIn = null, gradOut = null;
        linear.RegisterFullBackwardHook((m, gi, go) => { gradIn = gi; gradOut = go; });
        var y = linear.Call(x);
        var upstream = Tensor.Randn([4, 2], dtype: DType.Float64);
        (y * upstream).Sum().Backward();
        Assert.True(gradOut!.AllClose(upstream));
        Assert.True(gradIn!.AllClose(upstream.MatMul(linear.Weight.Detach())));
        Assert.True(x.Grad!.AllClose(gradIn));
    }

    [Fact]
    public void FullBackwardHook_CanReplaceTheInputGradient_AndGetsNullWhenTheInputNeedsNone()
    {
        var linear = new Linear(3, 2, dtype: DType.Float64);
        var x = Tensor.Randn([4, 3], dtype: DType.Float64).RequiresGrad_();
        linear.RegisterFullBackwardHook((m, gi, go) => gi! * 0);
        linear.Call(x).Sum().Backward();
        Assert.Equal(0.0, x.Grad!.Abs().Sum().Item());
        Assert.NotEqual(0.0, linear.Weight.Grad!.Abs().Sum().Item());

        var frozenInput = new Linear(3, 2);
        bool sawNull = false;
        frozenInput.RegisterFullBackwardHook((m, gi, go) => sawNull = gi is null && go.Shape.SequenceEqual([4, 2]));
        frozenInput.Call(Tensor.Ones(4, 3)).Sum().Backward();
        Assert.True(sawNull);
    }
}
