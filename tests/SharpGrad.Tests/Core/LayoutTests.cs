using SharpGrad.Core;

namespace SharpGrad.Tests;

public class LayoutTests
{
    [Fact]
    public void Contiguous_HasRowMajorStridesAndNumel()
    {
        var l = Layout.Contiguous([2, 3, 4], offset: 5);
        Assert.Equal([12, 4, 1], l.Strides);
        Assert.Equal(24, l.Numel);
        Assert.Equal(3, l.Rank);
        Assert.Equal(5, l.Offset);
        Assert.True(l.IsContiguous);
    }

    [Fact]
    public void IsContiguous_IgnoresStridesOfSizeOneDims()
    {
        Assert.True(new Layout([3, 1, 4], [4, 99, 1], 0).IsContiguous);
        Assert.True(new Layout([1], [7], 0).IsContiguous);
        Assert.True(new Layout([], [], 3).IsContiguous);
    }

    [Fact]
    public void IsContiguous_FalseForTransposedSteppedAndBroadcast()
    {
        Assert.False(Layout.Contiguous([2, 3]).Transpose(0, 1).IsContiguous);
        Assert.False(new Layout([3], [2], 0).IsContiguous);
        Assert.False(new Layout([3, 4], [0, 1], 0).IsContiguous);
        Assert.False(new Layout([2, 3], [4, 1], 0).IsContiguous); // rows padded
    }

    [Fact]
    public void Transpose_SwapsSizesAndStrides_LeavingTheOriginal()
    {
        var l = Layout.Contiguous([2, 3, 4]);
        var t = l.Transpose(0, 2);
        Assert.Equal([4, 3, 2], t.Sizes);
        Assert.Equal([1, 4, 12], t.Strides);
        Assert.Equal([2, 3, 4], l.Sizes);
        Assert.Equal([12, 4, 1], l.Strides);
    }

    [Fact]
    public void Permute_TakesDimensionOrderFromTheArgument()
    {
        var p = Layout.Contiguous([2, 3, 4]).Permute([2, 0, 1]);
        Assert.Equal([4, 2, 3], p.Sizes);
        Assert.Equal([1, 12, 4], p.Strides);
    }

    [Fact]
    public void Slice_MovesOffsetAndMultipliesStride()
    {
        var s = Layout.Contiguous([5, 6]).Slice(1, 1, 3, 2);
        Assert.Equal([5, 3], s.Sizes);
        Assert.Equal([6, 2], s.Strides);
        Assert.Equal(1, s.Offset);
        Assert.Equal(6 * 2 + 1 + 2 * 2, s.IndexOf([2, 2]));
    }

    [Fact]
    public void Slice_OfLengthZeroKeepsTheOffset()
    {
        var s = Layout.Contiguous([5]).Slice(0, 5, 0);
        Assert.Equal(0, s.Offset);
        Assert.Equal(0, s.Numel);
    }

    [Fact]
    public void Select_RemovesTheDimAndMovesOffset()
    {
        var s = Layout.Contiguous([2, 3, 4]).Select(1, 2);
        Assert.Equal([2, 4], s.Sizes);
        Assert.Equal([12, 1], s.Strides);
        Assert.Equal(8, s.Offset);
    }

    [Fact]
    public void Unsqueeze_InsertsSizeOneWithAStrideThatKeepsContiguity()
    {
        var l = Layout.Contiguous([2, 3]);
        var front = l.Unsqueeze(0);
        Assert.Equal([1, 2, 3], front.Sizes);
        Assert.Equal([6, 3, 1], front.Strides);
        var mid = l.Unsqueeze(1);
        Assert.Equal([2, 1, 3], mid.Sizes);
        Assert.Equal([3, 3, 1], mid.Strides);
        var end = l.Unsqueeze(2);
        Assert.Equal([2, 3, 1], end.Sizes);
        Assert.Equal([3, 1, 1], end.Strides);
        Assert.True(front.IsContiguous && mid.IsContiguous && end.IsContiguous);
    }

    [Fact]
    public void BroadcastTo_GivesZeroStrideToNewAndStretchedDims()
    {
        var b = new Layout([3, 1], [1, 1], 2).BroadcastTo([2, 3, 4]);
        Assert.Equal([2, 3, 4], b.Sizes);
        Assert.Equal([0, 1, 0], b.Strides);
        Assert.Equal(2, b.Offset);
        Assert.Equal(2 + 2, b.IndexOf([1, 2, 3]));
    }

    [Fact]
    public void ViewStrides_OfContiguousIsContiguous()
    {
        var l = Layout.Contiguous([2, 3, 4]);
        Assert.Equal([4, 1], l.ViewStrides([6, 4])!);
        Assert.Equal([1], l.ViewStrides([24])!);
        Assert.Equal([12, 12, 4, 1], l.ViewStrides([2, 1, 3, 4])!);
    }

    [Fact]
    public void ViewStrides_SplitsAndMergesWithinContiguousChunks()
    {
        // A [4, 6] matrix narrowed to its first 3 columns: rows stay separate chunks.
        var narrowed = new Layout([4, 3], [6, 1], 0);
        Assert.Equal([12, 6, 1], narrowed.ViewStrides([2, 2, 3])!);
        Assert.Null(narrowed.ViewStrides([12]));
        Assert.Null(narrowed.ViewStrides([3, 4]));
        Assert.Equal([6, 1, 1], narrowed.ViewStrides([4, 3, 1])!);
    }

    [Fact]
    public void ViewStrides_NullForTransposeFlatten()
    {
        var t = Layout.Contiguous([2, 3]).Transpose(0, 1);
        Assert.Null(t.ViewStrides([6]));
        Assert.Equal([1, 3, 3], t.ViewStrides([3, 2, 1])!);
    }

    [Fact]
    public void ViewStrides_OfScalarAndEmpty()
    {
        Assert.Equal([1, 1], new Layout([], [], 0).ViewStrides([1, 1])!);
        Assert.Equal([3, 1], new Layout([0, 5], [1, 7], 0).ViewStrides([0, 3])!);
    }

    [Fact]
    public void IndexOf_AddsStridesToOffset()
    {
        var l = new Layout([3, 4], [1, 3], 7);
        Assert.Equal(7 + 2 + 3 * 3, l.IndexOf([2, 3]));
        Assert.Equal(7, l.IndexOf([]));
    }

    [Fact]
    public void Extent_CoversEveryTouchedIndex()
    {
        Assert.Equal((3, 3 + 24), Layout.Contiguous([2, 3, 4], 3).Extent());
        Assert.Equal((1, 1 + 2 * 6 + 2 * 1 + 1), new Layout([3, 3], [6, 1], 1).Extent());
        Assert.Equal((4, 5), new Layout([3, 4], [0, 0], 4).Extent());
        Assert.Equal((2, 2), new Layout([0, 4], [4, 1], 2).Extent());
    }
}
