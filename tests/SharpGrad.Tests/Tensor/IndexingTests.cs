using SharpGrad;

namespace SharpGrad.Tests;

public class IndexingTests
{
    /// <summary>0, 1, ..., n-1 as float64 in the given shape.</summary>
    private static Tensor Seq(params int[] shape) => Tensor.Arange(0, Core.Shape.Numel(shape), dtype: DType.Float64).View(shape);

    [Fact]
    public void Int_PicksOneRowAndRemovesTheDim_AsAViewOfTheSameStorage()
    {
        var x = Seq(3, 4);
        var row = x[2];
        Check.Close(row, [4], [8, 9, 10, 11]);
        Assert.Same(x.Storage, row.Storage);
        row.Fill_(-1);
        Check.Close(x[2], [-1, -1, -1, -1]);
        Check.Close(x[0], [0, 1, 2, 3]);
    }

    [Fact]
    public void IndexFromEnd_AndNegativeInt_CountFromTheEnd()
    {
        var x = Seq(3, 4);
        Check.Close(x[^1], [4], [8, 9, 10, 11]);
        Check.Close(x[-1], [8, 9, 10, 11]);
        Check.Close(x[^3, ^1], [], [3]);
        Check.Close(x[1, -2], [], [6]);
    }

    [Fact]
    public void Range_IsClampedLikeAPythonSlice()
    {
        var x = Seq(100, 2);
        Assert.Equal([100, 2], x[..7000].Shape);
        Check.Close(x[98..], [2, 2], [196, 197, 198, 199]);
        Check.Close(x[^2..], [2, 2], [196, 197, 198, 199]);
        Assert.Equal([0, 2], x[5..2].Shape);
        Assert.Equal([0, 2], x[..^200].Shape);
        Assert.Equal([0, 2], x[150..].Shape);
        Assert.Same(x.Storage, x[10..20].Storage);
    }

    [Fact]
    public void ColumnAndMixedIndices_MatchTheElements()
    {
        var x = Seq(4, 5);
        Check.Close(x[.., 0], [4], [0, 5, 10, 15]);
        Check.Close(x[1..^1, 2], [2], [7, 12]);
        Check.Close(x[1..3, 3..], [2, 2], [8, 9, 13, 14]);
        var y = Seq(2, 3, 4);
        Check.Close(y[1], [3, 4], Enumerable.Range(12, 12).Select(v => (double)v).ToArray());
        Check.Close(y[1, 2], [4], [20, 21, 22, 23]);
    }

    [Fact]
    public void EllipsisAndNewAxis_PlaceTheOtherIndices()
    {
        var y = Seq(2, 3, 4);
        Check.Close(y[TensorIndex.Ellipsis, 0], [2, 3], [0, 4, 8, 12, 16, 20]);
        Check.Close(y[0, TensorIndex.Ellipsis, 1], [3], [1, 5, 9]);
        Assert.Equal([2, 3, 4], y[TensorIndex.Ellipsis].Shape);
        Assert.Equal([1, 2, 3, 4], y[TensorIndex.NewAxis].Shape);
        var x = Seq(3, 4);
        Check.Close(x[.., TensorIndex.NewAxis, 1], [3, 1], [1, 5, 9]);
        Assert.Equal([3, 4, 1], x[TensorIndex.Ellipsis, TensorIndex.NewAxis].Shape);
    }

    [Fact]
    public void SteppedSlice_TakesEveryStepThElement()
    {
        var x = Seq(7);
        Check.Close(x[TensorIndex.Slice(1, null, 2)], [3], [1, 3, 5]);
        Check.Close(x[TensorIndex.Slice(-3)], [3], [4, 5, 6]);
        Check.Close(x[TensorIndex.Slice(null, -1, 3)], [2], [0, 3]);
        Check.Close(x[TensorIndex.Slice(2.., 2)], [3], [2, 4, 6]);
        Assert.Equal([3], x[TensorIndex.Slice(null, null, 3)].Stride());
        Check.Throws<ArgumentException>(() => TensorIndex.Slice(0, 5, 0), "step must be positive");
    }

    [Fact]
    public void Indexing_NonContiguousInput_MatchesElementByElement()
    {
        var baseT = Seq(5, 6);
        var x = baseT.T; // [6, 5], strides [1, 6]
        var flat = baseT.ToArray<double>();
        double At(int i, int j) => flat[j * 6 + i]; // x[i, j] = base[j, i]
        Check.Close(x[2], [5], Enumerable.Range(0, 5).Select(j => At(2, j)).ToArray());
        Check.Close(x[1..4, 3], [3], [At(1, 3), At(2, 3), At(3, 3)]);
        var stepped = x[TensorIndex.Slice(null, null, 2), 1..];
        var expected = new List<double>();
        for (int i = 0; i < 6; i += 2) for (int j = 1; j < 5; j++) expected.Add(At(i, j));
        Check.Close(stepped, [3, 4], expected.ToArray());
    }

    [Fact]
    public void Indexing_RejectsOutOfBoundsIntsAndTooManyIndices()
    {
        var x = Tensor.Zeros(3);
        Check.Throws<ArgumentOutOfRangeException>(() => _ = x[5], "index 5 is out of bounds for dimension 0 with size 3");
        Check.Throws<ArgumentOutOfRangeException>(() => _ = x[-4], "index -4 is out of bounds for dimension 0 with size 3");
        Check.Throws<ArgumentOutOfRangeException>(() => _ = x[^4], "index ^4 is out of bounds for dimension 0 with size 3");
        var m = Tensor.Zeros(3, 4);
        Check.Throws<ArgumentOutOfRangeException>(() => _ = m[0, 7], "index 7 is out of bounds for dimension 1 with size 4");
        Check.Throws<ArgumentOutOfRangeException>(() => _ = m[.., 4], "index 4 is out of bounds for dimension 1 with size 4");
        Check.Throws<ArgumentOutOfRangeException>(() => _ = m[0, 0, 0], "too many indices for tensor of dimension 2", "[3, 4]");
        Check.Throws<ArgumentOutOfRangeException>(() => _ = Tensor.From(1.0)[0], "too many indices for tensor of dimension 0");
        Check.Throws<ArgumentException>(() => _ = m[TensorIndex.Ellipsis, 0, TensorIndex.Ellipsis], "single ellipsis");
    }

    [Fact]
    public void Indexing_GradientFlowsToThePickedElements()
    {
        var x = Tensor.Zeros([3, 4], DType.Float64, requiresGrad: true);
        var col = x[.., 1];
        Assert.Equal("SelectBackward0", col.GradFn!.Name);
        Assert.Equal("SliceBackward0", x[..2].GradFn!.Name);
        (col * 2.0).Sum().Backward();
        Check.Close(x.Grad!, [3, 4], [0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0]);
    }

    [Fact]
    public void Indexing_Gradcheck()
    {
        Check.Gradients(t => t[0][1..^1, 2] * t[0][^1, TensorIndex.Slice(null, null, 2)][..2], Check.Input(1, 4, 5));
        Check.Gradients(t => t[0].T[TensorIndex.Ellipsis, TensorIndex.NewAxis, 1], Check.Input(2, 3, 4));
    }

    [Fact]
    public void Setter_CopiesABroadcastTensorIntoTheView()
    {
        var x = Tensor.Zeros(3, 4);
        x[.., 0] = Tensor.From(new float[] { 1, 2, 3 });
        x[1..] = Tensor.From(new long[] { 7, 8, 9, 10 }); // int64 into float32, broadcast over 2 rows
        x[0, TensorIndex.Slice(1, null, 2)] = Tensor.From(5.0);
        Check.Close(x, [3, 4], [1, 5, 0, 5, 7, 8, 9, 10, 7, 8, 9, 10]);
        x[.., 3].Fill_(-1);
        Check.Close(x[.., 3], [-1, -1, -1]);
        Check.Throws<ArgumentException>(() => x[.., 0] = Tensor.Zeros(4), "copy_");
    }

    [Fact]
    public void Setter_WithOverlappingSourceReadsTheOldValues()
    {
        var x = Tensor.From(new double[] { 0, 1, 2, 3, 4 });
        x[1..] = x[..^1];
        Check.Close(x, [0, 0, 1, 2, 3]);
    }

    [Fact]
    public void Setter_IsRecordedAsCopySlices_AndGradcheckPasses()
    {
        var x = Check.Input(3, 3, 4);
        var v = Check.Input(4, 3);
        var y = x * 1.0;
        y[.., 2] = v;
        Assert.Equal("CopySlices", y.GradFn!.Name);
        y.Sum().Backward();
        Check.Close(x.Grad!, [1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1]);
        Check.Close(v.Grad!, [1, 1, 1]);

        var w = Check.Input(5, 3, 4).Detach();
        Check.Gradients(t =>
        {
            var z = t[0] * 1.0;
            z[1.., TensorIndex.Slice(null, null, 2)] = t[1];
            return z * w;
        }, Check.Input(6, 3, 4), Check.Input(7, 2)); // t[1] broadcast over rows: its gradient sums
    }

    [Fact]
    public void Setter_OnALeafThatRequiresGrad_IsRejected()
    {
        var x = Tensor.Zeros([3], DType.Float64, requiresGrad: true);
        Check.Throws<InvalidOperationException>(() => x[0] = Tensor.From(1.0), "leaf Variable that requires grad");
        using (Tensor.NoGrad()) x[0] = Tensor.From(1.0);
        Check.Close(x, [1, 0, 0]);
    }

    [Fact]
    public void IntTensorIndex_SelectsRows_WithRepeatsAndNegatives()
    {
        var x = Seq(4, 3);
        Check.Close(x[Tensor.From(new long[] { 2, 0, 2, -1 })], [4, 3], [6, 7, 8, 0, 1, 2, 6, 7, 8, 9, 10, 11]);
        Check.Close(x[Tensor.From(new long[,] { { 1, 3 }, { 0, 0 } })], [2, 2, 3], [3, 4, 5, 9, 10, 11, 0, 1, 2, 0, 1, 2]);
        Check.Close(x.T[Tensor.From(new long[] { 1 })], [1, 4], [1, 4, 7, 10]);
        Check.Close(x[Tensor.From(1L)], [3], [3, 4, 5]);
        Check.Throws<ArgumentOutOfRangeException>(() => _ = x[Tensor.From(new long[] { 0, 4 })], "index 4 is out of bounds for dimension 0 with size 4");
        Check.Throws<ArgumentException>(() => _ = x[Tensor.From(new float[] { 0 })], "must be int64 or bool", "torch.float32");
    }

    [Fact]
    public void IntTensorIndex_Gradcheck_AccumulatesRepeatedRows()
    {
        var idx = Tensor.From(new long[] { 2, 0, 2 });
        Check.Gradients(t => t[0][idx], Check.Input(8, 3, 2));
        var x = Tensor.Zeros([3, 2], DType.Float64, requiresGrad: true);
        x[idx].Sum().Backward();
        Check.Close(x.Grad!, [1, 1, 0, 0, 2, 2]);
    }

    [Fact]
    public void BoolMask_OfTheSameShape_GivesTheSelectedElements()
    {
        var x = Seq(2, 3);
        var mask = x.Gt(1.5).LogicalAnd(x.Lt(4.5));
        Check.Close(x[mask], [3], [2, 3, 4]);
        Check.Close(x.T[mask.T], [3], [3, 4, 2]); // row-major order of the transposed view
        Check.Close(x[x.Gt(10.0)], [0], []);
    }

    [Fact]
    public void BoolMask_OnTheLeadingDims_SelectsRows()
    {
        var x = Seq(4, 2);
        var rows = Tensor.From(new[] { true, false, false, true });
        Check.Close(x[rows], [2, 2], [0, 1, 6, 7]);
        var y = Seq(2, 2, 2);
        Check.Close(y[Tensor.From(new[,] { { false, true }, { true, false } })], [2, 2], [2, 3, 4, 5]);
        Check.Throws<ArgumentOutOfRangeException>(() => _ = x[Tensor.From(new[] { true, false, true })],
            "the shape of the mask [3] at index 0 does not match the shape of the indexed tensor [4, 2] at index 0");
    }

    [Fact]
    public void BoolMask_Gradcheck()
    {
        var mask = Tensor.From(new[,] { { true, false, true }, { false, true, true } });
        Check.Gradients(t => t[0][mask], Check.Input(9, 2, 3));
        Check.Gradients(t => t[0][Tensor.From(new[] { false, true })], Check.Input(10, 2, 3));
        Assert.Equal("MaskedSelectBackward0", Check.Input(11, 2, 3)[mask].GradFn!.Name);
    }

    [Fact]
    public void MaskedSelect_BroadcastsMaskAndInput_AndSumsTheGradient()
    {
        var x = Tensor.From(new double[,] { { 1, 2, 3 } }).RequiresGrad_();
        var mask = Tensor.From(new[,] { { true, false, true }, { true, true, false } });
        var y = x.MaskedSelect(mask);
        Check.Close(y, [4], [1, 3, 1, 2]);
        y.Sum().Backward();
        Check.Close(x.Grad!, [2, 1, 1]);
        Check.Gradients(t => t[0].MaskedSelect(mask), Check.Input(12, 1, 3));
        Check.Throws<ArgumentException>(() => x.MaskedSelect(Tensor.Ones(3)), "masked_select", "torch.bool", "torch.float32");
        Check.Throws<ArgumentException>(() => x.MaskedSelect(Tensor.Zeros([2], DType.Bool)), "masked_select", "[1, 3]", "[2]");
    }

    [Fact]
    public void TensorIndexSetter_WritesRows_LastRepeatWins()
    {
        var x = Tensor.Zeros(4, 2);
        x[Tensor.From(new long[] { 1, -1, 1 })] = Tensor.From(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } });
        Check.Close(x, [0, 0, 5, 6, 0, 0, 3, 4]);
        x[Tensor.From(new long[] { 0 })] = Tensor.From(9.0);
        Check.Close(x[0], [9, 9]);
        var t = Tensor.Zeros(2, 4).T; // non-contiguous target: writes must land in its storage
        t[Tensor.From(new long[] { 3 })] = Tensor.From(new double[] { 1, 2 });
        Check.Close(t, [4, 2], [0, 0, 0, 0, 0, 0, 1, 2]);
    }

    [Fact]
    public void MaskSetter_WritesTheSelectedPlaces()
    {
        var x = Seq(2, 3);
        x[x.Gt(2.5)] = Tensor.From(0.0);
        Check.Close(x, [0, 1, 2, 0, 0, 0]);
        var y = Seq(3, 2);
        y[Tensor.From(new[] { true, false, true })] = Tensor.From(new double[] { -1, -2 });
        Check.Close(y, [-1, -2, 2, 3, -1, -2]);
        Check.Throws<ArgumentException>(() => y[Tensor.From(new[] { true, false, true })] = Tensor.Zeros(3), "index_put_");

        // A target whose leading dims cannot be merged into one: the write still lands in its storage.
        var z = Tensor.Zeros(2, 3, 2).Permute(1, 0, 2); // [3, 2, 2]
        var mask = Tensor.From(new[,] { { false, true }, { false, false }, { true, false } });
        z[mask] = Tensor.From(new double[] { 7, 8 });
        var expected = new double[12];
        expected[1 * 2 + 0] = 7; expected[1 * 2 + 1] = 8; // z[0, 1]
        expected[4 * 2 + 0] = 7; expected[4 * 2 + 1] = 8; // z[2, 0]
        Check.Close(z, [3, 2, 2], expected);
    }

    [Fact]
    public void TensorIndexSetter_Gradcheck()
    {
        var w = Check.Input(13, 4, 2).Detach();
        Check.Gradients(t =>
        {
            var z = t[0] * 1.0;
            z[Tensor.From(new long[] { 3, 0, 3 })] = t[1];
            return z * w;
        }, Check.Input(14, 4, 2), Check.Input(15, 3, 2));
        var mask = Tensor.From(new[,] { { true, false }, { false, false }, { true, true }, { false, true } });
        Check.Gradients(t =>
        {
            var z = t[0] * 1.0;
            z[mask] = t[1];
            return z * w;
        }, Check.Input(16, 4, 2), Check.Input(17, 4));
    }
}
