namespace SharpGrad.NN;

public static partial class Functional
{
    /// <summary>
    /// Resizes the spatial dims (all dims after [N, C]) of <paramref name="input"/> (<c>F.interpolate(input, size,
    /// scale_factor, mode, align_corners)</c>). "nearest" copies input pixel floor(dst * in / out) (or floor(dst /
    /// scaleFactor) when a scale factor is given), on 1, 2 or 3 spatial dims; "linear" ([N, C, L]) and "bilinear"
    /// ([N, C, H, W]) interpolate between the two nearest input pixels, with pixel centres aligned (the default) or, with
    /// <paramref name="alignCorners"/>, the corner pixels aligned. Exactly one of <paramref name="size"/> and
    /// <paramref name="scaleFactor"/> is given; a single value applies to every spatial dim.
    /// </summary>
    /// <param name="input">[N, C, *spatial] with 1 to 3 spatial dims.</param>
    /// <param name="size">Output spatial size, one value per spatial dim or one for all; or null.</param>
    /// <param name="scaleFactor">Multiplier of each spatial size (the output is floor(size * factor)); or null.</param>
    /// <param name="mode">"nearest", "linear" or "bilinear".</param>
    /// <param name="alignCorners">For linear modes: map the corner pixels onto each other (true) or the pixel areas (false, the default).</param>
    /// <exception cref="ArgumentException">The size/scale arguments, the mode or the input's rank do not fit.</exception>
    public static Tensor Interpolate(Tensor input, int[]? size = null, double[]? scaleFactor = null, string mode = "nearest", bool? alignCorners = null)
    {
        const string op = "interpolate";
        string shape = Core.Shape.Format(input.Shape);
        if (mode is not ("nearest" or "linear" or "bilinear"))
            throw new ArgumentException($"{op}: unknown mode '{mode}'; SharpGrad has 'nearest', 'linear' and 'bilinear'");
        if (input.NDim < 3 || input.NDim > 5)
            throw new ArgumentException($"{op}: expected a 3D, 4D or 5D input [N, C, *spatial], but got input of shape {shape}");
        int spatial = input.NDim - 2;
        if (mode == "linear" && input.NDim != 3) throw new ArgumentException($"{op}: got {input.NDim}D input of shape {shape}, but linear mode needs 3D input");
        if (mode == "bilinear" && input.NDim != 4) throw new ArgumentException($"{op}: got {input.NDim}D input of shape {shape}, but bilinear mode needs 4D input");
        if (mode == "nearest" && alignCorners is not null)
            throw new ArgumentException($"{op}: alignCorners can only be set with the interpolating modes linear and bilinear, not '{mode}'");
        if ((size is null) == (scaleFactor is null))
            throw new ArgumentException(size is null ? $"{op}: either size or scaleFactor should be defined" : $"{op}: only one of size or scaleFactor should be defined");
        if (!input.IsFloatingPoint()) throw new ArgumentException($"{op}: expected a floating-point input, but got {input.DType.TorchName()}");

        var inSizes = input.Shape[2..];
        var outSizes = new int[spatial];
        var scales = new double?[spatial];
        int given = (size?.Length ?? scaleFactor!.Length);
        if (given != 1 && given != spatial)
            throw new ArgumentException(
                $"{op}: input and output must have the same number of spatial dims, but got input of shape {shape} ({spatial} spatial dims) and " +
                (size is null ? $"scaleFactor ({string.Join(", ", scaleFactor!)})" : $"size {Core.Shape.Format(size)}"));
        for (int i = 0; i < spatial; i++)
        {
            if (size is not null) outSizes[i] = size[given == 1 ? 0 : i];
            else
            {
                double f = scaleFactor![given == 1 ? 0 : i];
                if (!(f > 0)) throw new ArgumentException($"{op}: scaleFactor must be positive, but got {f}");
                scales[i] = f;
                outSizes[i] = (int)Math.Floor(inSizes[i] * f);
            }
            if (outSizes[i] <= 0)
                throw new ArgumentException($"{op}: the output size {Core.Shape.Format(outSizes)} must be positive; input of shape {shape}");
        }

        var x = input;
        if (mode == "nearest")
        {
            for (int i = 0; i < spatial; i++)
                if (outSizes[i] != inSizes[i]) x = x.IndexSelect(2 + i, NearestIndex(inSizes[i], outSizes[i], scales[i]));
            return Named(x, $"UpsampleNearest{spatial}DBackward1");
        }
        bool corners = alignCorners ?? false;
        var mw = LinearWeights(inSizes[^1], outSizes[^1], scales[^1], corners, input.DType);
        var y = spatial == 1 ? x.MatMul(mw.T) : ApplySeparable(x, LinearWeights(inSizes[0], outSizes[0], scales[0], corners, input.DType), mw);
        return Named(y, spatial == 1 ? "UpsampleLinear1DBackward1" : "UpsampleBilinear2DBackward1");
    }

    /// <summary>The input index each output index copies in nearest mode, computed in float32 as PyTorch's kernel does.</summary>
    private static Tensor NearestIndex(int inSize, int outSize, double? scaleFactor)
    {
        float scale = scaleFactor is double f ? (float)(1.0 / f) : (float)inSize / outSize;
        var index = new long[outSize];
        for (int o = 0; o < outSize; o++) index[o] = Math.Min((long)MathF.Floor(o * scale), inSize - 1);
        return Tensor.From(index);
    }

    /// <summary>[out, in] matrix of linear-interpolation weights along one dim (PyTorch's source-index rule).</summary>
    private static Tensor LinearWeights(int inSize, int outSize, double? scaleFactor, bool alignCorners, DType dtype)
    {
        double scale = alignCorners ? (outSize > 1 ? (double)(inSize - 1) / (outSize - 1) : 0)
            : scaleFactor is double f ? 1.0 / f : (double)inSize / outSize;
        var m = new double[outSize * inSize];
        for (int o = 0; o < outSize; o++)
        {
            double src = alignCorners ? scale * o : Math.Max(scale * (o + 0.5) - 0.5, 0);
            int i0 = Math.Min((int)src, inSize - 1);
            int i1 = i0 < inSize - 1 ? i0 + 1 : i0;
            double lambda = src - i0;
            m[o * inSize + i0] += 1 - lambda;
            m[o * inSize + i1] += lambda;
        }
        return Tensor.From(m, DType.Float64).View(outSize, inSize).To(dtype);
    }
}
