using System.Numerics;
using SharpGrad.Core;

namespace SharpGrad.Kernels;

/// <summary>What an indexed kernel does with each pair of elements: the indexed operand <c>a</c> and the dense operand <c>b</c>.</summary>
internal enum GatherMode
{
    /// <summary><c>b = a[index]</c> (index_select, gather).</summary>
    Read,
    /// <summary><c>a[index] = b</c> (index_copy, scatter).</summary>
    Write,
    /// <summary><c>a[index] += b</c> (index_add, scatter_add).</summary>
    Accumulate,
}

/// <summary>
/// Indexed copies between two strided operands: gather, scatter, index_select, index_add and friends.
/// A loop walks a shape (the index's shape, or the output's); at each position the indexed operand <c>a</c>
/// is addressed by its strides except along <c>dim</c>, where the index value picks the element; the dense
/// operand <c>b</c> is addressed by its strides alone. Index values must have been checked by the caller.
/// When the dims after <c>dim</c> are packed in both operands and not indexed, whole rows are copied at once.
/// </summary>
internal static class IndexedCopy
{
    /// <param name="mode">Read, write or accumulate.</param>
    /// <param name="sizes">The shape walked.</param>
    /// <param name="dim">The indexed dimension.</param>
    /// <param name="index">Index values, addressed by <paramref name="indexStrides"/> over <paramref name="sizes"/>.</param>
    /// <param name="indexStrides">Strides of the index over the walked shape (0 where it does not vary).</param>
    /// <param name="a">The indexed operand (its layout's strides and offset are used, not its sizes).</param>
    /// <param name="la">Layout of the indexed operand.</param>
    /// <param name="b">The dense operand.</param>
    /// <param name="lb">Layout of the dense operand (strides over the walked shape, and offset).</param>
    public static void Run(GatherMode mode, int[] sizes, int dim, int[] index, int[] indexStrides, Storage a, Layout la, Storage b, Layout lb)
    {
        if (!(a.Device.IsCpu && b.Device.IsCpu))
        {
            if (a is not Accelerator.DeviceStorage d) throw Devices.NoKernel(mode == GatherMode.Read ? "gather" : "scatter", b.Device, b.DType);
            d.Backend.IndexedCopy(mode, sizes, dim, index, indexStrides, a, la, b, lb);
            return;
        }
        switch (a)
        {
            case Storage<float> f: Run(mode, sizes, dim, index, indexStrides, f.Data, la, ((Storage<float>)b).Data, lb); break;
            case Storage<double> d: Run(mode, sizes, dim, index, indexStrides, d.Data, la, ((Storage<double>)b).Data, lb); break;
            case Storage<long> l: Run(mode, sizes, dim, index, indexStrides, l.Data, la, ((Storage<long>)b).Data, lb); break;
            case Storage<bool> q:
                if (mode == GatherMode.Accumulate) throw new ArgumentException("indexed add: not supported for dtype torch.bool");
                RunAny(mode, sizes, dim, index, indexStrides, q.Data, la, ((Storage<bool>)b).Data, lb);
                break;
        }
    }

    private static void Run<T>(GatherMode mode, int[] sizes, int dim, int[] index, int[] indexStrides, T[] a, Layout la, T[] b, Layout lb)
        where T : unmanaged, INumber<T>
    {
        if (mode == GatherMode.Accumulate) Walk<T, AccumulateOp<T>>(sizes, dim, index, indexStrides, a, la, b, lb);
        else RunAny(mode, sizes, dim, index, indexStrides, a, la, b, lb);
    }

    private static void RunAny<T>(GatherMode mode, int[] sizes, int dim, int[] index, int[] indexStrides, T[] a, Layout la, T[] b, Layout lb)
    {
        if (mode == GatherMode.Read) Walk<T, ReadOp<T>>(sizes, dim, index, indexStrides, a, la, b, lb);
        else Walk<T, WriteOp<T>>(sizes, dim, index, indexStrides, a, la, b, lb);
    }

    private static void Walk<T, TOp>(int[] sizes, int dim, int[] index, int[] indexStrides, T[] a, Layout la, T[] b, Layout lb)
        where TOp : struct, IIndexedOp<T>
    {
        int rank = sizes.Length;
        foreach (int s in sizes) if (s == 0) return;

        // Rows after dim that are packed in both operands and share one index value are copied as blocks.
        int block = 1, walked = rank;
        if (PackedAfter(sizes, dim, la.Strides) && PackedAfter(sizes, dim, lb.Strides) && ZeroAfter(indexStrides, dim))
        {
            for (int d = dim + 1; d < rank; d++) block *= sizes[d];
            walked = dim + 1;
        }

        int[] sa = la.Strides, sb = lb.Strides;
        int last = walked - 1;
        int n = sizes[last];
        int aStep = last == dim ? 0 : sa[last], bStep = sb[last], iStep = indexStrides[last], aDim = sa[dim];
        int rows = 1;
        for (int d = 0; d < last; d++) rows *= sizes[d];

        Span<int> counter = stackalloc int[Math.Max(last, 1)];
        counter.Clear();
        int ao = la.Offset, bo = lb.Offset, io = 0;
        for (int row = 0; row < rows; row++)
        {
            int ia = ao, ib = bo, ii = io;
            if (block == 1)
                for (int i = 0; i < n; i++, ia += aStep, ib += bStep, ii += iStep) TOp.Apply(a, ia + index[ii] * aDim, b, ib);
            else
                for (int i = 0; i < n; i++, ia += aStep, ib += bStep, ii += iStep) TOp.Block(a, ia + index[ii] * aDim, b, ib, block);

            for (int d = last - 1; d >= 0; d--)
            {
                int stepA = d == dim ? 0 : sa[d];
                if (++counter[d] < sizes[d])
                {
                    ao += stepA;
                    bo += sb[d];
                    io += indexStrides[d];
                    break;
                }
                counter[d] = 0;
                ao -= stepA * (sizes[d] - 1);
                bo -= sb[d] * (sizes[d] - 1);
                io -= indexStrides[d] * (sizes[d] - 1);
            }
        }
    }

    /// <summary>True when the dims after <paramref name="dim"/> form one packed row (stride 1 innermost, no gaps), and there is more than one element in it.</summary>
    private static bool PackedAfter(int[] sizes, int dim, int[] strides)
    {
        int expected = 1;
        for (int d = sizes.Length - 1; d > dim; d--)
        {
            if (sizes[d] == 1) continue;
            if (strides[d] != expected) return false;
            expected *= sizes[d];
        }
        return expected > 1;
    }

    private static bool ZeroAfter(int[] strides, int dim)
    {
        for (int d = dim + 1; d < strides.Length; d++) if (strides[d] != 0) return false;
        return true;
    }

    private interface IIndexedOp<T>
    {
        static abstract void Apply(T[] a, int ia, T[] b, int ib);
        static abstract void Block(T[] a, int ia, T[] b, int ib, int count);
    }

    private struct ReadOp<T> : IIndexedOp<T>
    {
        public static void Apply(T[] a, int ia, T[] b, int ib) => b[ib] = a[ia];
        public static void Block(T[] a, int ia, T[] b, int ib, int count) => Array.Copy(a, ia, b, ib, count);
    }

    private struct WriteOp<T> : IIndexedOp<T>
    {
        public static void Apply(T[] a, int ia, T[] b, int ib) => a[ia] = b[ib];
        public static void Block(T[] a, int ia, T[] b, int ib, int count) => Array.Copy(b, ib, a, ia, count);
    }

    private struct AccumulateOp<T> : IIndexedOp<T> where T : INumber<T>
    {
        public static void Apply(T[] a, int ia, T[] b, int ib) => a[ia] += b[ib];

        public static void Block(T[] a, int ia, T[] b, int ib, int count)
        {
            var dst = a.AsSpan(ia, count);
            System.Numerics.Tensors.TensorPrimitives.Add<T>(dst, b.AsSpan(ib, count), dst);
        }
    }
}
