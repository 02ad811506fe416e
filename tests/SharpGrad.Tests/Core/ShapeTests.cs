using SharpGrad.Core;

namespace SharpGrad.Tests;

public class ShapeTests
{
    [Fact]
    public void Numel_IsProductOfSizes_AndOneForScalar()
    {
        Assert.Equal(24, Shape.Numel([2, 3, 4]));
        Assert.Equal(1, Shape.Numel([]));
        Assert.Equal(0, Shape.Numel([5, 0, 7]));
    }

    [Fact]
    public void Numel_RejectsMoreElementsThanAnArrayHolds()
        => Check.Throws<ArgumentException>(() => Shape.Numel([65536, 65536]), "[65536, 65536]", "more than");

    [Fact]
    public void ContiguousStrides_AreRowMajor_AndTreatZeroSizesAsOne()
    {
        Assert.Equal([12, 4, 1], Shape.ContiguousStrides([2, 3, 4]));
        Assert.Equal([1], Shape.ContiguousStrides([5]));
        Assert.Empty(Shape.ContiguousStrides([]));
        Assert.Equal([3, 3, 1], Shape.ContiguousStrides([2, 0, 3]));
    }

    [Fact]
    public void Format_PrintsLikePyTorchMessages()
    {
        Assert.Equal("[32, 784]", Shape.Format([32, 784]));
        Assert.Equal("[]", Shape.Format([]));
        Assert.Equal("[7]", Shape.Format([7]));
    }

    [Theory]
    [InlineData(new[] { 3, 1 }, new[] { 1, 4 }, new[] { 3, 4 })]
    [InlineData(new[] { 2, 3 }, new[] { 3 }, new[] { 2, 3 })]
    [InlineData(new int[0], new[] { 2, 3 }, new[] { 2, 3 })]
    [InlineData(new[] { 2, 3 }, new int[0], new[] { 2, 3 })]
    [InlineData(new[] { 5, 1, 4 }, new[] { 2, 1 }, new[] { 5, 2, 4 })]
    [InlineData(new[] { 1 }, new[] { 0 }, new[] { 0 })]
    [InlineData(new[] { 2, 0 }, new[] { 1 }, new[] { 2, 0 })]
    public void Broadcast_FollowsNumPyRules(int[] a, int[] b, int[] expected)
    {
        Assert.Equal(expected, Shape.Broadcast("add", a, b));
        Assert.Equal(expected, Shape.Broadcast("add", b, a));
    }

    [Fact]
    public void Broadcast_MismatchNamesOpSizesDimAndShapes()
        => Check.Throws<ArgumentException>(() => Shape.Broadcast("mul", [2, 3], [2, 4]),
            "mul: the size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1", "[2, 3]", "[2, 4]");

    [Fact]
    public void Broadcast_MismatchCountsDimsOfTheResult()
        => Check.Throws<ArgumentException>(() => Shape.Broadcast("add", [5, 2, 3], [4, 3]),
            "size of tensor a (2) must match the size of tensor b (4) at non-singleton dimension 1");

    [Theory]
    [InlineData(0, 3, 0)]
    [InlineData(2, 3, 2)]
    [InlineData(-1, 3, 2)]
    [InlineData(-3, 3, 0)]
    [InlineData(0, 0, 0)]
    [InlineData(-1, 0, 0)]
    public void NormalizeDim_MapsNegativeDimsFromTheEnd(int dim, int rank, int expected)
        => Assert.Equal(expected, Shape.NormalizeDim("sum", dim, rank));

    [Theory]
    [InlineData(3, 3)]
    [InlineData(-4, 3)]
    [InlineData(1, 0)]
    public void NormalizeDim_RejectsOutOfRange(int dim, int rank)
    {
        int r = Math.Max(rank, 1);
        Check.Throws<ArgumentOutOfRangeException>(() => Shape.NormalizeDim("softmax", dim, rank),
            "softmax: dimension out of range", $"[{-r}, {r - 1}]", $"got {dim}");
    }

    [Fact]
    public void InferSize_FillsInTheMinusOne()
    {
        Assert.Equal([3, 4], Shape.InferSize("view", [3, -1], 12, [12]));
        Assert.Equal([12], Shape.InferSize("view", [-1], 12, [3, 4]));
        Assert.Equal([2, 3, 2], Shape.InferSize("view", [2, -1, 2], 12, [12]));
        Assert.Equal([2, 6], Shape.InferSize("view", [2, 6], 12, [12]));
    }

    [Fact]
    public void InferSize_RejectsTwoMinusOnes()
        => Check.Throws<ArgumentException>(() => Shape.InferSize("view", [-1, -1], 12, [12]), "view: only one dimension can be inferred", "[-1, -1]");

    [Fact]
    public void InferSize_RejectsWrongElementCount()
    {
        Check.Throws<ArgumentException>(() => Shape.InferSize("reshape", [5, 3], 12, [3, 4]), "reshape: shape [5, 3] is invalid for input of size 12", "[3, 4]");
        Check.Throws<ArgumentException>(() => Shape.InferSize("view", [5, -1], 12, [3, 4]), "view: shape [5, -1] is invalid for input of size 12");
    }

    [Fact]
    public void InferSize_RejectsNegativeSizes()
        => Check.Throws<ArgumentException>(() => Shape.InferSize("view", [-2, 6], 12, [12]), "view: invalid shape dimension -2");

    [Fact]
    public void RemoveAtAndInsertAt_CopyTheArray()
    {
        int[] a = [1, 2, 3];
        Assert.Equal([1, 3], Shape.RemoveAt(a, 1));
        Assert.Equal([2, 3], Shape.RemoveAt(a, 0));
        Assert.Equal([1, 2], Shape.RemoveAt(a, 2));
        Assert.Equal([9, 1, 2, 3], Shape.InsertAt(a, 0, 9));
        Assert.Equal([1, 2, 3, 9], Shape.InsertAt(a, 3, 9));
        Assert.Equal([1, 2, 3], a);
    }
}
