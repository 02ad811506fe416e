namespace SharpGrad.NN;

public static partial class Functional
{
    /// <summary>
    /// Adaptive 2-D average pooling (<c>F.adaptive_avg_pool2d(input, output_size)</c>): output cell (i, j) averages input
    /// rows floor(i H / OH) .. ceil((i + 1) H / OH) - 1 and the same for columns, so any input size maps to the requested
    /// one. When the sizes divide evenly this is the ordinary average pooling with kernel = stride = H / OH.
    /// </summary>
    /// <param name="input">Images [N, C, H, W] or [C, H, W].</param>
    /// <param name="outputSize">(OH, OW); a null entry keeps that input size.</param>
    /// <exception cref="ArgumentException">The input is not 3-D or 4-D, or an output size is not positive.</exception>
    public static Tensor AdaptiveAvgPool2d(Tensor input, (int?, int?) outputSize)
    {
        const string op = "adaptive_avg_pool2d";
        if (input.NDim != 3 && input.NDim != 4)
            throw new ArgumentException($"{op}: expected 3D or 4D input, but got input of shape {Core.Shape.Format(input.Shape)}");
        if (!input.IsFloatingPoint()) throw new ArgumentException($"{op}: expected a floating-point input, but got {input.DType.TorchName()}");
        int h = input.Size(-2), w = input.Size(-1);
        int oh = outputSize.Item1 ?? h, ow = outputSize.Item2 ?? w;
        if (oh <= 0 || ow <= 0)
            throw new ArgumentException($"{op}: output size must be positive, but got ({oh}, {ow}) for input of shape {Core.Shape.Format(input.Shape)}");
        if (h == 0 || w == 0)
            throw new ArgumentException($"{op}: expected non-empty spatial dims, but got input of shape {Core.Shape.Format(input.Shape)}");
        Tensor y = h % oh == 0 && w % ow == 0
            ? Tensor.AvgPool2d(input, (h / oh, w / ow))
            : ApplySeparable(input, AdaptiveAverageMatrix(h, oh, input.DType), AdaptiveAverageMatrix(w, ow, input.DType));
        return Named(y, "AdaptiveAvgPool2DBackward0");
    }

    /// <summary>Adaptive 2-D average pooling to a square <paramref name="outputSize"/> (<c>F.adaptive_avg_pool2d(x, 1)</c> is global average pooling).</summary>
    /// <param name="input">Images [N, C, H, W] or [C, H, W].</param>
    /// <param name="outputSize">Output height and width.</param>
    public static Tensor AdaptiveAvgPool2d(Tensor input, int outputSize) => AdaptiveAvgPool2d(input, (outputSize, outputSize));

    /// <summary>Adaptive 1-D average pooling over the last dim of [N, C, L] or [C, L] (<c>F.adaptive_avg_pool1d(input, output_size)</c>).</summary>
    /// <param name="input">Signals [N, C, L] or [C, L].</param>
    /// <param name="outputSize">Output length.</param>
    /// <exception cref="ArgumentException">The input is not 2-D or 3-D.</exception>
    public static Tensor AdaptiveAvgPool1d(Tensor input, int outputSize)
    {
        if (input.NDim != 2 && input.NDim != 3)
            throw new ArgumentException($"adaptive_avg_pool1d: expected 2D or 3D input, but got input of shape {Core.Shape.Format(input.Shape)}");
        return AdaptiveAvgPool2d(input.Unsqueeze(-2), (1, outputSize)).Squeeze(-2);
    }

    /// <summary>[outSize, inSize] matrix whose row i averages the inputs of adaptive window i.</summary>
    private static Tensor AdaptiveAverageMatrix(int inSize, int outSize, DType dtype)
    {
        var m = new double[outSize * inSize];
        for (int i = 0; i < outSize; i++)
        {
            int start = (int)((long)i * inSize / outSize);
            int end = (int)(((long)(i + 1) * inSize + outSize - 1) / outSize);
            for (int k = start; k < end; k++) m[i * inSize + k] = 1.0 / (end - start);
        }
        return Tensor.From(m, DType.Float64).View(outSize, inSize).To(dtype);
    }

    /// <summary>
    /// Applies a row matrix [OH, H] and a column matrix [OW, W] to the last two dims of <paramref name="x"/>: the
    /// separable linear maps behind adaptive pooling and bilinear resampling, as two GEMMs.
    /// </summary>
    private static Tensor ApplySeparable(Tensor x, Tensor rows, Tensor columns)
        => rows.MatMul(x.MatMul(columns.T));
}
