using System.Runtime.CompilerServices;

namespace SharpGrad.Kernels;

/// <summary>Work done on one innermost row of a strided loop: <c>count</c> elements, one offset and stride per operand.</summary>
internal interface IRowKernel
{
    void Row(int count, ReadOnlySpan<int> offsets, ReadOnlySpan<int> strides);
}

/// <summary>
/// Visits the elements of several operands that share one shape but have their own strides and
/// offsets, row by row (the last dimension is the row). Dimensions are first coalesced where every
/// operand is contiguous across them, so a contiguous or simply broadcast loop runs as a few long rows.
/// </summary>
internal static class StridedLoop
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TKernel>(int[] sizes, int[][] strides, int[] offsets, ref TKernel kernel)
        where TKernel : struct, IRowKernel
    {
        int ops = strides.Length;
        foreach (int s in sizes) if (s == 0) return;

        // Coalesce: drop size-1 dims, merge dim d into the previous one when every operand steps evenly across both.
        // cs[r] is the size of coalesced dim r, cst[r * ops + o] the stride of operand o along it.
        Span<int> cs = sizes.Length <= 8 ? stackalloc int[8] : new int[sizes.Length];
        Span<int> cst = sizes.Length * ops <= 32 ? stackalloc int[32] : new int[sizes.Length * ops];
        int rank = 0;
        for (int d = 0; d < sizes.Length; d++)
        {
            if (sizes[d] == 1) continue;
            if (rank > 0)
            {
                var prev = cst.Slice((rank - 1) * ops, ops);
                bool merge = true;
                for (int o = 0; o < ops && merge; o++) merge = prev[o] == strides[o][d] * sizes[d];
                if (merge)
                {
                    cs[rank - 1] *= sizes[d];
                    for (int o = 0; o < ops; o++) prev[o] = strides[o][d];
                    continue;
                }
            }
            cs[rank] = sizes[d];
            for (int o = 0; o < ops; o++) cst[rank * ops + o] = strides[o][d];
            rank++;
        }

        Span<int> off = stackalloc int[ops];
        offsets.AsSpan().CopyTo(off);
        if (rank == 0)
        {
            Span<int> zero = stackalloc int[ops];
            kernel.Row(1, off, zero);
            return;
        }
        int inner = cs[rank - 1];
        ReadOnlySpan<int> innerStrides = cst.Slice((rank - 1) * ops, ops);
        if (rank == 1)
        {
            kernel.Row(inner, off, innerStrides);
            return;
        }
        Span<int> counter = stackalloc int[rank - 1];
        while (true)
        {
            kernel.Row(inner, off, innerStrides);
            int d = rank - 2;
            for (; d >= 0; d--)
            {
                var st = cst.Slice(d * ops, ops);
                if (++counter[d] < cs[d])
                {
                    for (int o = 0; o < ops; o++) off[o] += st[o];
                    break;
                }
                counter[d] = 0;
                for (int o = 0; o < ops; o++) off[o] -= st[o] * (cs[d] - 1);
            }
            if (d < 0) return;
        }
    }
}
