using SharpGrad.Graph;
using SharpGrad.Kernels;

namespace SharpGrad;

public partial class Tensor
{
    /// <summary>
    /// 2-D max pooling (<c>torch.nn.functional.max_pool2d</c>) over the last two dims of a [N, C, H, W] or
    /// [C, H, W] input. Padding counts as -inf and may be at most half the kernel; the output size is
    /// (H + 2 padding - dilation (k - 1) - 1) / stride + 1, rounded up when <paramref name="ceilMode"/>
    /// (a window must still start inside the input or its left padding).
    /// </summary>
    /// <param name="input">Images [N, C, H, W] or [C, H, W]; float32 or float64.</param>
    /// <param name="kernelSize">Window size.</param>
    /// <param name="stride">Window step; null means <paramref name="kernelSize"/>.</param>
    /// <param name="padding">Implicit -inf padding on all sides.</param>
    /// <param name="dilation">Spacing between window taps.</param>
    /// <param name="ceilMode">Round the output size up instead of down.</param>
    public static Tensor MaxPool2d(Tensor input, int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
    {
        int s = stride ?? kernelSize;
        return MaxPool2d(input, (kernelSize, kernelSize), (s, s), (padding, padding), (dilation, dilation), ceilMode);
    }

    /// <summary>2-D max pooling with (height, width) pairs (<c>F.max_pool2d(x, (2, 3))</c>); see the int overload.</summary>
    /// <param name="input">Images [N, C, H, W] or [C, H, W]; float32 or float64.</param>
    /// <param name="kernelSize">Window size (height, width).</param>
    /// <param name="stride">Window step; null means <paramref name="kernelSize"/>.</param>
    /// <param name="padding">Implicit -inf padding (height, width); null means none.</param>
    /// <param name="dilation">Spacing between window taps; null means 1.</param>
    /// <param name="ceilMode">Round the output size up instead of down.</param>
    public static Tensor MaxPool2d(Tensor input, (int, int) kernelSize, (int, int)? stride = null, (int, int)? padding = null,
        (int, int)? dilation = null, bool ceilMode = false)
    {
        var trace = OpTrace.Enter();
        var y = MaxPool2dTraced(input, kernelSize, stride, padding, dilation, ceilMode);
        if (trace.Exit())
        {
            var (s, p, d) = (stride ?? kernelSize, padding ?? (0, 0), dilation ?? (1, 1));
            OpTrace.Record("max_pool2d", y, [input], ("kernel", new[] { kernelSize.Item1, kernelSize.Item2 }), ("stride", new[] { s.Item1, s.Item2 }),
                ("padding", new[] { p.Item1, p.Item2 }), ("dilation", new[] { d.Item1, d.Item2 }), ("ceil_mode", ceilMode));
        }
        return y;
    }

    private static Tensor MaxPool2dTraced(Tensor input, (int, int) kernelSize, (int, int)? stride, (int, int)? padding, (int, int)? dilation, bool ceilMode)
    {
        var geo = PoolGeometryOf("max_pool2d", input, kernelSize, stride ?? kernelSize, padding ?? (0, 0), dilation ?? (1, 1), ceilMode);
        var x = DenseRaw(input, input.DType);
        if (!Pooling.UsesCodes(geo, x.Storage)) return MaxPool2dWithIndices(input, kernelSize, stride, padding, dilation, ceilMode).Output;
        // The common 2 x 2 / stride 2 window: the argmax is kept as one byte per output instead of an int64 index.
        var y = AllocOverwritten(PooledShape(input, geo), input.DType);
        var codes = GC.AllocateUninitializedArray<byte>(y.Numel());
        Pooling.MaxForwardCodes(x.Storage, x.Layout.Offset, y.Storage, codes, geo);
        if (NeedsGrad(input)) Record(y, new MaxPool2DCodedBackward0(codes, input.Layout.Sizes, geo), input);
        return y;
    }

    /// <summary>
    /// 2-D max pooling that also returns, for every output, the flat index ih * W + iw of the first maximum
    /// within its input plane, as int64 (<c>F.max_pool2d(x, k, return_indices=True)</c>).
    /// </summary>
    /// <param name="input">Images [N, C, H, W] or [C, H, W]; float32 or float64.</param>
    /// <param name="kernelSize">Window size.</param>
    /// <param name="stride">Window step; null means <paramref name="kernelSize"/>.</param>
    /// <param name="padding">Implicit -inf padding on all sides.</param>
    /// <param name="dilation">Spacing between window taps.</param>
    /// <param name="ceilMode">Round the output size up instead of down.</param>
    public static (Tensor Output, Tensor Indices) MaxPool2dWithIndices(Tensor input, int kernelSize, int? stride = null, int padding = 0,
        int dilation = 1, bool ceilMode = false)
    {
        int s = stride ?? kernelSize;
        return MaxPool2dWithIndices(input, (kernelSize, kernelSize), (s, s), (padding, padding), (dilation, dilation), ceilMode);
    }

    /// <summary>2-D max pooling with (height, width) pairs that also returns the argmax indices; see the int overload.</summary>
    /// <param name="input">Images [N, C, H, W] or [C, H, W]; float32 or float64.</param>
    /// <param name="kernelSize">Window size (height, width).</param>
    /// <param name="stride">Window step; null means <paramref name="kernelSize"/>.</param>
    /// <param name="padding">Implicit -inf padding (height, width); null means none.</param>
    /// <param name="dilation">Spacing between window taps; null means 1.</param>
    /// <param name="ceilMode">Round the output size up instead of down.</param>
    public static (Tensor Output, Tensor Indices) MaxPool2dWithIndices(Tensor input, (int, int) kernelSize, (int, int)? stride = null,
        (int, int)? padding = null, (int, int)? dilation = null, bool ceilMode = false)
    {
        var geo = PoolGeometryOf("max_pool2d", input, kernelSize, stride ?? kernelSize, padding ?? (0, 0), dilation ?? (1, 1), ceilMode);
        var outShape = PooledShape(input, geo);
        var x = DenseRaw(input, input.DType);
        var y = AllocOverwritten(outShape, input.DType, x.Device);
        var indices = AllocOverwritten(outShape, DType.Int64, x.Device);
        Pooling.MaxForward(x.Storage, x.Layout.Offset, y.Storage, indices.Storage, geo);
        if (NeedsGrad(input)) Record(y, new MaxPool2DWithIndicesBackward0(indices, input.Layout.Sizes, geo), input);
        return (y, indices);
    }

    /// <summary>
    /// 2-D average pooling (<c>torch.nn.functional.avg_pool2d</c>) over the last two dims of a [N, C, H, W]
    /// or [C, H, W] input, with zero padding of at most half the kernel. The divisor is the window size
    /// clipped to the padded input, or only the in-input part when <paramref name="countIncludePad"/> is false.
    /// </summary>
    /// <param name="input">Images [N, C, H, W] or [C, H, W]; float32 or float64.</param>
    /// <param name="kernelSize">Window size.</param>
    /// <param name="stride">Window step; null means <paramref name="kernelSize"/>.</param>
    /// <param name="padding">Implicit zero padding on all sides.</param>
    /// <param name="ceilMode">Round the output size up instead of down.</param>
    /// <param name="countIncludePad">Count padding zeros in the divisor.</param>
    public static Tensor AvgPool2d(Tensor input, int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false,
        bool countIncludePad = true)
    {
        int s = stride ?? kernelSize;
        return AvgPool2d(input, (kernelSize, kernelSize), (s, s), (padding, padding), ceilMode, countIncludePad);
    }

    /// <summary>2-D average pooling with (height, width) pairs (<c>F.avg_pool2d(x, (2, 3))</c>); see the int overload.</summary>
    /// <param name="input">Images [N, C, H, W] or [C, H, W]; float32 or float64.</param>
    /// <param name="kernelSize">Window size (height, width).</param>
    /// <param name="stride">Window step; null means <paramref name="kernelSize"/>.</param>
    /// <param name="padding">Implicit zero padding (height, width); null means none.</param>
    /// <param name="ceilMode">Round the output size up instead of down.</param>
    /// <param name="countIncludePad">Count padding zeros in the divisor.</param>
    public static Tensor AvgPool2d(Tensor input, (int, int) kernelSize, (int, int)? stride = null, (int, int)? padding = null,
        bool ceilMode = false, bool countIncludePad = true)
    {
        var geo = PoolGeometryOf("avg_pool2d", input, kernelSize, stride ?? kernelSize, padding ?? (0, 0), (1, 1), ceilMode);
        var trace = OpTrace.Enter();
        var y = AvgPoolCore(input, geo, countIncludePad);
        if (trace.Exit())
        {
            var (s, p) = (stride ?? kernelSize, padding ?? (0, 0));
            OpTrace.Record("avg_pool2d", y, [input], ("kernel", new[] { kernelSize.Item1, kernelSize.Item2 }), ("stride", new[] { s.Item1, s.Item2 }),
                ("padding", new[] { p.Item1, p.Item2 }), ("ceil_mode", ceilMode), ("count_include_pad", countIncludePad));
        }
        return y;
    }

    /// <summary>PyTorch's pooling output size: floor or ceil division, and in ceil mode no window starting past the input and left padding.</summary>
    private static int PooledSize(int size, int k, int pad, int stride, int dilation, bool ceilMode)
    {
        int span = size + 2 * pad - dilation * (k - 1) - 1 + (ceilMode ? stride - 1 : 0);
        int outSize = (int)Math.Floor((double)span / stride) + 1;
        if (ceilMode && (outSize - 1) * stride >= size + pad) outSize--;
        return outSize;
    }

    /// <summary>Checks the arguments of a 2-D pooling and returns its geometry.</summary>
    private static PoolGeometry PoolGeometryOf(string op, Tensor input, (int H, int W) k, (int H, int W) s, (int H, int W) p,
        (int H, int W) d, bool ceilMode)
    {
        string shape = Core.Shape.Format(input.Layout.Sizes);
        if (!input.DType.IsFloatingPoint())
            throw new ArgumentException($"{op}: expected a floating-point input, but got {input.DType.TorchName()} (shape {shape})");
        if (input.NDim != 3 && input.NDim != 4)
            throw new ArgumentException($"{op}: expected 3D (unbatched) or 4D (batched) input, but got input of shape {shape}");
        if (k.H <= 0 || k.W <= 0) throw new ArgumentException($"{op}: kernelSize must be greater than zero, but got ({k.H}, {k.W})");
        if (s.H <= 0 || s.W <= 0) throw new ArgumentException($"{op}: stride must be greater than zero, but got ({s.H}, {s.W})");
        if (d.H <= 0 || d.W <= 0) throw new ArgumentException($"{op}: dilation must be greater than zero, but got ({d.H}, {d.W})");
        if (p.H < 0 || p.W < 0) throw new ArgumentException($"{op}: padding must be non-negative, but got ({p.H}, {p.W})");
        if (p.H > k.H / 2 || p.W > k.W / 2)
            throw new ArgumentException($"{op}: pad should be at most half of kernel size, but got padding ({p.H}, {p.W}) for kernelSize ({k.H}, {k.W})");
        var sizes = input.Layout.Sizes;
        int h = sizes[^2], w = sizes[^1];
        if (h == 0 || w == 0 || sizes[^3] == 0)
            throw new ArgumentException($"{op}: expected an input with non-zero sizes in all dims but the batch, but got input of shape {shape}");
        int oh = PooledSize(h, k.H, p.H, s.H, d.H, ceilMode), ow = PooledSize(w, k.W, p.W, s.W, d.W, ceilMode);
        if (oh < 1 || ow < 1)
            throw new ArgumentException(
                $"{op}: given input of shape {shape}, the calculated output size ({oh} x {ow}) is too small " +
                $"(kernelSize ({k.H}, {k.W}), stride ({s.H}, {s.W}), padding ({p.H}, {p.W}), dilation ({d.H}, {d.W}))");
        return new PoolGeometry(input.Numel() / (h * w), h, w, oh, ow, k.H, k.W, s.H, s.W, p.H, p.W, d.H, d.W);
    }

    /// <summary>The input's leading dims followed by the pooled (OH, OW).</summary>
    private static int[] PooledShape(Tensor input, PoolGeometry geo)
    {
        var shape = (int[])input.Layout.Sizes.Clone();
        shape[^2] = geo.OH;
        shape[^1] = geo.OW;
        return shape;
    }

    /// <summary>Values of <paramref name="src"/> (input-shaped) at the saved argmax positions; records MaxPool2DWithIndicesBackward0.</summary>
    private static Tensor MaxPoolGather(Tensor src, Tensor indices, PoolGeometry geo)
    {
        var x = DenseRaw(src, src.DType);
        var y = Alloc(indices.Layout.Sizes, src.DType, DeviceOf("max_pool2d_backward_backward", x, indices));
        Pooling.MaxGather(x.Storage, x.Layout.Offset, indices.Storage, y.Storage, geo);
        return NeedsGrad(src) ? Record(y, new MaxPool2DWithIndicesBackward0(indices, src.Layout.Sizes, geo), src) : y;
    }

    /// <summary>A zero input-shaped tensor with each output gradient added at its argmax; differentiable in <paramref name="g"/>.</summary>
    private static Tensor MaxPoolScatter(Tensor g, Tensor indices, int[] inputShape, PoolGeometry geo)
    {
        var gc = DenseRaw(g, g.DType);
        var dx = AllocOverwritten(inputShape, g.DType, DeviceOf("max_pool2d_backward", gc, indices));
        Pooling.MaxScatter(gc.Storage, gc.Layout.Offset, indices.Storage, dx.Storage, geo);
        return NeedsGrad(g) ? Record(dx, new MaxPoolScatterBackward(indices, geo), g) : dx;
    }

    private static Tensor AvgPoolCore(Tensor input, PoolGeometry geo, bool countIncludePad)
    {
        var x = DenseRaw(input, input.DType);
        var y = AllocOverwritten(PooledShape(input, geo), input.DType, x.Device);
        Pooling.AvgForward(x.Storage, x.Layout.Offset, y.Storage, geo, countIncludePad);
        return NeedsGrad(input) ? Record(y, new AvgPool2DBackward0(input.Layout.Sizes, geo, countIncludePad), input) : y;
    }

    /// <summary>The adjoint of average pooling: each output gradient spread evenly over its window; differentiable in <paramref name="g"/>.</summary>
    private static Tensor AvgPoolSpread(Tensor g, int[] inputShape, PoolGeometry geo, bool countIncludePad)
    {
        var gc = DenseRaw(g, g.DType);
        var dx = Alloc(inputShape, g.DType, gc.Device);
        Pooling.AvgBackward(gc.Storage, gc.Layout.Offset, dx.Storage, geo, countIncludePad);
        return NeedsGrad(g) ? Record(dx, new AvgPoolSpreadBackward(geo, countIncludePad), g) : dx;
    }

    /// <summary>Backward of max pooling: the gradient goes to the (first) maximum of each window.</summary>
    private sealed class MaxPool2DWithIndicesBackward0(Tensor indices, int[] inputShape, PoolGeometry geo) : Node
    {
        private SavedTensor _indices = new(indices);

        public override string Name => "MaxPool2DWithIndicesBackward0";

        protected internal override Tensor?[] Backward(Tensor g) => [MaxPoolScatter(g, _indices.Unpack(this, "indices"), inputShape, geo)];

        protected internal override void ReleaseSaved() => _indices.Release();
    }

    /// <summary>
    /// Backward of 2 x 2 max pooling with the argmax saved as codes: dy written at each window's maximum, zeros elsewhere.
    /// When the backward is itself recorded (create_graph), the codes become int64 indices and the indexed path runs.
    /// </summary>
    private sealed class MaxPool2DCodedBackward0(byte[] codes, int[] inputShape, PoolGeometry geo) : Node
    {
        private byte[]? _codes = codes;

        public override string Name => "MaxPool2DWithIndicesBackward0";

        protected internal override Tensor?[] Backward(Tensor g)
        {
            ThrowIfReleased();
            var codes = _codes ?? throw new InvalidOperationException($"backward: {Name} has no saved argmax");
            if (NeedsGrad(g))
            {
                var indices = new Tensor(new Core.Storage<long>(Pooling.CodesToIndices(codes, geo)), Core.Layout.Contiguous(g.Layout.Sizes));
                return [MaxPoolScatter(g, indices, inputShape, geo)];
            }
            var gc = DenseRaw(g, g.DType);
            var dx = AllocOverwritten(inputShape, g.DType);
            Pooling.MaxScatterCodes(gc.Storage, gc.Layout.Offset, codes, dx.Storage, geo);
            return [dx];
        }

        protected internal override void ReleaseSaved() => _codes = null;
    }

    /// <summary>Backward of the max-pool gradient scatter: a gather at the same indices.</summary>
    private sealed class MaxPoolScatterBackward(Tensor indices, PoolGeometry geo) : Node
    {
        private SavedTensor _indices = new(indices);

        public override string Name => "MaxPool2DWithIndicesBackwardBackward0";

        protected internal override Tensor?[] Backward(Tensor g) => [MaxPoolGather(g, _indices.Unpack(this, "indices"), geo)];

        protected internal override void ReleaseSaved() => _indices.Release();
    }

    /// <summary>Backward of average pooling: each output gradient divided over its window.</summary>
    private sealed class AvgPool2DBackward0(int[] inputShape, PoolGeometry geo, bool countIncludePad) : Node
    {
        public override string Name => "AvgPool2DBackward0";

        protected internal override Tensor?[] Backward(Tensor g) => [AvgPoolSpread(g, inputShape, geo, countIncludePad)];
    }

    /// <summary>Backward of the average-pool gradient spread: average pooling again.</summary>
    private sealed class AvgPoolSpreadBackward(PoolGeometry geo, bool countIncludePad) : Node
    {
        public override string Name => "AvgPool2DBackwardBackward0";

        protected internal override Tensor?[] Backward(Tensor g) => [AvgPoolCore(g, geo, countIncludePad)];
    }
}
