using System.Runtime.CompilerServices;
namespace SharpGrad.Core;

/// <summary>
/// How a tensor's elements sit in its storage: sizes, strides (in elements) and the offset of
/// the first element. Views (transpose, narrow, expand, ...) are edits of this record only.
/// Immutable; every edit returns a new layout.
/// </summary>
public sealed class Layout
{
    /// <summary>Size of each dimension (<c>tensor.shape</c>).</summary>
    public int[] Sizes { get; }

    /// <summary>Step in elements between neighbours along each dimension (<c>tensor.stride()</c>).</summary>
    public int[] Strides { get; }

    /// <summary>Index into the storage of the first element (<c>tensor.storage_offset()</c>).</summary>
    public int Offset { get; }

    /// <summary>Number of elements (<c>tensor.numel()</c>).</summary>
    public int Numel { get; }

    /// <summary>Creates a layout from explicit sizes, strides and offset (not validated against a storage).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Layout(int[] sizes, int[] strides, int offset)
    {
        Sizes = sizes;
        Strides = strides;
        Offset = offset;
        Numel = Shape.Numel(sizes);
    }

    /// <summary>The row-major (C-contiguous) layout of the given sizes.</summary>
    public static Layout Contiguous(int[] sizes, int offset = 0) => new(sizes, Shape.ContiguousStrides(sizes), offset);

    /// <summary>Number of dimensions.</summary>
    public int Rank => Sizes.Length;

    /// <summary>True when the elements are row-major and packed (size-1 dimensions may have any stride).</summary>
    public bool IsContiguous => (Flags & ContiguousFlag) != 0;

    /// <summary>True when this is exactly <see cref="Contiguous"/> of its sizes at offset 0, so a new tensor of the same sizes may share it.</summary>
    internal bool IsCanonical => (Flags & CanonicalFlag) != 0;

    /// <summary>The layout of a 0-d tensor (one element at offset 0), shared because layouts are immutable.</summary>
    internal static Layout Scalar { get; } = new([], [], 0);

    private const int KnownFlag = 1, ContiguousFlag = 2, CanonicalFlag = 4;
    private int _flags;

    /// <summary>The contiguity facts, computed once (a benign race: every thread computes the same value).</summary>
    private int Flags
    {
        get
        {
            int f = _flags;
            return f != 0 ? f : ComputeFlags();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int ComputeFlags()
    {
        int f = KnownFlag;
        int expected = 1, rowMajor = 1; // rowMajor: Shape.ContiguousStrides, which steps over empty dims as size 1
        bool contiguous = true, canonical = Offset == 0;
        for (int d = Sizes.Length - 1; d >= 0; d--)
        {
            if (Strides[d] != rowMajor) canonical = false;
            rowMajor *= Math.Max(Sizes[d], 1);
            if (Sizes[d] == 1) continue;
            if (Strides[d] != expected) { contiguous = false; canonical = false; break; }
            expected *= Sizes[d];
        }
        if (contiguous) f |= ContiguousFlag;
        if (canonical) f |= CanonicalFlag;
        _flags = f;
        return f;
    }

    /// <summary>Swaps two dimensions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Layout Transpose(int d0, int d1)
    {
        var sizes = (int[])Sizes.Clone();
        var strides = (int[])Strides.Clone();
        (sizes[d0], sizes[d1]) = (sizes[d1], sizes[d0]);
        (strides[d0], strides[d1]) = (strides[d1], strides[d0]);
        return new Layout(sizes, strides, Offset);
    }

    /// <summary>Reorders the dimensions: dimension i of the result is dimension <paramref name="order"/>[i] of this.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Layout Permute(int[] order)
    {
        var sizes = new int[order.Length];
        var strides = new int[order.Length];
        for (int i = 0; i < order.Length; i++)
        {
            sizes[i] = Sizes[order[i]];
            strides[i] = Strides[order[i]];
        }
        return new Layout(sizes, strides, Offset);
    }

    /// <summary>Keeps <paramref name="length"/> elements of dimension <paramref name="dim"/> from <paramref name="start"/>, with a step.</summary>
    public Layout Slice(int dim, int start, int length, int step = 1)
    {
        var sizes = (int[])Sizes.Clone();
        var strides = (int[])Strides.Clone();
        sizes[dim] = length;
        strides[dim] = Strides[dim] * step;
        return new Layout(sizes, strides, Offset + (length == 0 ? 0 : start * Strides[dim]));
    }

    /// <summary>Removes dimension <paramref name="dim"/> by fixing its index.</summary>
    public Layout Select(int dim, int index)
    {
        return new Layout(Shape.RemoveAt(Sizes, dim), Shape.RemoveAt(Strides, dim), Offset + index * Strides[dim]);
    }

    /// <summary>Inserts a size-1 dimension at <paramref name="dim"/>.</summary>
    public Layout Unsqueeze(int dim)
    {
        int stride = dim < Sizes.Length ? Sizes[dim] * Strides[dim] : 1;
        return new Layout(Shape.InsertAt(Sizes, dim, 1), Shape.InsertAt(Strides, dim, stride), Offset);
    }

    /// <summary>Views this layout at a larger, broadcast shape: new or size-1 dimensions get stride 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Layout BroadcastTo(int[] target)
    {
        if (Sizes.AsSpan().SequenceEqual(target)) return this;
        int lead = target.Length - Sizes.Length;
        var strides = new int[target.Length];
        for (int d = 0; d < target.Length; d++)
        {
            int src = d - lead;
            if (src < 0) strides[d] = 0;
            else if (Sizes[src] == target[d]) strides[d] = Strides[src];
            else strides[d] = 0; // size 1 stretched; the caller has checked compatibility
        }
        return new Layout((int[])target.Clone(), strides, Offset);
    }

    /// <summary>
    /// The strides of a view with the new sizes over the same elements, or null when the
    /// elements cannot be viewed that way without a copy (the rule of PyTorch's <c>view</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int[]? ViewStrides(int[] newSizes)
    {
        if (Numel == 0 || Sizes.Length == 0) return Shape.ContiguousStrides(newSizes);
        var newStrides = new int[newSizes.Length];
        int viewD = newSizes.Length - 1;
        int chunkBaseStride = Strides[^1];
        int tensorNumel = 1, viewNumel = 1;
        for (int d = Sizes.Length - 1; d >= 0; d--)
        {
            tensorNumel *= Sizes[d];
            bool chunkEnds = d == 0 || (Sizes[d - 1] != 1 && Strides[d - 1] != tensorNumel * chunkBaseStride);
            if (!chunkEnds) continue;
            while (viewD >= 0 && (viewNumel < tensorNumel || newSizes[viewD] == 1))
            {
                newStrides[viewD] = viewNumel * chunkBaseStride;
                viewNumel *= newSizes[viewD];
                viewD--;
            }
            if (viewNumel != tensorNumel) return null;
            if (d > 0)
            {
                chunkBaseStride = Strides[d - 1];
                tensorNumel = 1;
                viewNumel = 1;
            }
        }
        return viewD == -1 ? newStrides : null;
    }

    /// <summary>Storage index of the element at the given multi-index.</summary>
    public int IndexOf(ReadOnlySpan<int> index)
    {
        int off = Offset;
        for (int d = 0; d < index.Length; d++) off += index[d] * Strides[d];
        return off;
    }

    /// <summary>Lowest and one-past-highest storage index this layout touches (for bounds checks).</summary>
    public (int Min, int End) Extent()
    {
        if (Numel == 0) return (Offset, Offset);
        int lo = Offset, hi = Offset;
        for (int d = 0; d < Sizes.Length; d++)
        {
            int span = (Sizes[d] - 1) * Strides[d];
            if (span < 0) lo += span; else hi += span;
        }
        return (lo, hi + 1);
    }
}
