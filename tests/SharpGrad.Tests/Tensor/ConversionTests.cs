namespace SharpGrad.Tests;

public class ConversionTests
{
    [Fact]
    public void To_ConvertsBetweenAllDTypes()
    {
        var f = Tensor.From(new[] { 1.5f, -2.5f, 0f });
        Assert.Equal([1.5, -2.5, 0], f.To(DType.Float64).ToArray<double>());
        Assert.Equal([1L, -2, 0], f.To(DType.Int64).ToArray<long>());
        Assert.Equal([true, true, false], f.To(DType.Bool).ToArray<bool>());
        var b = Tensor.From(new[] { true, false });
        Assert.Equal([1f, 0], b.To(DType.Float32).ToArray());
        Assert.Equal([1.0, 0], b.To(DType.Float64).ToArray<double>());
        Assert.Equal([1L, 0], b.To(DType.Int64).ToArray<long>());
        var l = Tensor.From(new long[] { -3, 0, 1L << 40 });
        Assert.Equal([-3f, 0, (float)(1L << 40)], l.To(DType.Float32).ToArray());
        Assert.Equal([-3.0, 0, 1L << 40], l.To(DType.Float64).ToArray<double>());
        Assert.Equal([true, false, true], l.To(DType.Bool).ToArray<bool>());
    }

    [Fact]
    public void To_TheSameDType_ReturnsTheTensorItself()
    {
        var x = Tensor.Zeros(2);
        Assert.Same(x, x.To(DType.Float32));
        Assert.Same(x, x.Float());
    }

    [Fact]
    public void To_GivesANewContiguousTensor_ForViews()
    {
        var x = Tensor.From(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var t = x.T.Float();
        Assert.Equal([3, 2], t.Shape);
        Assert.True(t.IsContiguous());
        Assert.Equal([1f, 4, 2, 5, 3, 6], t.ToArray());
        Assert.NotSame(x.Storage, t.Storage);
    }

    [Fact]
    public void NamedConversions()
    {
        var x = Tensor.From(new[] { 2.7, -2.7, 0.0 });
        Assert.Equal(DType.Float32, x.Float().DType);
        Assert.Equal(DType.Float64, x.Float().Double().DType);
        Assert.Equal([2L, -2, 0], x.Long().ToArray<long>());
        Assert.Equal([true, true, false], x.Bool().ToArray<bool>());
    }

    [Fact]
    public void Long_TruncatesTowardZero()
    {
        var x = Tensor.From(new[] { 0.999f, -0.999f, 1.5f, -1.5f, 1e10f, -7f });
        Assert.Equal([0L, 0, 1, -1, 10_000_000_000, -7], x.Long().ToArray<long>());
    }

    [Fact]
    public void Bool_IsTrueForEveryNonzero()
    {
        var x = Tensor.From(new[] { 0.0, -0.0, 1e-300, -5, double.NaN, double.PositiveInfinity });
        Assert.Equal([false, false, true, true, true, true], x.Bool().ToArray<bool>());
    }

    [Fact]
    public void Item_ReadsTheOnlyElement()
    {
        Assert.Equal(2.5, Tensor.From(2.5).Item());
        Assert.Equal(2.5f, Tensor.From(2.5).Item<float>());
        Assert.Equal(7L, Tensor.From(new long[] { 7 }).Item<long>());
        Assert.Equal(7, Tensor.From(new long[,] { { 7 } }).Item<int>());
        Assert.Equal(7.0, Tensor.From(7L).Item());
        Assert.Equal(3L, Tensor.From(3.9).Item<long>());
        Assert.True(Tensor.From(new[] { 0.1 }).Item<bool>());
        Assert.Equal(1.0, Tensor.From(true).Item());
        // Of a view: the element the view points at, not the first of the storage.
        var x = Tensor.Arange(0, 6, 1, DType.Float64).View(2, 3);
        Assert.Equal(5.0, x.Select(0, 1).Select(0, 2).Item());
        Assert.Equal(4.0, x.T.Narrow(0, 1, 1).Narrow(1, 1, 1).Item());
    }

    [Fact]
    public void Item_RejectsMoreOrFewerThanOneElement()
    {
        Check.Throws<InvalidOperationException>(() => Tensor.Zeros(2, 3).Item(), "item", "6 elements", "[2, 3]", "cannot be converted to a scalar");
        Check.Throws<InvalidOperationException>(() => Tensor.Zeros(0).Item<float>(), "item", "0 elements");
    }

    [Fact]
    public void Item_RejectsUnsupportedTypes()
        => Check.Throws<NotSupportedException>(() => Tensor.From(1.0).Item<short>(), "item", "Int16");

    [Fact]
    public void Item_OfIntOutOfRange_Throws()
        => Assert.Throws<OverflowException>(() => Tensor.From(1L << 40).Item<int>());

    [Fact]
    public void ToArray_IsRowMajorOfTheView_InAnyElementType()
    {
        var x = Tensor.From(new long[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.Equal([1L, 4, 2, 5, 3, 6], x.T.ToArray<long>());
        Assert.Equal([1.0, 4, 2, 5, 3, 6], x.T.ToArray<double>());
        Assert.Equal([1f, 4, 2, 5, 3, 6], x.T.ToArray());
        Assert.Equal([1, 4, 2, 5, 3, 6], x.T.ToArray<int>());
        Assert.Equal([true, true, true, true, true, true], x.T.ToArray<bool>());
        Assert.Equal([2L, 5], x.Select(1, 1).ToArray<long>());
        Assert.Equal([3f, 3, 3, 3], Tensor.From(3.0).Expand(2, 2).ToArray());
        Assert.Empty(Tensor.Zeros(0, 4).ToArray());
    }

    [Fact]
    public void ToArray_ReturnsACopy()
    {
        var x = Tensor.From(new[] { 1f, 2f });
        var a = x.ToArray();
        a[0] = 99;
        Assert.Equal([1f, 2f], x.ToArray());
    }

    [Fact]
    public void ToArray_RejectsUnsupportedTypes()
        => Check.Throws<NotSupportedException>(() => Tensor.From(new[] { 1f }).ToArray<byte>(), "Byte");

    [Fact]
    public void ToArrayInt_RejectsValuesOutOfRange()
        => Assert.Throws<OverflowException>(() => Tensor.From(new[] { 1L << 40 }).ToArray<int>());

    [Fact]
    public void To_OfARequiresGradTensor_StaysInTheGraphForFloats()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }, requiresGrad: true);
        Assert.True(x.Float().RequiresGrad);
        Assert.False(x.Long().RequiresGrad);
    }
}
