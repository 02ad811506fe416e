using System.Runtime.CompilerServices;
using SharpGrad.Graph;

namespace SharpGrad.NN;

/// <summary>
/// Stateless neural-network functions (PyTorch <c>torch.nn.functional</c>, imported as
/// <c>using F = SharpGrad.NN.Functional;</c>). Layers call these; so can hand-written models.
/// </summary>
public static partial class Functional
{
    /// <summary>y = x W^T + b over the last dim of x (<c>F.linear</c>), as one fused op and autograd node ("AddmmBackward0").</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        if (weight.NDim != 2)
            throw new ArgumentException($"linear: weight must be 2-D [out_features, in_features], got shape {Core.Shape.Format(weight.Shape)}");
        if (input.NDim == 0 || input.Size(-1) != weight.Size(1))
            throw new ArgumentException(
                $"linear: input shape {Core.Shape.Format(input.Shape)} and weight shape {Core.Shape.Format(weight.Shape)} do not fit: " +
                $"the last dim of the input must equal in_features = {weight.Size(1)}");
        if (bias is not null && (bias.NDim != 1 || bias.Size(0) != weight.Size(0)))
            throw new ArgumentException($"linear: bias must have shape [{weight.Size(0)}], got {Core.Shape.Format(bias.Shape)}");
        var trace = OpTrace.Enter();
        var y = Tensor.LinearFused(input, weight, bias);
        if (trace.Exit()) OpTrace.Record("linear", y, [input, weight, bias]);
        return y;
    }

    /// <summary>max(x, 0) (<c>F.relu</c>); with <paramref name="inplace"/> the input is overwritten.</summary>
    public static Tensor Relu(Tensor input, bool inplace = false)
    {
        if (!inplace) return input.Relu();
        var trace = OpTrace.Enter();
        input.Clamp_(min: 0);
        if (trace.Exit()) OpTrace.RecordInPlace("relu", input);
        return input;
    }

    /// <summary>x for x &gt; 0, negativeSlope * x otherwise (<c>F.leaky_relu</c>).</summary>
    public static Tensor LeakyRelu(Tensor input, double negativeSlope = 0.01, bool inplace = false)
    {
        var trace = OpTrace.Enter();
        if (inplace)
        {
            input.Copy_(Tensor.Where(input.Gt(0.0), input, input * negativeSlope));
            if (trace.Exit()) OpTrace.RecordInPlace("leaky_relu", input, ("negative_slope", negativeSlope));
            return input;
        }
        var y = Named(Tensor.Where(input.Gt(0.0), input, input * negativeSlope), "LeakyReluBackward0");
        if (trace.Exit()) OpTrace.Record("leaky_relu", y, [input], ("negative_slope", negativeSlope));
        return y;
    }

    /// <summary>1 / (1 + e^-x) (<c>F.sigmoid</c>).</summary>
    public static Tensor Sigmoid(Tensor input) => input.Sigmoid();

    /// <summary>Hyperbolic tangent (<c>F.tanh</c>).</summary>
    public static Tensor Tanh(Tensor input) => input.Tanh();

    /// <summary>Softmax along <paramref name="dim"/> (<c>F.softmax</c>).</summary>
    public static Tensor Softmax(Tensor input, int dim) => input.Softmax(dim);

    /// <summary>Log-softmax along <paramref name="dim"/>, in the stable max-subtracted form (<c>F.log_softmax</c>).</summary>
    public static Tensor LogSoftmax(Tensor input, int dim) => input.LogSoftmax(dim);

    /// <summary>
    /// Softmax without an explicit dim, as old PyTorch code calls it (<c>F.softmax(x)</c>): dim 0 for 0-, 1- and 3-D
    /// input, dim 1 otherwise (PyTorch's implicit choice; it warns, and so should you pass a dim).
    /// </summary>
    public static Tensor Softmax(Tensor input) => input.Softmax(ImplicitDim(input));

    /// <summary>Log-softmax without an explicit dim (<c>F.log_softmax(x)</c>), with PyTorch's implicit dim (see <see cref="Softmax(Tensor)"/>).</summary>
    public static Tensor LogSoftmax(Tensor input) => input.LogSoftmax(ImplicitDim(input));

    private static int ImplicitDim(Tensor input) => input.NDim is 0 or 1 or 3 ? 0 : 1;

    /// <summary>x clipped to [minVal, maxVal] (<c>F.hardtanh</c>).</summary>
    public static Tensor Hardtanh(Tensor input, double minVal = -1, double maxVal = 1, bool inplace = false)
    {
        if (minVal > maxVal) throw new ArgumentException($"hardtanh: min_val ({minVal}) cannot be greater than max_val ({maxVal})");
        return inplace ? input.Clamp_(minVal, maxVal) : Named(input.Clamp(minVal, maxVal), "HardtanhBackward0");
    }

    /// <summary>x for x &gt; 0, alpha (e^x - 1) otherwise (<c>F.elu</c>).</summary>
    public static Tensor Elu(Tensor input, double alpha = 1, bool inplace = false)
    {
        var y = Tensor.Where(input.Gt(0.0), input, alpha * (input.ClampMax(0).Exp() - 1.0));
        return inplace ? input.Copy_(y) : Named(y, "EluBackward0");
    }

    /// <summary>
    /// Gaussian error linear unit x Φ(x) (<c>F.gelu</c>); <paramref name="approximate"/> "none" uses the exact
    /// erf form, "tanh" the tanh approximation.
    /// </summary>
    public static Tensor Gelu(Tensor input, string approximate = "none")
    {
        Tensor y;
        if (approximate == "tanh")
        {
            var inner = Math.Sqrt(2 / Math.PI) * (input + 0.044715 * input.Pow(3));
            y = 0.5 * input * (1.0 + inner.Tanh());
        }
        else if (approximate == "none") y = input * Phi(input);
        else throw new ArgumentException($"gelu: approximate must be 'none' or 'tanh', got '{approximate}'");
        return Named(y, "GeluBackward0");
    }

    /// <summary>
    /// Zeroes each element with probability <paramref name="p"/> and scales the rest by 1/(1-p) while
    /// training; the identity otherwise (<c>F.dropout</c>).
    /// </summary>
    public static Tensor Dropout(Tensor input, double p = 0.5, bool training = true, bool inplace = false, Generator? generator = null)
    {
        if (p < 0 || p > 1) throw new ArgumentException($"dropout: probability has to be between 0 and 1, but got {p}");
        if (!training || p == 0) return input;
        var keep = Tensor.RandLike(input.Detach(), generator).Ge(p);
        var y = p == 1 ? input * 0.0 : input * keep * (1.0 / (1 - p));
        return inplace ? input.Copy_(y) : y;
    }

    /// <summary>
    /// Channel-wise dropout (<c>F.dropout2d</c>): while training, zeroes each whole channel (each [H, W] plane of an
    /// [N, C, H, W] input) with probability <paramref name="p"/> and scales the kept ones by 1/(1-p); the identity
    /// otherwise. As in PyTorch 1.13, a 3-D input is read as [N, C, L] (one mask entry per (n, c)).
    /// </summary>
    /// <param name="input">[N, C, H, W] or [N, C, L].</param>
    /// <param name="p">Probability of zeroing a channel, in [0, 1].</param>
    /// <param name="training">Apply dropout (true) or return the input (false).</param>
    /// <param name="inplace">Overwrite the input with the result.</param>
    /// <param name="generator">Random source for the mask, or the default generator.</param>
    /// <exception cref="ArgumentException">p is outside [0, 1] or the input has fewer than 2 dims.</exception>
    public static Tensor Dropout2d(Tensor input, double p = 0.5, bool training = true, bool inplace = false, Generator? generator = null)
        => FeatureDropout("dropout2d", input, p, training, inplace, generator);

    /// <summary>
    /// Channel-wise dropout of [N, C, L] signals (<c>F.dropout1d</c>): zeroes whole channels with probability
    /// <paramref name="p"/> while training and scales the rest by 1/(1-p); an unbatched [C, L] input drops rows.
    /// </summary>
    /// <param name="input">[N, C, L] or [C, L].</param>
    /// <param name="p">Probability of zeroing a channel, in [0, 1].</param>
    /// <param name="training">Apply dropout (true) or return the input (false).</param>
    /// <param name="inplace">Overwrite the input with the result.</param>
    /// <param name="generator">Random source for the mask, or the default generator.</param>
    /// <exception cref="ArgumentException">p is outside [0, 1] or the input is not 2-D or 3-D.</exception>
    public static Tensor Dropout1d(Tensor input, double p = 0.5, bool training = true, bool inplace = false, Generator? generator = null)
    {
        if (input.NDim != 2 && input.NDim != 3)
            throw new ArgumentException($"dropout1d: expected 2D or 3D input, but got input of shape {Core.Shape.Format(input.Shape)}");
        if (input.NDim == 3) return FeatureDropout("dropout1d", input, p, training, inplace, generator);
        var y = FeatureDropout("dropout1d", input.Unsqueeze(0), p, training, false, generator).Squeeze(0);
        return inplace && training && p > 0 ? input.Copy_(y) : y;
    }

    /// <summary>Zeroes whole slices input[n, c, ...] at random: the mask has the input's first two sizes and broadcasts over the rest.</summary>
    private static Tensor FeatureDropout(string op, Tensor input, double p, bool training, bool inplace, Generator? generator)
    {
        if (p < 0 || p > 1) throw new ArgumentException($"{op}: dropout probability has to be between 0 and 1, but got {p}");
        if (input.NDim < 2)
            throw new ArgumentException($"{op}: expected an input with batch and channel dims, but got input of shape {Core.Shape.Format(input.Shape)}");
        if (!training || p == 0) return input;
        var maskShape = Enumerable.Repeat(1, input.NDim).ToArray();
        (maskShape[0], maskShape[1]) = (input.Size(0), input.Size(1));
        var keep = Tensor.Rand(maskShape, generator, input.DType).Ge(p);
        var y = p == 1 ? input * 0.0 : input * keep * (1.0 / (1 - p));
        return inplace ? input.Copy_(y) : y;
    }

    /// <summary>
    /// int64 class indices to one-hot rows (<c>F.one_hot</c>): a tensor of shape [..., numClasses] with a 1 at each
    /// index. numClasses = -1 takes max(index) + 1.
    /// </summary>
    public static Tensor OneHot(Tensor tensor, int numClasses = -1)
    {
        if (tensor.DType != DType.Int64)
            throw new ArgumentException($"one_hot: one_hot is only applicable to index tensor (int64), got {tensor.DType.TorchName()}");
        if (tensor.Numel() == 0 && numClasses < 0)
            throw new ArgumentException("one_hot: can not infer total number of classes from empty tensor");
        if (tensor.Numel() > 0)
        {
            long min = tensor.Min().Item<long>(), max = tensor.Max().Item<long>();
            if (min < 0) throw new ArgumentException($"one_hot: class values must be non-negative, got {min}");
            if (numClasses < 0) numClasses = checked((int)max + 1);
            else if (max >= numClasses) throw new ArgumentException($"one_hot: class value {max} is out of range for {numClasses} classes");
        }
        return tensor.Unsqueeze(-1).Eq(Tensor.Arange(numClasses)).Long();
    }

    /// <summary>The standard normal CDF Φ(x) = (1 + erf(x / sqrt 2)) / 2, built from tensor ops.</summary>
    private static Tensor Phi(Tensor x)
    {
        // erfc(|z|) by the Chebyshev-fitted exponential form (fractional error below 1.2e-7 everywhere).
        var z = x / Math.Sqrt(2);
        var t = 1.0 / (1.0 + 0.5 * z.Abs());
        var poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
                   t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
        var erfcAbs = t * poly.Exp();
        var erf = Tensor.Where(z.Ge(0.0), 1.0 - erfcAbs, erfcAbs - 1.0);
        return 0.5 * (1.0 + erf);
    }

    /// <summary>
    /// Gives a composite result the backward name PyTorch shows for the fused op (e.g. MseLossBackward0): a
    /// pass-through node on top of the composite graph, sharing the result's storage.
    /// </summary>
    internal static Tensor Named(Tensor composite, string name)
        => composite.RequiresGrad ? Tensor.Record(composite.Detach(), new Tensor.PassBackward(name), composite) : composite;
}
