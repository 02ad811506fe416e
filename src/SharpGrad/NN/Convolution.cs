namespace SharpGrad.NN;

/// <summary>
/// What the 2-D convolution layers share (<c>nn.modules.conv._ConvNd</c>): channel counts, per-axis kernel, stride,
/// padding and dilation, groups, the weight and optional bias, PyTorch's initialisation (Kaiming-uniform with
/// a = sqrt(5), bias uniform in ±1/sqrt(fan_in)) and the printed form.
/// </summary>
public abstract class Conv2dBase : Module
{
    /// <summary>Checks the hyper-parameters and creates the parameters; a transposed layer's weight is [in, out/groups, kH, kW].</summary>
    private protected Conv2dBase(string name, int inChannels, int outChannels, (int, int) kernelSize, (int, int)? stride, (int, int)? padding,
        (int, int)? dilation, int groups, bool bias, bool transposed, DType dtype, Generator? generator)
    {
        if (groups <= 0) throw new ArgumentException($"{name}: groups must be a positive integer, got {groups}");
        if (inChannels % groups != 0) throw new ArgumentException($"{name}: in_channels ({inChannels}) must be divisible by groups ({groups})");
        if (outChannels % groups != 0) throw new ArgumentException($"{name}: out_channels ({outChannels}) must be divisible by groups ({groups})");
        if (kernelSize.Item1 <= 0 || kernelSize.Item2 <= 0) throw new ArgumentException($"{name}: kernel_size must be positive, got {Repr.Pair(kernelSize)}");
        (InChannels, OutChannels, KernelSize, Groups) = (inChannels, outChannels, kernelSize, groups);
        Stride = stride ?? (1, 1);
        Padding = padding ?? (0, 0);
        Dilation = dilation ?? (1, 1);
        int[] shape = transposed
            ? [inChannels, outChannels / groups, kernelSize.Item1, kernelSize.Item2]
            : [outChannels, inChannels / groups, kernelSize.Item1, kernelSize.Item2];
        Weight = new Parameter(Tensor.Empty(shape, dtype));
        Bias = bias ? new Parameter(Tensor.Empty([outChannels], dtype)) : null;
        RegisterParameter("weight", Weight);
        RegisterParameter("bias", Bias);
        ResetParameters(generator);
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel (height, width).</summary>
    public (int, int) KernelSize { get; }

    /// <summary>Step (height, width).</summary>
    public (int, int) Stride { get; }

    /// <summary>Zero padding (height, width); for a transposed convolution, what is removed from each side of the output.</summary>
    public (int, int) Padding { get; }

    /// <summary>Spacing of kernel taps (height, width).</summary>
    public (int, int) Dilation { get; }

    /// <summary>Number of channel groups.</summary>
    public int Groups { get; }

    /// <summary>Filters (<c>conv.weight</c>): [out, in/groups, kH, kW], or [in, out/groups, kH, kW] when transposed.</summary>
    public Parameter Weight { get; }

    /// <summary>Per-output-channel bias, or null (<c>conv.bias</c>).</summary>
    public Parameter? Bias { get; }

    /// <summary>Re-draws the weights with PyTorch's default initialisation (<c>conv.reset_parameters()</c>).</summary>
    /// <param name="generator">Random source, or the default generator.</param>
    public void ResetParameters(Generator? generator = null) => ResetConvParameters(Weight, Bias, generator);

    /// <summary>PyTorch's default initialisation of every convolution: Kaiming-uniform with a = sqrt(5), bias uniform in ±1/sqrt(fan_in).</summary>
    internal static void ResetConvParameters(Parameter weight, Parameter? bias, Generator? generator)
    {
        Init.KaimingUniform_(weight, a: Math.Sqrt(5), generator: generator);
        if (bias is not null)
        {
            int fanIn = Init.CalculateFanInAndFanOut(weight).FanIn;
            double bound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
            Init.Uniform_(bias, -bound, bound, generator);
        }
    }

    /// <inheritdoc/>
    public override string ExtraRepr()
    {
        var s = $"{InChannels}, {OutChannels}, kernel_size={Repr.Pair(KernelSize)}, stride={Repr.Pair(Stride)}";
        if (Padding != (0, 0)) s += $", padding={Repr.Pair(Padding)}";
        if (Dilation != (1, 1)) s += $", dilation={Repr.Pair(Dilation)}";
        s += ReprAfterDilation();
        if (Groups != 1) s += $", groups={Groups}";
        if (Bias is null) s += ", bias=False";
        return s;
    }

    /// <summary>Printed fields a subclass adds between dilation and groups, as PyTorch orders them.</summary>
    private protected virtual string ReprAfterDilation() => "";
}

/// <summary>
/// 2-D convolution over [N, C, H, W] images (<c>nn.Conv2d</c>). Weight [out, in/groups, kH, kW] and bias start
/// as in PyTorch: Kaiming-uniform with a = sqrt(5), bias uniform in ±1/sqrt(fan_in).
/// </summary>
public sealed class Conv2d : Conv2dBase
{
    /// <summary>Creates the layer with square kernel, stride, padding and dilation (<c>nn.Conv2d(3, 32, 5, 1, 2)</c>).</summary>
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1,
        int groups = 1, bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
        : this(inChannels, outChannels, (kernelSize, kernelSize), (stride, stride), (padding, padding), (dilation, dilation), groups, bias, dtype, generator)
    {
    }

    /// <summary>Creates the layer with per-axis kernel, stride, padding and dilation (<c>nn.Conv2d(3, 8, (3, 5), stride=(1, 2))</c>).</summary>
    public Conv2d(int inChannels, int outChannels, (int, int) kernelSize, (int, int)? stride = null, (int, int)? padding = null,
        (int, int)? dilation = null, int groups = 1, bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
        : base("Conv2d", inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias, transposed: false, dtype, generator)
    {
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Conv2d(input, Weight, Bias, Stride, Padding, Dilation, Groups);
}

/// <summary>
/// 1-D convolution over [N, C, L] signals (<c>nn.Conv1d(in_channels, out_channels, kernel_size, stride=1, padding=0,
/// dilation=1, groups=1, bias=True)</c>). Weight [out, in/groups, k] and bias start as in PyTorch (Kaiming-uniform with
/// a = sqrt(5), bias uniform in ±1/sqrt(fan_in)); it runs as a 2-D convolution of height 1.
/// </summary>
public sealed class Conv1d : Module
{
    /// <summary>Creates the layer (<c>nn.Conv1d(16, 33, 3, stride=2)</c>).</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels (filters).</param>
    /// <param name="kernelSize">Kernel length.</param>
    /// <param name="stride">Step of the kernel.</param>
    /// <param name="padding">Implicit zeros on both ends.</param>
    /// <param name="dilation">Spacing between kernel taps.</param>
    /// <param name="groups">Number of blocked connections from input to output channels.</param>
    /// <param name="bias">Whether to add a learnable bias.</param>
    /// <param name="dtype">Dtype of the parameters.</param>
    /// <param name="generator">Random source for the initial parameters.</param>
    /// <exception cref="ArgumentException">A size is not positive or a channel count is not divisible by groups.</exception>
    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1, int groups = 1,
        bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
    {
        if (groups <= 0) throw new ArgumentException($"Conv1d: groups must be a positive integer, got {groups}");
        if (inChannels % groups != 0) throw new ArgumentException($"Conv1d: in_channels ({inChannels}) must be divisible by groups ({groups})");
        if (outChannels % groups != 0) throw new ArgumentException($"Conv1d: out_channels ({outChannels}) must be divisible by groups ({groups})");
        if (kernelSize <= 0) throw new ArgumentException($"Conv1d: kernel_size must be positive, got {kernelSize}");
        (InChannels, OutChannels, KernelSize, Stride, Padding, Dilation, Groups) = (inChannels, outChannels, kernelSize, stride, padding, dilation, groups);
        Weight = new Parameter(Tensor.Empty([outChannels, inChannels / groups, kernelSize], dtype));
        Bias = bias ? new Parameter(Tensor.Empty([outChannels], dtype)) : null;
        RegisterParameter("weight", Weight);
        RegisterParameter("bias", Bias);
        ResetParameters(generator);
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel length.</summary>
    public int KernelSize { get; }

    /// <summary>Step of the kernel.</summary>
    public int Stride { get; }

    /// <summary>Implicit zeros on both ends.</summary>
    public int Padding { get; }

    /// <summary>Spacing of kernel taps.</summary>
    public int Dilation { get; }

    /// <summary>Number of channel groups.</summary>
    public int Groups { get; }

    /// <summary>Filters [out, in/groups, k] (<c>conv.weight</c>).</summary>
    public Parameter Weight { get; }

    /// <summary>Per-output-channel bias, or null (<c>conv.bias</c>).</summary>
    public Parameter? Bias { get; }

    /// <summary>Re-draws the weights with PyTorch's default initialisation.</summary>
    /// <param name="generator">Random source, or the default generator.</param>
    public void ResetParameters(Generator? generator = null) => Conv2dBase.ResetConvParameters(Weight, Bias, generator);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Conv1d(input, Weight, Bias, Stride, Padding, Dilation, Groups);

    /// <inheritdoc/>
    public override string ExtraRepr()
    {
        var s = $"{InChannels}, {OutChannels}, kernel_size=({KernelSize},), stride=({Stride},)";
        if (Padding != 0) s += $", padding=({Padding},)";
        if (Dilation != 1) s += $", dilation=({Dilation},)";
        if (Groups != 1) s += $", groups={Groups}";
        if (Bias is null) s += ", bias=False";
        return s;
    }
}

/// <summary>
/// 2-D transposed convolution, the adjoint of <see cref="Conv2d"/> ("deconvolution", <c>nn.ConvTranspose2d(in_channels,
/// out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1)</c>): weight
/// [in, out/groups, kH, kW] and bias start as in PyTorch (Kaiming-uniform with a = sqrt(5) on that weight, bias uniform
/// in ±1/sqrt(fan_in), fan_in computed from the weight's shape as PyTorch does).
/// </summary>
public sealed class ConvTranspose2d : Conv2dBase
{
    /// <summary>Creates the layer with square kernel and equal hyper-parameters on both axes (<c>nn.ConvTranspose2d(16, 8, 4, stride=2, padding=1)</c>).</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Kernel height and width.</param>
    /// <param name="stride">Step of the kernel.</param>
    /// <param name="padding">Rows and columns removed from each side of the full output.</param>
    /// <param name="outputPadding">Extra rows and columns at the bottom and right.</param>
    /// <param name="groups">Number of blocked connections.</param>
    /// <param name="bias">Whether to add a learnable bias.</param>
    /// <param name="dilation">Spacing between kernel taps.</param>
    /// <param name="dtype">Dtype of the parameters.</param>
    /// <param name="generator">Random source for the initial parameters.</param>
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int outputPadding = 0, int groups = 1,
        bool bias = true, int dilation = 1, DType dtype = DType.Float32, Generator? generator = null)
        : this(inChannels, outChannels, (kernelSize, kernelSize), (stride, stride), (padding, padding), (outputPadding, outputPadding), groups, bias,
            (dilation, dilation), dtype, generator)
    {
    }

    /// <summary>Creates the layer with per-axis (height, width) kernel and hyper-parameters.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Kernel (height, width).</param>
    /// <param name="stride">Step (height, width); null means (1, 1).</param>
    /// <param name="padding">Rows and columns removed from each side; null means none.</param>
    /// <param name="outputPadding">Extra rows and columns at the bottom and right; null means none.</param>
    /// <param name="groups">Number of blocked connections.</param>
    /// <param name="bias">Whether to add a learnable bias.</param>
    /// <param name="dilation">Spacing between kernel taps; null means (1, 1).</param>
    /// <param name="dtype">Dtype of the parameters.</param>
    /// <param name="generator">Random source for the initial parameters.</param>
    /// <exception cref="ArgumentException">A channel count is not divisible by groups, or a size is not positive.</exception>
    public ConvTranspose2d(int inChannels, int outChannels, (int, int) kernelSize, (int, int)? stride = null, (int, int)? padding = null,
        (int, int)? outputPadding = null, int groups = 1, bool bias = true, (int, int)? dilation = null, DType dtype = DType.Float32,
        Generator? generator = null)
        : base("ConvTranspose2d", inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias, transposed: true, dtype, generator)
        => OutputPadding = outputPadding ?? (0, 0);

    /// <summary>Extra rows and columns at the bottom and right (<c>output_padding</c>).</summary>
    public (int, int) OutputPadding { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
        => Functional.ConvTranspose2d(input, Weight, Bias, Stride, Padding, OutputPadding, Groups, Dilation);

    /// <summary>
    /// Runs the layer to an exact output (height, width) (<c>deconv(input, output_size=...)</c>): the output padding is
    /// chosen to reach it, which resolves the ambiguity of strided convolutions whose inputs of several sizes give one output size.
    /// </summary>
    /// <param name="input">Feature maps [N, Cin, H, W] or [Cin, H, W].</param>
    /// <param name="outputSize">The wanted (height, width).</param>
    /// <exception cref="ArgumentException">The size cannot be reached with an output padding below the stride or dilation.</exception>
    public Tensor Forward(Tensor input, (int, int) outputSize)
    {
        if (input.NDim is not (3 or 4))
            throw new ArgumentException($"ConvTranspose2d: expected 3D (unbatched) or 4D (batched) input, but got input of shape {Core.Shape.Format(input.Shape)}");
        int ExtraFor(int axis, int want, int size, int k, int s, int p, int d)
        {
            int least = (size - 1) * s - 2 * p + d * (k - 1) + 1, extra = want - least;
            if (extra < 0 || extra >= Math.Max(s, d))
                throw new ArgumentException(
                    $"ConvTranspose2d: requested an output size of {Repr.Pair(outputSize)}, but valid sizes of dim {axis} range from {least} to " +
                    $"{least + Math.Max(s, d) - 1} for input of shape {Core.Shape.Format(input.Shape)}");
            return extra;
        }
        var extra = (ExtraFor(0, outputSize.Item1, input.Size(-2), KernelSize.Item1, Stride.Item1, Padding.Item1, Dilation.Item1),
            ExtraFor(1, outputSize.Item2, input.Size(-1), KernelSize.Item2, Stride.Item2, Padding.Item2, Dilation.Item2));
        return Functional.ConvTranspose2d(input, Weight, Bias, Stride, Padding, extra, Groups, Dilation);
    }

    private protected override string ReprAfterDilation() => OutputPadding != (0, 0) ? $", output_padding={Repr.Pair(OutputPadding)}" : "";
}

/// <summary>
/// 1-D transposed convolution of [N, C, L] signals (<c>nn.ConvTranspose1d(in_channels, out_channels, kernel_size,
/// stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1)</c>): weight [in, out/groups, k], initialised
/// as PyTorch does; it runs as a height-1 <see cref="ConvTranspose2d"/>.
/// </summary>
public sealed class ConvTranspose1d : Module
{
    /// <summary>Creates the layer.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Kernel length.</param>
    /// <param name="stride">Step of the kernel.</param>
    /// <param name="padding">Positions removed from each end of the full output.</param>
    /// <param name="outputPadding">Extra positions at the end.</param>
    /// <param name="groups">Number of blocked connections.</param>
    /// <param name="bias">Whether to add a learnable bias.</param>
    /// <param name="dilation">Spacing between kernel taps.</param>
    /// <param name="dtype">Dtype of the parameters.</param>
    /// <param name="generator">Random source for the initial parameters.</param>
    /// <exception cref="ArgumentException">A channel count is not divisible by groups, or the kernel size is not positive.</exception>
    public ConvTranspose1d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int outputPadding = 0, int groups = 1,
        bool bias = true, int dilation = 1, DType dtype = DType.Float32, Generator? generator = null)
    {
        if (groups <= 0) throw new ArgumentException($"ConvTranspose1d: groups must be a positive integer, got {groups}");
        if (inChannels % groups != 0) throw new ArgumentException($"ConvTranspose1d: in_channels ({inChannels}) must be divisible by groups ({groups})");
        if (outChannels % groups != 0) throw new ArgumentException($"ConvTranspose1d: out_channels ({outChannels}) must be divisible by groups ({groups})");
        if (kernelSize <= 0) throw new ArgumentException($"ConvTranspose1d: kernel_size must be positive, got {kernelSize}");
        (InChannels, OutChannels, KernelSize, Stride, Padding, OutputPadding, Groups, Dilation) =
            (inChannels, outChannels, kernelSize, stride, padding, outputPadding, groups, dilation);
        Weight = new Parameter(Tensor.Empty([inChannels, outChannels / groups, kernelSize], dtype));
        Bias = bias ? new Parameter(Tensor.Empty([outChannels], dtype)) : null;
        RegisterParameter("weight", Weight);
        RegisterParameter("bias", Bias);
        Conv2dBase.ResetConvParameters(Weight, Bias, generator);
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel length.</summary>
    public int KernelSize { get; }

    /// <summary>Step of the kernel.</summary>
    public int Stride { get; }

    /// <summary>Positions removed from each end of the full output.</summary>
    public int Padding { get; }

    /// <summary>Extra positions at the end (<c>output_padding</c>).</summary>
    public int OutputPadding { get; }

    /// <summary>Number of channel groups.</summary>
    public int Groups { get; }

    /// <summary>Spacing of kernel taps.</summary>
    public int Dilation { get; }

    /// <summary>Filters [in, out/groups, k] (<c>deconv.weight</c>).</summary>
    public Parameter Weight { get; }

    /// <summary>Per-output-channel bias, or null (<c>deconv.bias</c>).</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
        => Functional.ConvTranspose1d(input, Weight, Bias, Stride, Padding, OutputPadding, Groups, Dilation);

    /// <inheritdoc/>
    public override string ExtraRepr()
    {
        var s = $"{InChannels}, {OutChannels}, kernel_size=({KernelSize},), stride=({Stride},)";
        if (Padding != 0) s += $", padding=({Padding},)";
        if (Dilation != 1) s += $", dilation=({Dilation},)";
        if (OutputPadding != 0) s += $", output_padding=({OutputPadding},)";
        if (Groups != 1) s += $", groups={Groups}";
        if (Bias is null) s += ", bias=False";
        return s;
    }
}
