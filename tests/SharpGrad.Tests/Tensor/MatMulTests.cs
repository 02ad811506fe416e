using SharpGrad.Kernels;

namespace SharpGrad.Tests;

public class MatMulTests
{
    /// <summary>C = A B for row-major [m, k] and [k, n] float64 arrays, plus Σ|a||b| per element for error bounds.</summary>
    private static (double[] C, double[] Scale) Naive(double[] a, double[] b, int m, int k, int n)
    {
        var c = new double[m * n];
        var scale = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double acc = 0, abs = 0;
                for (int p = 0; p < k; p++)
                {
                    acc += a[i * k + p] * b[p * n + j];
                    abs += Math.Abs(a[i * k + p] * b[p * n + j]);
                }
                c[i * n + j] = acc;
                scale[i * n + j] = abs;
            }
        return (c, scale);
    }

    /// <summary>
    /// Checks a product against the triple loop with the rounding-error bound of any summation order:
    /// |error| &lt;= k u Σ|a||b| (u = 2^-24 for float32, 2^-53 for float64), with a little slack.
    /// </summary>
    private static void AssertProduct(Tensor actual, Tensor a, Tensor b)
    {
        int m = a.Shape[0], k = a.Shape[1], n = b.Shape[1];
        Assert.Equal([m, n], actual.Shape);
        Assert.Equal(a.DType, actual.DType);
        var (c, scale) = Naive(a.ToArray<double>(), b.ToArray<double>(), m, k, n);
        var got = actual.ToArray<double>();
        double u = a.DType == DType.Float32 ? 1.2e-7 : 2.3e-16;
        for (int i = 0; i < got.Length; i++)
        {
            double bound = a.DType == DType.Int64 ? 0 : u * Math.Max(k, 1) * scale[i] + 1e-300;
            Assert.True(Math.Abs(got[i] - c[i]) <= bound, $"[{i / n}, {i % n}] of {m}x{k}x{n}: got {got[i]}, expected {c[i]} (bound {bound})");
        }
    }

    private static Tensor Rnd(int seed, DType dtype, params int[] shape) => dtype == DType.Int64
        ? Tensor.Randint(-20, 21, shape, new Generator((ulong)seed))
        : Tensor.Randn(shape, new Generator((ulong)seed), dtype);

    public static TheoryData<int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int>
        {
            { 1, 1, 1 }, { 7, 13, 5 }, { 64, 70, 33 }, { 200, 784, 10 }, { 1, 1000, 1 }, { 3, 0, 4 },
        };
        foreach (int s in new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 31, 33, 63, 65, 257 })
        {
            data.Add(s, 9, 5);   // m around the row block
            if (s != 5) data.Add(5, 9, s);   // n around the vector width (8 floats, 4 doubles / longs) and 2 vectors (5, 9, 5 is above)
            data.Add(4, s, 7);   // k
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Mm_MatchesTheTripleLoop(int m, int k, int n)
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64, DType.Int64 })
        {
            var a = Rnd(m * 1000 + k, dtype, m, k);
            var b = Rnd(n * 1000 + k + 1, dtype, k, n);
            AssertProduct(dtype == DType.Float64 ? a.Mm(b) : a.MatMul(b), a, b);
        }
    }

    [Theory]
    [InlineData(31, 33, 63)]
    [InlineData(65, 257, 17)]
    public void SquareEdgeSizes_MatchTheTripleLoop(int m, int k, int n)
    {
        var a = Rnd(1, DType.Float32, m, k);
        var b = Rnd(2, DType.Float32, k, n);
        AssertProduct(a.MatMul(b), a, b);
    }

    [Fact]
    public void TransposedOperands_MatchTheTripleLoop()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64, DType.Int64 })
        {
            var at = Rnd(3, dtype, 37, 21); // a = at.T is [21, 37]
            var bt = Rnd(4, dtype, 19, 37); // b = bt.T is [37, 19]
            var a = at.T;
            var b = bt.T;
            Assert.False(a.IsContiguous());
            AssertProduct(a.MatMul(b), a.Contiguous(), b.Contiguous());
            AssertProduct(a.MatMul(b.Contiguous()), a.Contiguous(), b.Contiguous());
            AssertProduct(a.Contiguous().MatMul(b), a.Contiguous(), b.Contiguous());
            Assert.Equal(a.Contiguous().MatMul(b.Contiguous()).ToArray<double>(), a.MatMul(b).ToArray<double>());
        }
    }

    [Fact]
    public void NarrowedAndSteppedOperands_MatchTheTripleLoop()
    {
        var bigA = Rnd(5, DType.Float64, 30, 50);
        var bigB = Rnd(6, DType.Float64, 40, 60);
        var a = bigA.Narrow(0, 3, 17).Slice(1, 1, 20, 2);  // [17, 20], column stride 2, offset
        var b = bigB.Slice(0, 0, 20, 2).Narrow(1, 5, 33);  // [20, 33], row stride 120
        AssertProduct(a.MatMul(b), a.Contiguous(), b.Contiguous());
        var bStep = bigB.Narrow(0, 0, 20).Slice(1, 0, 30, 2); // column stride 2
        AssertProduct(a.MatMul(bStep), a.Contiguous(), bStep.Contiguous());
        AssertProduct(a.T.T.MatMul(bStep.T.T), a.Contiguous(), bStep.Contiguous());
    }

    [Fact]
    public void ExpandedOperand_MatchesTheTripleLoop()
    {
        var row = Rnd(7, DType.Float64, 1, 6).Expand(5, 6);  // every row the same (stride 0)
        var b = Rnd(8, DType.Float64, 6, 9);
        AssertProduct(row.MatMul(b), row.Contiguous(), b);
        var col = Rnd(9, DType.Float64, 6, 1).Expand(6, 9);
        AssertProduct(row.MatMul(col), row.Contiguous(), col.Contiguous());
    }

    [Fact]
    public void HandWorkedProduct()
    {
        var a = Tensor.From(new float[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } });
        var b = Tensor.From(new float[,] { { 1, 0, -1 }, { 2, 1, 0 } });
        Assert.Equal([5f, 2, -1, 11, 4, -3, 17, 6, -5], a.MatMul(b).ToArray());
        Assert.Equal([3, 3], a.Mm(b).Shape);
        Assert.Equal([2, 2], b.MatMul(a).Shape);
        Assert.Equal([-4f, -4, 5, 8], b.MatMul(a).ToArray());
    }

    [Fact]
    public void OneDimensionalCases_FollowMatmulRules()
    {
        var g = new Generator(10);
        var v = Tensor.Randn([4], g, DType.Float64);
        var w = Tensor.Randn([4], g, DType.Float64);
        var m = Tensor.Randn([3, 4], g, DType.Float64);
        var mt = Tensor.Randn([4, 5], g, DType.Float64);
        var batch = Tensor.Randn([2, 4, 5], g, DType.Float64);
        var batchL = Tensor.Randn([2, 3, 4], g, DType.Float64);

        var dot = v.MatMul(w);
        Assert.Empty(dot.Shape);
        var vv = v.ToArray<double>();
        var wv = w.ToArray<double>();
        Check.Close(vv.Select((x, i) => x * wv[i]).Sum(), dot.Item(), 1e-14);
        Check.Close(dot.Item(), v.Dot(w).Item(), 1e-15);

        var vm = v.MatMul(mt); // [4] @ [4, 5] -> [5]
        Check.Close(vm, [5], v.Unsqueeze(0).MatMul(mt).ToArray<double>(), 1e-14);
        var mv = m.MatMul(v); // [3, 4] @ [4] -> [3]
        Check.Close(mv, [3], m.MatMul(v.Unsqueeze(1)).ToArray<double>(), 1e-14);
        Check.Close(m.Mv(v), [3], mv.ToArray<double>(), 0);
        var vb = v.MatMul(batch); // [4] @ [2, 4, 5] -> [2, 5]
        Check.Close(vb, [2, 5], [.. v.MatMul(batch.Select(0, 0)).ToArray<double>(), .. v.MatMul(batch.Select(0, 1)).ToArray<double>()], 1e-14);
        var bv = batchL.MatMul(v); // [2, 3, 4] @ [4] -> [2, 3]
        Check.Close(bv, [2, 3], [.. batchL.Select(0, 0).MatMul(v).ToArray<double>(), .. batchL.Select(0, 1).MatMul(v).ToArray<double>()], 1e-14);
        var bm = batchL.MatMul(mt); // [2, 3, 4] @ [4, 5] -> [2, 3, 5]
        Check.Close(bm, [2, 3, 5], [.. batchL.Select(0, 0).MatMul(mt).ToArray<double>(), .. batchL.Select(0, 1).MatMul(mt).ToArray<double>()], 1e-14);
    }

    [Fact]
    public void BatchedBroadcasting_MatchesPerBatchProducts()
    {
        var g = new Generator(11);
        var a = Tensor.Randn([2, 1, 3, 4], g, DType.Float64);
        var b = Tensor.Randn([5, 4, 2], g, DType.Float64);
        var c = a.MatMul(b);
        Assert.Equal([2, 5, 3, 2], c.Shape);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 5; j++)
                AssertProduct(c.Select(0, i).Select(0, j), a.Select(0, i).Select(0, 0), b.Select(0, j));
    }

    [Fact]
    public void BatchedNonContiguous_MatchesPerBatchProducts()
    {
        var g = new Generator(12);
        var a = Tensor.Randn([4, 3, 6], g).Transpose(0, 1);  // [3, 4, 6], strided batch
        var b = Tensor.Randn([3, 5, 6], g).Transpose(1, 2);  // [3, 6, 5], transposed matrices
        var c = a.MatMul(b);
        var cb = a.Bmm(b);
        Assert.Equal([3, 4, 5], c.Shape);
        Assert.Equal(c.ToArray(), cb.ToArray());
        for (int i = 0; i < 3; i++) AssertProduct(c.Select(0, i), a.Select(0, i).Contiguous(), b.Select(0, i).Contiguous());
    }

    [Fact]
    public void Bmm_MultipliesEachBatch()
    {
        var g = new Generator(13);
        var a = Tensor.Randint(-5, 6, [3, 2, 4], g);
        var b = Tensor.Randint(-5, 6, [3, 4, 3], g);
        var c = a.Bmm(b);
        Assert.Equal([3, 2, 3], c.Shape);
        for (int i = 0; i < 3; i++) AssertProduct(c.Select(0, i), a.Select(0, i), b.Select(0, i));
    }

    [Fact]
    public void Int64_IsExact()
    {
        var a = Tensor.Randint(-1000, 1000, [33, 65], new Generator(14));
        var b = Tensor.Randint(-1000, 1000, [65, 17], new Generator(15));
        var c = a.MatMul(b);
        Assert.Equal(DType.Int64, c.DType);
        var av = a.ToArray<long>();
        var bv = b.ToArray<long>();
        var cv = c.ToArray<long>();
        for (int i = 0; i < 33; i++)
            for (int j = 0; j < 17; j++)
            {
                long acc = 0;
                for (int p = 0; p < 65; p++) acc += av[i * 65 + p] * bv[p * 17 + j];
                Assert.Equal(acc, cv[i * 17 + j]);
            }
    }

    [Fact]
    public void MatMul_RejectsMismatchedInnerDimensions()
    {
        Check.Throws<ArgumentException>(() => Tensor.Zeros(32, 784).MatMul(Tensor.Zeros(200, 784)),
            "matmul: shapes [32, 784] and [200, 784] cannot be multiplied");
        Check.Throws<ArgumentException>(() => Tensor.Zeros(3).MatMul(Tensor.Zeros(4)), "matmul: shapes [3] and [4] cannot be multiplied");
        Check.Throws<ArgumentException>(() => Tensor.Zeros(3).MatMul(Tensor.Zeros(4, 2)), "matmul: shapes [3] and [4, 2] cannot be multiplied");
        Check.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).MatMul(Tensor.Zeros(4)), "matmul: shapes [2, 3] and [4] cannot be multiplied");
        Check.Throws<ArgumentException>(() => Tensor.Zeros(5, 2, 3).MatMul(Tensor.Zeros(4, 2)), "matmul: shapes [5, 2, 3] and [4, 2] cannot be multiplied");
        Check.Throws<ArgumentException>(() => Tensor.Zeros(5, 2, 3).MatMul(Tensor.Zeros(5, 4, 2)), "matmul: shapes [5, 2, 3] and [5, 4, 2] cannot be multiplied");
    }

    [Fact]
    public void MatMul_RejectsUnbroadcastableBatches()
        => Check.Throws<ArgumentException>(() => Tensor.Zeros(2, 3, 4).MatMul(Tensor.Zeros(3, 4, 5)), "matmul", "(2)", "(3)");

    [Fact]
    public void MmBmmMvDot_RejectBadShapesNamingTheOp()
    {
        Check.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).Mm(Tensor.Zeros(4, 2)), "mm: shapes [2, 3] and [4, 2] cannot be multiplied");
        Check.Throws<ArgumentException>(() => Tensor.Zeros(2, 3, 1).Mm(Tensor.Zeros(1, 2)), "mm", "2-D", "[2, 3, 1]");
        Check.Throws<ArgumentException>(() => Tensor.Zeros(2, 2, 3).Bmm(Tensor.Zeros(2, 4, 2)), "bmm: shapes [2, 2, 3] and [2, 4, 2] cannot be multiplied");
        Check.Throws<ArgumentException>(() => Tensor.Zeros(2, 2, 3).Bmm(Tensor.Zeros(3, 3, 2)), "bmm", "batch", "[2, 2, 3]", "[3, 3, 2]");
        Check.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).Bmm(Tensor.Zeros(3, 2)), "bmm", "3-D");
        Check.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).Mv(Tensor.Zeros(4)), "mv: shapes [2, 3] and [4] cannot be multiplied");
        Check.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).Mv(Tensor.Zeros(3, 1)), "mv", "[3, 1]");
        Check.Throws<ArgumentException>(() => Tensor.Zeros(3).Dot(Tensor.Zeros(4)), "dot", "[3]", "[4]");
        Check.Throws<ArgumentException>(() => Tensor.Zeros(3, 1).Dot(Tensor.Zeros(3)), "dot", "1D", "[3, 1]");
    }

    [Fact]
    public void MatMul_RejectsDTypeMismatchAndBool()
    {
        Check.Throws<ArgumentException>(() => Tensor.Zeros(2, 2).MatMul(Tensor.Zeros([2, 2], DType.Float64)), "matmul", "torch.float32", "torch.float64");
        Check.Throws<ArgumentException>(() => Tensor.Zeros(2, 2).Mm(Tensor.Zeros([2, 2], DType.Int64)), "mm", "torch.float32", "torch.int64");
        Check.Throws<ArgumentException>(() => Tensor.Zeros([2, 2], DType.Bool).MatMul(Tensor.Zeros([2, 2], DType.Bool)), "matmul", "torch.bool");
        Check.Throws<ArgumentException>(() => Tensor.Zeros(2).Dot(Tensor.Zeros([2], DType.Float64)), "dot", "torch.float32", "torch.float64");
        Check.Throws<ArgumentException>(() => Tensor.Zeros(2, 2).Mv(Tensor.Zeros([2], DType.Float64)), "mv", "torch.float64");
    }

    [Fact]
    public void MatMul_RejectsZeroDimensionalOperands()
    {
        Check.Throws<ArgumentException>(() => Tensor.From(2.0).MatMul(Tensor.Zeros(2)), "matmul", "at least 1 dimension", "[]", "[2]");
        Check.Throws<ArgumentException>(() => Tensor.Zeros(2, 2).MatMul(Tensor.From(2.0)), "matmul", "at least 1 dimension");
    }

    [Fact]
    public void EmptyProducts()
    {
        Assert.All(Tensor.Ones(3, 0).MatMul(Tensor.Ones(0, 4)).ToArray(), v => Assert.Equal(0f, v));
        Assert.Equal([0, 4], Tensor.Ones(0, 3).MatMul(Tensor.Ones(3, 4)).Shape);
        Assert.Equal([3, 0], Tensor.Ones(3, 3).MatMul(Tensor.Ones(3, 0)).Shape);
        Assert.Equal(0.0, Tensor.Ones(0).Dot(Tensor.Ones(0)).Item());
        var batched = Tensor.Ones(2, 3, 0).MatMul(Tensor.Ones(0, 4));
        Assert.Equal([2, 3, 4], batched.Shape);
        Assert.All(batched.ToArray(), v => Assert.Equal(0f, v));
        Assert.Equal([2, 0, 4], Tensor.Ones(2, 0, 3).MatMul(Tensor.Ones(3, 4)).Shape);
        Assert.Equal([2, 3, 4], Tensor.Ones(2, 3, 0).MatMul(Tensor.Ones(2, 0, 4)).Shape);
    }
}

/// <summary>Tests that change the global thread count; they never run alongside other tests.</summary>
[CollectionDefinition("Threading", DisableParallelization = true)]
public class ThreadingCollection;

[Collection("Threading")]
public class MatMulThreadingTests
{
    private static Tensor ProductWith(int threads, Tensor a, Tensor b)
    {
        int saved = Threading.NumThreads;
        try
        {
            Threading.NumThreads = threads;
            return a.MatMul(b);
        }
        finally
        {
            Threading.NumThreads = saved;
        }
    }

    [Fact]
    public void MatMul_IsBitIdenticalForOneAndTwoThreads()
    {
        var g = new Generator(20);
        var a = Tensor.Randn([300, 300], g);
        var b = Tensor.Randn([300, 300], g);
        Assert.Equal(ProductWith(1, a, b).ToArray(), ProductWith(2, a, b).ToArray());
        var ad = a.Double();
        var bd = b.Double().T;
        Assert.Equal(ProductWith(1, ad, bd).ToArray<double>(), ProductWith(2, ad, bd).ToArray<double>());
    }

    [Fact]
    public void BatchedMatMul_IsBitIdenticalForOneAndTwoThreads()
    {
        var g = new Generator(21);
        var a = Tensor.Randn([3, 130, 300], g);
        var b = Tensor.Randn([300, 70], g);
        Assert.Equal(ProductWith(1, a, b).ToArray(), ProductWith(2, a, b).ToArray());
    }

    [Fact]
    public void NumThreads_RejectsZero()
    {
        int saved = Threading.NumThreads;
        Check.Throws<ArgumentOutOfRangeException>(() => Threading.NumThreads = 0, "set_num_threads", "got 0");
        Assert.Equal(saved, Threading.NumThreads);
    }
}
