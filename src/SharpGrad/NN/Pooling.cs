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

/// <summary>
/// Adaptive 2-D average pooling to a fixed output size whatever the input size
/// (<c>nn.AdaptiveAvgPool2d(output_size)</c>); <c>AdaptiveAvgPool2d(1)</c> is global average pooling.
/// </summary>
public sealed class AdaptiveAvgPool2d : Module
{
    private readonly bool _square;

    /// <summary>Pools to outputSize x outputSize (<c>nn.AdaptiveAvgPool2d(7)</c>).</summary>
    /// <param name="outputSize">Output height and width.</param>
    public AdaptiveAvgPool2d(int outputSize) : this((outputSize, outputSize)) => _square = true;

    /// <summary>Pools to (OH, OW); a null entry keeps that input size (<c>nn.AdaptiveAvgPool2d((None, 7))</c>).</summary>
    /// <param name="outputSize">(OH, OW).</param>
    /// <exception cref="ArgumentException">A size is not positive.</exception>
    public AdaptiveAvgPool2d((int?, int?) outputSize)
    {
        if (outputSize.Item1 <= 0 || outputSize.Item2 <= 0)
            throw new ArgumentException($"AdaptiveAvgPool2d: output size must be positive, got {Format(outputSize)}");
        OutputSize = outputSize;
    }

    /// <summary>(OH, OW); null keeps the input size.</summary>
    public (int?, int?) OutputSize { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.AdaptiveAvgPool2d(input, OutputSize);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"output_size={(_square ? OutputSize.Item1.ToString() : Format(OutputSize))}";

    private static string Format((int?, int?) size) => $"({size.Item1?.ToString() ?? "None"}, {size.Item2?.ToString() ?? "None"})";
}

/// <summary>Adaptive 1-D average pooling of [N, C, L] signals to a fixed length (<c>nn.AdaptiveAvgPool1d(output_size)</c>).</summary>
public sealed class AdaptiveAvgPool1d : Module
{
    /// <summary>Creates the layer.</summary>
    /// <param name="outputSize">Output length.</param>
    /// <exception cref="ArgumentException">The size is not positive.</exception>
    public AdaptiveAvgPool1d(int outputSize)
        => OutputSize = outputSize > 0 ? outputSize : throw new ArgumentException($"AdaptiveAvgPool1d: output size must be positive, got {outputSize}");

    /// <summary>Output length.</summary>
    public int OutputSize { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.AdaptiveAvgPool1d(input, OutputSize);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"output_size={OutputSize}";
}
