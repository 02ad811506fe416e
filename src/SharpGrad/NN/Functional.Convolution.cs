namespace SharpGrad.NN;

public static partial class Functional
{
    /// <summary>2-D convolution (<c>F.conv2d(input, weight, bias, stride, padding, dilation, groups)</c>).</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1)
        => Tensor.Conv2d(input, weight, bias, stride, padding, dilation, groups);

    /// <summary>2-D convolution with per-axis stride, padding and dilation.</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, (int, int) stride, (int, int) padding, (int, int) dilation, int groups = 1)
        => Tensor.Conv2d(input, weight, bias, stride, padding, dilation, groups);

    /// <summary>2-D max pooling (<c>F.max_pool2d</c>); stride defaults to the kernel size.</summary>
    public static Tensor MaxPool2d(Tensor input, int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
        => Tensor.MaxPool2d(input, kernelSize, stride, padding, dilation, ceilMode);

    /// <summary>2-D average pooling (<c>F.avg_pool2d</c>); stride defaults to the kernel size.</summary>
    public static Tensor AvgPool2d(Tensor input, int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true)
        => Tensor.AvgPool2d(input, kernelSize, stride, padding, ceilMode, countIncludePad);
}
