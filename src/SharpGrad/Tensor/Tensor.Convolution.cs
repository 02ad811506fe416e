using System.Runtime.CompilerServices;
using SharpGrad.Core;
using SharpGrad.Graph;
using SharpGrad.Kernels;

namespace SharpGrad;

public partial class Tensor
{
    /// <summary>
    /// 2-D convolution (<c>torch.nn.functional.conv2d</c>): input [N, C, H, W] (or unbatched [C, H, W]),
    /// weight [O, C/groups, kH, kW], optional bias [O]; the output is [N, O, OH, OW] with
    /// OH = (H + 2 padding - dilation (kH - 1) - 1) / stride + 1 (the same for the width).
    /// Each pair is (height, width); null means stride 1, padding 0, dilation 1.
    /// </summary>
    /// <param name="input">Images [N, C, H, W] or one image [C, H, W]; float32 or float64.</param>
    /// <param name="weight">Filters [O, C/groups, kH, kW], same dtype as the input.</param>
    /// <param name="bias">Per-output-channel bias [O], or null.</param>
    /// <param name="stride">Step of the kernel (height, width).</param>
    /// <param name="padding">Implicit zeros added on both sides (height, width).</param>
    /// <param name="dilation">Spacing between kernel taps (height, width).</param>
    /// <param name="groups">Number of blocked connections from input to output channels; both channel counts must divide by it.</param>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, (int, int)? stride = null,
        (int, int)? padding = null, (int, int)? dilation = null, int groups = 1)
    {
        var s = stride ?? (1, 1);
        var p = padding ?? (0, 0);
        var d = dilation ?? (1, 1);
        bool unbatched = input.NDim == 3;
        var geo = Conv2dGeometry(input, weight, bias, s, p, d, groups);
        var trace = OpTrace.Enter();
        var x = unbatched ? input.Unsqueeze(0) : input;
        var y = Conv2dCore(x, weight, bias, geo);
        if (unbatched) y = y.Squeeze(0);
        if (trace.Exit())
            OpTrace.Record("conv2d", y, [input, weight, bias], ("stride", new[] { s.Item1, s.Item2 }), ("padding", new[] { p.Item1, p.Item2 }),
                ("dilation", new[] { d.Item1, d.Item2 }), ("groups", groups));
        return y;
    }

    /// <summary>
    /// 2-D convolution with the same stride, padding and dilation along height and width
    /// (<c>F.conv2d(x, w, b, stride=2, padding=1)</c>); see the tuple overload.
    /// </summary>
    /// <param name="input">Images [N, C, H, W] or one image [C, H, W]; float32 or float64.</param>
    /// <param name="weight">Filters [O, C/groups, kH, kW], same dtype as the input.</param>
    /// <param name="bias">Per-output-channel bias [O], or null.</param>
    /// <param name="stride">Step of the kernel.</param>
    /// <param name="padding">Implicit zeros added on all four sides.</param>
    /// <param name="dilation">Spacing between kernel taps.</param>
    /// <param name="groups">Number of blocked connections from input to output channels.</param>
    [OverloadResolutionPriority(1)]
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0,
        int dilation = 1, int groups = 1)
        => Conv2d(input, weight, bias, (stride, stride), (padding, padding), (dilation, dilation), groups);

    /// <summary>Checks the arguments of conv2d and returns the geometry of the (batched) convolution.</summary>
    private static ConvGeometry Conv2dGeometry(Tensor input, Tensor weight, Tensor? bias, (int H, int W) s, (int H, int W) p,
        (int H, int W) d, int groups)
    {
        string inShape = Core.Shape.Format(input.Layout.Sizes), wShape = Core.Shape.Format(weight.Layout.Sizes);
        if (!input.DType.IsFloatingPoint() || weight.DType != input.DType || (bias is not null && bias.DType != input.DType))
            throw new ArgumentException(
                $"conv2d: expected input, weight and bias of one floating-point dtype, but got input {input.DType.TorchName()}, " +
                $"weight {weight.DType.TorchName()}" + (bias is null ? "" : $" and bias {bias.DType.TorchName()}"));
        if (input.NDim != 3 && input.NDim != 4)
            throw new ArgumentException($"conv2d: expected 3D (unbatched) or 4D (batched) input, but got input of shape {inShape}");
        if (groups <= 0) throw new ArgumentException($"conv2d: groups must be a positive integer, but got {groups}");
        if (s.H <= 0 || s.W <= 0) throw new ArgumentException($"conv2d: stride must be positive, but got ({s.H}, {s.W})");
        if (p.H < 0 || p.W < 0) throw new ArgumentException($"conv2d: padding must be non-negative, but got ({p.H}, {p.W})");
        if (d.H <= 0 || d.W <= 0) throw new ArgumentException($"conv2d: dilation must be positive, but got ({d.H}, {d.W})");
        var xs = input.NDim == 4 ? input.Layout.Sizes : [1, .. input.Layout.Sizes];
        int c = xs[1], h = xs[2], w = xs[3];
        if (c % groups != 0)
            throw new ArgumentException($"conv2d: inChannels ({c}) must be divisible by groups ({groups}); input of shape {inShape}");
        if (weight.NDim != 4 || weight.Layout.Sizes[1] != c / groups)
            throw new ArgumentException(
                $"conv2d: expected weight [O, C/groups, kH, kW] with C/groups = {c / groups}, but got weight of shape {wShape} for input of shape {inShape}");
        var ws = weight.Layout.Sizes;
        int o = ws[0], kh = ws[2], kw = ws[3];
        if (o % groups != 0)
            throw new ArgumentException($"conv2d: outChannels ({o}) must be divisible by groups ({groups}); weight of shape {wShape}");
        if (kh == 0 || kw == 0) throw new ArgumentException($"conv2d: weight of shape {wShape} has an empty kernel");
        if (bias is not null && (bias.NDim != 1 || bias.Layout.Sizes[0] != o))
            throw new ArgumentException($"conv2d: expected bias of shape [{o}], but got bias of shape {Core.Shape.Format(bias.Layout.Sizes)}");
        int ekh = d.H * (kh - 1) + 1, ekw = d.W * (kw - 1) + 1;
        if (ekh > h + 2 * p.H || ekw > w + 2 * p.W)
            throw new ArgumentException(
                $"conv2d: kernel size ({kh} x {kw}), dilated to ({ekh} x {ekw}), can't be greater than the padded input size " +
                $"({h + 2 * p.H} x {w + 2 * p.W}); input of shape {inShape}, weight of shape {wShape}, padding ({p.H}, {p.W})");
        return new ConvGeometry(xs[0], c, h, w, o, kh, kw, s.H, s.W, p.H, p.W, d.H, d.W, groups);
    }

    /// <summary>Contiguous data of <paramref name="t"/> in <paramref name="dtype"/>, outside autograd (no copy when it already is).</summary>
    private static Tensor DenseRaw(Tensor t, DType dtype)
    {
        var c = t.CastRaw(dtype);
        return c.IsContiguous() ? c : c.CloneRaw();
    }

    /// <summary>
    /// A new contiguous tensor whose elements are not zeroed, for kernels that write every one of them (convolution and
    /// pooling outputs): skipping the clear saves a pass over the large buffers of image batches.
    /// </summary>
    private static Tensor AllocOverwritten(int[] sizes, DType dtype, Device device = default)
    {
        int n = Core.Shape.Numel(sizes);
        if (!device.IsCpu) return new Tensor(Devices.AllocateForOverwrite(device, dtype, n), Layout.Contiguous(sizes));
        Storage storage = dtype switch
        {
            DType.Float32 => new Storage<float>(GC.AllocateUninitializedArray<float>(n)),
            DType.Float64 => new Storage<double>(GC.AllocateUninitializedArray<double>(n)),
            DType.Int64 => new Storage<long>(GC.AllocateUninitializedArray<long>(n)),
            _ => throw new ArgumentException($"AllocOverwritten: unsupported dtype {dtype.TorchName()}"),
        };
        return new Tensor(storage, Layout.Contiguous(sizes));
    }

    /// <summary>The batched convolution y = conv(x, w) + b for a checked geometry; records ConvolutionBackward0.</summary>
    private static Tensor Conv2dCore(Tensor x, Tensor w, Tensor? b, ConvGeometry geo)
    {
        var dtype = x.DType;
        var xc = DenseRaw(x, dtype);
        var wc = DenseRaw(w, dtype);
        var bc = b is null ? null : DenseRaw(b, dtype);
        var device = DeviceOf("conv2d", xc, wc);
        if (bc is not null) DeviceOf("conv2d", xc, bc);
        var y = AllocOverwritten([geo.N, geo.O, geo.OH, geo.OW], dtype, device);
        Kernels.Convolution.Forward(xc.Storage, xc.Layout.Offset, wc.Storage, wc.Layout.Offset, bc?.Storage, bc?.Layout.Offset ?? 0, y.Storage, geo);
        if (!NeedsGrad(x, w) && !(b is not null && NeedsGrad(b))) return y;
        var node = new ConvolutionBackward0(x, w, b is not null, geo);
        return b is null ? Record(y, node, x, w) : Record(y, node, x, w, b);
    }

    /// <summary>Gradient of conv(x, w) with respect to x for output gradient dy (a transposed convolution); differentiable in dy and w.</summary>
    private static Tensor Conv2dInputGrad(Tensor dy, Tensor w, ConvGeometry geo)
    {
        var dtype = w.DType;
        var dyc = DenseRaw(dy, dtype);
        var wc = DenseRaw(w, dtype);
        var dx = AllocOverwritten([geo.N, geo.C, geo.H, geo.W], dtype, DeviceOf("conv2d_backward", dyc, wc));
        Kernels.Convolution.InputGrad(dyc.Storage, dyc.Layout.Offset, wc.Storage, wc.Layout.Offset, dx.Storage, geo);
        return NeedsGrad(dy, w) ? Record(dx, new ConvInputGradBackward(dy, w, geo), dy, w) : dx;
    }

    /// <summary>
    /// Gradient of conv(x, w) with respect to w for output gradient dy, summed over the batch; differentiable in x and dy.
    /// A given <paramref name="biasGrad"/> ([O], outside autograd) is filled with the bias gradient in the same pass over dy.
    /// </summary>
    private static Tensor Conv2dWeightGrad(Tensor x, Tensor dy, ConvGeometry geo, Tensor? biasGrad = null)
    {
        var dtype = x.DType;
        var xc = DenseRaw(x, dtype);
        var dyc = DenseRaw(dy, dtype);
        var dw = Alloc([geo.O, geo.Cg, geo.KH, geo.KW], dtype, DeviceOf("conv2d_backward", xc, dyc));
        Kernels.Convolution.WeightGrad(xc.Storage, xc.Layout.Offset, dyc.Storage, dyc.Layout.Offset, dw.Storage, geo, biasGrad?.Storage);
        return NeedsGrad(x, dy) ? Record(dw, new ConvWeightGradBackward(x, dy, geo), x, dy) : dw;
    }

    /// <summary>Gradient of conv(x, w) + b with respect to b: dy summed over N, OH, OW (a Sum op when dy itself needs a gradient).</summary>
    private static Tensor Conv2dBiasGrad(Tensor dy, ConvGeometry geo)
    {
        if (NeedsGrad(dy)) return dy.Sum([0, 2, 3]);
        var dyc = DenseRaw(dy, dy.DType);
        var db = Alloc([geo.O], dy.DType, dyc.Device);
        Kernels.Convolution.BiasGrad(dyc.Storage, dyc.Layout.Offset, db.Storage, geo);
        return db;
    }

    /// <summary>
    /// Backward of conv2d: grad_input = conv_transpose(dy, w) (col2im of dy w), grad_weight = sum over the
    /// batch of dy times the patch rows, grad_bias = dy summed over N, OH, OW. The first two are themselves
    /// differentiable ops, so the convolution can be differentiated any number of times.
    /// </summary>
    private sealed class ConvolutionBackward0 : Node
    {
        private SavedTensor _x, _w;
        private readonly bool _hasBias;
        private readonly ConvGeometry _geo;

        public ConvolutionBackward0(Tensor x, Tensor w, bool hasBias, ConvGeometry geo)
        {
            if (w.RequiresGrad) _x = new SavedTensor(x);
            if (x.RequiresGrad) _w = new SavedTensor(w);
            (_hasBias, _geo) = (hasBias, geo);
        }

        public override string Name => "ConvolutionBackward0";

        protected internal override Tensor?[] Backward(Tensor g)
        {
            var gx = NeedsInputGrad(0) ? Conv2dInputGrad(g, _w.Unpack(this, "weight"), _geo) : null;
            bool wantBias = _hasBias && NeedsInputGrad(2);
            // Without a graph to record, the weight-gradient pass also sums dy for the bias (same bits as Conv2dBiasGrad).
            var fusedBias = wantBias && NeedsInputGrad(1) && !NeedsGrad(g) ? Alloc([_geo.O], g.DType, g.Device) : null;
            var gw = NeedsInputGrad(1) ? Conv2dWeightGrad(_x.Unpack(this, "input"), g, _geo, fusedBias) : null;
            if (!_hasBias) return [gx, gw];
            return [gx, gw, wantBias ? fusedBias ?? Conv2dBiasGrad(g, _geo) : null];
        }

        protected internal override void ReleaseSaved() { _x.Release(); _w.Release(); }
    }

    /// <summary>Backward of grad_input = T(dy, w), which is linear in each: d/d dy = conv(gg, w), d/dw = weight-grad(gg, dy).</summary>
    private sealed class ConvInputGradBackward : Node
    {
        private SavedTensor _dy, _w;
        private readonly ConvGeometry _geo;

        public ConvInputGradBackward(Tensor dy, Tensor w, ConvGeometry geo)
        {
            if (w.RequiresGrad) _dy = new SavedTensor(dy);
            if (dy.RequiresGrad) _w = new SavedTensor(w);
            _geo = geo;
        }

        public override string Name => "ConvolutionBackwardBackward0";

        protected internal override Tensor?[] Backward(Tensor g) =>
        [
            NeedsInputGrad(0) ? Conv2dCore(g, _w.Unpack(this, "weight"), null, _geo) : null,
            NeedsInputGrad(1) ? Conv2dWeightGrad(g, _dy.Unpack(this, "grad_output"), _geo) : null,
        ];

        protected internal override void ReleaseSaved() { _dy.Release(); _w.Release(); }
    }

    /// <summary>Backward of grad_weight = G(x, dy), linear in each: d/dx = input-grad(dy, gg), d/d dy = conv(x, gg).</summary>
    private sealed class ConvWeightGradBackward : Node
    {
        private SavedTensor _x, _dy;
        private readonly ConvGeometry _geo;

        public ConvWeightGradBackward(Tensor x, Tensor dy, ConvGeometry geo)
        {
            if (dy.RequiresGrad) _x = new SavedTensor(x);
            if (x.RequiresGrad) _dy = new SavedTensor(dy);
            _geo = geo;
        }

        public override string Name => "ConvolutionBackwardBackward0";

        protected internal override Tensor?[] Backward(Tensor g) =>
        [
            NeedsInputGrad(0) ? Conv2dInputGrad(_dy.Unpack(this, "grad_output"), g, _geo) : null,
            NeedsInputGrad(1) ? Conv2dCore(_x.Unpack(this, "input"), g, null, _geo) : null,
        ];

        protected internal override void ReleaseSaved() { _x.Release(); _dy.Release(); }
    }
}
