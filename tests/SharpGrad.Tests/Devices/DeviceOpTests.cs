using SharpGrad.NN;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.Tests.Devices;

/// <summary>
/// The device kernels against the CPU's on random inputs, contiguous, strided and broadcast, forward and backward.
/// Sizes stay small: ILGPU's CPU accelerator runs every launch through a simulated GPU.
/// </summary>
public class DeviceOpTests
{
    private static readonly Device D = DeviceCheck.Accel;

    [Fact]
    public void UnaryOps_MatchTheCpu_OnStridedViews()
    {
        var x = DeviceCheck.Rand(1, 3, 5).T;              // non-contiguous
        var pos = x.Abs() + 0.1;
        var xd = x.To(D);
        var pd = pos.To(D);
        DeviceCheck.Same(-x, -xd);
        DeviceCheck.Same(x.Abs(), xd.Abs());
        DeviceCheck.Same(x.Relu(), xd.Relu());
        DeviceCheck.Same(x.Sign(), xd.Sign());
        DeviceCheck.Same(x.Exp(), xd.Exp());
        DeviceCheck.Same(pos.Log(), pd.Log());
        DeviceCheck.Same(pos.Log2(), pd.Log2());
        DeviceCheck.Same(pos.Sqrt(), pd.Sqrt());
        DeviceCheck.Same(x.Sin(), xd.Sin());
        DeviceCheck.Same(x.Cos(), xd.Cos());
        DeviceCheck.Same(x.Tanh(), xd.Tanh());
        DeviceCheck.Same(x.Sigmoid(), xd.Sigmoid());
        var l = Tensor.From(new long[] { -3, 0, 5 });
        DeviceCheck.Same(l.Abs(), l.To(D).Abs());
        DeviceCheck.Same(l.Exp(), l.To(D).Exp());   // int64 promoted to float32
    }

    [Fact]
    public void BinaryOps_MatchTheCpu_WithBroadcastingAndPromotion()
    {
        var a = DeviceCheck.Rand(2, 4, 1, 3);
        var b = DeviceCheck.Rand(3, 5, 3)[.., 1..].T.T;     // [5, 2]... a strided slice, broadcast against a
        b = DeviceCheck.Rand(3, 3, 5).T;                    // [5, 3], non-contiguous
        var ad = a.To(D);
        var bd = b.To(D);
        DeviceCheck.Same(a + b, ad + bd);
        DeviceCheck.Same(a - b, ad - bd);
        DeviceCheck.Same(a * b, ad * bd);
        DeviceCheck.Same(a / b, ad / bd);
        DeviceCheck.Same(a.Maximum(b), ad.Maximum(bd));
        DeviceCheck.Same(a.Minimum(b), ad.Minimum(bd));
        DeviceCheck.Same(a.Abs().Pow(b), ad.Abs().Pow(bd));
        DeviceCheck.Same(a.Pow(2), ad.Pow(2));
        DeviceCheck.Same(a * 3 - 1, ad * 3 - 1);
        var i = Tensor.From(new long[] { 1, 2, 3 });
        DeviceCheck.Same(i * 2 + i, i.To(D) * 2 + i.To(D));
        DeviceCheck.Same(i.Pow(3), i.To(D).Pow(3));
        DeviceCheck.Same(a.Double() + i, a.Double().To(D) + i.To(D));   // float64 + int64 -> float64
        DeviceCheck.Same(i / 2, i.To(D) / 2);                          // int64 true division -> float32
    }

    [Fact]
    public void ComparisonsAndWhere_MatchTheCpu()
    {
        var a = DeviceCheck.Rand(4, 3, 4);
        var b = DeviceCheck.Rand(5, 4);
        var ad = a.To(D);
        var bd = b.To(D);
        DeviceCheck.Same(a.Gt(b), ad.Gt(bd));
        DeviceCheck.Same(a.Le(0.5), ad.Le(0.5));
        DeviceCheck.Same(a.Eq(a), ad.Eq(ad));
        DeviceCheck.Same(a.Ne(b), ad.Ne(bd));
        DeviceCheck.Same(Tensor.Where(a.Gt(b), a, b), Tensor.Where(ad.Gt(bd), ad, bd));
        DeviceCheck.Same(Tensor.Where(a.Lt(0), 0.0, a.T.T), Tensor.Where(ad.Lt(0), 0.0, ad));
        DeviceCheck.Same(a.Gt(0).LogicalNot(), ad.Gt(0).LogicalNot());
    }

    [Fact]
    public void Reductions_MatchTheCpu()
    {
        var x = DeviceCheck.Rand(6, 3, 4, 5).Permute(2, 0, 1);   // [5, 3, 4], strided
        var xd = x.To(D);
        DeviceCheck.Same(x.Sum(), xd.Sum());
        DeviceCheck.Same(x.Sum(1), xd.Sum(1));
        DeviceCheck.Same(x.Sum([0, 2], keepDim: true), xd.Sum([0, 2], keepDim: true));
        DeviceCheck.Same(x.Mean(0), xd.Mean(0));
        DeviceCheck.Same(x.Max(), xd.Max());
        DeviceCheck.Same(x.Max(2).Values, xd.Max(2).Values);
        DeviceCheck.Same(x.Max(2).Indices, xd.Max(2).Indices);
        DeviceCheck.Same(x.Min(1).Values, xd.Min(1).Values);
        DeviceCheck.Same(x.Argmax(1), xd.Argmax(1));
        DeviceCheck.Same(x.Argmax(), xd.Argmax());
        DeviceCheck.Same(x.Var(0), xd.Var(0));
        DeviceCheck.Same(x.Prod(2), xd.Prod(2));
        var l = Tensor.From(new long[] { 4, -2, 7 });
        DeviceCheck.Same(l.Sum(), l.To(D).Sum());
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(5, 7, 3)]
    [InlineData(9, 17, 6)]
    [InlineData(40, 30, 35)]   // above the simulator's tiled-GEMM limit: the plain kernel
    public void MatMul_MatchesTheCpu_IncludingTransposedOperands(int m, int k, int n)
    {
        var a = DeviceCheck.Rand(7, m, k);
        var b = DeviceCheck.Rand(8, n, k).T;                   // [k, n] transposed view
        DeviceCheck.Same(a.Mm(b), a.To(D).Mm(b.To(D)));
        DeviceCheck.Same(b.T.Mm(a.T), b.T.To(D).Mm(a.T.To(D)));
        var ba = DeviceCheck.Rand(9, 2, m, k);
        var bb = DeviceCheck.Rand(10, 2, k, n);
        DeviceCheck.Same(ba.Bmm(bb), ba.To(D).Bmm(bb.To(D)));
        DeviceCheck.Same(ba.MatMul(b), ba.To(D).MatMul(b.To(D)));
        var l = Tensor.From(new long[,] { { 1, 2 }, { 3, 4 } });
        DeviceCheck.Same(l.Mm(l), l.To(D).Mm(l.To(D)));
    }

    [Fact]
    public void SoftmaxFamily_MatchesTheCpu_ForwardAndBackward()
    {
        var x = DeviceCheck.Rand(11, 4, 6);
        var xc = x.Clone().RequiresGrad_();
        var xd = x.To(D).RequiresGrad_();
        var g = DeviceCheck.Rand(12, 4, 6);
        foreach (bool log in new[] { false, true })
        {
            xc.Grad = null;
            xd.Grad = null;
            var yc = log ? xc.LogSoftmax(1) : xc.Softmax(-1);
            var yd = log ? xd.LogSoftmax(1) : xd.Softmax(-1);
            DeviceCheck.Same(yc, yd);
            yc.Backward(g);
            yd.Backward(g.To(D));
            DeviceCheck.Same(xc.Grad!, xd.Grad!);
        }
        DeviceCheck.Same(x.T.Softmax(0), x.T.To(D).Softmax(0));   // another dim: the composite path
    }

    [Fact]
    public void LossesAndGather_MatchTheCpu_ForwardAndBackward()
    {
        var logits = DeviceCheck.Rand(13, 5, 4);
        var target = Tensor.From(new long[] { 0, 3, 1, 3, 2 });
        var xc = logits.Clone().RequiresGrad_();
        var xd = logits.To(D).RequiresGrad_();
        var lc = F.CrossEntropy(xc, target) + F.NllLoss(xc.LogSoftmax(1), target, ignoreIndex: 1) + F.MseLoss(xc, xc.Detach() * 0.5);
        var ld = F.CrossEntropy(xd, target.To(D)) + F.NllLoss(xd.LogSoftmax(1), target.To(D), ignoreIndex: 1) + F.MseLoss(xd, xd.Detach() * 0.5);
        DeviceCheck.Same(lc, ld);
        lc.Backward();
        ld.Backward();
        DeviceCheck.Same(xc.Grad!, xd.Grad!);
        var idx = Tensor.From(new long[,] { { 1, 0 }, { 2, 2 } });
        var src = DeviceCheck.Rand(14, 3, 3);
        DeviceCheck.Same(src.Gather(1, idx), src.To(D).Gather(1, idx.To(D)));
        DeviceCheck.Same(src.IndexSelect(0, Tensor.From(new long[] { 2, 0, 2 })), src.To(D).IndexSelect(0, Tensor.From(new long[] { 2, 0, 2 }).To(D)));
        DeviceCheck.Same(src.ScatterAdd(0, idx, src[..2, ..2]), src.To(D).ScatterAdd(0, idx.To(D), src[..2, ..2].To(D)));
    }

    [Fact]
    public void ComposedLayersAndLosses_MatchTheCpu_ForwardAndBackward()
    {
        var x = DeviceCheck.Rand(21, 4, 3);
        var t = DeviceCheck.Rand(22, 4, 3).Sigmoid();
        Tensor Run(Tensor input, Tensor target)
        {
            var parts = new[]
            {
                F.LeakyRelu(input, 0.1).Sum(), F.L1Loss(input, target), F.SmoothL1Loss(input, target), F.BinaryCrossEntropyWithLogits(input, target),
                F.BinaryCrossEntropy(input.Sigmoid(), target), input.Clamp(-0.5, 0.5).Sum(),
                Tensor.Cat([input, input * 2], 1).Square().Mean(), Tensor.Stack([input, target], 0).Std(),
                F.Dropout(input, 0.0, training: true).Sum(), input[.., 1..].Pow(3).Sum(),
            };
            return parts.Aggregate((a, b) => a + b);
        }
        var xc = x.Clone().RequiresGrad_();
        var xd = x.To(D).RequiresGrad_();
        var yc = Run(xc, t);
        var yd = Run(xd, t.To(D));
        DeviceCheck.Same(yc, yd);
        yc.Backward();
        yd.Backward();
        DeviceCheck.Same(xc.Grad!, xd.Grad!);
    }

    [Fact]
    public void Float64Gradients_PassGradCheck_OnTheDevice()
    {
        // The CPU inputs are moved to the device inside the function: forward and backward run on the device
        // (ToCopyBackward brings the gradients home), the finite differences perturb the CPU copies.
        var a = Check.Input(15, 3, 4);
        var w = Check.Input(16, 2, 4);
        var b = Check.Input(17, 2);
        Check.Gradients(t =>
        {
            var (x, wd, bd) = (t[0].To(D), t[1].To(D), t[2].To(D));
            Assert.Equal(D, x.Device);
            return (F.Linear(x, wd, bd).Tanh() * x.Sum(1, keepDim: true)).LogSoftmax(1).Sum() + F.CrossEntropy(x.T.Sigmoid(), Tensor.From(new long[] { 1, 0, 2, 1 }).To(D));
        }, a, w, b);
    }

    [Fact]
    public void MlpGradients_EqualTheCpus()
    {
        Tensor.ManualSeed(5);
        var cpu = new Sequential(new Linear(6, 5), new ReLU(), new Linear(5, 3));
        Tensor.ManualSeed(5);
        var dev = new Sequential(new Linear(6, 5), new ReLU(), new Linear(5, 3));
        var before = dev.Parameters().ToArray();
        dev.To(D);
        Assert.Equal(before, dev.Parameters().ToArray());        // the same Parameter objects, as in PyTorch
        Assert.All(dev.Parameters(), p => Assert.Equal(D, p.Device));
        var x = DeviceCheck.Rand(18, 4, 6);
        var y = Tensor.From(new long[] { 0, 2, 1, 2 });
        F.CrossEntropy(cpu.Forward(x), y).Backward();
        F.CrossEntropy(dev.Forward(x.To(D)), y.To(D)).Backward();
        foreach (var (pc, pd) in cpu.Parameters().Zip(dev.Parameters())) DeviceCheck.Same(pc.Grad!, pd.Grad!);
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    [InlineData("rmsprop")]
    [InlineData("adagrad")]
    public void OptimizerSteps_EqualTheCpus_WithStateOnTheDevice(string name)
    {
        var p0 = DeviceCheck.Rand(19, 3, 4);
        var pc = new Parameter(p0.Clone());
        var pd = new Parameter(p0.To(D));
        Optim.Optimizer Make(Parameter p) => name switch
        {
            "sgd" => new Optim.SGD([p], lr: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true),
            "adam" => new Optim.Adam([p], lr: 0.01, weightDecay: 0.01, amsgrad: true),
            "rmsprop" => new Optim.RMSprop([p], lr: 0.01, momentum: 0.5, centered: true),
            _ => new Optim.Adagrad([p], lr: 0.1),
        };
        var oc = Make(pc);
        var od = Make(pd);
        for (int step = 0; step < 3; step++)
        {
            var g = DeviceCheck.Rand(20 + step, 3, 4);
            pc.Grad = g;
            pd.Grad = g.To(D);
            oc.Step();
            od.Step();
        }
        DeviceCheck.Same(pc, pd);
    }

    [Fact]
    public void StateDicts_LoadOntoTheModulesDevice_AndSaveFromIt()
    {
        var cpu = new Linear(3, 2);
        var dev = new Linear(3, 2);
        dev.To(D);
        dev.LoadStateDict(cpu.StateDict());
        Assert.All(dev.Parameters(), p => Assert.Equal(D, p.Device));
        DeviceCheck.Same(cpu.Weight, dev.Weight);
        var path = Path.Combine(Path.GetTempPath(), $"sharpgrad-device-{Guid.NewGuid():N}.safetensors");
        try
        {
            dev.Save(path);
            var back = new Linear(3, 2);
            back.Load(path);
            Assert.Equal(cpu.Weight.ToArray(), back.Weight.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
