namespace SharpGrad.NN;

/// <summary>
/// In-place initialisers for parameters (PyTorch <c>torch.nn.init</c>). Each runs under no-grad and
/// returns the tensor it filled; randomness comes from the <c>generator</c> argument or the default generator.
/// </summary>
public static class Init
{
    /// <summary>Fills with U(a, b) (<c>nn.init.uniform_</c>).</summary>
    public static Tensor Uniform_(Tensor tensor, double a = 0, double b = 1, Generator? generator = null)
    {
        using (Tensor.NoGrad()) return tensor.Uniform_(a, b, generator);
    }

    /// <summary>Fills with N(mean, std^2) (<c>nn.init.normal_</c>).</summary>
    public static Tensor Normal_(Tensor tensor, double mean = 0, double std = 1, Generator? generator = null)
    {
        using (Tensor.NoGrad()) return tensor.Normal_(mean, std, generator);
    }

    /// <summary>Fills with a constant (<c>nn.init.constant_</c>).</summary>
    public static Tensor Constant_(Tensor tensor, double value)
    {
        using (Tensor.NoGrad()) return tensor.Fill_(value);
    }

    /// <summary>Fills with zeros (<c>nn.init.zeros_</c>).</summary>
    public static Tensor Zeros_(Tensor tensor) => Constant_(tensor, 0);

    /// <summary>Fills with ones (<c>nn.init.ones_</c>).</summary>
    public static Tensor Ones_(Tensor tensor) => Constant_(tensor, 1);

    /// <summary>
    /// Recommended gain for a nonlinearity (<c>nn.init.calculate_gain</c>): 1 for linear, conv and sigmoid,
    /// 5/3 for tanh, sqrt(2) for relu, sqrt(2 / (1 + slope^2)) for leaky_relu (slope 0.01 by default), 3/4 for selu.
    /// </summary>
    public static double CalculateGain(string nonlinearity, double? param = null)
    {
        switch (nonlinearity)
        {
            case "linear" or "conv1d" or "conv2d" or "conv3d" or "conv_transpose1d" or "conv_transpose2d" or "conv_transpose3d" or "sigmoid":
                return 1;
            case "tanh": return 5.0 / 3;
            case "relu": return Math.Sqrt(2.0);
            case "leaky_relu":
                double slope = param ?? 0.01;
                return Math.Sqrt(2.0 / (1 + slope * slope));
            case "selu": return 3.0 / 4;
            default: throw new ArgumentException($"calculate_gain: unsupported nonlinearity '{nonlinearity}'");
        }
    }

    /// <summary>Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)) (<c>nn.init.xavier_uniform_</c>).</summary>
    public static Tensor XavierUniform_(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        double a = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
        return Uniform_(tensor, -a, a, generator);
    }

    /// <summary>Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)) (<c>nn.init.xavier_normal_</c>).</summary>
    public static Tensor XavierNormal_(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        return Normal_(tensor, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)), generator);
    }

    /// <summary>
    /// He uniform: U(-b, b) with b = gain * sqrt(3 / fan), gain = CalculateGain(nonlinearity, a), fan = fan_in or
    /// fan_out by <paramref name="mode"/> (<c>nn.init.kaiming_uniform_</c>).
    /// </summary>
    public static Tensor KaimingUniform_(Tensor tensor, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu", Generator? generator = null)
    {
        double bound = CalculateGain(nonlinearity, a) * Math.Sqrt(3.0 / Fan(tensor, mode));
        return Uniform_(tensor, -bound, bound, generator);
    }

    /// <summary>He normal: N(0, std^2) with std = gain / sqrt(fan) (<c>nn.init.kaiming_normal_</c>).</summary>
    public static Tensor KaimingNormal_(Tensor tensor, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu", Generator? generator = null)
        => Normal_(tensor, 0, CalculateGain(nonlinearity, a) / Math.Sqrt(Fan(tensor, mode)), generator);

    /// <summary>
    /// Fan-in and fan-out of a weight: size(1) and size(0) times the receptive field (the product of the
    /// remaining dims) (<c>nn.init._calculate_fan_in_and_fan_out</c>).
    /// </summary>
    public static (int FanIn, int FanOut) CalculateFanInAndFanOut(Tensor tensor)
    {
        if (tensor.NDim < 2)
            throw new ArgumentException($"init: fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (shape {Core.Shape.Format(tensor.Shape)})");
        int receptive = 1;
        for (int d = 2; d < tensor.NDim; d++) receptive *= tensor.Size(d);
        return (tensor.Size(1) * receptive, tensor.Size(0) * receptive);
    }

    private static int Fan(Tensor tensor, string mode)
    {
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        return mode switch
        {
            "fan_in" => fanIn,
            "fan_out" => fanOut,
            _ => throw new ArgumentException($"init: mode {mode} not supported, please use one of fan_in, fan_out"),
        };
    }
}
