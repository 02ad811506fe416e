namespace SharpGrad.Tests;

public class ViewTests
{
    /// <summary>0, 1, ..., n-1 as float32 in the given shape.</summary>
    private static Tensor Seq(params int[] shape) => Tensor.Arange(0, SharpGrad.Core.Shape.Numel(shape), 1, DType.Float32).View(shape);

    [Fact]
    public void View_ReshapesContiguousDataAndSharesStorage()
    {
        var x = Seq(2, 6);
        var v = x.View(3, 4);
        Assert.Equal([3, 4], v.Shape);
        Assert.Same(x.Storage, v.Storage);
        Assert.Equal(x.ToArray(), v.ToArray());
    }

    [Fact]
    public void View_InfersMinusOne()
    {
        var x = Seq(2, 3, 4);
        Assert.Equal([6, 4], x.View(-1, 4).Shape);
        Assert.Equal([24], x.View(-1).Shape);
        Assert.Equal([2, 12], x.View(2, -1).Shape);
        Assert.Equal([2, 3, 2, 2], x.View(2, 3, -1, 2).Shape);
    }

    [Fact]
    public void View_RejectsTwoMinusOnesAndWrongSizes()
    {
        Check.Throws<ArgumentException>(() => Seq(2, 6).View(-1, -1), "view", "only one dimension can be inferred");
        Check.Throws<ArgumentException>(() => Seq(2, 6).View(5, -1), "view", "[5, -1]", "invalid for input of size 12");
        Check.Throws<ArgumentException>(() => Seq(2, 6).View(5, 2), "view", "[5, 2]", "12");
    }

    [Fact]
    public void View_AfterTranspose_FailsSuggestingReshape()
        => Check.Throws<InvalidOperationException>(() => Seq(2, 3).Transpose(0, 1).View(6),
            "view", "[6]", "[3, 2]", "stride [1, 3]", "Reshape");

    [Fact]
    public void View_OfNarrowedRows_SplitsTheRows()
    {
        var x = Seq(4, 6).Narrow(1, 0, 4); // rows of 4 inside rows of 6
        var v = x.View(4, 2, 2);
        Assert.Same(x.Storage, v.Storage);
        Assert.Equal(x.ToArray(), v.ToArray());
        Check.Throws<InvalidOperationException>(() => x.View(16), "view");
    }

    [Fact]
    public void Reshape_SharesStorageWhenItCan()
    {
        var x = Seq(2, 3, 4);
        var r = x.Reshape(6, 4);
        Assert.True(ReferenceEquals(x.Storage, r.Storage));
        var rows = Seq(6, 4).Narrow(0, 2, 3); // contiguous block of rows
        Assert.True(ReferenceEquals(rows.Storage, rows.Reshape(-1).Storage));
        Assert.Equal([8f, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19], rows.Reshape(-1).ToArray());
    }

    [Fact]
    public void Reshape_CopiesWhenItMust()
    {
        var x = Seq(2, 3);
        var t = x.Transpose(0, 1);
        var r = t.Reshape(6);
        Assert.False(ReferenceEquals(x.Storage, r.Storage));
        Assert.Equal([0f, 3, 1, 4, 2, 5], r.ToArray());
        Assert.True(r.IsContiguous());
    }

    [Fact]
    public void Reshape_ToAndFromScalar()
    {
        var s = Seq(1, 1).Reshape();
        Assert.Empty(s.Shape);
        Assert.Equal([1, 1, 1], Tensor.From(5.0).Reshape(1, 1, 1).Shape);
        Assert.Equal([1], Tensor.From(5.0).Reshape(-1).Shape);
        Check.Throws<ArgumentException>(() => Seq(2, 3).Reshape(4, -1), "reshape", "[4, -1]", "6");
    }

    [Fact]
    public void Flatten_MergesARangeOfDims()
    {
        var x = Seq(2, 3, 4, 5);
        Assert.Equal([120], x.Flatten().Shape);
        Assert.Equal([2, 60], x.Flatten(1).Shape);
        Assert.Equal([6, 4, 5], x.Flatten(0, 1).Shape);
        Assert.Equal([2, 3, 20], x.Flatten(-2, -1).Shape);
        Assert.Equal([2, 12, 5], x.Flatten(1, 2).Shape);
        Assert.Same(x, x.Flatten(2, 2));
        Assert.Equal([1], Tensor.From(3.0).Flatten().Shape);
        var t = Seq(2, 3).T.Flatten();
        Assert.Equal([0f, 3, 1, 4, 2, 5], t.ToArray());
    }

    [Fact]
    public void Flatten_RejectsStartAfterEnd()
        => Check.Throws<ArgumentException>(() => Seq(2, 3, 4).Flatten(2, 1), "flatten", "startDim", "endDim", "[2, 3, 4]");

    [Fact]
    public void Unsqueeze_InsertsASizeOneDim_WithNegativeDims()
    {
        var x = Seq(2, 3);
        Assert.Equal([1, 2, 3], x.Unsqueeze(0).Shape);
        Assert.Equal([2, 1, 3], x.Unsqueeze(1).Shape);
        Assert.Equal([2, 3, 1], x.Unsqueeze(2).Shape);
        Assert.Equal([2, 3, 1], x.Unsqueeze(-1).Shape);
        Assert.Equal([2, 1, 3], x.Unsqueeze(-2).Shape);
        Assert.Equal([1, 2, 3], x.Unsqueeze(-3).Shape);
        Assert.Equal([1], Tensor.From(1.0).Unsqueeze(0).Shape);
        Assert.Same(x.Storage, x.Unsqueeze(1).Storage);
        Assert.Equal(x.ToArray(), x.T.Unsqueeze(1).Squeeze(1).T.ToArray());
    }

    [Fact]
    public void Unsqueeze_RejectsOutOfRangeDims()
    {
        Check.Throws<ArgumentOutOfRangeException>(() => Seq(2, 3).Unsqueeze(3), "unsqueeze", "[-3, 2]", "got 3");
        Check.Throws<ArgumentOutOfRangeException>(() => Seq(2, 3).Unsqueeze(-4), "unsqueeze", "got -4");
    }

    [Fact]
    public void Squeeze_RemovesSizeOneDims()
    {
        var x = Seq(1, 3, 1, 2);
        Assert.Equal([3, 2], x.Squeeze().Shape);
        Assert.Equal([3, 1, 2], x.Squeeze(0).Shape);
        Assert.Equal([1, 3, 2], x.Squeeze(-2).Shape);
        Assert.Same(x, x.Squeeze(1));
        Assert.Equal(x.ToArray(), x.Squeeze().ToArray());
        Assert.Empty(Seq(1, 1).Squeeze().Shape);
        Check.Throws<ArgumentOutOfRangeException>(() => x.Squeeze(4), "squeeze", "got 4");
    }

    [Fact]
    public void Transpose_SwapsDimsAsAView()
    {
        var x = Seq(2, 3);
        var t = x.Transpose(0, 1);
        Assert.Equal([3, 2], t.Shape);
        Assert.Equal([0f, 3, 1, 4, 2, 5], t.ToArray());
        Assert.False(t.IsContiguous());
        Assert.Same(x.Storage, t.Storage);
        Assert.Equal(t.ToArray(), x.Transpose(-1, -2).ToArray());
        Assert.Equal([1, 3], t.Stride());
    }

    [Fact]
    public void Transpose_Of3D_MatchesAnIndexLoop()
    {
        var x = Seq(2, 3, 4);
        var t = x.Transpose(0, 2);
        Assert.Equal([4, 3, 2], t.Shape);
        var src = x.ToArray();
        var got = t.ToArray();
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 2; k++)
                    Assert.Equal(src[k * 12 + j * 4 + i], got[i * 6 + j * 2 + k]);
    }

    [Fact]
    public void T_TransposesMatricesAndLeavesVectors()
    {
        var x = Seq(2, 3);
        Assert.Equal([3, 2], x.T.Shape);
        Assert.Equal(x.Transpose(0, 1).ToArray(), x.T.ToArray());
        var v = Seq(4);
        Assert.Same(v, v.T);
        Assert.Equal([4, 3, 2], Seq(2, 3, 4).T.Shape);
    }

    [Fact]
    public void Permute_MatchesAnIndexLoop()
    {
        var x = Seq(2, 3, 4);
        var p = x.Permute(2, 0, 1);
        Assert.Equal([4, 2, 3], p.Shape);
        Assert.Same(x.Storage, p.Storage);
        var src = x.ToArray();
        var got = p.ToArray();
        for (int a = 0; a < 4; a++)
            for (int b = 0; b < 2; b++)
                for (int c = 0; c < 3; c++)
                    Assert.Equal(src[b * 12 + c * 4 + a], got[a * 6 + b * 3 + c]);
        Assert.Equal(got, x.Permute(-1, 0, -2).ToArray());
    }

    [Fact]
    public void Permute_RejectsRepeatedDimsAndWrongCounts()
    {
        Check.Throws<ArgumentException>(() => Seq(2, 3, 4).Permute(0, 2, 0), "permute", "repeated dim 0", "[0, 2, 0]");
        Check.Throws<ArgumentException>(() => Seq(2, 3, 4).Permute(0, -1, 2), "permute", "repeated dim 2");
        Check.Throws<ArgumentException>(() => Seq(2, 3).Permute(0), "permute", "[2, 3]");
    }

    [Fact]
    public void Movedim_KeepsTheOtherDimsInOrder()
    {
        var x = Seq(2, 3, 4);
        Assert.Equal([3, 4, 2], x.Movedim(0, -1).Shape);
        Assert.Equal(x.Permute(1, 2, 0).ToArray(), x.Movedim(0, 2).ToArray());
        Assert.Equal([4, 2, 3], x.Movedim(2, 0).Shape);
    }

    [Fact]
    public void Expand_StretchesSizeOneDimsWithZeroStride()
    {
        var x = Tensor.From(new float[,] { { 1 }, { 2 }, { 3 } });
        var e = x.Expand(3, 4);
        Assert.Equal([3, 4], e.Shape);
        Assert.Equal([1, 0], e.Stride());
        Assert.Same(x.Storage, e.Storage);
        Assert.Equal([1f, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3], e.ToArray());
        Assert.Equal(e.ToArray(), x.Expand(-1, 4).ToArray());
    }

    [Fact]
    public void Expand_AddsLeadingDims()
    {
        var x = Tensor.From(new[] { 1f, 2, 3 });
        var e = x.Expand(2, 2, 3);
        Assert.Equal([2, 2, 3], e.Shape);
        Assert.Equal([0, 0, 1], e.Stride());
        Assert.Equal([1f, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3], e.ToArray());
        Assert.Same(x, x.Expand(3));
        Assert.Equal([5], Tensor.From(7.0).Expand(5).Shape);
        Assert.Equal([2, 0], Tensor.Zeros(1, 0).Expand(2, 0).Shape);
    }

    [Fact]
    public void Expand_RejectsMismatchOfANonSingletonDim()
        => Check.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).Expand(2, 4),
            "expand: the expanded size of the tensor (4) must match the existing size (3) at non-singleton dimension 1");

    [Fact]
    public void Expand_RejectsTooFewSizesAndBadMinusOne()
    {
        Check.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).Expand(3), "expand", "(1)", "(2)");
        Check.Throws<ArgumentException>(() => Tensor.Zeros(3).Expand(-1, 3), "expand", "-1");
        Check.Throws<ArgumentException>(() => Tensor.Zeros(1).Expand(-2), "expand", "-2");
    }

    [Fact]
    public void ExpandAs_UsesTheOtherShape()
        => Assert.Equal([4, 3], Tensor.Zeros(3).ExpandAs(Tensor.Zeros(4, 3)).Shape);

    [Fact]
    public void Narrow_PicksARangeAsAView()
    {
        var x = Seq(3, 4);
        var n = x.Narrow(1, 1, 2);
        Assert.Equal([3, 2], n.Shape);
        Assert.Equal([1f, 2, 5, 6, 9, 10], n.ToArray());
        Assert.Same(x.Storage, n.Storage);
        Assert.Equal([8f, 9, 10, 11], x.Narrow(0, -1, 1).ToArray());
        Assert.Equal([3, 0], x.Narrow(1, 4, 0).Shape);
        Assert.Equal([4f, 5, 6, 7], x.Narrow(-2, 1, 1).ToArray());
    }

    [Fact]
    public void Narrow_RejectsOutOfRange()
    {
        Check.Throws<ArgumentOutOfRangeException>(() => Seq(3, 4).Narrow(1, 2, 3), "narrow", "start (2) + length (3) exceeds dimension size (4)", "[3, 4]");
        Check.Throws<ArgumentOutOfRangeException>(() => Seq(3, 4).Narrow(1, -5, 1), "narrow");
        Check.Throws<ArgumentOutOfRangeException>(() => Seq(3, 4).Narrow(1, 0, -1), "narrow");
        Check.Throws<ArgumentOutOfRangeException>(() => Seq(3, 4).Narrow(2, 0, 1), "narrow", "dimension out of range");
        Check.Throws<ArgumentException>(() => Tensor.From(1.0).Narrow(0, 0, 1), "narrow", "0-dim");
    }

    [Fact]
    public void Select_RemovesTheDim()
    {
        var x = Seq(2, 3, 4);
        Assert.Equal([4f, 5, 6, 7], x.Select(0, 0).Select(0, 1).ToArray());
        Assert.Equal([2, 4], x.Select(1, 2).Shape);
        Assert.Equal([8f, 9, 10, 11, 20, 21, 22, 23], x.Select(1, 2).ToArray());
        Assert.Equal(x.Select(2, 3).ToArray(), x.Select(-1, -1).ToArray());
        Assert.Same(x.Storage, x.Select(1, 2).Storage);
    }

    [Fact]
    public void Select_RejectsOutOfRangeIndex()
    {
        Check.Throws<ArgumentOutOfRangeException>(() => Seq(2, 3).Select(1, 3), "select", "index 3 is out of bounds for dimension 1 with size 3");
        Check.Throws<ArgumentOutOfRangeException>(() => Seq(2, 3).Select(0, -3), "select", "index -3");
        Check.Throws<ArgumentException>(() => Tensor.From(1.0).Select(0, 0), "select", "0-dim");
    }

    [Fact]
    public void Contiguous_ReturnsItselfOrAPackedCopy()
    {
        var x = Seq(2, 3);
        Assert.Same(x, x.Contiguous());
        var t = x.T;
        var c = t.Contiguous();
        Assert.NotSame(t, c);
        Assert.True(c.IsContiguous());
        Assert.False(ReferenceEquals(x.Storage, c.Storage));
        Assert.Equal(t.ToArray(), c.ToArray());
        Assert.Equal([2, 1], c.Stride());
    }

    [Fact]
    public void IsContiguous_ForCommonViews()
    {
        var x = Seq(4, 5);
        Assert.True(x.IsContiguous());
        Assert.False(x.T.IsContiguous());
        Assert.True(x.Narrow(0, 1, 2).IsContiguous());
        Assert.False(x.Narrow(1, 1, 2).IsContiguous());
        Assert.True(x.Select(0, 2).IsContiguous());
        Assert.False(x.Select(1, 2).IsContiguous());
        Assert.False(x.Slice(1, 0, 3, 2).IsContiguous());
        Assert.True(x.Unsqueeze(1).IsContiguous());
        Assert.False(Seq(3).Unsqueeze(1).Expand(3, 4).IsContiguous());
    }

    [Fact]
    public void SteppedSlice_PicksEveryOtherElement()
    {
        var x = Seq(3, 6);
        var s = x.Slice(1, 1, 3, 2);
        Assert.Equal([3, 3], s.Shape);
        Assert.Equal([1f, 3, 5, 7, 9, 11, 13, 15, 17], s.ToArray());
    }

    [Fact]
    public void WritingThroughViews_ChangesTheBase()
    {
        var x = Seq(3, 4);
        x.Select(0, 1).Fill_(-1);
        x.T.Narrow(0, 3, 1).Fill_(-2); // last column
        x.View(12).Narrow(0, 0, 1).Fill_(-3);
        x.Slice(1, 0, 2, 2).Select(0, 2).Mul_(10); // row 2, columns 0 and 2
        Assert.Equal([-3f, 1, 2, -2, -1, -1, -1, -2, 80, 9, 100, -2], x.ToArray());
        var e = Tensor.Zeros(1, 3);
        e.Expand(4, 3).Select(0, 2).Add_(Tensor.From(new[] { 1f, 2, 3 }));
        Assert.Equal([1f, 2, 3], e.ToArray());
    }

    [Fact]
    public void ViewsOfViews_ComposeOffsetsAndStrides()
    {
        var x = Seq(4, 5, 6);
        var v = x.Permute(2, 0, 1).Narrow(0, 2, 3).Select(1, 3).T; // [5, 3]: x[3, j, 2 + i]
        Assert.Equal([5, 3], v.Shape);
        var src = x.ToArray();
        var got = v.ToArray();
        for (int j = 0; j < 5; j++)
            for (int i = 0; i < 3; i++)
                Assert.Equal(src[3 * 30 + j * 6 + 2 + i], got[j * 3 + i]);
    }

    [Fact]
    public void ShapeQueries()
    {
        var x = Seq(2, 3, 4);
        Assert.Equal(3, x.NDim);
        Assert.Equal(3, x.Dim());
        Assert.Equal(4, x.Size(-1));
        Assert.Equal(2, x.Size(0));
        Assert.Equal(24, x.Numel());
        Assert.Equal([12, 4, 1], x.Stride());
        Assert.Equal(5, x.Narrow(2, 1, 2).Select(1, 1).StorageOffset());
        Check.Throws<ArgumentOutOfRangeException>(() => x.Size(3), "size", "got 3");
        var shape = x.Shape;
        shape[0] = 99;
        Assert.Equal([2, 3, 4], x.Shape);
    }
}

public class ViewAsTests
{
    [Fact]
    public void ViewAs_AndReshapeAs_TakeTheOtherShape()
    {
        // Course 004: pred.eq(target.data.view_as(pred)).sum()
        var pred = Tensor.From(new long[,] { { 1 }, { 2 }, { 3 } });
        var target = Tensor.From(new long[] { 1, 0, 3 });
        Assert.Equal(2L, pred.Eq(target.ViewAs(pred)).Sum().Item<long>());
        Assert.True(ReferenceEquals(target.Storage, target.ViewAs(pred).Storage));
        Assert.Equal([3, 1], Tensor.Zeros(3).T.ReshapeAs(pred).Shape);
        Check.Throws<ArgumentException>(() => Tensor.Zeros(4).ViewAs(pred), "view", "[3, 1]", "4");
    }
}
