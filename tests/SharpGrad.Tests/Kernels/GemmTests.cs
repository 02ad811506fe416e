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
}
