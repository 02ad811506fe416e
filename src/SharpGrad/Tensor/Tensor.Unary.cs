using System.Runtime.CompilerServices;
using SharpGrad.Graph;
using SharpGrad.Kernels;

namespace SharpGrad;

public partial class Tensor
{
    /// <summary>Negation (<c>torch.neg</c>, <c>-x</c>).</summary>
    public Tensor Neg() => Unary(UnaryKind.Neg, "NegBackward0", (g, x, y) => -g, saveInput: false);

    /// <summary>Absolute value (<c>torch.abs</c>).</summary>
    public Tensor Abs() => Unary(UnaryKind.Abs, "AbsBackward0", (g, x, y) => g * x!.Sign());

    /// <summary>e to the power of each element (<c>torch.exp</c>).</summary>
    public Tensor Exp() => Unary(UnaryKind.Exp, "ExpBackward0", (g, x, y) => g * y!, saveInput: false, saveResult: true);

    /// <summary>Natural logarithm (<c>torch.log</c>).</summary>
    public Tensor Log() => Unary(UnaryKind.Log, "LogBackward0", (g, x, y) => g / x!);

    /// <summary>Base-2 logarithm (<c>torch.log2</c>).</summary>
    public Tensor Log2() => Unary(UnaryKind.Log2, "Log2Backward0", (g, x, y) => g / (x! * Math.Log(2)));

    /// <summary>Square root (<c>torch.sqrt</c>).</summary>
    public Tensor Sqrt() => Unary(UnaryKind.Sqrt, "SqrtBackward0", (g, x, y) => g / (2.0 * y!), saveInput: false, saveResult: true);

    /// <summary>Sine (<c>torch.sin</c>).</summary>
    public Tensor Sin() => Unary(UnaryKind.Sin, "SinBackward0", (g, x, y) => g * x!.Cos());

    /// <summary>Cosine (<c>torch.cos</c>).</summary>
    public Tensor Cos() => Unary(UnaryKind.Cos, "CosBackward0", (g, x, y) => -g * x!.Sin());

    /// <summary>Hyperbolic tangent (<c>torch.tanh</c>).</summary>
    public Tensor Tanh() => Unary(UnaryKind.Tanh, "TanhBackward0", (g, x, y) => g * (1.0 - y! * y!), saveInput: false, saveResult: true);

    /// <summary>Logistic sigmoid 1 / (1 + e^-x) (<c>torch.sigmoid</c>).</summary>
    public Tensor Sigmoid() => Unary(UnaryKind.Sigmoid, "SigmoidBackward0", (g, x, y) => g * y! * (1.0 - y!), saveInput: false, saveResult: true);

    /// <summary>max(x, 0) (<c>torch.relu</c>).</summary>
    public Tensor Relu() => Unary(UnaryKind.Relu, "ReluBackward0", (g, x, y) => ReluGrad(g, y!), saveInput: false, saveResult: true);

    /// <summary>-1, 0 or 1 by the sign of each element; its gradient is zero (<c>torch.sign</c>).</summary>
    public Tensor Sign() => Unary(UnaryKind.Sign, "SignBackward0", (g, x, y) => ZerosLike(g), saveInput: false);

    /// <summary>Applies a kernel and, when recording, a backward rule written with tensor ops.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Tensor Unary(UnaryKind kind, string name, Func<Tensor, Tensor?, Tensor?, Tensor> backward, bool saveInput = true, bool saveResult = false)
    {
        var trace = OpTrace.Enter();
        var x = this;
        if (DType == DType.Bool) x = x.CastRaw(DType.Int64);
        if (Dispatch.IsFloatOnly(kind) && !x.DType.IsFloatingPoint()) x = x.CastRaw(DType.Float32);
        var y = AllocForOverwrite(Layout.Sizes, x.DType, x.Device);
        Dispatch.Unary(kind, x.Storage, x.Layout, y.Storage, y.Layout);
        if (trace.Exit()) OpTrace.Record(kind.ToString().ToLowerInvariant(), y, [this]);
        if (!NeedsGrad(this)) return y;
        return Record(y, new UnaryBackward(name, backward, saveInput ? this : null, saveResult ? y : null), this);
    }

    private sealed class UnaryBackward : Node
    {
        private readonly string _name;
        private readonly Func<Tensor, Tensor?, Tensor?, Tensor> _rule;
        private SavedTensor _x, _y;
        private readonly bool _hasX, _hasY;

        public UnaryBackward(string name, Func<Tensor, Tensor?, Tensor?, Tensor> rule, Tensor? x, Tensor? y)
        {
            (_name, _rule) = (name, rule);
            if (x is not null) { _x = new SavedTensor(x); _hasX = true; }
            if (y is not null) { _y = new SavedTensor(y); _hasY = true; }
        }

        public override string Name => _name;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        protected internal override Tensor?[] Backward(Tensor g)
        {
            ThrowIfReleased();
            var x = _hasX ? _x.Unpack(this, "self") : null;
            var y = _hasY ? _y.Unpack(this, "result") : null;
            return [_rule(g, x, y)];
        }

        protected internal override void ReleaseSaved() { _x.Release(); _y.Release(); }
    }
}
