using SharpGrad.NN;
using SharpGrad.Optim;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.Tests.Devices;

/// <summary>
/// Convolution and pooling on the test device against the CPU: values within 1e-5, gradients through autograd, a
/// float64 gradcheck; and BatchNorm and ClipGradNorm_, which are composed of device ops. Sizes stay tiny (every launch
/// runs through ILGPU's simulated GPU).
/// </summary>
public class DeviceConvPoolTests
{
    private static readonly Device D = DeviceCheck.Accel;

    /// <summary>Runs <paramref name="op"/> on CPU copies and device copies of the inputs, compares the outputs, backpropagates the same random output gradient and compares every input gradient.</summary>
    private static void SameForwardAndBackward(Func<Tensor[], Tensor> op, int seed, params Tensor[] inputs)
    {
        var cpu = inputs.Select(t => t.Detach().RequiresGrad_()).ToArray();
        var dev = inputs.Select(t => t.Detach().To(D).RequiresGrad_()).ToArray();
        var yc = op(cpu);
        var yd = op(dev);
        DeviceCheck.Same(yc, yd);
        var g = DeviceCheck.Rand(seed, yc.Shape);
        (yc * g).Sum().Backward();
        (yd * g.To(D)).Sum().Backward();
        for (int i = 0; i < cpu.Length; i++) DeviceCheck.Same(cpu[i].Grad!, dev[i].Grad!);
    }

    [Fact]
    public void Conv2d_WithStridePaddingDilationAndGroups_MatchesTheCpu_OnANonContiguousInput()
    {
        var x = DeviceCheck.Rand(30, 2, 4, 6, 7).Transpose(2, 3);     // [2, 4, 7, 6], non-contiguous
        Assert.False(x.IsContiguous());
        var w = DeviceCheck.Rand(31, 6, 2, 3, 2);
        var b = DeviceCheck.Rand(32, 6);
        SameForwardAndBackward(t => Tensor.Conv2d(t[0], t[1], t[2], stride: (2, 1), padding: (1, 2), dilation: (1, 2), groups: 2), 33, x, w, b);
    }

    [Fact]
    public void Conv2d_UnitStrideWithoutBias_MatchesTheCpu()
    {
        // The CPU takes its transposed-convolution path for this input gradient; the device always gathers.
        var x = DeviceCheck.Rand(34, 2, 3, 5, 5);
        var w = DeviceCheck.Rand(35, 4, 3, 3, 3);
        SameForwardAndBackward(t => Tensor.Conv2d(t[0], t[1], padding: 1), 36, x, w);
        SameForwardAndBackward(t => Tensor.Conv2d(t[0], t[1]), 37, x[0], w);   // unbatched [C, H, W]
    }

    [Fact]
    public void ConvTranspose2d_WithOutputPadding_MatchesTheCpu()
    {
        // conv_transpose2d is conv2d's input gradient; an output padding past the stride pads its input with device zeros.
        var x = DeviceCheck.Rand(38, 1, 2, 3, 4);
        var w = DeviceCheck.Rand(39, 2, 3, 2, 2);
        SameForwardAndBackward(t => Tensor.ConvTranspose2d(t[0], t[1], stride: (2, 2), outputPadding: (1, 1), dilation: (2, 2)), 60, x, w);
    }

    [Fact]
    public void MaxPool2d_MatchesTheCpu_ValuesIndicesAndGradients()
    {
        var x = DeviceCheck.Rand(40, 2, 3, 7, 6).Transpose(2, 3);     // non-contiguous [2, 3, 6, 7]
        // 2 x 2 / stride 2: the CPU keeps argmax codes, the device int64 indices; both route the gradient alike.
        SameForwardAndBackward(t => F.MaxPool2d(t[0], 2), 41, x);
        SameForwardAndBackward(t => Tensor.MaxPool2d(t[0], (3, 2), (2, 1), (1, 1), (1, 2), ceilMode: true), 42, x);
        var (yc, ic) = Tensor.MaxPool2dWithIndices(x, 3, 2, 1);
        var (yd, id) = Tensor.MaxPool2dWithIndices(x.To(D), 3, 2, 1);
        DeviceCheck.Same(yc, yd);
        DeviceCheck.Same(ic, id);
        // Overlapping windows share maxima: the gradient adds up at one input (the scatter's sums).
        var flat = Tensor.From(new float[,] { { 1, 5, 2, 0, 3 } }).View(1, 1, 1, 5);
        SameForwardAndBackward(t => Tensor.MaxPool2d(t[0], (1, 3), (1, 1)), 43, flat);
    }

    [Fact]
    public void MaxPool2d_SecondOrderGradients_MatchTheCpu()
    {
        // create_graph: the backward's scatter is recorded and differentiated by the gather kernel.
        var x = DeviceCheck.Rand(44, 1, 2, 5, 5);
        var v = DeviceCheck.Rand(45, 1, 2, 3, 3);
        Tensor Run(Tensor input, Tensor weight)
        {
            var y = Tensor.MaxPool2d(input, 3, 2, 1);
            var gx = Autograd.Grad((y * y * weight).Sum(), [input], createGraph: true)[0]!;
            return (gx * gx).Sum();
        }
        SameForwardAndBackward(t => Run(t[0], v.To(t[0].Device)), 46, x);
    }

    [Fact]
    public void AvgPool2d_MatchesTheCpu_WithAndWithoutPaddingInTheDivisor()
    {
        var x = DeviceCheck.Rand(47, 2, 2, 7, 6).Transpose(2, 3);     // non-contiguous [2, 2, 6, 7]
        SameForwardAndBackward(t => F.AvgPool2d(t[0], 2), 48, x);
        SameForwardAndBackward(t => F.AvgPool2d(t[0], 3, 2, 1, ceilMode: true, countIncludePad: true), 49, x);
        SameForwardAndBackward(t => Tensor.AvgPool2d(t[0], (3, 2), (2, 3), (1, 1), ceilMode: true, countIncludePad: false), 50, x);
    }

    [Fact]
    public void ConvAndPooling_Float64Gradients_PassGradCheck_OnTheDevice()
    {
        var x = Check.Input(51, 1, 2, 5, 4);
        var w = Check.Input(52, 2, 1, 2, 2);
        var b = Check.Input(53, 2);
        Check.Gradients(t =>
        {
            var (xd, wd, bd) = (t[0].To(D), t[1].To(D), t[2].To(D));
            var y = Tensor.Conv2d(xd, wd, bd, stride: (1, 1), padding: (1, 0), dilation: (1, 2), groups: 2);
            Assert.Equal(D, y.Device);
            return Tensor.MaxPool2d(y, 2, 1, 1).Sum() + F.AvgPool2d(y.Tanh(), 2, 1, 1, countIncludePad: false).Square().Sum();
        }, x, w, b);
    }

    [Fact]
    public void ConvAndPooling_WithOperandsOnTwoDevices_NameTheOpAndBothDevices()
    {
        var x = Tensor.Ones(1, 1, 4, 4).To(D);
        var e = Assert.Throws<InvalidOperationException>(() => Tensor.Conv2d(x, Tensor.Ones(1, 1, 3, 3)));
        Assert.Contains("accel:cpu and cpu", e.Message);
        Assert.Contains("conv2d", e.Message);
        e = Assert.Throws<InvalidOperationException>(() => Tensor.Conv2d(x, Tensor.Ones(1, 1, 3, 3).To(D), Tensor.Ones(1)));
        Assert.Contains("conv2d", e.Message);
    }

    [Fact]
    public void BatchNorm2d_TrainingAndEval_MatchTheCpu_WithRunningStatsOnTheDevice()
    {
        var cpu = new BatchNorm2d(3);
        var dev = new BatchNorm2d(3);
        dev.To(D);
        var x = DeviceCheck.Rand(54, 4, 3, 2, 5).Transpose(2, 3) * 2 + 1;   // non-contiguous [4, 3, 5, 2]
        var g = DeviceCheck.Rand(55, 4, 3, 5, 2);
        var xc = x.Detach().RequiresGrad_();
        var xd = x.To(D).RequiresGrad_();
        for (int step = 0; step < 2; step++)
        {
            var yc = cpu.Forward(xc * (step + 1));
            var yd = dev.Forward(xd * (step + 1));
            DeviceCheck.Same(yc, yd);
            (yc * g).Sum().Backward();
            (yd * g.To(D)).Sum().Backward();
        }
        DeviceCheck.Same(xc.Grad!, xd.Grad!);
        DeviceCheck.Same(cpu.Weight!.Grad!, dev.Weight!.Grad!);
        DeviceCheck.Same(cpu.Bias!.Grad!, dev.Bias!.Grad!);
        DeviceCheck.Same(cpu.RunningMean!, dev.RunningMean!);
        DeviceCheck.Same(cpu.RunningVar!, dev.RunningVar!);
        cpu.Eval();
        dev.Eval();
        DeviceCheck.Same(cpu.Forward(x), dev.Forward(x.To(D)));
    }

    [Fact]
    public void ClipGradNorm_ScalesDeviceGradients_AsOnTheCpu()
    {
        var pc = new[] { new Parameter(DeviceCheck.Rand(56, 3, 4)), new Parameter(DeviceCheck.Rand(57, 5)) };
        var pd = pc.Select(p => new Parameter(p.Detach().To(D))).ToArray();
        for (int i = 0; i < pc.Length; i++)
        {
            var g = DeviceCheck.Rand(58 + i, pc[i].Shape) * 3;
            pc[i].Grad = g;
            pd[i].Grad = g.To(D);
        }
        var nc = ClipGrad.ClipGradNorm_(pc, 1.0);
        var nd = ClipGrad.ClipGradNorm_(pd, 1.0);
        Check.Close(nc.Item<double>(), nd.Item<double>(), 1e-6);
        for (int i = 0; i < pc.Length; i++) DeviceCheck.Same(pc[i].Grad!, pd[i].Grad!);
        Check.Close(1.0, ClipGrad.ClipGradNorm_(pd, 10.0).Item<double>(), 1e-5);   // the clipped norm, on the device
        var inf = ClipGrad.ClipGradNorm_(pd, 2.0, normType: double.PositiveInfinity);
        var infCpu = ClipGrad.ClipGradNorm_(pc, 2.0, normType: double.PositiveInfinity);
        Check.Close(infCpu.Item<double>(), inf.Item<double>(), 1e-6);
    }
}
