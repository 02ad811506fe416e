namespace SharpGrad.NN;

/// <summary>
/// 2-D convolution over [N, C, H, W] images (<c>nn.Conv2d</c>). Weight [out, in/groups, kH, kW] and bias start
/// as in PyTorch: Kaiming-uniform with a = sqrt(5), bias uniform in ±1/sqrt(fan_in).
/// </summary>
public sealed class Conv2d : Module
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
    {
        if (groups <= 0) throw new ArgumentException($"Conv2d: groups must be a positive integer, got {groups}");
        if (inChannels % groups != 0) throw new ArgumentException($"Conv2d: in_channels ({inChannels}) must be divisible by groups ({groups})");
        if (outChannels % groups != 0) throw new ArgumentException($"Conv2d: out_channels ({outChannels}) must be divisible by groups ({groups})");
        if (kernelSize.Item1 <= 0 || kernelSize.Item2 <= 0) throw new ArgumentException($"Conv2d: kernel_size must be positive, got {Repr.Pair(kernelSize)}");
        (InChannels, OutChannels, KernelSize, Groups) = (inChannels, outChannels, kernelSize, groups);
        Stride = stride ?? (1, 1);
        Padding = padding ?? (0, 0);
        Dilation = dilation ?? (1, 1);
        Weight = new Parameter(Tensor.Empty([outChannels, inChannels / groups, kernelSize.Item1, kernelSize.Item2], dtype));
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

    /// <summary>Zero padding (height, width).</summary>
    public (int, int) Padding { get; }

    /// <summary>Spacing of kernel taps (height, width).</summary>
    public (int, int) Dilation { get; }

    /// <summary>Number of channel groups.</summary>
    public int Groups { get; }

    /// <summary>Filters [out, in/groups, kH, kW] (<c>conv.weight</c>).</summary>
    public Parameter Weight { get; }

    /// <summary>Per-output-channel bias, or null (<c>conv.bias</c>).</summary>
    public Parameter? Bias { get; }

    /// <summary>Re-draws the weights with PyTorch's default initialisation.</summary>
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
    public override Tensor Forward(Tensor input) => Functional.Conv2d(input, Weight, Bias, Stride, Padding, Dilation, Groups);

    /// <inheritdoc/>
    public override string ExtraRepr()
    {
        var s = $"{InChannels}, {OutChannels}, kernel_size={Repr.Pair(KernelSize)}, stride={Repr.Pair(Stride)}";
        if (Padding != (0, 0)) s += $", padding={Repr.Pair(Padding)}";
        if (Dilation != (1, 1)) s += $", dilation={Repr.Pair(Dilation)}";
        if (Groups != 1) s += $", groups={Groups}";
        if (Bias is null) s += ", bias=False";
        return s;
    }
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
    public void ResetParameters(Generator? generator = null) => Conv2d.ResetConvParameters(Weight, Bias, generator);

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
