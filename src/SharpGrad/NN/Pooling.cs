namespace SharpGrad.NN;

/// <summary>2-D max pooling (<c>nn.MaxPool2d(kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False)</c>); stride defaults to the kernel size.</summary>
public sealed class MaxPool2d(int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false) : Module
{
    /// <summary>Window size.</summary>
    public int KernelSize { get; } = kernelSize;

    /// <summary>Window step.</summary>
    public int Stride { get; } = stride ?? kernelSize;

    /// <summary>Implicit -inf padding.</summary>
    public int Padding { get; } = padding;

    /// <summary>Spacing of window taps.</summary>
    public int Dilation { get; } = dilation;

    /// <summary>Round output sizes up.</summary>
    public bool CeilMode { get; } = ceilMode;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.MaxPool2d(input, KernelSize, Stride, Padding, Dilation, CeilMode);

    /// <inheritdoc/>
    public override string ExtraRepr()
        => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}, dilation={Dilation}, ceil_mode={Repr.Bool(CeilMode)}";
}

/// <summary>2-D average pooling (<c>nn.AvgPool2d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True)</c>).</summary>
public sealed class AvgPool2d(int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true) : Module
{
    /// <summary>Window size.</summary>
    public int KernelSize { get; } = kernelSize;

    /// <summary>Window step.</summary>
    public int Stride { get; } = stride ?? kernelSize;

    /// <summary>Implicit zero padding.</summary>
    public int Padding { get; } = padding;

    /// <summary>Round output sizes up.</summary>
    public bool CeilMode { get; } = ceilMode;

    /// <summary>Whether padding zeros count in the divisor.</summary>
    public bool CountIncludePad { get; } = countIncludePad;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.AvgPool2d(input, KernelSize, Stride, Padding, CeilMode, CountIncludePad);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}";
}
