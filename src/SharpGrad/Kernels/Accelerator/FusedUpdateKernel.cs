using System.Numerics;
using ILGPU;

namespace SharpGrad.Kernels.Accelerator;

/// <summary>Which optimizer rule <see cref="FusedUpdateKernel"/> applies.</summary>
internal enum FusedRuleKind { Sgd, Adam, RMSprop, Adagrad }

/// <summary>
/// An optimizer step's rule for the device: the kind, its scalars already rounded to the element type (as the CPU's
/// <c>FusedUpdates.Scalar</c> rounds them), and its switches. Built by each <c>IFusedUpdate</c> from its arguments.
/// </summary>
internal struct FusedRule<T> where T : unmanaged
{
    public int Kind, Flags;
    public T S0, S1, S2, S3, S4, S5, S6, S7;
}

/// <summary>The switches of a <see cref="FusedRule{T}"/>.</summary>
internal static class FusedFlags
{
    public const int Decay = 1, Maximize = 2, Momentum = 4, Dampened = 8, Nesterov = 16, FirstStep = 32, Shrinks = 64, Amsgrad = 128, Centered = 256;
}

/// <summary>Element offsets of the five operands of a fused update, and which of the optional ones (2 to 4) are present.</summary>
internal struct FusedOperands
{
    public long O0, O1, O2, O3, O4;
}

/// <summary>
/// The optimizers' fused updates on the device, one thread per element, the same arithmetic in the same order as the
/// CPU's <c>IFusedUpdate</c> rules: operand 0 is the parameter, 1 the gradient, 2 to 4 the state buffers.
/// </summary>
internal static class FusedUpdateKernel
{
    public static void Run<T>(Index1D i, ArrayView<T> x0, ArrayView<T> x1, ArrayView<T> x2, ArrayView<T> x3, ArrayView<T> x4, FusedRule<T> r, FusedOperands o)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T p = x0[o.O0 + i], grad = x1[o.O1 + i];
        bool maximize = (r.Flags & FusedFlags.Maximize) != 0;
        switch ((FusedRuleKind)r.Kind)
        {
            case FusedRuleKind.Sgd:
            {
                T d = Decayed(p, grad, r.S3, r.Flags, maximize);
                if ((r.Flags & FusedFlags.Momentum) != 0)
                {
                    T buf = x2[o.O2 + i];
                    if ((r.Flags & FusedFlags.FirstStep) != 0) buf = d;
                    else buf = (r.Flags & FusedFlags.Dampened) != 0 ? buf * r.S1 + d * r.S2 : buf * r.S1 + d;
                    x2[o.O2 + i] = buf;
                    d = (r.Flags & FusedFlags.Nesterov) != 0 ? buf * r.S1 + d : buf;
                }
                p -= d * r.S0;
                break;
            }
            case FusedRuleKind.Adam:
            {
                if ((r.Flags & FusedFlags.Shrinks) != 0) p *= r.S0;
                T g = Decayed(p, grad, r.S1, r.Flags, maximize);
                T m = (x2[o.O2 + i] - g) * r.S2 + g;
                T v = x3[o.O3 + i] * r.S3 + g * g * r.S4;
                x2[o.O2 + i] = m;
                x3[o.O3 + i] = v;
                T second = v;
                if ((r.Flags & FusedFlags.Amsgrad) != 0)
                {
                    T vMax = x4[o.O4 + i];
                    second = T.IsNaN(vMax) || T.IsNaN(v) ? vMax + v : vMax > v ? vMax : v;
                    x4[o.O4 + i] = second;
                }
                T denom = T.Sqrt(second) / r.S6 + r.S5;
                p -= m / denom * r.S7;
                break;
            }
            case FusedRuleKind.RMSprop:
            {
                T g = Decayed(p, grad, r.S4, r.Flags, maximize);
                T squareAvg = x2[o.O2 + i] * r.S1 + g * g * r.S2;
                x2[o.O2 + i] = squareAvg;
                T avg;
                if ((r.Flags & FusedFlags.Centered) != 0)
                {
                    T gradAvg = (x3[o.O3 + i] - g) * r.S1 + g;
                    x3[o.O3 + i] = gradAvg;
                    avg = T.Sqrt(gradAvg * gradAvg * -T.One + squareAvg);
                }
                else avg = T.Sqrt(squareAvg);
                T s = g / (avg + r.S3);
                if ((r.Flags & FusedFlags.Momentum) != 0)
                {
                    s = x4[o.O4 + i] * r.S5 + s;
                    x4[o.O4 + i] = s;
                }
                p -= s * r.S0;
                break;
            }
            default:
            {
                T g = Decayed(p, grad, r.S2, r.Flags, maximize);
                T sum = x2[o.O2 + i] + g * g;
                x2[o.O2 + i] = sum;
                p -= g / (T.Sqrt(sum) + r.S1) * r.S0;
                break;
            }
        }
        x0[o.O0 + i] = p;
    }

    private static T Decayed<T>(T p, T grad, T weightDecay, int flags, bool maximize) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if ((flags & FusedFlags.Decay) != 0) return maximize ? p * weightDecay - grad : p * weightDecay + grad;
        return maximize ? grad * -T.One : grad;
    }
}
