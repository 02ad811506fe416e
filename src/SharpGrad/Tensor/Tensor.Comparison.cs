using System.Runtime.CompilerServices;
using SharpGrad.Graph;
using SharpGrad.Kernels;

namespace SharpGrad;

public partial class Tensor
{
    /// <summary>Element-wise a == b as a bool tensor (<c>torch.eq</c>).</summary>
    public Tensor Eq(Tensor other) => Compare(CompareKind.Eq, "eq", other);
    /// <summary>Element-wise a != b as a bool tensor (<c>torch.ne</c>).</summary>
    public Tensor Ne(Tensor other) => Compare(CompareKind.Ne, "ne", other);
    /// <summary>Element-wise a &lt; b as a bool tensor (<c>torch.lt</c>).</summary>
    public Tensor Lt(Tensor other) => Compare(CompareKind.Lt, "lt", other);
    /// <summary>Element-wise a &lt;= b as a bool tensor (<c>torch.le</c>).</summary>
    public Tensor Le(Tensor other) => Compare(CompareKind.Le, "le", other);
    /// <summary>Element-wise a &gt; b as a bool tensor (<c>torch.gt</c>).</summary>
    public Tensor Gt(Tensor other) => Compare(CompareKind.Gt, "gt", other);
    /// <summary>Element-wise a &gt;= b as a bool tensor (<c>torch.ge</c>).</summary>
    public Tensor Ge(Tensor other) => Compare(CompareKind.Ge, "ge", other);

    /// <summary>Element-wise x == s (<c>x == s</c>).</summary>
    public Tensor Eq(double other) => Eq(NumberLike(other, this));
    /// <summary>Element-wise x != s (<c>x != s</c>).</summary>
    public Tensor Ne(double other) => Ne(NumberLike(other, this));
    /// <summary>Element-wise x &lt; s (<c>x &lt; s</c>).</summary>
    public Tensor Lt(double other) => Lt(NumberLike(other, this));
    /// <summary>Element-wise x &lt;= s (<c>x &lt;= s</c>).</summary>
    public Tensor Le(double other) => Le(NumberLike(other, this));
    /// <summary>Element-wise x &gt; s (<c>x &gt; s</c>).</summary>
    public Tensor Gt(double other) => Gt(NumberLike(other, this));
    /// <summary>Element-wise x &gt;= s (<c>x &gt;= s</c>).</summary>
    public Tensor Ge(double other) => Ge(NumberLike(other, this));

    /// <summary>Element-wise less-than (<c>a &lt; b</c>).</summary>
    public static Tensor operator <(Tensor a, Tensor b) => a.Lt(b);
    /// <summary>Element-wise greater-than (<c>a &gt; b</c>).</summary>
    public static Tensor operator >(Tensor a, Tensor b) => a.Gt(b);
    /// <summary>Element-wise less-or-equal (<c>a &lt;= b</c>).</summary>
    public static Tensor operator <=(Tensor a, Tensor b) => a.Le(b);
    /// <summary>Element-wise greater-or-equal (<c>a &gt;= b</c>).</summary>
    public static Tensor operator >=(Tensor a, Tensor b) => a.Ge(b);
    /// <summary>Element-wise less-than a scalar.</summary>
    public static Tensor operator <(Tensor a, double s) => a.Lt(s);
    /// <summary>Element-wise greater-than a scalar.</summary>
    public static Tensor operator >(Tensor a, double s) => a.Gt(s);
    /// <summary>Element-wise less-or-equal a scalar.</summary>
    public static Tensor operator <=(Tensor a, double s) => a.Le(s);
    /// <summary>Element-wise greater-or-equal a scalar.</summary>
    public static Tensor operator >=(Tensor a, double s) => a.Ge(s);

    /// <summary>Element-wise logical and of two tensors read as bools (<c>torch.logical_and</c>).</summary>
    public Tensor LogicalAnd(Tensor other) => Bool().Mul(other.Bool()).Bool();

    /// <summary>Element-wise logical or of two tensors read as bools (<c>torch.logical_or</c>).</summary>
    public Tensor LogicalOr(Tensor other) => Bool().Add(other.Bool()).Bool();

    /// <summary>Element-wise logical not (<c>torch.logical_not</c>).</summary>
    public Tensor LogicalNot() => Eq(ZerosLike(this));

    /// <summary>Elements of <paramref name="input"/> where <paramref name="condition"/> is true, else of <paramref name="other"/>, with broadcasting (<c>torch.where</c>).</summary>
    public static Tensor Where(Tensor condition, Tensor input, Tensor other)
    {
        if (condition.DType != DType.Bool)
            throw new ArgumentException($"where: expected condition to be a bool tensor, but got {condition.DType.TorchName()}");
        var shape = Core.Shape.Broadcast("where", Core.Shape.Broadcast("where", condition.Layout.Sizes, input.Layout.Sizes), other.Layout.Sizes);
        var dtype = ResultType(input, other);
        var device = DeviceOf("where", input, other);
        if (condition.Device != device) device = DeviceOf("where", condition, device == input.Device ? input : other);
        var a = input.CastRaw(dtype);
        var b = other.CastRaw(dtype);
        var y = Alloc(shape, dtype, device);
        Dispatch.Where(condition.Storage, condition.Layout.BroadcastTo(shape), a.Storage, a.Layout.BroadcastTo(shape),
            b.Storage, b.Layout.BroadcastTo(shape), y.Storage, y.Layout);
        return NeedsGrad(input, other) ? Record(y, new WhereBackward0(condition, input.Layout.Sizes, other.Layout.Sizes), input, other) : y;
    }

    /// <summary><c>torch.where(condition, x, scalar)</c>.</summary>
    public static Tensor Where(Tensor condition, Tensor input, double other) => Where(condition, input, ScalarLike(other, input));

    /// <summary><c>torch.where(condition, scalar, y)</c>.</summary>
    public static Tensor Where(Tensor condition, double input, Tensor other) => Where(condition, ScalarLike(input, other), other);

    /// <summary>Limits every element to [min, max]; either bound may be null. Gradient flows where the input is inside (<c>torch.clamp</c>).</summary>
    public Tensor Clamp(double? min = null, double? max = null)
    {
        if (min is null && max is null) throw new ArgumentException("clamp: at least one of 'min' or 'max' must not be null");
        var y = this;
        using (GradMode.Set(false))
        {
            if (min is double lo) y = y.Maximum(NumberLike(lo, this));
            if (max is double hi) y = y.Minimum(NumberLike(hi, this));
            if (ReferenceEquals(y, this)) y = CloneRaw();
        }
        return NeedsGrad(this) ? Record(y, new ClampBackward1(this, min, max), this) : y;
    }

    /// <summary>Clamp with a lower bound only (<c>torch.clamp_min</c>).</summary>
    public Tensor ClampMin(double min) => Clamp(min, null);

    /// <summary>Clamp with an upper bound only (<c>torch.clamp_max</c>).</summary>
    public Tensor ClampMax(double max) => Clamp(null, max);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Tensor Compare(CompareKind kind, string op, Tensor other)
    {
        var shape = Core.Shape.Broadcast(op, Layout.Sizes, other.Layout.Sizes);
        var dtype = ResultType(this, other);
        if (dtype == DType.Bool) dtype = DType.Int64;
        var device = DeviceOf(op, this, other);
        var a = CastRaw(dtype);
        var b = other.CastRaw(dtype);
        var y = AllocLike(shape, DType.Bool, a.Layout, b.Layout, device);
        Dispatch.Compare(kind, a.Storage, a.Layout.BroadcastTo(shape), b.Storage, b.Layout.BroadcastTo(shape), y.Storage, y.Layout);
        return y;
    }

    private sealed class WhereBackward0(Tensor condition, int[] aShape, int[] bShape) : Node
    {
        private SavedTensor _condition = new(condition);

        public override string Name => "WhereBackward0";

        protected internal override Tensor?[] Backward(Tensor g)
        {
            var condition = _condition.Unpack(this, "condition");
            var zero = ZerosLike(g);
            return
            [
                NeedsInputGrad(0) ? Where(condition, g, zero).SumToSize(aShape) : null,
                NeedsInputGrad(1) ? Where(condition, zero, g).SumToSize(bShape) : null,
            ];
        }

        protected internal override void ReleaseSaved() => _condition.Release();
    }

    private sealed class ClampBackward1(Tensor x, double? min, double? max) : Node
    {
        private SavedTensor _x = new(x);

        public override string Name => "ClampBackward1";

        protected internal override Tensor?[] Backward(Tensor g)
        {
            var x = _x.Unpack(this, "self");
            var pass = OnesLike(x, DType.Bool);
            if (min is double lo) pass = pass.LogicalAnd(x.Ge(lo));
            if (max is double hi) pass = pass.LogicalAnd(x.Le(hi));
            return [g * pass];
        }

        protected internal override void ReleaseSaved() => _x.Release();
    }
}
