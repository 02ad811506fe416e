using System.Numerics;
using System.Runtime.CompilerServices;
using Rule = SharpGrad.Kernels.Accelerator.FusedFlags;

namespace SharpGrad.Optim;

/// <summary>
/// The optimizers' update rules as single-pass element-wise kernels (run by <c>Tensor.FusedUpdate_</c>): one read of
/// the parameter, its gradient and its state, one write of each, no temporary tensors. Each formula performs the same
/// floating-point operations in the same order (hyper-parameters rounded to the element type first, as a 0-d tensor
/// of that dtype holds them) as the composition of tensor ops it replaced, so results are unchanged; there is no fused
/// multiply-add. Operands: 0 the parameter θ, 1 its gradient ∇, 2 to 4 the state buffers each kernel names.
/// </summary>
internal static class FusedUpdates
{
    /// <summary>True for a float64 parameter, false for float32; other dtypes cannot be optimized.</summary>
    public static bool IsFloat64(string op, Tensor p) => p.DType switch
    {
        DType.Float64 => true,
        DType.Float32 => false,
        _ => throw new ArgumentException($"{op}: parameters must be float32 or float64, got a {p.DType.TorchName()} parameter of shape {Core.Shape.Format(p.Shape)}"),
    };

    /// <summary>The scalar <paramref name="value"/> rounded to the element type.</summary>
    public static Vector<T> Scalar<T>(double value) where T : unmanaged, IFloatingPointIeee754<T>
        => new(typeof(T) == typeof(float) ? T.CreateTruncating((float)value) : T.CreateTruncating(value));

    /// <summary>g, −g (maximize), λθ + g or λθ − g (L2 weight decay): the gradient the rules use, as DecayedGradient computed it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Decayed<T>(Vector<T> p, Vector<T> grad, Vector<T> weightDecay, bool decay, bool maximize)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (decay) return maximize ? p * weightDecay - grad : p * weightDecay + grad;
        return maximize ? grad * -Vector<T>.One : grad;
    }

    /// <summary>The device rule's switches for L2 decay and maximize.</summary>
    public static int Flags(bool decay, bool maximize) => (decay ? Rule.Decay : 0) | (maximize ? Rule.Maximize : 0);

    /// <summary>The element-wise maximum, NaN when either is NaN (<c>torch.maximum</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Maximum<T>(Vector<T> a, Vector<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var nan = ~(Vector.Equals(a, a) & Vector.Equals(b, b));
        return Vector.ConditionalSelect(nan, a + b, Vector.Max(a, b));
    }
}

/// <summary>SGD (see <see cref="SGD"/>): operand 2 is "momentum_buffer" when momentum ≠ 0.</summary>
internal readonly struct SgdUpdate<T>(double lr, double momentum, double dampening, double weightDecay, bool nesterov, bool maximize, bool firstStep)
    : IFusedUpdate<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Vector<T> _lr = FusedUpdates.Scalar<T>(lr), _momentum = FusedUpdates.Scalar<T>(momentum);
    private readonly Vector<T> _keep = FusedUpdates.Scalar<T>(1 - dampening), _weightDecay = FusedUpdates.Scalar<T>(weightDecay);
    private readonly bool _useMomentum = momentum != 0, _dampened = dampening != 0, _decay = weightDecay != 0;

    /// <inheritdoc/>
    public Kernels.Accelerator.FusedRule<T> DeviceRule => new()
    {
        Kind = (int)Kernels.Accelerator.FusedRuleKind.Sgd,
        Flags = FusedUpdates.Flags(_decay, maximize) | (_useMomentum ? Rule.Momentum : 0) | (_dampened ? Rule.Dampened : 0)
            | (nesterov ? Rule.Nesterov : 0) | (firstStep ? Rule.FirstStep : 0),
        S0 = _lr[0], S1 = _momentum[0], S2 = _keep[0], S3 = _weightDecay[0],
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(ref Vector<T> p, Vector<T> grad, ref Vector<T> buf, ref Vector<T> unused3, ref Vector<T> unused4)
    {
        var d = FusedUpdates.Decayed(p, grad, _weightDecay, _decay, maximize);
        if (_useMomentum)
        {
            if (firstStep) buf = d;
            else buf = _dampened ? buf * _momentum + d * _keep : buf * _momentum + d;
            d = nesterov ? buf * _momentum + d : buf;
        }
        p -= d * _lr;
    }
}

/// <summary>
/// Adam and AdamW (see <see cref="Adam"/>, <see cref="AdamW"/>): operands 2, 3, 4 are "exp_avg", "exp_avg_sq" and
/// (AMSGrad) "max_exp_avg_sq". <paramref name="shrink"/> is AdamW's decoupled factor 1 − γλ (1 for none);
/// <paramref name="weightDecay"/> is Adam's L2 term (0 for AdamW).
/// </summary>
internal readonly struct AdamUpdate<T>(double shrink, double weightDecay, double beta1, double beta2, double eps, double step,
    double lr, bool amsgrad, bool maximize) : IFusedUpdate<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Vector<T> _shrink = FusedUpdates.Scalar<T>(shrink), _weightDecay = FusedUpdates.Scalar<T>(weightDecay);
    private readonly Vector<T> _beta1 = FusedUpdates.Scalar<T>(beta1), _beta2 = FusedUpdates.Scalar<T>(beta2);
    private readonly Vector<T> _oneMinusBeta2 = FusedUpdates.Scalar<T>(1 - beta2), _eps = FusedUpdates.Scalar<T>(eps);
    private readonly Vector<T> _rootCorrection2 = FusedUpdates.Scalar<T>(Math.Sqrt(1 - Math.Pow(beta2, step)));
    private readonly Vector<T> _stepSize = FusedUpdates.Scalar<T>(lr / (1 - Math.Pow(beta1, step)));
    private readonly bool _shrinks = shrink != 1, _decay = weightDecay != 0;

    /// <inheritdoc/>
    public Kernels.Accelerator.FusedRule<T> DeviceRule => new()
    {
        Kind = (int)Kernels.Accelerator.FusedRuleKind.Adam,
        Flags = FusedUpdates.Flags(_decay, maximize) | (_shrinks ? Rule.Shrinks : 0) | (amsgrad ? Rule.Amsgrad : 0),
        S0 = _shrink[0], S1 = _weightDecay[0], S2 = _beta1[0], S3 = _beta2[0], S4 = _oneMinusBeta2[0], S5 = _eps[0], S6 = _rootCorrection2[0], S7 = _stepSize[0],
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(ref Vector<T> p, Vector<T> grad, ref Vector<T> m, ref Vector<T> v, ref Vector<T> vMax)
    {
        if (_shrinks) p *= _shrink;
        var g = FusedUpdates.Decayed(p, grad, _weightDecay, _decay, maximize);
        m = (m - g) * _beta1 + g; // β₁m + (1 − β₁)g as a move of m toward g
        v = v * _beta2 + g * g * _oneMinusBeta2;
        var second = v;
        if (amsgrad) second = vMax = FusedUpdates.Maximum(vMax, v);
        var denom = Vector.SquareRoot(second) / _rootCorrection2 + _eps;
        p -= m / denom * _stepSize;
    }
}

/// <summary>RMSprop (see <see cref="RMSprop"/>): operands 2, 3, 4 are "square_avg", "grad_avg" (centered) and "momentum_buffer" (momentum &gt; 0).</summary>
internal readonly struct RMSpropUpdate<T>(double lr, double alpha, double eps, double weightDecay, double momentum, bool centered, bool maximize)
    : IFusedUpdate<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Vector<T> _lr = FusedUpdates.Scalar<T>(lr), _alpha = FusedUpdates.Scalar<T>(alpha);
    private readonly Vector<T> _oneMinusAlpha = FusedUpdates.Scalar<T>(1 - alpha), _eps = FusedUpdates.Scalar<T>(eps);
    private readonly Vector<T> _weightDecay = FusedUpdates.Scalar<T>(weightDecay), _momentum = FusedUpdates.Scalar<T>(momentum);
    private readonly bool _decay = weightDecay != 0, _useMomentum = momentum > 0;

    /// <inheritdoc/>
    public Kernels.Accelerator.FusedRule<T> DeviceRule => new()
    {
        Kind = (int)Kernels.Accelerator.FusedRuleKind.RMSprop,
        Flags = FusedUpdates.Flags(_decay, maximize) | (_useMomentum ? Rule.Momentum : 0) | (centered ? Rule.Centered : 0),
        S0 = _lr[0], S1 = _alpha[0], S2 = _oneMinusAlpha[0], S3 = _eps[0], S4 = _weightDecay[0], S5 = _momentum[0],
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(ref Vector<T> p, Vector<T> grad, ref Vector<T> squareAvg, ref Vector<T> gradAvg, ref Vector<T> buf)
    {
        var g = FusedUpdates.Decayed(p, grad, _weightDecay, _decay, maximize);
        squareAvg = squareAvg * _alpha + g * g * _oneMinusAlpha;
        Vector<T> avg;
        if (centered)
        {
            gradAvg = (gradAvg - g) * _alpha + g; // αa + (1 − α)g as a move of a toward g
            avg = Vector.SquareRoot(gradAvg * gradAvg * -Vector<T>.One + squareAvg);
        }
        else avg = Vector.SquareRoot(squareAvg);
        var s = g / (avg + _eps);
        if (_useMomentum) s = buf = buf * _momentum + s;
        p -= s * _lr;
    }
}

/// <summary>Adagrad (see <see cref="Adagrad"/>): operand 2 is "sum"; <paramref name="clr"/> is the decayed learning rate γ̃.</summary>
internal readonly struct AdagradUpdate<T>(double clr, double eps, double weightDecay, bool maximize)
    : IFusedUpdate<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Vector<T> _clr = FusedUpdates.Scalar<T>(clr), _eps = FusedUpdates.Scalar<T>(eps);
    private readonly Vector<T> _weightDecay = FusedUpdates.Scalar<T>(weightDecay);
    private readonly bool _decay = weightDecay != 0;

    /// <inheritdoc/>
    public Kernels.Accelerator.FusedRule<T> DeviceRule => new()
    {
        Kind = (int)Kernels.Accelerator.FusedRuleKind.Adagrad,
        Flags = FusedUpdates.Flags(_decay, maximize),
        S0 = _clr[0], S1 = _eps[0], S2 = _weightDecay[0],
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(ref Vector<T> p, Vector<T> grad, ref Vector<T> sum, ref Vector<T> unused3, ref Vector<T> unused4)
    {
        var g = FusedUpdates.Decayed(p, grad, _weightDecay, _decay, maximize);
        sum += g * g;
        p -= g / (Vector.SquareRoot(sum) + _eps) * _clr;
    }
}
