namespace SharpGrad;

public partial class Tensor
{
    /// <summary>Element-wise 1 / x; integer tensors give float32 (<c>torch.reciprocal</c>). Gradient -g / x^2.</summary>
    public Tensor Reciprocal() => 1.0 / (IsFloatingPoint() ? this : Float());

    /// <summary>True where the element is NaN (<c>torch.isnan</c>); always false for integer and bool tensors.</summary>
    public Tensor IsNan() => IsFloatingPoint() ? Detach().Ne(Detach()) : ZerosLike(this, DType.Bool);

    /// <summary>True where the element is neither infinite nor NaN (<c>torch.isfinite</c>); always true for integer and bool tensors.</summary>
    public Tensor IsFinite() => IsFloatingPoint() ? (Detach() - Detach()).Eq(0) : OnesLike(this, DType.Bool);

    /// <summary>
    /// Element-wise |a - b| &lt;= atol + rtol * |b|, with broadcasting (<c>torch.isclose(a, b, rtol, atol, equal_nan)</c>).
    /// Equal infinities are close; an infinity is close to nothing else; NaN is close to NaN only with <paramref name="equalNan"/>.
    /// </summary>
    /// <param name="other">The reference tensor b; the tolerance scales with |b|, so the test is not symmetric.</param>
    /// <param name="rtol">Relative tolerance.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="equalNan">Whether two NaNs count as close.</param>
    /// <returns>A bool tensor of the broadcast shape.</returns>
    /// <exception cref="ArgumentException">The dtypes differ, a tolerance is negative, or the shapes do not broadcast.</exception>
    public Tensor IsClose(Tensor other, double rtol = 1e-5, double atol = 1e-8, bool equalNan = false)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (DType != other.DType)
            throw new ArgumentException($"isclose: expected both tensors to have the same dtype, but got {DType.TorchName()} and {other.DType.TorchName()}; convert one with To(...)");
        if (rtol < 0 || atol < 0)
            throw new ArgumentException($"isclose: rtol and atol must be non-negative, got rtol={rtol} and atol={atol}");
        Core.Shape.Broadcast("isclose", Layout.Sizes, other.Layout.Sizes);
        using var noGrad = NoGrad();
        var a = Detach();
        var b = other.Detach();
        var close = a.Eq(b);
        if (!IsFloatingPoint() && DType != DType.Bool)
            return close.LogicalOr((a - b).Abs().Double().Le((atol + rtol * b.Abs().Double())));
        if (!IsFloatingPoint()) return close;
        var finite = a.IsFinite().LogicalAnd(b.IsFinite());
        var within = (a - b).Abs().Le(atol + rtol * b.Abs());
        close = close.LogicalOr(finite.LogicalAnd(within));
        return equalNan ? close.LogicalOr(a.IsNan().LogicalAnd(b.IsNan())) : close;
    }

    /// <summary>
    /// True when every element of this tensor is close to <paramref name="other"/>'s (<c>torch.allclose</c>); see
    /// <see cref="IsClose"/> for the test and its arguments.
    /// </summary>
    /// <exception cref="ArgumentException">The dtypes differ, a tolerance is negative, or the shapes do not broadcast.</exception>
    public bool AllClose(Tensor other, double rtol = 1e-5, double atol = 1e-8, bool equalNan = false)
        => IsClose(other, rtol, atol, equalNan).LogicalNot().Sum().Item<long>() == 0;

    /// <summary>Element-wise a == b as a bool tensor (<c>a == b</c>; the same as <see cref="Eq(Tensor)"/>). Use <c>is null</c> or
    /// <see cref="object.ReferenceEquals"/> to compare references.</summary>
    public static Tensor operator ==(Tensor a, Tensor b) => a.Eq(b);

    /// <summary>Element-wise a != b as a bool tensor (<c>a != b</c>; the same as <see cref="Ne(Tensor)"/>).</summary>
    public static Tensor operator !=(Tensor a, Tensor b) => a.Ne(b);

    /// <summary>Element-wise x == s as a bool tensor (<c>x == s</c>).</summary>
    public static Tensor operator ==(Tensor a, double s) => a.Eq(s);

    /// <summary>Element-wise x != s as a bool tensor (<c>x != s</c>).</summary>
    public static Tensor operator !=(Tensor a, double s) => a.Ne(s);

    /// <summary>Reference identity, as for any object: tensors are compared element-wise with <c>==</c>, <see cref="Eq(Tensor)"/>,
    /// <see cref="AllClose"/> or <see cref="Equal"/>.</summary>
    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    /// <summary>The identity hash code (tensors are mutable: their hash cannot depend on the values).</summary>
    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

    /// <summary>True when both tensors have the same shape and the same elements (<c>torch.equal</c>).</summary>
    /// <param name="other">The tensor to compare with; dtypes are promoted as for <see cref="Eq(Tensor)"/>.</param>
    public bool Equal(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Layout.Sizes.AsSpan().SequenceEqual(other.Layout.Sizes) && Eq(other).LogicalNot().Sum().Item<long>() == 0;
    }
}
