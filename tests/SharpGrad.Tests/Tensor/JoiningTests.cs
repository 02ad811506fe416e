using SharpGrad;

namespace SharpGrad.Tests;

public class JoiningTests
{
    private static Tensor Seq(int start, params int[] shape) => Tensor.Arange(start, start + Core.Shape.Numel(shape), dtype: DType.Float64).View(shape);

    [Fact]
    public void Cat_JoinsAlongTheGivenDim()
    {
        var a = Seq(0, 2, 2);
        var b = Seq(10, 1, 2);
        Check.Close(Tensor.Cat([a, b]), [3, 2], [0, 1, 2, 3, 10, 11]);
        var c = Seq(20, 2, 3);
        Check.Close(Tensor.Cat([a, c], 1), [2, 5], [0, 1, 20, 21, 22, 2, 3, 23, 24, 25]);
        Check.Close(Tensor.Cat([a, c], -1), [2, 5], [0, 1, 20, 21, 22, 2, 3, 23, 24, 25]);
        Check.Close(Tensor.Concat([b]), [1, 2], [10, 11]);
    }

    [Fact]
    public void Cat_NonContiguousInputs_MatchTheirElements()
    {
        var a = Seq(0, 3, 2).T;                                 // [2, 3]: 0 2 4 / 1 3 5
        var b = Seq(10, 2, 4)[.., TensorIndex.Slice(null, null, 2)]; // [2, 2]: 10 12 / 14 16
        var scalarRow = Tensor.From(new double[] { 7, 8 }).View(2, 1).Expand(2, 3); // stride 0
        Check.Close(Tensor.Cat([a, b, scalarRow], 1), [2, 8], [0, 2, 4, 10, 12, 7, 7, 7, 1, 3, 5, 14, 16, 8, 8, 8]);
    }

    [Fact]
    public void Cat_PromotesDtypes_AndGivesEachInputAGradientOfItsOwnDtype()
    {
        var i = Tensor.From(new long[] { 1, 2 });
        var f = Tensor.From(new float[] { 0.5f });
        var y = Tensor.Cat([i, f]);
        Assert.Equal(DType.Float32, y.DType);
        Check.Close(y, [1, 2, 0.5]);

        var single = Tensor.Zeros([2], DType.Float32, requiresGrad: true);
        var dbl = Tensor.Zeros([1], DType.Float64, requiresGrad: true);
        var z = Tensor.Cat([single, dbl]);
        Assert.Equal(DType.Float64, z.DType);
        Assert.Equal("CatBackward0", z.GradFn!.Name);
        (z * Tensor.From(new double[] { 1, 2, 3 })).Sum().Backward();
        Assert.Equal(DType.Float32, single.Grad!.DType);
        Check.Close(single.Grad!, [1, 2]);
        Check.Close(dbl.Grad!, [3]);
    }

    [Fact]
    public void Cat_SkipsOneDimensionalEmptyTensors()
    {
        var a = Seq(0, 2, 2);
        var y = Tensor.Cat([Tensor.Zeros(0), a, Tensor.Zeros(0)], 1);
        Check.Close(y, [2, 2], [0, 1, 2, 3]);
        Assert.Equal([0], Tensor.Cat([Tensor.Zeros(0), Tensor.Zeros(0)]).Shape);
    }

    [Fact]
    public void Cat_Gradcheck()
    {
        Check.Gradients(t => Tensor.Cat([t[0], t[1].T, t[0]], 1), Check.Input(1, 3, 2), Check.Input(2, 4, 3));
        Check.Gradients(t => Tensor.Cat([t[0], t[1]]), Check.Input(3, 2, 3), Check.Input(4, 1, 3));
    }

    [Fact]
    public void Cat_RejectsMismatchedShapes()
    {
        Check.Throws<ArgumentException>(() => Tensor.Cat([Tensor.Zeros(2, 3), Tensor.Zeros(2, 4)]),
            "cat: sizes of tensors must match except in dimension 0. Expected size 3 but got size 4 for tensor number 1 in the list", "[2, 3]", "[2, 4]");
        Check.Throws<ArgumentException>(() => Tensor.Cat([Tensor.Zeros(2, 3), Tensor.Zeros(3)]), "cat: tensors must have same number of dimensions: got 2 and 1");
        Check.Throws<ArgumentException>(() => Tensor.Cat([]), "cat: expected a non-empty list of Tensors");
        Check.Throws<ArgumentException>(() => Tensor.Cat([Tensor.Zeros(1), Tensor.From(1.0)]), "cat: zero-dimensional tensor (at position 1)");
        Check.Throws<ArgumentOutOfRangeException>(() => Tensor.Cat([Tensor.Zeros(1)], 1), "cat: dimension out of range");
    }

    [Fact]
    public void Stack_InsertsANewDim()
    {
        var a = Seq(0, 2, 2);
        var b = Seq(10, 2, 2);
        Check.Close(Tensor.Stack([a, b]), [2, 2, 2], [0, 1, 2, 3, 10, 11, 12, 13]);
        Check.Close(Tensor.Stack([a, b], 1), [2, 2, 2], [0, 1, 10, 11, 2, 3, 12, 13]);
        Check.Close(Tensor.Stack([a, b.T], -1), [2, 2, 2], [0, 10, 1, 12, 2, 11, 3, 13]);
        Check.Close(Tensor.Stack([Tensor.From(1.0), Tensor.From(2L)]), [2], [1, 2]);
        Assert.Equal(DType.Float32, Tensor.Stack([Tensor.From(1.0), Tensor.From(2L)]).DType);
    }

    [Fact]
    public void Stack_GradcheckAndErrors()
    {
        Check.Gradients(t => Tensor.Stack([t[0], t[1].T, t[0]], 1), Check.Input(5, 2, 3), Check.Input(6, 3, 2));
        Assert.Equal("StackBackward0", Tensor.Stack([Check.Input(7, 2)]).GradFn!.Name);
        Check.Throws<ArgumentException>(() => Tensor.Stack([Tensor.Zeros(2, 3), Tensor.Zeros(2, 4)]),
            "stack: expects each tensor to be equal size, but got [2, 3] at entry 0 and [2, 4] at entry 1");
        Check.Throws<ArgumentException>(() => Tensor.Stack([]), "stack: expected a non-empty list");
        Check.Throws<ArgumentOutOfRangeException>(() => Tensor.Stack([Tensor.Zeros(2)], 3), "stack: dimension out of range");
    }

    [Fact]
    public void Split_BySize_GivesViewsWithASmallerLastPiece()
    {
        var x = Seq(0, 5, 2);
        var pieces = x.Split(2);
        Assert.Equal(3, pieces.Length);
        Check.Close(pieces[0], [2, 2], [0, 1, 2, 3]);
        Check.Close(pieces[1], [2, 2], [4, 5, 6, 7]);
        Check.Close(pieces[2], [1, 2], [8, 9]);
        Assert.All(pieces, p => Assert.Same(x.Storage, p.Storage));
        var cols = x.T.Split(3, 1);
        Check.Close(cols[1], [2, 2], [6, 8, 7, 9]);
        Assert.Single(Tensor.Zeros(0, 3).Split(2));
        Check.Throws<ArgumentException>(() => x.Split(0), "split", "splitSize", "0");
    }

    [Fact]
    public void Split_BySizes_MustSumToTheDimSize()
    {
        var x = Seq(0, 2, 5);
        var pieces = x.Split([1, 0, 4], 1);
        Assert.Equal([2, 1], pieces[0].Shape);
        Assert.Equal([2, 0], pieces[1].Shape);
        Check.Close(pieces[2], [2, 4], [1, 2, 3, 4, 6, 7, 8, 9]);
        Check.Throws<ArgumentException>(() => x.Split([2, 2], 1), "split_with_sizes", "sum exactly to 5", "[2, 2]");
        Check.Throws<ArgumentException>(() => x.Split([6, -1], 1), "split_with_sizes", "non-negative");
    }

    [Fact]
    public void Chunk_UsesCeilSizedPieces_PossiblyFewerThanAsked()
    {
        var x = Seq(0, 5);
        Assert.Equal([2, 2, 1], x.Chunk(3).Select(c => c.Size(0)).ToArray());
        Assert.Equal([2, 2, 2], Seq(0, 6).Chunk(4).Select(c => c.Size(0)).ToArray());
        Assert.Equal([1, 1, 1, 1, 1], x.Chunk(7).Select(c => c.Size(0)).ToArray());
        Assert.Equal(3, Tensor.Zeros(0).Chunk(3).Length);
        Check.Close(Seq(0, 2, 4).Chunk(2, -1)[1], [2, 2], [2, 3, 6, 7]);
        Check.Throws<ArgumentException>(() => x.Chunk(0), "chunk", "greater than 0", "0");
    }

    [Fact]
    public void Unbind_RemovesTheDim()
    {
        var x = Seq(0, 2, 3);
        var cols = x.Unbind(1);
        Assert.Equal(3, cols.Length);
        Check.Close(cols[2], [2], [2, 5]);
        Check.Close(x.Unbind()[1], [3], [3, 4, 5]);
        Check.Throws<ArgumentException>(() => Tensor.From(1.0).Unbind(), "unbind", "0-dim");
    }

    [Fact]
    public void SplitChunkUnbind_Gradcheck()
    {
        Check.Gradients(t => { var p = t[0].Split([1, 2], 1); return p[1] * p[0]; }, Check.Input(8, 3, 3));
        Check.Gradients(t => { var p = t[0].T.Chunk(2); return Tensor.Cat([p[1], p[0]]); }, Check.Input(9, 2, 3));
        Check.Gradients(t => { var p = t[0].Unbind(1); return p[0] * p[2]; }, Check.Input(10, 2, 3));
    }
}
