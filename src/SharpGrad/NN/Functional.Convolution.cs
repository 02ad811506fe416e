namespace SharpGrad.NN;

public static partial class Functional
{
    /// <summary>2-D convolution (<c>F.conv2d(input, weight, bias, stride, padding, dilation, groups)</c>).</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1)
        => Tensor.Conv2d(input, weight, bias, stride, padding, dilation, groups);

    /// <summary>2-D convolution with per-axis stride, padding and dilation.</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, (int, int) stride, (int, int) padding, (int, int) dilation, int groups = 1)
        => Tensor.Conv2d(input, weight, bias, stride, padding, dilation, groups);

    /// <summary>
    /// 1-D convolution (<c>F.conv1d(input, weight, bias, stride, padding, dilation, groups)</c>): input [N, C, L] (or
    /// unbatched [C, L]), weight [O, C/groups, k], optional bias [O]; output [N, O, (L + 2 padding - dilation (k - 1) - 1) / stride + 1].
    /// Runs as a 2-D convolution of height 1.
    /// </summary>
    /// <param name="input">Signals [N, C, L] or [C, L].</param>
    /// <param name="weight">Filters [O, C/groups, k].</param>
    /// <param name="bias">Per-output-channel bias [O], or null.</param>
    /// <param name="stride">Step of the kernel.</param>
    /// <param name="padding">Implicit zeros on both ends.</param>
    /// <param name="dilation">Spacing between kernel taps.</param>
    /// <param name="groups">Number of blocked connections from input to output channels.</param>
    /// <exception cref="ArgumentException">The shapes do not fit, or the kernel is longer than the padded input.</exception>
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1)
    {
        string shapes = $"input of shape {Core.Shape.Format(input.Shape)} and weight of shape {Core.Shape.Format(weight.Shape)}";
        if (input.NDim != 2 && input.NDim != 3)
            throw new ArgumentException($"conv1d: expected 2D (unbatched) or 3D (batched) input, but got {shapes}");
        if (weight.NDim != 3)
            throw new ArgumentException($"conv1d: expected 3D weight [O, C/groups, k], but got {shapes}");
        int length = input.Size(-1), span = dilation * (weight.Size(2) - 1) + 1;
        if (groups > 0 && input.Size(-2) == weight.Size(1) * groups && padding >= 0 && dilation > 0 && span > length + 2 * padding)
            throw new ArgumentException($"conv1d: kernel size {weight.Size(2)} (dilated to {span}) can't be greater than the padded input length {length + 2 * padding}; {shapes}");
        if (groups > 0 && input.Size(-2) != weight.Size(1) * groups)
            throw new ArgumentException($"conv1d: expected {weight.Size(1) * groups} input channels (weight.size(1) * groups = {weight.Size(1)} * {groups}), but got {shapes}");
        var y = Tensor.Conv2d(input.Unsqueeze(-2), weight.Unsqueeze(2), bias, (1, stride), (0, padding), (1, dilation), groups);
        return y.Squeeze(-2);
    }

    /// <summary>
    /// 2-D transposed convolution (<c>F.conv_transpose2d(input, weight, bias, stride, padding, output_padding, groups,
    /// dilation)</c>; note PyTorch's argument order, groups before dilation): weight [Cin, Cout/groups, kH, kW], output
    /// [N, Cout, (H - 1) stride - 2 padding + dilation (kH - 1) + outputPadding + 1, ...].
    /// </summary>
    /// <param name="input">Feature maps [N, Cin, H, W] or [Cin, H, W].</param>
    /// <param name="weight">Filters [Cin, Cout/groups, kH, kW].</param>
    /// <param name="bias">Per-output-channel bias [Cout], or null.</param>
    /// <param name="stride">Step of the kernel.</param>
    /// <param name="padding">Rows and columns removed from each side of the full output.</param>
    /// <param name="outputPadding">Extra rows and columns at the bottom and right (below the stride or the dilation).</param>
    /// <param name="groups">Number of blocked connections.</param>
    /// <param name="dilation">Spacing between kernel taps.</param>
    /// <exception cref="ArgumentException">The shapes or hyper-parameters do not fit.</exception>
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int outputPadding = 0,
        int groups = 1, int dilation = 1)
        => ConvTranspose2d(input, weight, bias, (stride, stride), (padding, padding), (outputPadding, outputPadding), groups, (dilation, dilation));

    /// <summary>2-D transposed convolution with per-axis (height, width) stride, padding, output padding and dilation.</summary>
    /// <param name="input">Feature maps [N, Cin, H, W] or [Cin, H, W].</param>
    /// <param name="weight">Filters [Cin, Cout/groups, kH, kW].</param>
    /// <param name="bias">Per-output-channel bias [Cout], or null.</param>
    /// <param name="stride">Step of the kernel (height, width).</param>
    /// <param name="padding">Rows and columns removed from each side of the full output.</param>
    /// <param name="outputPadding">Extra rows and columns at the bottom and right.</param>
    /// <param name="groups">Number of blocked connections.</param>
    /// <param name="dilation">Spacing between kernel taps (height, width).</param>
    /// <exception cref="ArgumentException">The shapes or hyper-parameters do not fit.</exception>
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias, (int, int) stride, (int, int) padding, (int, int) outputPadding,
        int groups = 1, (int, int)? dilation = null)
        => Named(Tensor.ConvTranspose2d(input, weight, bias, stride, padding, outputPadding, groups, dilation), "ConvolutionBackward0");

    /// <summary>
    /// 1-D transposed convolution (<c>F.conv_transpose1d(input, weight, bias, stride, padding, output_padding, groups,
    /// dilation)</c>): input [N, Cin, L] (or [Cin, L]), weight [Cin, Cout/groups, k]; runs as a height-1 <see cref="ConvTranspose2d(Tensor, Tensor, Tensor?, int, int, int, int, int)"/>.
    /// </summary>
    /// <param name="input">Signals [N, Cin, L] or [Cin, L].</param>
    /// <param name="weight">Filters [Cin, Cout/groups, k].</param>
    /// <param name="bias">Per-output-channel bias [Cout], or null.</param>
    /// <param name="stride">Step of the kernel.</param>
    /// <param name="padding">Positions removed from each end of the full output.</param>
    /// <param name="outputPadding">Extra positions at the end (below the stride or the dilation).</param>
    /// <param name="groups">Number of blocked connections.</param>
    /// <param name="dilation">Spacing between kernel taps.</param>
    /// <exception cref="ArgumentException">The shapes or hyper-parameters do not fit.</exception>
    public static Tensor ConvTranspose1d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int outputPadding = 0,
        int groups = 1, int dilation = 1)
    {
        if (input.NDim != 2 && input.NDim != 3)
            throw new ArgumentException($"conv_transpose1d: expected 2D (unbatched) or 3D (batched) input, but got input of shape {Core.Shape.Format(input.Shape)}");
        if (weight.NDim != 3)
            throw new ArgumentException($"conv_transpose1d: expected 3D weight [Cin, Cout/groups, k], but got weight of shape {Core.Shape.Format(weight.Shape)}");
        return ConvTranspose2d(input.Unsqueeze(-2), weight.Unsqueeze(2), bias, (1, stride), (0, padding), (0, outputPadding), groups, (1, dilation))
            .Squeeze(-2);
    }

    /// <summary>2-D max pooling (<c>F.max_pool2d</c>); stride defaults to the kernel size.</summary>
    public static Tensor MaxPool2d(Tensor input, int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
        => Tensor.MaxPool2d(input, kernelSize, stride, padding, dilation, ceilMode);

    /// <summary>2-D average pooling (<c>F.avg_pool2d</c>); stride defaults to the kernel size.</summary>
    public static Tensor AvgPool2d(Tensor input, int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true)
        => Tensor.AvgPool2d(input, kernelSize, stride, padding, ceilMode, countIncludePad);
}
