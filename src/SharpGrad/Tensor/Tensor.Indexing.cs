using SharpGrad.Graph;
using SharpGrad.Core;
using SharpGrad.Kernels;

namespace SharpGrad;

public partial class Tensor
{
    /// <summary>
    /// Basic indexing, as <c>x[...]</c> in PyTorch/NumPy: <c>x[2]</c> and <c>x[^1]</c> pick one element of the first dim
    /// and remove it, <c>x[..7000]</c> and <c>x[1..^1, 2]</c> slice (clamped like Python slices), <c>x[.., 0]</c> takes a
    /// column; <see cref="TensorIndex.Ellipsis"/> stands for all remaining dims and <see cref="TensorIndex.NewAxis"/> inserts
    /// a dim of size 1; dims without an index are taken whole. Reading gives a view sharing storage.
    /// Assigning copies a tensor, broadcast and converted, into that view (<c>x[.., 0] = t</c> is <c>x[.., 0].Copy_(t)</c>,
    /// recorded by autograd as CopySlices). An indexer cannot take a number; to assign a scalar write
    /// <c>x[.., 0].Fill_(3)</c>, or assign a 0-d tensor: <c>x[.., 0] = Tensor.From(3.0)</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An integer index is out of bounds, or there are more indices than dims.</exception>
    [System.Runtime.CompilerServices.IndexerName("At")] // the default name, Item, is taken by item()
    public Tensor this[params TensorIndex[] indices]
    {
        get => ApplyIndices(indices);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (GradMode.IsEnabled && (RequiresGrad || value.RequiresGrad))
            {
                CheckInPlaceOnLeaf("copy_");
                Tensor view;
                using (GradMode.Set(false)) view = ApplyIndices(indices);
                BroadcastLayout("copy_", value, view.Layout.Sizes);
                var kept = (TensorIndex[])indices.Clone(); // the graph keeps them; the caller may reuse the array
                Rebase("copy_", old => AssignIndexed(old, kept, value));
                return;
            }
            ApplyIndices(indices).Copy_(value);
        }
    }

    /// <summary>
    /// Indexing by a tensor. An int64 index picks whole slices of the first dim (<c>x[idx]</c>, like
    /// <c>x[torch.tensor([0, 2])]</c>; negative values count from the end; the result has shape <c>idx.shape + x.shape[1:]</c>,
    /// a copy). A bool mask whose shape matches the leading dims of x picks the elements (or slices) where it is true,
    /// in row-major order (<c>x[mask]</c>; same shape gives the 1-D <see cref="MaskedSelect"/>). Assigning writes a tensor,
    /// broadcast to the picked shape, into those places (<c>x[mask] = Tensor.From(0.0)</c>; PyTorch <c>index_put_</c>).
    /// </summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[Tensor index]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(index);
            if (index.DType == DType.Bool) return IndexByMask(index);
            var rows = RowIndices(index);
            var picked = IndexSelect(0, FromBuffer(ToLongs(rows), rows.Length));
            if (index.NDim == 1) return picked;
            var shape = new int[index.NDim + NDim - 1];
            index.Layout.Sizes.CopyTo(shape, 0);
            Array.Copy(Layout.Sizes, 1, shape, index.NDim, NDim - 1);
            return picked.View(shape);
        }
        set
        {
            ArgumentNullException.ThrowIfNull(index);
            ArgumentNullException.ThrowIfNull(value);
            if (index.DType == DType.Bool)
            {
                CheckMaskShape(index);
                var positions = MaskPositions(index);
                IndexPut(index.NDim, positions, Core.Shape.InsertAt(Layout.Sizes[index.NDim..], 0, positions.Length), value);
            }
            else
            {
                var rows = RowIndices(index);
                var shape = new int[index.NDim + NDim - 1];
                index.Layout.Sizes.CopyTo(shape, 0);
                Array.Copy(Layout.Sizes, 1, shape, index.NDim, NDim - 1);
                IndexPut(1, rows, shape, value);
            }
        }
    }

    /// <summary>
    /// The elements where <paramref name="mask"/> (bool, broadcast with this tensor) is true, as a 1-D tensor in row-major
    /// order (<c>torch.masked_select</c>). Differentiable.
    /// </summary>
    public Tensor MaskedSelect(Tensor mask)
    {
        const string op = "masked_select";
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.DType != DType.Bool)
            throw new ArgumentException($"{op}: expected a mask of dtype torch.bool, but got {mask.DType.TorchName()}");
        var shape = Core.Shape.Broadcast(op, Layout.Sizes, mask.Layout.Sizes);
        var positions = MaskPositions(mask.WithLayout(mask.Layout.BroadcastTo(shape)));
        var index = FromBuffer(ToLongs(positions), positions.Length);
        var flat = IsContiguous() && shape.AsSpan().SequenceEqual(Layout.Sizes)
            ? WithLayout(Layout.Contiguous([Numel()], Layout.Offset))
            : WithLayout(Layout.BroadcastTo(shape)).CloneRaw().View(-1);
        var y = Alloc([positions.Length], DType, Device);
        IndexedCopy.Run(GatherMode.Read, [positions.Length], 0, positions, [1], flat.Storage, flat.Layout, y.Storage, y.Layout);
        return NeedsGrad(this) ? Record(y, new MaskedSelectBackward0(Layout.Sizes, shape, index), this) : y;
    }

    private Tensor ApplyIndices(TensorIndex[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        int consumed = 0;
        bool ellipsis = false;
        foreach (var index in indices)
        {
            if (index.Kind is TensorIndex.IndexKind.Integer or TensorIndex.IndexKind.Slice) consumed++;
            else if (index.Kind == TensorIndex.IndexKind.Ellipsis)
            {
                if (ellipsis) throw new ArgumentException($"index: an index can only have a single ellipsis ('...'), got [{string.Join(", ", indices)}]");
                ellipsis = true;
            }
        }
        if (consumed > NDim)
            throw new ArgumentOutOfRangeException(null,
                $"index: too many indices for tensor of dimension {NDim}: [{string.Join(", ", indices)}] used on shape {Core.Shape.Format(Layout.Sizes)}");

        var t = this;
        bool changed = false;
        int d = 0, source = 0; // d: dim of t being indexed; source: the same dim in this tensor (for messages)
        foreach (var index in indices)
        {
            switch (index.Kind)
            {
                case TensorIndex.IndexKind.Integer:
                {
                    int size = t.Layout.Sizes[d];
                    int i = index.Resolve(size);
                    if (i < 0)
                        throw new ArgumentOutOfRangeException(null,
                            $"index {index} is out of bounds for dimension {source} with size {size} (tensor of shape {Core.Shape.Format(Layout.Sizes)})");
                    t = t.Select(d, i);
                    changed = true;
                    source++;
                    break;
                }
                case TensorIndex.IndexKind.Slice:
                {
                    int size = t.Layout.Sizes[d];
                    var (start, length, step) = index.ResolveSlice(size);
                    if (start != 0 || length != size || step != 1)
                    {
                        t = t.Slice(d, start, length, step);
                        changed = true;
                    }
                    d++;
                    source++;
                    break;
                }
                case TensorIndex.IndexKind.Ellipsis:
                    d += NDim - consumed;
                    source += NDim - consumed;
                    break;
                default:
                    t = t.Unsqueeze(d);
                    changed = true;
                    d++;
                    break;
            }
        }
        return changed ? t : MakeView(Layout, "AliasBackward0");
    }

    /// <summary>A copy of <paramref name="old"/> with <paramref name="value"/> written into <c>old[indices]</c>; differentiable in both.</summary>
    private static Tensor AssignIndexed(Tensor old, TensorIndex[] indices, Tensor value)
    {
        var result = old.CloneRaw();
        using (GradMode.Set(false)) result.ApplyIndices(indices).CopyRaw(value);
        return NeedsGrad(old, value) ? Record(result, new CopySlices(indices, value.Layout.Sizes, value.DType), old, value) : result;
    }

    private Tensor IndexByMask(Tensor mask)
    {
        CheckMaskShape(mask);
        if (mask.NDim == NDim) return MaskedSelect(mask);
        var positions = MaskPositions(mask);
        var rest = Layout.Sizes[mask.NDim..];
        var rows = Reshape(Core.Shape.InsertAt(rest, 0, Core.Shape.Numel(Layout.Sizes.AsSpan(0, mask.NDim))));
        return rows.IndexSelect(0, FromBuffer(ToLongs(positions), positions.Length));
    }

    private void CheckMaskShape(Tensor mask)
    {
        if (mask.NDim > NDim)
            throw new ArgumentOutOfRangeException(null,
                $"index: too many indices for tensor of dimension {NDim}: a mask of shape {Core.Shape.Format(mask.Layout.Sizes)} used on shape {Core.Shape.Format(Layout.Sizes)}");
        for (int d = 0; d < mask.NDim; d++)
            if (mask.Layout.Sizes[d] != Layout.Sizes[d])
                throw new ArgumentOutOfRangeException(null,
                    $"index: the shape of the mask {Core.Shape.Format(mask.Layout.Sizes)} at index {d} does not match the shape of the indexed tensor " +
                    $"{Core.Shape.Format(Layout.Sizes)} at index {d}");
    }

    /// <summary>The values of an int64 index into the first dim, negatives counted from the end, checked.</summary>
    private int[] RowIndices(Tensor index)
    {
        if (index.DType != DType.Int64)
            throw new ArgumentException($"index: tensors used as indices must be int64 or bool tensors, but got {index.DType.TorchName()}");
        if (NDim == 0)
            throw new ArgumentOutOfRangeException(null, $"index: cannot index a 0-dim tensor with a tensor of shape {Core.Shape.Format(index.Layout.Sizes)}");
        int size = Layout.Sizes[0];
        var values = index.ToArray<long>();
        var rows = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            long v = values[i];
            if (v < -size || v >= size)
                throw new ArgumentOutOfRangeException(null, $"index {v} is out of bounds for dimension 0 with size {size} (tensor of shape {Core.Shape.Format(Layout.Sizes)})");
            rows[i] = (int)(v < 0 ? v + size : v);
        }
        return rows;
    }

    /// <summary>
    /// Writes <paramref name="value"/>, broadcast to <paramref name="valueShape"/> (= [picked..., rest...]), into the slices
    /// of this tensor seen as [prod(first <paramref name="prefixDims"/> dims), rest...] that <paramref name="rows"/> names;
    /// when a row repeats, the last write wins (<c>index_put_</c>).
    /// </summary>
    private void IndexPut(int prefixDims, int[] rows, int[] valueShape, Tensor value)
    {
        const string op = "index_put_";
        BroadcastLayout(op, value, valueShape);
        var rest = Layout.Sizes[prefixDims..];
        var rowShape = Core.Shape.InsertAt(rest, 0, Core.Shape.Numel(Layout.Sizes.AsSpan(0, prefixDims)));
        var valueRowsShape = Core.Shape.InsertAt(rest, 0, rows.Length);
        if (GradMode.IsEnabled && (RequiresGrad || value.RequiresGrad))
        {
            CheckInPlaceOnLeaf(op);
            var shape = Layout.Sizes;
            Rebase(op, old => PutRows(old.Reshape(rowShape), rows, value.To(DType).Expand(valueShape).Reshape(valueRowsShape)).Reshape(shape));
            return;
        }
        CheckInPlaceOnLeaf(op);
        Tensor values;
        using (GradMode.Set(false)) values = value.CastRaw(DType).Expand(valueShape).Reshape(valueRowsShape);
        if (ReferenceEquals(values.Storage, Storage)) values = values.CloneRaw();
        var strides = Layout.ViewStrides(rowShape);
        var target = strides is null ? CloneRaw().View(rowShape) : WithLayout(new Layout(rowShape, strides, Layout.Offset));
        var indexStrides = new int[rowShape.Length];
        indexStrides[0] = 1;
        IndexedCopy.Run(GatherMode.Write, valueRowsShape, 0, rows, indexStrides, target.Storage, target.Layout, values.Storage, values.Layout);
        if (strides is null) CopyRaw(target.View(Layout.Sizes));
        BumpVersion();
    }

    /// <summary>Rows of <paramref name="x"/> replaced by rows of <paramref name="values"/> (the last one for a repeated row), differentiable.</summary>
    private static Tensor PutRows(Tensor x, int[] rows, Tensor values)
    {
        int n = x.Layout.Sizes[0];
        var last = new int[n];
        Array.Fill(last, -1);
        for (int j = 0; j < rows.Length; j++) last[rows[j]] = j;
        var written = new List<long>();
        var from = new List<long>();
        var isWritten = new bool[n];
        for (int r = 0; r < n; r++)
        {
            if (last[r] < 0) continue;
            written.Add(r);
            from.Add(last[r]);
            isWritten[r] = true;
        }
        var maskShape = new int[x.NDim];
        Array.Fill(maskShape, 1);
        maskShape[0] = n;
        var mask = FromBuffer(isWritten, maskShape);
        var picked = values.IndexSelect(0, FromBuffer(from.ToArray(), from.Count));
        var scattered = Zeros(x.Layout.Sizes, x.DType, device: x.Device).IndexAdd(0, FromBuffer(written.ToArray(), written.Count), picked);
        return Where(mask, scattered, x);
    }

    /// <summary>Flat (row-major) positions of the true elements of a bool tensor.</summary>
    private static int[] MaskPositions(Tensor mask)
    {
        var flags = mask.ToArray<bool>();
        int count = 0;
        foreach (bool f in flags) if (f) count++;
        var positions = new int[count];
        for (int i = 0, k = 0; i < flags.Length; i++) if (flags[i]) positions[k++] = i;
        return positions;
    }

    private static long[] ToLongs(int[] values)
    {
        var result = new long[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = values[i];
        return result;
    }

    /// <summary>Gradient of assignment into an indexed view: the old tensor's gradient with the view zeroed; the value's is the view of the gradient.</summary>
    private sealed class CopySlices(TensorIndex[] indices, int[] valueShape, DType valueType) : Node
    {
        public override string Name => "CopySlices";

        protected internal override Tensor?[] Backward(Tensor g) =>
        [
            NeedsInputGrad(0) ? AssignIndexed(g, indices, Zeros([], g.DType, device: g.Device)) : null,
            NeedsInputGrad(1) ? g.ApplyIndices(indices).SumToSize(valueShape).To(valueType) : null,
        ];
    }

    /// <summary>Gradient of masked_select: the gradient put back at the selected places of the broadcast shape, summed to the input's shape.</summary>
    private sealed class MaskedSelectBackward0(int[] inputShape, int[] broadcastShape, Tensor positions) : Node
    {
        public override string Name => "MaskedSelectBackward0";

        protected internal override Tensor?[] Backward(Tensor g)
        {
            var placed = Zeros([Core.Shape.Numel(broadcastShape)], g.DType, device: g.Device).IndexAdd(0, positions, g);
            return [placed.Reshape(broadcastShape).SumToSize(inputShape)];
        }
    }
}
