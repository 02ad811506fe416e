using SharpGrad.Kernels;

namespace SharpGrad;

public partial class Tensor
{
    /// <summary>
    /// 2-D transposed convolution (<c>torch.nn.functional.conv_transpose2d(input, weight, bias, stride, padding,
    /// output_padding, groups, dilation)</c>), the adjoint of <c>Conv2d</c>:
    /// input [N, Cin, H, W] (or [Cin, H, W]), weight [Cin, Cout/groups, kH, kW], optional bias [Cout]; the output is
    /// [N, Cout, OH, OW] with OH = (H - 1) stride - 2 padding + dilation (kH - 1) + outputPadding + 1 (the same for the
    /// width). It runs on the convolution's input-gradient kernel, so its own gradients are a convolution (input) and the
    /// convolution's weight gradient (weight).
    /// </summary>
    /// <param name="input">Feature maps [N, Cin, H, W] or [Cin, H, W]; float32 or float64.</param>
    /// <param name="weight">Filters [Cin, Cout/groups, kH, kW], same dtype as the input.</param>
    /// <param name="bias">Per-output-channel bias [Cout], or null.</param>
    /// <param name="stride">Step (height, width); null means (1, 1).</param>
    /// <param name="padding">Rows and columns removed from each side of the full output (height, width); null means none.</param>
    /// <param name="outputPadding">Extra rows and columns added at the bottom and right (height, width), each smaller than the stride or the dilation; null means none.</param>
    /// <param name="groups">Number of blocked connections; both channel counts must divide by it.</param>
    /// <param name="dilation">Spacing between kernel taps (height, width); null means (1, 1).</param>
    /// <exception cref="ArgumentException">Shapes, dtypes or hyper-parameters do not fit (the message names them).</exception>
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias = null, (int, int)? stride = null, (int, int)? padding = null,
        (int, int)? outputPadding = null, int groups = 1, (int, int)? dilation = null)
    {
        const string op = "conv_transpose2d";
        var (s, p, op2, d) = (stride ?? (1, 1), padding ?? (0, 0), outputPadding ?? (0, 0), dilation ?? (1, 1));
        string shapes = $"input of shape {Core.Shape.Format(input.Layout.Sizes)} and weight of shape {Core.Shape.Format(weight.Layout.Sizes)}";
        if (!input.DType.IsFloatingPoint() || weight.DType != input.DType || (bias is not null && bias.DType != input.DType))
            throw new ArgumentException(
                $"{op}: expected input, weight and bias of one floating-point dtype, but got input {input.DType.TorchName()}, " +
                $"weight {weight.DType.TorchName()}" + (bias is null ? "" : $" and bias {bias.DType.TorchName()}"));
        if (input.NDim != 3 && input.NDim != 4) throw new ArgumentException($"{op}: expected 3D (unbatched) or 4D (batched) input, but got {shapes}");
        if (groups <= 0) throw new ArgumentException($"{op}: groups must be a positive integer, but got {groups}");
        if (s.Item1 <= 0 || s.Item2 <= 0) throw new ArgumentException($"{op}: stride must be positive, but got ({s.Item1}, {s.Item2})");
        if (d.Item1 <= 0 || d.Item2 <= 0) throw new ArgumentException($"{op}: dilation must be positive, but got ({d.Item1}, {d.Item2})");
        if (p.Item1 < 0 || p.Item2 < 0) throw new ArgumentException($"{op}: padding must be non-negative, but got ({p.Item1}, {p.Item2})");
        if (op2.Item1 < 0 || op2.Item2 < 0 || op2.Item1 >= Math.Max(s.Item1, d.Item1) || op2.Item2 >= Math.Max(s.Item2, d.Item2))
            throw new ArgumentException(
                $"{op}: outputPadding must be non-negative and smaller than either stride or dilation, but got outputPadding ({op2.Item1}, {op2.Item2}), " +
                $"stride ({s.Item1}, {s.Item2}), dilation ({d.Item1}, {d.Item2})");
        bool unbatched = input.NDim == 3;
        var x = unbatched ? input.Unsqueeze(0) : input;
        int n = x.Size(0), cin = x.Size(1), h = x.Size(2), w = x.Size(3);
        if (weight.NDim != 4 || weight.Size(0) != cin)
            throw new ArgumentException($"{op}: expected weight [Cin, Cout/groups, kH, kW] with Cin = {cin}, but got {shapes}");
        if (cin % groups != 0) throw new ArgumentException($"{op}: inChannels ({cin}) must be divisible by groups ({groups}); {shapes}");
        int cout = weight.Size(1) * groups, kh = weight.Size(2), kw = weight.Size(3);
        if (kh == 0 || kw == 0) throw new ArgumentException($"{op}: weight of shape {Core.Shape.Format(weight.Shape)} has an empty kernel");
        if (bias is not null && (bias.NDim != 1 || bias.Size(0) != cout))
            throw new ArgumentException($"{op}: expected bias of shape [{cout}], but got bias of shape {Core.Shape.Format(bias.Shape)}");
        int oh = (h - 1) * s.Item1 - 2 * p.Item1 + d.Item1 * (kh - 1) + op2.Item1 + 1;
        int ow = (w - 1) * s.Item2 - 2 * p.Item2 + d.Item2 * (kw - 1) + op2.Item2 + 1;
        if (oh <= 0 || ow <= 0)
            throw new ArgumentException($"{op}: the output size ({oh} x {ow}) is too small; {shapes}, padding ({p.Item1}, {p.Item2})");
        // The convolution whose input gradient this is: its input is our output, its output our input.
        var geo = new ConvGeometry(n, cout, oh, ow, cin, kh, kw, s.Item1, s.Item2, p.Item1, p.Item2, d.Item1, d.Item2, groups);
        // An output padding at least the stride (allowed when below the dilation) gives that convolution more output
        // rows or columns than our input has: they take zeros.
        if (geo.OH > h) x = Cat([x, Zeros([n, cin, geo.OH - h, w], x.DType, device: x.Device)], 2);
        if (geo.OW > w) x = Cat([x, Zeros([n, cin, geo.OH, geo.OW - w], x.DType, device: x.Device)], 3);
        var y = Conv2dInputGrad(x, weight, geo);
        if (bias is not null) y = y + bias.View(1, cout, 1, 1);
        return unbatched ? y.Squeeze(0) : y;
    }
}
