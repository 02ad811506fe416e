using SharpGrad.Kernels;

namespace SharpGrad.Tests;

public class StridedLoopTests
{
    /// <summary>Records every row the loop hands out.</summary>
    private struct Recorder : IRowKernel
    {
        public List<(int Count, int[] Offsets, int[] Strides)> Rows;

        public readonly void Row(int count, ReadOnlySpan<int> offsets, ReadOnlySpan<int> strides)
            => Rows.Add((count, offsets.ToArray(), strides.ToArray()));
    }

    private static List<(int Count, int[] Offsets, int[] Strides)> Run(int[] sizes, int[][] strides, int[] offsets)
    {
        var k = new Recorder { Rows = [] };
        StridedLoop.Run(sizes, strides, offsets, ref k);
        return k.Rows;
    }

    /// <summary>Every (operand offsets) tuple visited, in order, expanded element by element.</summary>
    private static List<int[]> Visited(List<(int Count, int[] Offsets, int[] Strides)> rows)
    {
        var result = new List<int[]>();
        foreach (var (count, offsets, strides) in rows)
            for (int i = 0; i < count; i++)
            {
                var o = new int[offsets.Length];
                for (int j = 0; j < o.Length; j++) o[j] = offsets[j] + i * strides[j];
                result.Add(o);
            }
        return result;
    }

    /// <summary>The same visit written as a plain nested loop over the multi-index.</summary>
    private static List<int[]> Expected(int[] sizes, int[][] strides, int[] offsets)
    {
        var result = new List<int[]>();
        int n = 1;
        foreach (int s in sizes) n *= s;
        var index = new int[sizes.Length];
        for (int e = 0; e < n; e++)
        {
            int rem = e;
            for (int d = sizes.Length - 1; d >= 0; d--) { index[d] = rem % sizes[d]; rem /= sizes[d]; }
            var o = new int[strides.Length];
            for (int j = 0; j < o.Length; j++)
            {
                o[j] = offsets[j];
                for (int d = 0; d < sizes.Length; d++) o[j] += index[d] * strides[j][d];
            }
            result.Add(o);
        }
        return result;
    }

    [Fact]
    public void ContiguousOperands_CoalesceIntoOneRow()
    {
        var rows = Run([2, 3, 4], [[12, 4, 1], [12, 4, 1]], [5, 0]);
        var (count, offsets, strides) = Assert.Single(rows);
        Assert.Equal(24, count);
        Assert.Equal([5, 0], offsets);
        Assert.Equal([1, 1], strides);
    }

    [Fact]
    public void BroadcastOperand_CoalescesWhereItsZeroStridesAllowIt()
    {
        // A [3, 4] output with a scalar broadcast across it: still one row, the scalar with stride 0.
        var rows = Run([3, 4], [[0, 0], [4, 1]], [7, 0]);
        var (count, _, strides) = Assert.Single(rows);
        Assert.Equal(12, count);
        Assert.Equal([0, 1], strides);
    }

    [Fact]
    public void RowBroadcast_KeepsTwoDims()
    {
        // [3, 1] + ... -> [3, 4]: the column vector cannot merge its dims.
        var sizes = new[] { 3, 4 };
        int[][] strides = [[1, 0], [4, 1]];
        var rows = Run(sizes, strides, [0, 0]);
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal(4, r.Count));
        Assert.Equal(Expected(sizes, strides, [0, 0]), Visited(rows));
    }

    [Fact]
    public void SizeOneDims_AreDropped()
    {
        var rows = Run([1, 5, 1], [[99, 1, 42], [77, 2, 13]], [0, 0]);
        var (count, _, strides) = Assert.Single(rows);
        Assert.Equal(5, count);
        Assert.Equal([1, 2], strides);
    }

    [Fact]
    public void ZeroSizeDim_VisitsNothing()
    {
        Assert.Empty(Run([3, 0, 4], [[0, 4, 1], [0, 4, 1]], [0, 0]));
        Assert.Empty(Run([0], [[1]], [0]));
    }

    [Fact]
    public void Scalar_VisitsOneElementAtTheOffsets()
    {
        var (count, offsets, strides) = Assert.Single(Run([], [[], []], [3, 8]));
        Assert.Equal(1, count);
        Assert.Equal([3, 8], offsets);
        Assert.Equal([0, 0], strides);
    }

    [Fact]
    public void AllOnes_VisitsOneElement()
    {
        var (count, offsets, _) = Assert.Single(Run([1, 1], [[5, 5]], [2]));
        Assert.Equal(1, count);
        Assert.Equal([2], offsets);
    }

    [Theory]
    [InlineData(new[] { 2, 3, 4 }, new[] { 1, 2, 6 }, new[] { 12, 4, 1 })]     // fully transposed input
    [InlineData(new[] { 4, 3 }, new[] { 12, 2 }, new[] { 3, 1 })]              // stepped input
    [InlineData(new[] { 2, 3, 4 }, new[] { 0, 4, 1 }, new[] { 12, 4, 1 })]     // broadcast leading dim
    [InlineData(new[] { 2, 3, 4 }, new[] { 4, 0, 1 }, new[] { 12, 4, 1 })]     // broadcast middle dim
    [InlineData(new[] { 3, 2, 5 }, new[] { 10, 5, 1 }, new[] { 1, 15, 3 })]    // output strided
    [InlineData(new[] { 2, 2, 2, 2 }, new[] { 8, 4, 2, 1 }, new[] { 1, 2, 4, 8 })]
    public void MixedLayouts_VisitEveryElementInRowMajorOrder(int[] sizes, int[] a, int[] y)
    {
        int[][] strides = [a, y];
        int[] offsets = [3, 1];
        Assert.Equal(Expected(sizes, strides, offsets), Visited(Run(sizes, strides, offsets)));
    }

    [Fact]
    public void PaddedRows_MergeTheOuterDimsButNotTheRow()
    {
        // a: a [2, 2, 3] view of a [4, 6] matrix narrowed to 3 columns (strides [12, 6, 1]); y contiguous.
        // Dims 0 and 1 merge for both operands (12 = 6 * 2, 6 = 3 * 2); the row cannot join them.
        var sizes = new[] { 2, 2, 3 };
        int[][] strides = [[12, 6, 1], [6, 3, 1]];
        var rows = Run(sizes, strides, [0, 0]);
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Equal(3, r.Count));
        Assert.Equal([6, 3], rows[1].Offsets);
        Assert.Equal(Expected(sizes, strides, [0, 0]), Visited(rows));
    }
}
