using ILGPU;

namespace SharpGrad.Kernels.Accelerator;

/// <summary>
/// Gather, scatter and their accumulating forms on the device (the CPU's <c>IndexedCopy</c>): one thread per position
/// of the walked shape; the indexed operand <c>a</c> is addressed by its strides except along the indexed dim, where
/// the index value picks the element (<see cref="IndexedArgs.ADimStride"/>); the dense operand <c>b</c> by its strides.
/// Accumulation uses atomic adds, so duplicate indices are summed (in an order the hardware chooses).
/// </summary>
internal static class IndexedKernels
{
    public static void Read<T>(Index1D i, ArrayView<T> a, ArrayView<T> b, ArrayView<int> index, IndexedArgs p) where T : unmanaged
    {
        long at = p.Shape.Offset(i, p.A) + (long)index[p.Shape.Offset(i, p.Index)] * p.ADimStride;
        b[p.Shape.Offset(i, p.B)] = a[at];
    }

    public static void Write<T>(Index1D i, ArrayView<T> a, ArrayView<T> b, ArrayView<int> index, IndexedArgs p) where T : unmanaged
    {
        long at = p.Shape.Offset(i, p.A) + (long)index[p.Shape.Offset(i, p.Index)] * p.ADimStride;
        a[at] = b[p.Shape.Offset(i, p.B)];
    }

    public static void AccumulateFloat(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<int> index, IndexedArgs p)
    {
        long at = p.Shape.Offset(i, p.A) + (long)index[p.Shape.Offset(i, p.Index)] * p.ADimStride;
        Atomic.Add(ref a[at], b[p.Shape.Offset(i, p.B)]);
    }

    public static void AccumulateDouble(Index1D i, ArrayView<double> a, ArrayView<double> b, ArrayView<int> index, IndexedArgs p)
    {
        long at = p.Shape.Offset(i, p.A) + (long)index[p.Shape.Offset(i, p.Index)] * p.ADimStride;
        Atomic.Add(ref a[at], b[p.Shape.Offset(i, p.B)]);
    }

    public static void AccumulateInt(Index1D i, ArrayView<long> a, ArrayView<long> b, ArrayView<int> index, IndexedArgs p)
    {
        long at = p.Shape.Offset(i, p.A) + (long)index[p.Shape.Offset(i, p.Index)] * p.ADimStride;
        Atomic.Add(ref a[at], b[p.Shape.Offset(i, p.B)]);
    }
}

/// <summary>The launch arguments of <see cref="IndexedKernels"/>: the walked shape and the three operands' strides.</summary>
internal struct IndexedArgs
{
    public Shape8 Shape;
    /// <summary>The indexed operand's strides with the indexed dim's stride set to 0.</summary>
    public Strides8 A;
    public Strides8 B, Index;
    public long ADimStride;
}
