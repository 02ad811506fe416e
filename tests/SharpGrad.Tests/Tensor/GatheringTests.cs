using SharpGrad;

namespace SharpGrad.Tests;

public class GatheringTests
{
    private static Tensor Values(int seed, params int[] shape) => Check.Input(seed, shape).Detach();

    private static Tensor Longs(params long[] values) => Tensor.From(values);

    private static int[] Unravel(int flat, int[] shape)
    {
        var p = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            p[d] = flat % shape[d];
            flat /= shape[d];
        }
        return p;
    }

    private static int Ravel(int[] p, int[] shape)
    {
        int flat = 0;
        for (int d = 0; d < shape.Length; d++) flat = flat * shape[d] + p[d];
        return flat;
    }

    /// <summary>out[.., j, ..] = x[.., idx[j], ..], element by element.</summary>
    private static double[] SlowIndexSelect(Tensor x, int dim, long[] idx)
    {
        var xs = x.Shape;
        var v = x.ToArray<double>();
        var os = x.Shape;
        os[dim] = idx.Length;
        var result = new double[Core.Shape.Numel(os)];
        for (int k = 0; k < result.Length; k++)
        {
            var p = Unravel(k, os);
            p[dim] = (int)idx[p[dim]];
            result[k] = v[Ravel(p, xs)];
        }
        return result;
    }

    /// <summary>out[p] = x[p with p[dim] = index[p]], element by element.</summary>
    private static double[] SlowGather(Tensor x, int dim, Tensor index)
    {
        var xs = x.Shape;
        var v = x.ToArray<double>();
        var iv = index.ToArray<long>();
        var result = new double[iv.Length];
        for (int k = 0; k < result.Length; k++)
        {
            var p = Unravel(k, index.Shape);
            p[dim] = (int)iv[k];
            result[k] = v[Ravel(p, xs)];
        }
        return result;
    }

    /// <summary>self with src[p] added (or written) at p with p[dim] = index[p], for p over the index's shape.</summary>
    private static double[] SlowScatter(Tensor self, int dim, Tensor index, Tensor src, bool add)
    {
        var ss = self.Shape;
        var result = self.ToArray<double>();
        var iv = index.ToArray<long>();
        var sv = src.ToArray<double>();
        for (int k = 0; k < iv.Length; k++)
        {
            var p = Unravel(k, index.Shape);
            double value = sv[Ravel(p, src.Shape)];
            p[dim] = (int)iv[k];
            int at = Ravel(p, ss);
            result[at] = add ? result[at] + value : value;
        }
        return result;
    }

    [Fact]
    public void IndexSelect_MatchesSlowLoop_AlongEveryDim()
    {
        var x = Values(1, 3, 4, 5);
        long[] idx = [2, 0, 2, 1];
        for (int dim = 0; dim < 3; dim++)
        {
            var y = x.IndexSelect(dim, Longs(idx[..Math.Min(4, x.Size(dim))]));
            Check.Close(y, SlowIndexSelect(x, dim, idx[..Math.Min(4, x.Size(dim))]), 0);
        }
        Assert.Equal([3, 0, 5], x.IndexSelect(1, Tensor.Zeros([0], DType.Int64)).Shape);
        Check.Close(x.IndexSelect(-1, Longs(4)), [3, 4, 1], SlowIndexSelect(x, 2, [4]), 0);
    }

    [Fact]
    public void IndexSelect_NonContiguousInputAndIndex()
    {
        var x = Values(2, 4, 3, 5).Permute(2, 0, 1); // [5, 4, 3]
        var idx = Longs(4, 9, 0, 9, 3, 9, 1)[TensorIndex.Slice(null, null, 2)]; // 4, 0, 3, 1 with stride 2
        for (int dim = 0; dim < 3; dim++)
        {
            var index = dim == 0 ? idx : Longs(2, 0, 2);
            Check.Close(x.IndexSelect(dim, index), SlowIndexSelect(x, dim, index.ToArray<long>()), 0);
        }
        var expanded = Tensor.From(new double[] { 1, 2, 3 }).Expand(4, 3);
        Check.Close(expanded.IndexSelect(0, Longs(3, 1)), [2, 3], [1, 2, 3, 1, 2, 3]);
    }

    [Fact]
    public void IndexSelect_OfMinibatchRows_CopiesWholeRows()
    {
        // The data-loader case: random rows out of a float32 image matrix.
        var images = Tensor.Rand([300, 784], new Generator(5));
        var rows = Tensor.Randperm(300, new Generator(6))[..64];
        var batch = images.IndexSelect(0, rows);
        Assert.Equal(DType.Float32, batch.DType);
        var r = rows.ToArray<long>();
        for (int i = 0; i < 64; i += 9) Assert.Equal(images[(int)r[i]].ToArray(), batch[i].ToArray());
        Assert.Equal(images[(int)r[63]].ToArray(), batch[63].ToArray());
    }

    [Fact]
    public void IndexSelect_KeepsIntAndBoolDtypes()
    {
        var x = Tensor.From(new long[,] { { 1, 2 }, { 3, 4 } });
        Check.Close(x.IndexSelect(1, Longs(1, 1, 0)), [2, 3], [2, 2, 1, 4, 4, 3]);
        var b = Tensor.From(new[] { true, false, true });
        Assert.Equal([false, true], b.IndexSelect(0, Longs(1, 2)).ToArray<bool>());
    }

    [Fact]
    public void IndexSelect_Gradcheck_AndGradientAccumulatesRepeats()
    {
        Check.Gradients(t => t[0].IndexSelect(1, Longs(2, 0, 2, 2)), Check.Input(3, 3, 4));
        Check.Gradients(t => t[0].T.IndexSelect(0, Longs(1, 1)), Check.Input(4, 3, 2));
        var x = Tensor.Zeros([4], DType.Float64, requiresGrad: true);
        var y = x.IndexSelect(0, Longs(3, 1, 3));
        Assert.Equal("IndexSelectBackward0", y.GradFn!.Name);
        (y * Tensor.From(new double[] { 1, 2, 4 })).Sum().Backward();
        Check.Close(x.Grad!, [0, 2, 0, 5]);
    }

    [Fact]
    public void IndexSelect_SecondDerivative_GoesThroughIndexAdd()
    {
        var x = Tensor.From(new double[] { 1, 2, 3 }).RequiresGrad_();
        var y = x.IndexSelect(0, Longs(2, 0, 2)).Pow(2).Sum();
        var g = Autograd.Grad(y, [x], createGraph: true)[0]!;
        Check.Close(g, [2, 0, 12]); // 2 x, counted per pick
        var h = Autograd.Grad(g.Sum(), [x])[0]!;
        Check.Close(h, [2, 0, 4]);
    }

    [Fact]
    public void IndexSelect_RejectsBadIndices()
    {
        var x = Tensor.Zeros(5, 2);
        Check.Throws<ArgumentOutOfRangeException>(() => x.IndexSelect(0, Longs(1, 7)), "index_select: index 7 is out of range for dimension 0 with size 5");
        Check.Throws<ArgumentOutOfRangeException>(() => x.IndexSelect(1, Longs(-1)), "index_select: index -1 is out of range for dimension 1 with size 2");
        Check.Throws<ArgumentException>(() => x.IndexSelect(0, Tensor.Zeros(2)), "index_select", "int64", "torch.float32");
        Check.Throws<ArgumentException>(() => x.IndexSelect(0, Tensor.Zeros([2, 2], DType.Int64)), "index_select", "vector", "[2, 2]");
        Check.Throws<ArgumentOutOfRangeException>(() => x.IndexSelect(2, Longs(0)), "index_select: dimension out of range");
    }

    [Fact]
    public void Gather_MatchesSlowLoop()
    {
        var x = Values(5, 3, 4);
        var i0 = Tensor.From(new long[,] { { 2, 0, 1, 2 }, { 0, 0, 2, 1 } });
        Check.Close(x.Gather(0, i0), [2, 4], SlowGather(x, 0, i0), 0);
        var i1 = Tensor.From(new long[,] { { 3, 3, 0 }, { 1, 2, 0 }, { 0, 0, 0 } });
        Check.Close(x.Gather(1, i1), [3, 3], SlowGather(x, 1, i1), 0);
        // 3-D, the index smaller than the input in the other dims.
        var y = Values(6, 3, 4, 5);
        var i2 = Tensor.Randint(0, 4, [2, 3, 2], new Generator(7));
        Check.Close(y.Gather(1, i2), [2, 3, 2], SlowGather(y, 1, i2), 0);
    }

    [Fact]
    public void Gather_NonContiguousInputAndIndex()
    {
        var x = Values(8, 5, 3).T; // [3, 5]
        var index = Tensor.Randint(0, 5, [4, 3], new Generator(9)).T; // [3, 4], strides [1, 3]
        Check.Close(x.Gather(1, index), [3, 4], SlowGather(x, 1, index), 0);
        var picked = Tensor.Randint(0, 3, [2, 5], new Generator(10));
        Check.Close(x.Gather(0, picked), SlowGather(x, 0, picked), 0);
    }

    [Fact]
    public void Gather_Gradcheck()
    {
        var index = Tensor.From(new long[,] { { 0, 0, 2 }, { 1, 2, 2 } });
        Check.Gradients(t => t[0].Gather(1, index), Check.Input(11, 2, 3));
        Check.Gradients(t => t[0].T.Gather(0, Tensor.From(new long[,] { { 1, 0 }, { 1, 1 } })), Check.Input(12, 3, 2));
        Assert.Equal("GatherBackward0", Check.Input(13, 2, 3).Gather(1, index).GradFn!.Name);
    }

    [Fact]
    public void Gather_RejectsBadIndices()
    {
        var x = Tensor.Zeros(2, 3);
        Check.Throws<ArgumentOutOfRangeException>(() => x.Gather(1, Tensor.From(new long[,] { { 0, 3 } })), "gather: index 3 is out of range for dimension 1 with size 3");
        Check.Throws<ArgumentException>(() => x.Gather(1, Longs(0)), "gather", "same number of dimensions", "[1]", "[2, 3]");
        Check.Throws<ArgumentException>(() => x.Gather(0, Tensor.Zeros([1, 4], DType.Int64)), "gather", "size 4 of index dimension 1 exceeds the input's size 3");
        Check.Throws<ArgumentException>(() => x.Gather(0, Tensor.Zeros([1, 1])), "gather", "int64", "torch.float32");
    }

    [Fact]
    public void ScatterAdd_MatchesSlowLoop_WithRepeatsAndLargerSrc()
    {
        var self = Values(14, 3, 4);
        var src = Values(15, 3, 5);
        var index = Tensor.From(new long[,] { { 0, 2, 2, 0 }, { 1, 1, 1, 1 } });
        Check.Close(self.ScatterAdd(0, index, src), [3, 4], SlowScatter(self, 0, index, src, true), 1e-12);
        var along1 = Tensor.From(new long[,] { { 3, 3 }, { 0, 1 }, { 2, 2 } });
        Check.Close(self.ScatterAdd(1, along1, src), SlowScatter(self, 1, along1, src, true), 1e-12);
    }

    [Fact]
    public void ScatterAdd_NonContiguousSelfSrcAndIndex()
    {
        var self = Values(16, 4, 3).T;  // [3, 4]
        var src = Values(17, 5, 3).T;   // [3, 5]
        var index = Tensor.Randint(0, 3, [4, 2], new Generator(18)).T; // [2, 4]
        Check.Close(self.ScatterAdd(0, index, src), SlowScatter(self, 0, index, src, true), 1e-12);
    }

    [Fact]
    public void ScatterAdd_Gradcheck_InSelfAndSrc()
    {
        var index = Tensor.From(new long[,] { { 0, 2, 2 }, { 1, 1, 0 } });
        Check.Gradients(t => t[0].ScatterAdd(0, index, t[1]), Check.Input(19, 3, 3), Check.Input(20, 2, 4));
        Check.Gradients(t => t[0].ScatterAdd(1, index, t[1].T), Check.Input(21, 2, 3), Check.Input(22, 3, 2));
        Assert.Equal("ScatterAddBackward0", Check.Input(23, 3, 3).ScatterAdd(0, index, Values(24, 2, 3)).GradFn!.Name);
    }

    [Fact]
    public void ScatterAdd_RejectsMismatches()
    {
        var self = Tensor.Zeros(3, 3);
        Check.Throws<ArgumentException>(() => self.ScatterAdd(0, Tensor.Zeros([1, 3], DType.Int64), Tensor.Zeros([1, 3], DType.Float64)),
            "scatter_add", "torch.float32", "torch.float64");
        Check.Throws<ArgumentException>(() => self.ScatterAdd(0, Tensor.Zeros([2, 3], DType.Int64), Tensor.Zeros(1, 3)),
            "scatter_add", "exceeds the src's size 1", "[2, 3]", "[1, 3]");
        Check.Throws<ArgumentOutOfRangeException>(() => self.ScatterAdd(1, Tensor.From(new long[,] { { 5 } }), Tensor.Zeros(1, 1)),
            "scatter_add: index 5 is out of range for dimension 1 with size 3");
        var flags = Tensor.Zeros([2], DType.Bool);
        Check.Throws<ArgumentException>(() => flags.ScatterAdd(0, Longs(0), flags), "scatter_add", "torch.bool");
        Check.Throws<ArgumentException>(() => flags.IndexAdd(0, Longs(0), flags[..1]), "index_add", "torch.bool");
        Assert.Equal([true, false], flags.Scatter(0, Longs(0), 1).ToArray<bool>());
    }

    [Fact]
    public void Scatter_WritesSrcOrValue_AndInPlaceVariantsModifySelf()
    {
        var self = Values(25, 3, 4);
        var src = Values(26, 2, 4);
        var index = Tensor.From(new long[,] { { 0, 2, 1, 0 }, { 1, 0, 2, 2 } });
        Check.Close(self.Scatter(0, index, src), SlowScatter(self, 0, index, src, false), 0);
        Check.Close(self.T.Scatter(1, index.T, src.T), SlowScatter(self.T, 1, index.T, src.T, false), 0);

        var labels = Longs(2, 0, 1);
        Check.Close(Tensor.Zeros(3, 4).Scatter(1, labels.Unsqueeze(1), 1), [3, 4], [0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0]);
        var onehot = Tensor.Zeros([3, 4], DType.Int64);
        Assert.Same(onehot, onehot.Scatter_(1, labels.Unsqueeze(1), 1));
        Assert.Equal([0L, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0], onehot.ToArray<long>());

        var acc = Tensor.Zeros(4);
        acc.ScatterAdd_(0, Longs(1, 1, 3), Tensor.Ones(3));
        acc.IndexAdd_(0, Longs(0), Tensor.From(new float[] { 5 }));
        acc.Scatter_(0, Longs(2), Tensor.From(new float[] { 7 }));
        Check.Close(acc, [5, 2, 7, 1]);
    }

    [Fact]
    public void Scatter_Gradcheck()
    {
        var index = Tensor.From(new long[,] { { 0, 2, 1 }, { 1, 0, 2 } }); // no position written twice
        Check.Gradients(t => t[0].Scatter(0, index, t[1]), Check.Input(27, 3, 3), Check.Input(28, 2, 4));
        Check.Gradients(t => t[0].Scatter(1, index, 0.5), Check.Input(29, 2, 3));
        var x = Check.Input(30, 2, 3);
        Assert.Equal("ScatterBackward1", x.Scatter(1, index, 0.5).GradFn!.Name);
        x.Scatter(1, Tensor.From(new long[,] { { 1 }, { 0 } }), 0.5).Sum().Backward();
        Check.Close(x.Grad!, [1, 0, 1, 0, 1, 1]);
    }

    [Fact]
    public void InPlaceScatter_InsideAutograd_IsRecorded()
    {
        var x = Check.Input(31, 2, 3);
        var src = Check.Input(32, 2, 3);
        var y = x * 2.0;
        y.ScatterAdd_(1, Tensor.From(new long[,] { { 0, 0, 0 }, { 2, 2, 1 } }), src);
        Assert.Equal("ScatterAddBackward0", y.GradFn!.Name);
        y.Sum().Backward();
        Check.Close(x.Grad!, [2, 2, 2, 2, 2, 2]);
        Check.Close(src.Grad!, [1, 1, 1, 1, 1, 1]);
        Check.Throws<InvalidOperationException>(() => x.Scatter_(0, Tensor.Zeros([1, 1], DType.Int64), 1.0), "scatter_", "leaf Variable");
    }

    [Fact]
    public void IndexAdd_MatchesSlowLoop_WithAlphaAndRepeats()
    {
        var self = Values(33, 3, 4);
        var source = Values(34, 3, 3);
        var idx = Longs(3, 0, 3);
        var expected = self.ToArray<double>();
        var sv = source.ToArray<double>();
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                expected[i * 4 + (int)idx.ToArray<long>()[j]] += 0.5 * sv[i * 3 + j];
        Check.Close(self.IndexAdd(1, idx, source, alpha: 0.5), [3, 4], expected, 1e-12);
        Check.Close(self.T.IndexAdd(0, idx, source.T, alpha: 0.5).T, expected, 1e-12);

        var ints = Tensor.Zeros([3], DType.Int64).IndexAdd(0, Longs(2, 2), Longs(4, 5), alpha: 2);
        Assert.Equal([0L, 0, 18], ints.ToArray<long>());
    }

    [Fact]
    public void IndexAdd_Gradcheck_AndErrors()
    {
        Check.Gradients(t => t[0].IndexAdd(0, Longs(1, 1, 0), t[1], alpha: -2), Check.Input(35, 2, 3), Check.Input(36, 3, 3));
        Assert.Equal("IndexAddBackward0", Check.Input(37, 2).IndexAdd(0, Longs(1), Values(38, 1)).GradFn!.Name);
        var self = Tensor.Zeros(3, 4);
        Check.Throws<ArgumentException>(() => self.IndexAdd(0, Longs(0, 1), Tensor.Zeros(2, 3)), "index_add", "[2, 3]", "[3, 4]", "[2, 4]");
        Check.Throws<ArgumentException>(() => self.IndexAdd(0, Longs(0), Tensor.Zeros([1, 4], DType.Float64)), "index_add", "torch.float32", "torch.float64");
        Check.Throws<ArgumentOutOfRangeException>(() => self.IndexAdd(1, Longs(4), Tensor.Zeros(3, 1)), "index_add: index 4 is out of range for dimension 1 with size 4");
    }
}
