using System.Runtime.CompilerServices;
using SharpGrad.Graph;
using SharpGrad.Core;
using SharpGrad.Kernels;

namespace SharpGrad;

public partial class Tensor
{
    /// <summary>Element-wise sum with broadcasting (<c>torch.add</c>, <c>a + b</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Tensor Add(Tensor other)
    {
        var trace = OpTrace.Enter();
        var y = BinaryForward(BinaryKind.Add, "add", this, other);
        if (trace.Exit()) OpTrace.Record("add", y, [this, other]);
        return NeedsGrad(this, other) ? Record(y, new AddBackward0("AddBackward0", Layout.Sizes, other.Layout.Sizes, 1), this, other) : y;
    }

    /// <summary>Element-wise difference with broadcasting (<c>torch.sub</c>, <c>a - b</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Tensor Sub(Tensor other)
    {
        var trace = OpTrace.Enter();
        var y = BinaryForward(BinaryKind.Sub, "sub", this, other);
        if (trace.Exit()) OpTrace.Record("sub", y, [this, other]);
        return NeedsGrad(this, other) ? Record(y, new AddBackward0("SubBackward0", Layout.Sizes, other.Layout.Sizes, -1), this, other) : y;
    }

    /// <summary>Element-wise product with broadcasting (<c>torch.mul</c>, <c>a * b</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Tensor Mul(Tensor other)
    {
        var trace = OpTrace.Enter();
        var y = BinaryForward(BinaryKind.Mul, "mul", this, other);
        if (trace.Exit()) OpTrace.Record("mul", y, [this, other]);
        return NeedsGrad(this, other) ? Record(y, new MulBackward0(this, other), this, other) : y;
    }

    /// <summary>Element-wise true division with broadcasting; integers give float32 (<c>torch.div</c>, <c>a / b</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Tensor Div(Tensor other)
    {
        var trace = OpTrace.Enter();
        var y = BinaryForward(BinaryKind.Div, "div", this, other);
        if (trace.Exit()) OpTrace.Record("div", y, [this, other]);
        return NeedsGrad(this, other) ? Record(y, new DivBackward0(this, other), this, other) : y;
    }

    /// <summary>Element-wise power with a tensor exponent (<c>torch.pow(x, t)</c>, <c>x ** t</c>).</summary>
    public Tensor Pow(Tensor exponent)
    {
        var trace = OpTrace.Enter();
        var y = BinaryForward(BinaryKind.Pow, "pow", this, exponent);
        if (trace.Exit()) OpTrace.Record("pow", y, [this, exponent]);
        return NeedsGrad(this, exponent) ? Record(y, new PowBackward1(this, exponent, y), this, exponent) : y;
    }

    /// <summary>Element-wise power with a scalar exponent (<c>x ** p</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Tensor Pow(double exponent)
    {
        var trace = OpTrace.Enter();
        var e = NumberLike(exponent, this);
        var y = BinaryForward(BinaryKind.Pow, "pow", this, e);
        if (trace.Exit()) OpTrace.Record("pow", y, [this, e]);
        return NeedsGrad(this) ? Record(y, new PowBackward0(this, exponent), this) : y;
    }

    /// <summary>Element-wise maximum of two tensors, NaN propagating (<c>torch.maximum</c>; <c>torch.max(a, b)</c>).</summary>
    public Tensor Maximum(Tensor other)
    {
        var trace = OpTrace.Enter();
        var y = BinaryForward(BinaryKind.Maximum, "maximum", this, other);
        if (trace.Exit()) OpTrace.Record("maximum", y, [this, other]);
        return NeedsGrad(this, other) ? Record(y, new MinMaxBackward("MaximumBackward0", this, other, true), this, other) : y;
    }

    /// <summary>Element-wise minimum of two tensors, NaN propagating (<c>torch.minimum</c>; <c>torch.min(a, b)</c>).</summary>
    public Tensor Minimum(Tensor other)
    {
        var trace = OpTrace.Enter();
        var y = BinaryForward(BinaryKind.Minimum, "minimum", this, other);
        if (trace.Exit()) OpTrace.Record("minimum", y, [this, other]);
        return NeedsGrad(this, other) ? Record(y, new MinMaxBackward("MinimumBackward0", this, other, false), this, other) : y;
    }

    /// <summary>Adds a scalar (<c>x + s</c>).</summary>
    public Tensor Add(double other) => Add(ScalarLike(other, this));

    /// <summary>Subtracts a scalar (<c>x - s</c>).</summary>
    public Tensor Sub(double other) => Sub(ScalarLike(other, this));

    /// <summary>Multiplies by a scalar (<c>x * s</c>).</summary>
    public Tensor Mul(double other) => Mul(ScalarLike(other, this));

    /// <summary>Divides by a scalar (<c>x / s</c>).</summary>
    public Tensor Div(double other) => Div(ScalarLike(other, this));

    /// <summary>Element-wise square (<c>torch.square</c>).</summary>
    public Tensor Square() => Pow(2);

    /// <summary>Sum (<c>a + b</c>).</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    /// <summary>Difference (<c>a - b</c>).</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    /// <summary>Product (<c>a * b</c>).</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    /// <summary>True division (<c>a / b</c>).</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    /// <summary>Negation (<c>-a</c>).</summary>
    public static Tensor operator -(Tensor a) => a.Neg();

    /// <summary>Tensor plus a float scalar.</summary>
    public static Tensor operator +(Tensor a, double s) => a.Add(ScalarLike(s, a));
    /// <summary>Float scalar plus a tensor.</summary>
    public static Tensor operator +(double s, Tensor a) => ScalarLike(s, a).Add(a);
    /// <summary>Tensor minus a float scalar.</summary>
    public static Tensor operator -(Tensor a, double s) => a.Sub(ScalarLike(s, a));
    /// <summary>Float scalar minus a tensor.</summary>
    public static Tensor operator -(double s, Tensor a) => ScalarLike(s, a).Sub(a);
    /// <summary>Tensor times a float scalar.</summary>
    public static Tensor operator *(Tensor a, double s) => a.Mul(ScalarLike(s, a));
    /// <summary>Float scalar times a tensor.</summary>
    public static Tensor operator *(double s, Tensor a) => ScalarLike(s, a).Mul(a);
    /// <summary>Tensor divided by a float scalar.</summary>
    public static Tensor operator /(Tensor a, double s) => a.Div(ScalarLike(s, a));
    /// <summary>Float scalar divided by a tensor.</summary>
    public static Tensor operator /(double s, Tensor a) => ScalarLike(s, a).Div(a);

    /// <summary>Tensor plus an integer scalar (keeps an int64 tensor int64).</summary>
    public static Tensor operator +(Tensor a, long s) => a.Add(IntScalarLike(s, a));
    /// <summary>Integer scalar plus a tensor.</summary>
    public static Tensor operator +(long s, Tensor a) => IntScalarLike(s, a).Add(a);
    /// <summary>Tensor minus an integer scalar.</summary>
    public static Tensor operator -(Tensor a, long s) => a.Sub(IntScalarLike(s, a));
    /// <summary>Integer scalar minus a tensor.</summary>
    public static Tensor operator -(long s, Tensor a) => IntScalarLike(s, a).Sub(a);
    /// <summary>Tensor times an integer scalar.</summary>
    public static Tensor operator *(Tensor a, long s) => a.Mul(IntScalarLike(s, a));
    /// <summary>Integer scalar times a tensor.</summary>
    public static Tensor operator *(long s, Tensor a) => IntScalarLike(s, a).Mul(a);
    /// <summary>Tensor divided by an integer scalar (true division).</summary>
    public static Tensor operator /(Tensor a, long s) => a.Div(IntScalarLike(s, a));
    /// <summary>Integer scalar divided by a tensor (true division).</summary>
    public static Tensor operator /(long s, Tensor a) => IntScalarLike(s, a).Div(a);

    /// <summary>A 0-d tensor holding a float scalar, in the tensor's dtype when that is floating point, else float32.</summary>
    internal static Tensor ScalarLike(double value, Tensor like) => Scalar(value, like.DType.IsFloatingPoint() ? like.DType : DType.Float32);

    /// <summary>
    /// A 0-d tensor for a scalar that C# passes as a double: an integral value next to an integer or bool
    /// tensor stays an integer (as the Python int in <c>x ** 2</c> or <c>x.clamp(min=0)</c>), anything else is a float scalar.
    /// </summary>
    internal static Tensor NumberLike(double value, Tensor like)
        => !like.DType.IsFloatingPoint() && Math.Round(value) == value && Math.Abs(value) < 9e18
            ? IntScalarLike((long)value, like)
            : ScalarLike(value, like);

    /// <summary>A 0-d tensor holding an integer scalar, in the tensor's dtype (bool tensors give int64).</summary>
    internal static Tensor IntScalarLike(long value, Tensor like) => Scalar(value, like.DType == DType.Bool ? DType.Int64 : like.DType);

    /// <summary>A 0-d tensor holding <paramref name="value"/> converted to <paramref name="dtype"/> as <c>Full([], value, dtype)</c> does, built directly.</summary>
    internal static Tensor Scalar(double value, DType dtype)
    {
        var scalar = new Tensor(dtype switch
        {
            DType.Float32 => new Storage<float>([(float)value]),
            DType.Float64 => new Storage<double>([value]),
            DType.Int64 => new Storage<long>([ElementWise.Convert<double, long>(value)]),
            _ => new Storage<bool>([value != 0]),
        }, Layout.Scalar);
        if (OpTrace.IsTracing) OpTrace.OnConstant(scalar);
        return scalar;
    }

    /// <summary>
    /// The dtype of a binary op's result: PyTorch promotion, where a 0-d operand does not widen a
    /// dimensioned one of the same kind (float32 tensor + float64 scalar stays float32), but one of a
    /// higher kind decides the type (int64 or bool tensor * float64 0-d tensor is float64). Plain
    /// .NET scalars arrive as float32 0-d tensors for non-float tensors (<see cref="ScalarLike"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static DType ResultType(Tensor a, Tensor b)
    {
        bool aScalar = a.NDim == 0, bScalar = b.NDim == 0;
        if (aScalar != bScalar)
        {
            var (dim, scalar) = aScalar ? (b.DType, a.DType) : (a.DType, b.DType);
            bool sameKind = dim.IsFloatingPoint() == scalar.IsFloatingPoint() && (dim == DType.Bool) == (scalar == DType.Bool);
            // A 0-d operand of a higher kind decides (int64 tensor + float64 0-d tensor is float64); Python-number
            // scalars arrive here already as 0-d tensors of the default dtype (see ScalarLike).
            return sameKind || DTypeInfo.Promote(dim, scalar) == dim ? dim : scalar;
        }
        return DTypeInfo.Promote(a.DType, b.DType);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Tensor BinaryForward(BinaryKind kind, string op, Tensor a, Tensor b)
    {
        var dtype = ResultType(a, b);
        if (dtype == DType.Bool) dtype = DType.Int64;
        if (kind == BinaryKind.Div && !dtype.IsFloatingPoint()) dtype = DType.Float32;
        var shape = Core.Shape.Broadcast(op, a.Layout.Sizes, b.Layout.Sizes);
        var device = DeviceOf(op, a, b);
        var ac = a.CastRaw(dtype);
        var bc = b.CastRaw(dtype);
        var y = AllocLikeForOverwrite(shape, dtype, a.Layout, b.Layout, device);
        Dispatch.Binary(kind, ac.Storage, ac.Layout.BroadcastTo(shape), bc.Storage, bc.Layout.BroadcastTo(shape), y.Storage, y.Layout);
        return y;
    }

    private sealed class AddBackward0(string name, int[] aShape, int[] bShape, double bSign) : Node
    {
        public override string Name => name;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        protected internal override Tensor?[] Backward(Tensor g) =>
        [
            NeedsInputGrad(0) ? g.SumToSize(aShape) : null,
            NeedsInputGrad(1) ? (bSign < 0 ? -g : g).SumToSize(bShape) : null,
        ];
    }

    private sealed class MulBackward0 : Node
    {
        private SavedTensor _a, _b;
        private readonly int[] _aShape, _bShape;

        public MulBackward0(Tensor a, Tensor b)
        {
            if (b.RequiresGrad) _a = new SavedTensor(a);
            if (a.RequiresGrad) _b = new SavedTensor(b);
            (_aShape, _bShape) = (a.Layout.Sizes, b.Layout.Sizes);
        }

        public override string Name => "MulBackward0";

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        protected internal override Tensor?[] Backward(Tensor g)
        {
            Tensor? ga = null, gb = null;
            if (NeedsInputGrad(0))
            {
                var b = _b.Unpack(this, "other");
                ga = SumOfProductsTo(g, b, _aShape) ?? (g * b).SumToSize(_aShape);
            }
            if (NeedsInputGrad(1))
            {
                var a = _a.Unpack(this, "self");
                gb = SumOfProductsTo(g, a, _bShape) ?? (g * a).SumToSize(_bShape);
            }
            return [ga, gb];
        }

        protected internal override void ReleaseSaved() { _a.Release(); _b.Release(); }
    }

    /// <summary>
    /// <c>(g * other).SumToSize(shape)</c> for a one-element <paramref name="shape"/> (the gradient of a scalar factor,
    /// as in <c>w * x</c> with a 0-d <c>w</c>), computed without the product tensor and with the same bits; null when
    /// the composite must run: while recording (higher-order gradients), or for broadcasting, mixed dtypes or strides.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Tensor? SumOfProductsTo(Tensor g, Tensor other, int[] shape)
    {
        if (GradMode.IsEnabled || shape.Length > g.NDim || g.DType != other.DType || !g.DType.IsFloatingPoint()) return null;
        foreach (int s in shape) if (s != 1) return null;
        if (g.Layout.Numel < 2 || !SameSizes(g.Layout.Sizes, other.Layout.Sizes)) return null;
        if (Dispatch.SumOfProducts(g.Storage, g.Layout, other.Storage, other.Layout) is not double sum) return null;
        var scalar = Scalar(sum, g.DType);
        return shape.Length == 0 ? scalar : scalar.WithLayout(Layout.Contiguous(shape));
    }

    private sealed class DivBackward0(Tensor a, Tensor b) : Node
    {
        // self is needed only for the divisor's gradient (as in PyTorch, so changing it when only it requires grad is fine).
        private SavedTensor _a = b.RequiresGrad ? new(a) : default, _b = new(b);
        private readonly int[] _aShape = a.Layout.Sizes, _bShape = b.Layout.Sizes;

        public override string Name => "DivBackward0";

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        protected internal override Tensor?[] Backward(Tensor g)
        {
            var b = _b.Unpack(this, "other");
            return
            [
                NeedsInputGrad(0) ? (g / b).SumToSize(_aShape) : null,
                NeedsInputGrad(1) ? (-g * _a.Unpack(this, "self") / (b * b)).SumToSize(_bShape) : null,
            ];
        }

        protected internal override void ReleaseSaved() { _a.Release(); _b.Release(); }
    }

    private sealed class PowBackward0(Tensor x, double exponent) : Node
    {
        private SavedTensor _x = new(x);

        public override string Name => "PowBackward0";

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        protected internal override Tensor?[] Backward(Tensor g)
        {
            if (exponent == 0) return [ZerosLike(g)];
            var x = _x.Unpack(this, "self");
            // x ** 1 is x exactly, so x ** 2 (Square) needs no second power.
            return [g * (exponent * (exponent == 2 ? x : x.Pow(exponent - 1)))];
        }

        protected internal override void ReleaseSaved() => _x.Release();
    }

    private sealed class PowBackward1(Tensor x, Tensor exponent, Tensor result) : Node
    {
        private SavedTensor _x = new(x), _e = new(exponent), _y = new(result);
        private readonly int[] _xShape = x.Layout.Sizes, _eShape = exponent.Layout.Sizes;

        public override string Name => "PowBackward1";

        protected internal override Tensor?[] Backward(Tensor g)
        {
            var x = _x.Unpack(this, "self");
            var e = _e.Unpack(this, "exponent");
            Tensor? gx = null, ge = null;
            if (NeedsInputGrad(0))
                gx = Where(e.Eq(0.0), ZerosLike(g), g * e * x.Pow(e - 1.0)).SumToSize(_xShape);
            if (NeedsInputGrad(1))
            {
                var y = _y.Unpack(this, "result");
                // d/de x^e = x^e log x; taken as 0 where x = 0 and e >= 0, as PyTorch does.
                var mask = x.Eq(0.0).LogicalAnd(e.Ge(0.0));
                ge = Where(mask, ZerosLike(g), g * y * x.Log()).SumToSize(_eShape);
            }
            return [gx, ge];
        }

        protected internal override void ReleaseSaved() { _x.Release(); _e.Release(); _y.Release(); }
    }

    /// <summary>Gradient of maximum(a, b) or minimum(a, b): to the winning input, split evenly on ties (as PyTorch).</summary>
    private sealed class MinMaxBackward(string name, Tensor a, Tensor b, bool isMax) : Node
    {
        private SavedTensor _a = new(a), _b = new(b);
        private readonly int[] _aShape = a.Layout.Sizes, _bShape = b.Layout.Sizes;

        public override string Name => name;

        protected internal override Tensor?[] Backward(Tensor g)
        {
            var a = _a.Unpack(this, "self");
            var b = _b.Unpack(this, "other");
            var tie = a.Eq(b) * 0.5;
            var ga = g * ((isMax ? a.Gt(b) : a.Lt(b)) + tie);
            var gb = g * ((isMax ? a.Lt(b) : a.Gt(b)) + tie);
            return [NeedsInputGrad(0) ? ga.SumToSize(_aShape) : null, NeedsInputGrad(1) ? gb.SumToSize(_bShape) : null];
        }

        protected internal override void ReleaseSaved() { _a.Release(); _b.Release(); }
    }
}
