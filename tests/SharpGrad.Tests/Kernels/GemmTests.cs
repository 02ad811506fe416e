using System.Numerics;
using SharpGrad.Kernels;

namespace SharpGrad.Tests;

public class GemmTests
{
    /// <summary>C = A B (+ C) with A and B read through offsets and strides, by the textbook triple loop.</summary>
    private static T[] Naive<T>(T[] a, int aOff, int aRs, int aCs, T[] b, int bOff, int bRs, int bCs, T[] c, int cOff, int m, int n, int k, bool accumulate)
        where T : INumber<T>
    {
        var r = (T[])c.Clone();
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                T acc = accumulate ? r[cOff + i * n + j] : T.Zero;
                for (int p = 0; p < k; p++) acc += a[aOff + i * aRs + p * aCs] * b[bOff + p * bRs + j * bCs];
                r[cOff + i * n + j] = acc;
            }
        return r;
    }

    /// <summary>Small integers, so that every product and sum is exact in any order.</summary>
    private static T[] Ints<T>(int length, int seed) where T : INumber<T>
    {
        var g = new Generator((ulong)seed);
        var x = new T[length];
        for (int i = 0; i < length; i++) x[i] = T.CreateChecked(g.NextInt64(-8, 9));
        return x;
    }

    public static TheoryData<int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int>
        {
            { 1, 1, 1 }, { 4, 16, 8 }, { 5, 17, 3 }, { 7, 13, 5 }, { 9, 33, 300 }, { 64, 70, 33 }, { 3, 1, 600 }, { 1, 65, 257 },
        };
        foreach (int s in new[] { 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33 })
            data.Add(s, s, s);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ContiguousOperands_MatchTheTripleLoop_ForEveryElementType(int m, int n, int k)
    {
        Compare<float>(m, n, k);
        Compare<double>(m, n, k);
        Compare<long>(m, n, k);

        static void Compare<T>(int m, int n, int k) where T : unmanaged, INumber<T>
        {
            var a = Ints<T>(m * k, 1);
            var b = Ints<T>(k * n, 2);
            var c = new T[m * n];
            var expected = Naive(a, 0, k, 1, b, 0, n, 1, c, 0, m, n, k, false);
            Gemm.MatMul(a, 0, k, 1, b, 0, n, 1, c, 0, m, n, k);
            Assert.Equal(expected, c);
        }
    }

    [Theory]
    [InlineData(5, 17, 9)]
    [InlineData(13, 40, 300)]
    public void StridedAndOffsetOperands_MatchTheTripleLoop(int m, int n, int k)
    {
        // A read column-major (transposed) from offset 3, B with every other column from offset 1, C at offset 2.
        var a = Ints<double>(3 + m * k, 3);
        var b = Ints<double>(1 + k * 2 * n, 4);
        var c = Ints<double>(2 + m * n + 5, 5);
        var expected = Naive(a, 3, 1, m, b, 1, 2 * n, 2, c, 2, m, n, k, false);
        Gemm.MatMul(a, 3, 1, m, b, 1, 2 * n, 2, c, 2, m, n, k);
        Assert.Equal(expected, c);
    }

    [Fact]
    public void Accumulate_AddsToC()
    {
        const int m = 6, n = 20, k = 7;
        var a = Ints<float>(m * k, 6);
        var b = Ints<float>(k * n, 7);
        var c = Ints<float>(m * n, 8);
        var expected = Naive(a, 0, k, 1, b, 0, n, 1, c, 0, m, n, k, true);
        Gemm.MatMul(a, 0, k, 1, b, 0, n, 1, c, 0, m, n, k, accumulate: true);
        Assert.Equal(expected, c);
    }

    [Fact]
    public void ZeroInnerDimension_GivesZeros_OrLeavesCWhenAccumulating()
    {
        var c = new float[] { 1, 2, 3, 4, 5, 6 };
        Gemm.MatMul([], 0, 0, 1, [], 0, 3, 1, c, 0, 2, 3, 0);
        Assert.Equal(new float[6], c);
        var d = new float[] { 1, 2, 3, 4, 5, 6 };
        Gemm.MatMul([], 0, 0, 1, [], 0, 3, 1, d, 0, 2, 3, 0, accumulate: true);
        Assert.Equal([1f, 2, 3, 4, 5, 6], d);
    }

    [Fact]
    public void ZeroStrideB_ReadsTheSameRowForEveryK()
    {
        // B is one row broadcast over k (row stride 0).
        const int m = 3, n = 9, k = 4;
        var a = Ints<long>(m * k, 9);
        var b = Ints<long>(n, 10);
        var c = new long[m * n];
        var expected = Naive(a, 0, k, 1, b, 0, 0, 1, c, 0, m, n, k, false);
        Gemm.MatMul(a, 0, k, 1, b, 0, 0, 1, c, 0, m, n, k);
        Assert.Equal(expected, c);
    }

    [Fact]
    public void DoesNotWriteOutsideC()
    {
        const int m = 5, n = 11, k = 3;
        var a = Ints<float>(m * k, 11);
        var b = Ints<float>(k * n, 12);
        var c = Enumerable.Repeat(99f, m * n + 10).ToArray();
        Gemm.MatMul(a, 0, k, 1, b, 0, n, 1, c, 5, m, n, k);
        for (int i = 0; i < 5; i++) Assert.Equal(99f, c[i]);
        for (int i = 5 + m * n; i < c.Length; i++) Assert.Equal(99f, c[i]);
    }

    /// <summary>One GEMM implementation, with the signature of <see cref="Gemm.MatMul{T}"/>.</summary>
    private delegate void Product<T>(T[] a, int aOff, int aRs, int aCs, T[] b, int bOff, int bRs, int bCs, T[] c, int cOff,
        int m, int n, int k, bool accumulate);

    /// <summary>Every micro-kernel through the packed driver, every small path, and the dispatching entry point.</summary>
    private static IEnumerable<(string Name, Product<T> Run)> Paths<T>() where T : unmanaged, INumber<T>
    {
        yield return ("auto", (a, ao, ars, acs, b, bo, brs, bcs, c, co, m, n, k, acc) => Gemm.MatMul(a, ao, ars, acs, b, bo, brs, bcs, c, co, m, n, k, acc));
        yield return ("small", GemmSmall.Rows);
        if (typeof(T) == typeof(float) || typeof(T) == typeof(double))
        {
            yield return ("512", Gemm.Packed<T, Kernel512<T>>);
            yield return ("256", Gemm.Packed<T, Kernel256<T>>);
        }
        yield return ("vector", Gemm.Packed<T, KernelVector<T>>);
    }

    /// <summary>Shapes around every tile size (6 x 64, 6 x 32, 6 x 16, 4 x 2 vectors) and the 256-deep k slice.</summary>
    public static TheoryData<int, int, int> OddShapes()
    {
        var data = new TheoryData<int, int, int>();
        for (int s = 1; s <= 20; s++)
        {
            data.Add(s, 65 - s, 2 * s + 1);
            data.Add(s + 11, s, 19);
        }
        int[][] more =
        [
            [31, 33, 63], [33, 31, 65], [63, 65, 127], [65, 63, 129], [127, 129, 31], [129, 127, 33], [257, 17, 45],
            [13, 257, 90], [7, 33, 1000], [131, 1, 300], [1, 131, 300], [70, 1, 37], [1, 70, 45], [65, 9, 1000], [19, 70, 513], [2, 2, 257], [6, 64, 256], [12, 100, 512],
        ];
        foreach (var x in more) data.Add(x[0], x[1], x[2]);
        return data;
    }

    [Theory]
    [MemberData(nameof(OddShapes))]
    public void EveryPathAndLayout_MatchesTheTripleLoop_WithIntegerValues(int m, int n, int k)
    {
        CompareLayouts<float>(m, n, k);
        CompareLayouts<double>(m, n, k);
        if ((long)m * n * k < 200_000) CompareLayouts<long>(m, n, k);
    }

    /// <summary>
    /// Integer values keep every sum exact, so each path must equal the triple loop exactly: with contiguous,
    /// transposed and arbitrarily strided operands at offsets, storing or accumulating into C, never touching
    /// the elements around C.
    /// </summary>
    private static void CompareLayouts<T>(int m, int n, int k) where T : unmanaged, INumber<T>
    {
        var layouts = new (int ARs, int ACs, int BRs, int BCs)[]
        {
            (k, 1, n, 1),                   // row-major
            (1, m, 1, k),                   // both transposed: A stored [k, m], B stored [n, k]
            (2 * k + 1, 2, 3, 3 * k + 2),   // general strides
        };
        foreach (var (aRs, aCs, bRs, bCs) in layouts)
        {
            const int aOff = 3, bOff = 2, cOff = 5;
            var a = Ints<T>(aOff + 1 + (m - 1) * aRs + (k - 1) * aCs, m + k);
            var b = Ints<T>(bOff + 1 + (k - 1) * bRs + (n - 1) * bCs, n + 7 * k);
            foreach (bool accumulate in new[] { false, true })
                foreach (var (name, run) in Paths<T>())
                {
                    var c = Ints<T>(cOff + m * n + 7, m * n);
                    var expected = Naive(a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, m, n, k, accumulate);
                    run(a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, m, n, k, accumulate);
                    Assert.True(expected.AsSpan().SequenceEqual(c),
                        $"{typeof(T).Name} path {name}, {m}x{k}x{n}, strides ({aRs},{aCs}) ({bRs},{bCs}), accumulate {accumulate}");
                }
        }
    }

    [Theory]
    [InlineData(37, 70, 300)]
    [InlineData(130, 9, 600)]
    [InlineData(5, 200, 1000)]
    public void RandomFloats_AreWithinTheRoundingBound_AndEveryPathGivesTheSameBits(int m, int n, int k)
    {
        var g = new Generator(7);
        var a = new float[m * k];
        var b = new float[k * n];
        for (int i = 0; i < a.Length; i++) a[i] = (float)g.NextNormal();
        for (int i = 0; i < b.Length; i++) b[i] = (float)g.NextNormal();
        var at = new float[k * m];
        for (int i = 0; i < m; i++)
            for (int p = 0; p < k; p++) at[p * m + i] = a[i * k + p];
        var reference = new float[m * n];
        Gemm.MatMul(a, 0, k, 1, b, 0, n, 1, reference, 0, m, n, k);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double exact = 0, scale = 0;
                for (int p = 0; p < k; p++)
                {
                    exact += (double)a[i * k + p] * b[p * n + j];
                    scale += Math.Abs((double)a[i * k + p] * b[p * n + j]);
                }
                Assert.True(Math.Abs(reference[i * n + j] - exact) <= 1.2e-7 * k * scale, $"[{i}, {j}]: {reference[i * n + j]} vs {exact}");
            }
        // Every element is the same chain of fused multiply-adds on every path, whatever the layout of A.
        if (!GemmSimd.FmaVector) return;
        foreach (var (name, run) in Paths<float>())
        {
            var c = new float[m * n];
            run(at, 0, 1, m, b, 0, n, 1, c, 0, m, n, k, false);
            Assert.True(reference.AsSpan().SequenceEqual(c), $"path {name}");
        }
    }

    [Theory]
    [InlineData(64, 700, 64)]    // a batch of 64 times a weight, short k
    [InlineData(64, 250, 600)]   // k over several slices, an edge panel of B
    [InlineData(200, 784, 200)]  // the mlp's batch of 200
    [InlineData(256, 700, 40)]   // the most rows of C with B read in place
    [InlineData(257, 700, 40)]   // one row more: B packed again
    public void RowMajorB_ReadInPlace_MatchesFloat64_AndGivesTheBitsOfAPackedB(int m, int n, int k)
    {
        var g = new Generator((ulong)(m * 7 + n + k));
        var a = new float[m * k];
        var b = new float[k * n];
        for (int i = 0; i < a.Length; i++) a[i] = (float)g.NextNormal();
        for (int i = 0; i < b.Length; i++) b[i] = (float)g.NextNormal();
        var bt = new float[n * k];
        for (int p = 0; p < k; p++)
            for (int j = 0; j < n; j++) bt[j * k + p] = b[p * n + j];
        var direct = new float[m * n];
        var packed = new float[m * n];
        Gemm.MatMul(a, 0, k, 1, b, 0, n, 1, direct, 0, m, n, k);
        Gemm.MatMul(a, 0, k, 1, bt, 0, 1, k, packed, 0, m, n, k); // column-major B is always packed
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double exact = 0, scale = 0;
                for (int p = 0; p < k; p++)
                {
                    exact += (double)a[i * k + p] * b[p * n + j];
                    scale += Math.Abs((double)a[i * k + p] * b[p * n + j]);
                }
                Assert.True(Math.Abs(direct[i * n + j] - exact) <= 1.2e-7 * k * scale, $"[{i}, {j}]: {direct[i * n + j]} vs {exact}");
            }
        Assert.True(direct.AsSpan().SequenceEqual(packed), "row-major B read in place differs from the packed column-major B");
    }

    [Fact]
    public void BlocksOfC_GiveTheSameBitsAsOneBlock()
    {
        // A pack budget of 2,000 elements cuts a 50 x 70 x 300 product into blocks of a few tiles each way.
        const int m = 50, n = 70, k = 300;
        var g = new Generator(8);
        var a = new double[m * k];
        var b = new double[k * n];
        for (int i = 0; i < a.Length; i++) a[i] = g.NextNormal();
        for (int i = 0; i < b.Length; i++) b[i] = g.NextNormal();
        var one = new double[m * n];
        var blocks = new double[m * n];
        GemmDriver.Run<double, KernelVector<double>>(a, 0, k, 1, b, 0, n, 1, one, 0, n, 1, m, n, k, false);
        GemmDriver.Run<double, KernelVector<double>>(a, 0, k, 1, b, 0, n, 1, blocks, 0, n, 1, m, n, k, false, packBudget: 2000);
        Assert.Equal(one, blocks);
    }

    [Fact]
    public void OperandsReachingOutsideTheirStorage_AreRejected()
    {
        var a = new float[12];
        var b = new float[12];
        var c = new float[9];
        Check.Throws<ArgumentException>(() => Gemm.MatMul(a, 1, 4, 1, b, 0, 3, 1, c, 0, 3, 3, 4), "matmul", "A [3, 4]", "offset 1");
        Check.Throws<ArgumentException>(() => Gemm.MatMul(a, 0, 4, 1, b, 0, 4, 1, c, 0, 3, 3, 4), "matmul", "B [4, 3]");
        Check.Throws<ArgumentException>(() => Gemm.MatMul(a, 0, 4, 1, b, 0, 3, 1, c, 1, 3, 3, 4), "matmul", "C [3, 3]");
    }
}

[Collection("Threading")]
public class GemmThreadingTests
{
    public static TheoryData<int, int, int, bool, bool> Shapes() => new()
    {
        { 300, 300, 300, false, false },  // rows split
        { 64, 700, 700, false, false },   // columns split, B read in place
        { 64, 700, 64, false, false },    // B read in place, short k
        { 200, 784, 200, false, false },  // B read in place, the mlp's batch
        { 700, 700, 64, true, false },    // A^T B, as in a weight gradient
        { 64, 700, 700, false, true },    // A B^T, as in an input gradient
        { 64, 10, 1024, false, false },   // computed as C^T = B^T A^T
        { 7, 65, 9, false, false },       // one tile row, two tile columns
        { 1, 1000, 600, false, false },   // one row of C
        { 1000, 1, 600, false, false },   // one column, rows of A contiguous
        { 1000, 1, 600, true, false },    // one column, columns of A contiguous
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Gemm_IsBitIdenticalForOneTwoAndThreeThreads(int m, int n, int k, bool transposeA, bool transposeB)
    {
        var g = new Generator((ulong)(m + n + k));
        var a = new float[m * k];
        var b = new float[k * n];
        for (int i = 0; i < a.Length; i++) a[i] = (float)g.NextNormal();
        for (int i = 0; i < b.Length; i++) b[i] = (float)g.NextNormal();
        var ad = Array.ConvertAll(a, x => (double)x);
        var bd = Array.ConvertAll(b, x => (double)x);
        int aRs = transposeA ? 1 : k, aCs = transposeA ? m : 1, bRs = transposeB ? 1 : n, bCs = transposeB ? k : 1;
        var f1 = With(1, () => Product(a, b));
        var d1 = With(1, () => Product(ad, bd));
        foreach (int threads in new[] { 2, 3 })
        {
            Assert.Equal(f1, With(threads, () => Product(a, b)));
            Assert.Equal(d1, With(threads, () => Product(ad, bd)));
        }

        T[] Product<T>(T[] x, T[] y) where T : unmanaged, INumber<T>
        {
            var c = new T[m * n];
            Gemm.MatMul(x, 0, aRs, aCs, y, 0, bRs, bCs, c, 0, m, n, k);
            return c;
        }
    }

    private static T With<T>(int threads, Func<T> f)
    {
        int saved = Threading.NumThreads;
        try
        {
            Threading.NumThreads = threads;
            return f();
        }
        finally
        {
            Threading.NumThreads = saved;
        }
    }
}
