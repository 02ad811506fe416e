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
    public static void Run<TKernel>(int[] sizes, int[][] strides, int[] offsets, ref TKernel kernel)
        where TKernel : struct, IRowKernel
    {
        int ops = strides.Length;
        foreach (int s in sizes) if (s == 0) return;

        // Coalesce: drop size-1 dims, merge dim d into the next when every operand steps evenly across both.
        var cs = new List<int>(sizes.Length);
        var cst = new List<int[]>(sizes.Length);
        for (int d = 0; d < sizes.Length; d++)
        {
            if (sizes[d] == 1) continue;
            var st = new int[ops];
            for (int o = 0; o < ops; o++) st[o] = strides[o][d];
            if (cs.Count > 0)
            {
                var prev = cst[^1];
                bool merge = true;
                for (int o = 0; o < ops && merge; o++) merge = prev[o] == st[o] * sizes[d];
                if (merge)
                {
                    cs[^1] *= sizes[d];
                    cst[^1] = st;
                    continue;
                }
            }
            cs.Add(sizes[d]);
            cst.Add(st);
        }

        Span<int> off = stackalloc int[ops];
        offsets.AsSpan().CopyTo(off);
        int rank = cs.Count;
        if (rank == 0)
        {
            Span<int> zero = stackalloc int[ops];
            kernel.Row(1, off, zero);
            return;
        }
        int inner = cs[rank - 1];
        var innerStrides = cst[rank - 1];
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
                var st = cst[d];
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
