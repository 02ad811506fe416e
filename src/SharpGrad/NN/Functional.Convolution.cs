using System.Runtime.CompilerServices;

namespace SharpGrad.NN;

public static partial class Functional
{
    /// <summary>2-D convolution (<c>F.conv2d(input, weight, bias, stride, padding, dilation, groups)</c>).</summary>
    /// <param name="input">Images [N, C, H, W] or one image [C, H, W]; float32 or float64.</param>
    /// <param name="weight">Filters [O, C/groups, kH, kW], same dtype as the input.</param>
    /// <param name="bias">Per-output-channel bias [O], or null.</param>
    /// <param name="stride">Step of the kernel.</param>
    /// <param name="padding">Implicit zeros added on all four sides.</param>
    /// <param name="dilation">Spacing between kernel taps.</param>
    /// <param name="groups">Number of blocked connections from input to output channels.</param>
    /// <exception cref="ArgumentException">Shapes, dtypes or sizes that do not fit; the message names them.</exception>
    [OverloadResolutionPriority(1)]
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1)
        => Tensor.Conv2d(input, weight, bias, stride, padding, dilation, groups);

    /// <summary>2-D convolution with per-axis (height, width) stride, padding and dilation, each optional
    /// (<c>F.conv2d(x, w, b, stride=(2, 1), padding=(1, 0))</c>).</summary>
    /// <param name="input">Images [N, C, H, W] or one image [C, H, W]; float32 or float64.</param>
    /// <param name="weight">Filters [O, C/groups, kH, kW], same dtype as the input.</param>
    /// <param name="bias">Per-output-channel bias [O], or null.</param>
    /// <param name="stride">Step of the kernel (height, width); null means (1, 1).</param>
    /// <param name="padding">Implicit zeros (height, width); null means none.</param>
    /// <param name="dilation">Spacing between kernel taps (height, width); null means (1, 1).</param>
    /// <param name="groups">Number of blocked connections from input to output channels.</param>
    /// <exception cref="ArgumentException">Shapes, dtypes or sizes that do not fit; the message names them.</exception>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, (int, int)? stride = null, (int, int)? padding = null,
        (int, int)? dilation = null, int groups = 1)
        => Tensor.Conv2d(input, weight, bias, stride, padding, dilation, groups);

    /// <summary>2-D max pooling (<c>F.max_pool2d</c>); stride defaults to the kernel size.</summary>
    /// <param name="input">Images [N, C, H, W] or [C, H, W]; float32 or float64.</param>
    /// <param name="kernelSize">Window size.</param>
    /// <param name="stride">Window step; null means <paramref name="kernelSize"/>.</param>
    /// <param name="padding">Implicit -inf padding on all sides.</param>
    /// <param name="dilation">Spacing between window taps.</param>
    /// <param name="ceilMode">Round the output size up instead of down.</param>
    /// <exception cref="ArgumentException">The input is not 3-D or 4-D, or the window does not fit; the message names the sizes.</exception>
    public static Tensor MaxPool2d(Tensor input, int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
        => Tensor.MaxPool2d(input, kernelSize, stride, padding, dilation, ceilMode);

    /// <summary>2-D max pooling with (height, width) pairs, each optional but the window (<c>F.max_pool2d(x, (2, 2))</c>).</summary>
    /// <param name="input">Images [N, C, H, W] or [C, H, W]; float32 or float64.</param>
    /// <param name="kernelSize">Window size (height, width).</param>
    /// <param name="stride">Window step; null means <paramref name="kernelSize"/>.</param>
    /// <param name="padding">Implicit -inf padding (height, width); null means none.</param>
    /// <param name="dilation">Spacing between window taps; null means (1, 1).</param>
    /// <param name="ceilMode">Round the output size up instead of down.</param>
    /// <exception cref="ArgumentException">The input is not 3-D or 4-D, or the window does not fit; the message names the sizes.</exception>
    public static Tensor MaxPool2d(Tensor input, (int, int) kernelSize, (int, int)? stride = null, (int, int)? padding = null,
        (int, int)? dilation = null, bool ceilMode = false)
        => Tensor.MaxPool2d(input, kernelSize, stride, padding, dilation, ceilMode);

    /// <summary>2-D average pooling (<c>F.avg_pool2d</c>); stride defaults to the kernel size.</summary>
    /// <param name="input">Images [N, C, H, W] or [C, H, W]; float32 or float64.</param>
    /// <param name="kernelSize">Window size.</param>
    /// <param name="stride">Window step; null means <paramref name="kernelSize"/>.</param>
    /// <param name="padding">Implicit zero padding on all sides.</param>
    /// <param name="ceilMode">Round the output size up instead of down.</param>
    /// <param name="countIncludePad">Count padding zeros in the divisor.</param>
    /// <exception cref="ArgumentException">The input is not 3-D or 4-D, or the window does not fit; the message names the sizes.</exception>
    public static Tensor AvgPool2d(Tensor input, int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true)
        => Tensor.AvgPool2d(input, kernelSize, stride, padding, ceilMode, countIncludePad);

    /// <summary>2-D average pooling with (height, width) pairs (<c>F.avg_pool2d(x, (2, 2))</c>).</summary>
    /// <param name="input">Images [N, C, H, W] or [C, H, W]; float32 or float64.</param>
    /// <param name="kernelSize">Window size (height, width).</param>
    /// <param name="stride">Window step; null means <paramref name="kernelSize"/>.</param>
    /// <param name="padding">Implicit zero padding (height, width); null means none.</param>
    /// <param name="ceilMode">Round the output size up instead of down.</param>
    /// <param name="countIncludePad">Count padding zeros in the divisor.</param>
    /// <exception cref="ArgumentException">The input is not 3-D or 4-D, or the window does not fit; the message names the sizes.</exception>
    public static Tensor AvgPool2d(Tensor input, (int, int) kernelSize, (int, int)? stride = null, (int, int)? padding = null,
        bool ceilMode = false, bool countIncludePad = true)
        => Tensor.AvgPool2d(input, kernelSize, stride, padding, ceilMode, countIncludePad);
}
