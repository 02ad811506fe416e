using System.Runtime.CompilerServices;
using SharpGrad.Graph;
using SharpGrad.Core;

namespace SharpGrad;

public partial class Tensor
{
    /// <summary>A view with other sizes over the same elements; fails when the strides do not allow it (<c>tensor.view</c>).</summary>
    public Tensor View(params int[] shape)
    {
        var trace = OpTrace.Enter();
        var y = ViewCore(shape);
        if (trace.Exit()) OpTrace.Record("reshape", y, [this], ("shape", (int[])shape.Clone()));
        return y;
    }

    private Tensor ViewCore(int[] shape)
    {
        var sizes = Core.Shape.InferSize("view", shape, Numel(), Layout.Sizes);
        var strides = Layout.ViewStrides(sizes)
            ?? throw new InvalidOperationException(
                $"view: view size {Core.Shape.Format(sizes)} is not compatible with input tensor's size {Core.Shape.Format(Layout.Sizes)} " +
                $"and stride {Core.Shape.Format(Layout.Strides)} (at least one dimension spans across two contiguous subspaces); use Reshape(...) instead");
        return MakeView(new Layout(sizes, strides, Layout.Offset), "ViewBackward0");
    }

    /// <summary>A view with the shape of <paramref name="other"/> (<c>tensor.view_as</c>).</summary>
    public Tensor ViewAs(Tensor other) => View(other.Layout.Sizes);

    /// <summary>Reshaped to the shape of <paramref name="other"/> (<c>tensor.reshape_as</c>).</summary>
    public Tensor ReshapeAs(Tensor other) => Reshape(other.Layout.Sizes);

    /// <summary>A view with other sizes when possible, otherwise a contiguous copy (<c>tensor.reshape</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Tensor Reshape(params int[] shape)
    {
        var trace = OpTrace.Enter();
        var y = ReshapeCore(shape);
        if (trace.Exit()) OpTrace.Record("reshape", y, [this], ("shape", (int[])shape.Clone()));
        return y;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Tensor ReshapeCore(int[] shape)
    {
        var sizes = Core.Shape.InferSize("reshape", shape, Numel(), Layout.Sizes);
        var strides = Layout.ViewStrides(sizes);
        if (strides is not null) return MakeView(new Layout(sizes, strides, Layout.Offset), "ViewBackward0");
        return Contiguous().View(sizes);
    }

    /// <summary>Merges dimensions startDim..endDim into one (<c>torch.flatten</c>).</summary>
    public Tensor Flatten(int startDim = 0, int endDim = -1)
    {
        if (NDim == 0) return Reshape(1);
        int s = Core.Shape.NormalizeDim("flatten", startDim, NDim), e = Core.Shape.NormalizeDim("flatten", endDim, NDim);
        if (s > e) throw new ArgumentException($"flatten: startDim ({startDim}) cannot come after endDim ({endDim}) for shape {Core.Shape.Format(Layout.Sizes)}");
        if (s == e) return this;
        var sizes = new List<int>();
        for (int d = 0; d < s; d++) sizes.Add(Layout.Sizes[d]);
        int merged = 1;
        for (int d = s; d <= e; d++) merged *= Layout.Sizes[d];
        sizes.Add(merged);
        for (int d = e + 1; d < NDim; d++) sizes.Add(Layout.Sizes[d]);
        var trace = OpTrace.Enter();
        var y = Reshape([.. sizes]);
        if (trace.Exit()) OpTrace.Record("flatten", y, [this], ("start", s), ("end", e));
        return y;
    }

    /// <summary>Inserts a size-1 dimension at <paramref name="dim"/> (<c>tensor.unsqueeze</c>).</summary>
    public Tensor Unsqueeze(int dim)
    {
        int d = Core.Shape.NormalizeDim("unsqueeze", dim, NDim + 1);
        var trace = OpTrace.Enter();
        var y = MakeView(Layout.Unsqueeze(d), "UnsqueezeBackward0");
        if (trace.Exit()) OpTrace.Record("unsqueeze", y, [this], ("dims", new[] { d }));
        return y;
    }

    /// <summary>Removes every size-1 dimension (<c>tensor.squeeze()</c>).</summary>
    public Tensor Squeeze()
    {
        var keep = Enumerable.Range(0, NDim).Where(d => Layout.Sizes[d] != 1).ToArray();
        var layout = new Layout(keep.Select(d => Layout.Sizes[d]).ToArray(), keep.Select(d => Layout.Strides[d]).ToArray(), Layout.Offset);
        var trace = OpTrace.Enter();
        var y = MakeView(layout, "SqueezeBackward0");
        if (trace.Exit()) OpTrace.Record("squeeze", y, [this], ("dims", Enumerable.Range(0, NDim).Where(d => Layout.Sizes[d] == 1).ToArray()));
        return y;
    }

    /// <summary>Removes dimension <paramref name="dim"/> if its size is 1, else returns the tensor as is (<c>tensor.squeeze(dim)</c>).</summary>
    public Tensor Squeeze(int dim)
    {
        if (NDim == 0) return this;
        int d = Core.Shape.NormalizeDim("squeeze", dim, NDim);
        if (Layout.Sizes[d] != 1) return this;
        var trace = OpTrace.Enter();
        var y = MakeView(Layout.Select(d, 0), "SqueezeBackward1");
        if (trace.Exit()) OpTrace.Record("squeeze", y, [this], ("dims", new[] { d }));
        return y;
    }

    /// <summary>Swaps two dimensions (<c>tensor.transpose</c>).</summary>
    public Tensor Transpose(int dim0, int dim1)
    {
        if (NDim == 0) return this;
        int a = Core.Shape.NormalizeDim("transpose", dim0, NDim), b = Core.Shape.NormalizeDim("transpose", dim1, NDim);
        var order = new int[NDim];
        for (int d = 0; d < NDim; d++) order[d] = d;
        (order[a], order[b]) = (b, a);
        var trace = OpTrace.Enter();
        var y = MakeView(Layout.Transpose(a, b), "TransposeBackward0", order);
        if (trace.Exit()) OpTrace.Record("permute", y, [this], ("order", order));
        return y;
    }

    /// <summary>The transpose of a matrix, or the tensor itself below 2 dims (<c>tensor.T</c>; dims reversed for more than 2).</summary>
    public Tensor T => NDim < 2 ? this : Permute(ReversedDims(NDim));

    private static int[] ReversedDims(int rank)
    {
        var order = new int[rank];
        for (int d = 0; d < rank; d++) order[d] = rank - 1 - d;
        return order;
    }

    /// <summary>Reorders the dimensions (<c>tensor.permute</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Tensor Permute(params int[] dims)
    {
        if (dims.Length != NDim)
            throw new ArgumentException($"permute: number of dims don't match: got {dims.Length} dims for a tensor of shape {Core.Shape.Format(Layout.Sizes)}");
        var order = new int[dims.Length];
        var seen = new bool[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            order[i] = Core.Shape.NormalizeDim("permute", dims[i], NDim);
            if (seen[order[i]]) throw new ArgumentException($"permute: repeated dim {dims[i]} in {Core.Shape.Format(dims)}");
            seen[order[i]] = true;
        }
        var trace = OpTrace.Enter();
        var y = MakeView(Layout.Permute(order), "PermuteBackward0", order);
        if (trace.Exit()) OpTrace.Record("permute", y, [this], ("order", order));
        return y;
    }

    /// <summary>Moves dimension <paramref name="source"/> to position <paramref name="destination"/>, keeping the others in order (<c>torch.movedim</c>).</summary>
    public Tensor Movedim(int source, int destination)
    {
        int s = Core.Shape.NormalizeDim("movedim", source, NDim), d = Core.Shape.NormalizeDim("movedim", destination, NDim);
        if (s == d) return this;
        var order = Enumerable.Range(0, NDim).Where(i => i != s).ToList();
        order.Insert(d, s);
        return Permute([.. order]);
    }

    /// <summary>A view with size-1 dimensions stretched (stride 0) and new leading dims; -1 keeps a size (<c>tensor.expand</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Tensor Expand(params int[] sizes)
    {
        if (sizes.Length < NDim)
            throw new ArgumentException(
                $"expand: the number of sizes provided ({sizes.Length}) must be greater or equal to the number of dimensions in the tensor ({NDim})");
        var target = (int[])sizes.Clone();
        int lead = sizes.Length - NDim;
        for (int d = 0; d < target.Length; d++)
        {
            int src = d - lead;
            if (target[d] == -1)
            {
                if (src < 0) throw new ArgumentException($"expand: -1 is not allowed in a leading, non-existing dimension ({Core.Shape.Format(sizes)})");
                target[d] = Layout.Sizes[src];
            }
            else if (src >= 0 && Layout.Sizes[src] != 1 && Layout.Sizes[src] != target[d])
                throw new ArgumentException(
                    $"expand: the expanded size of the tensor ({target[d]}) must match the existing size ({Layout.Sizes[src]}) at non-singleton dimension {d}. " +
                    $"Target sizes: {Core.Shape.Format(sizes)}. Tensor sizes: {Core.Shape.Format(Layout.Sizes)}");
            else if (target[d] < 0) throw new ArgumentException($"expand: invalid size {target[d]} in {Core.Shape.Format(sizes)}");
        }
        if (target.AsSpan().SequenceEqual(Layout.Sizes)) return this;
        return MakeView(Layout.BroadcastTo(target), "ExpandBackward0");
    }

    /// <summary>Expands to the shape of <paramref name="other"/> (<c>tensor.expand_as</c>).</summary>
    public Tensor ExpandAs(Tensor other) => Expand(other.Layout.Sizes);

    /// <summary>Elements start..start+length-1 of dimension <paramref name="dim"/>, as a view (<c>tensor.narrow</c>).</summary>
    public Tensor Narrow(int dim, int start, int length)
    {
        if (NDim == 0) throw new ArgumentException("narrow: cannot be applied to a 0-dim tensor");
        int d = Core.Shape.NormalizeDim("narrow", dim, NDim);
        int size = Layout.Sizes[d];
        if (start < 0) start += size;
        if (start < 0 || length < 0 || start + length > size)
            throw new ArgumentOutOfRangeException(nameof(start),
                $"narrow: start ({start}) + length ({length}) exceeds dimension size ({size}) of dim {d} in shape {Core.Shape.Format(Layout.Sizes)}");
        return Slice(d, start, length, 1);
    }

    /// <summary>Elements start, start+step, ... of dimension <paramref name="dim"/> (count of them: <paramref name="length"/>), as a view.</summary>
    internal Tensor Slice(int dim, int start, int length, int step)
    {
        var layout = Layout.Slice(dim, start, length, step);
        if (!NeedsGrad(this)) return ViewOf(layout);
        return Record(ViewOf(layout), new ScatterBackward("SliceBackward0", Layout.Sizes, t => t.Slice(dim, start, length, step)), this);
    }

    /// <summary>Index <paramref name="index"/> of dimension <paramref name="dim"/>, removing the dim (<c>tensor.select</c>).</summary>
    public Tensor Select(int dim, int index)
    {
        if (NDim == 0) throw new ArgumentException("select: cannot be applied to a 0-dim tensor");
        int d = Core.Shape.NormalizeDim("select", dim, NDim);
        int size = Layout.Sizes[d];
        if (index < -size || index >= size)
            throw new ArgumentOutOfRangeException(null, $"select: index {index} is out of bounds for dimension {d} with size {size}");
        if (index < 0) index += size;
        var layout = Layout.Select(d, index);
        if (!NeedsGrad(this)) return ViewOf(layout);
        return Record(ViewOf(layout), new ScatterBackward("SelectBackward0", Layout.Sizes, t => t.Select(d, index)), this);
    }

    /// <summary>This tensor if contiguous, else a contiguous copy (<c>tensor.contiguous()</c>).</summary>
    public Tensor Contiguous() => IsContiguous() ? this : Clone();

    /// <summary>A copy with its own contiguous storage, differentiable (<c>tensor.clone()</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Tensor Clone()
    {
        var trace = OpTrace.Enter();
        var y = AllocForOverwrite(Layout.Sizes, DType, Device);
        Kernels.Dispatch.Copy(Storage, Layout, y.Storage, y.Layout);
        if (trace.Exit()) OpTrace.Record("clone", y, [this]);
        return NeedsGrad(this) ? Record(y, new PassBackward("CloneBackward0"), this) : y;
    }

    /// <summary>Sums a (broadcast) gradient down to <paramref name="shape"/>: leading dims and dims of size 1 in shape are summed (<c>tensor.sum_to_size</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Tensor SumToSize(params int[] shape)
    {
        if (Layout.Sizes.AsSpan().SequenceEqual(shape)) return this;
        int lead = NDim - shape.Length;
        if (lead < 0) throw new ArgumentException($"sum_to_size: size {Core.Shape.Format(shape)} is not expandable to size {Core.Shape.Format(Layout.Sizes)}");
        var dims = new List<int>();
        for (int d = 0; d < NDim; d++)
        {
            if (d < lead) dims.Add(d);
            else if (shape[d - lead] == 1 && Layout.Sizes[d] != 1) dims.Add(d);
            else if (shape[d - lead] != Layout.Sizes[d])
                throw new ArgumentException($"sum_to_size: size {Core.Shape.Format(shape)} is not expandable to size {Core.Shape.Format(Layout.Sizes)}");
        }
        var summed = dims.Count > 0 ? Sum([.. dims], keepDim: true) : this;
        return lead > 0 || !summed.Layout.Sizes.AsSpan().SequenceEqual(shape) ? summed.Reshape(shape) : summed;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Tensor MakeView(Layout layout, string name, int[]? permutation = null)
    {
        var view = ViewOf(layout);
        if (!NeedsGrad(this)) return view;
        Node node = name switch
        {
            "PermuteBackward0" or "TransposeBackward0" => new PermuteBackward0(name, permutation!),
            "ExpandBackward0" => new ExpandBackward0(Layout.Sizes),
            _ => new ReshapeBackward(name, Layout.Sizes),
        };
        return Record(view, node, this);
    }

    /// <summary>A view sharing this storage, marked as a view (in-place ops on it cannot be recorded by autograd).</summary>
    private Tensor ViewOf(Layout layout) => new(Storage, layout) { _isView = true };

    private sealed class ReshapeBackward(string name, int[] inputShape) : Node
    {
        public override string Name => name;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        protected internal override Tensor?[] Backward(Tensor g) => [g.Reshape(inputShape)];
    }

    /// <summary>Gradient of permute and transpose: the inverse permutation of the output gradient.</summary>
    private sealed class PermuteBackward0(string name, int[] order) : Node
    {
        public override string Name => name;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        protected internal override Tensor?[] Backward(Tensor g)
        {
            var inverse = new int[order.Length];
            for (int i = 0; i < order.Length; i++) inverse[order[i]] = i;
            return [g.Permute(inverse)];
        }
    }

    private sealed class ExpandBackward0(int[] inputShape) : Node
    {
        public override string Name => "ExpandBackward0";
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        protected internal override Tensor?[] Backward(Tensor g) => [g.SumToSize(inputShape)];
    }

    /// <summary>Passes the gradient through unchanged (clone, contiguous).</summary>
    internal sealed class PassBackward(string name) : Node
    {
        public override string Name => name;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        protected internal override Tensor?[] Backward(Tensor g) => [g];
    }

    /// <summary>
    /// Backward of a view that picks some elements (narrow, select, indexing): the gradient is
    /// written into the same view of a zero tensor of the input's shape.
    /// </summary>
    internal sealed class ScatterBackward(string name, int[] inputShape, Func<Tensor, Tensor> view) : Node
    {
        public override string Name => name;
        protected internal override Tensor?[] Backward(Tensor g) => [ViewScatter(g, inputShape, view)];
    }

    /// <summary>A zero tensor of <paramref name="shape"/> with <paramref name="src"/> written into <paramref name="view"/> of it; differentiable in src.</summary>
    internal static Tensor ViewScatter(Tensor src, int[] shape, Func<Tensor, Tensor> view)
    {
        var result = Zeros(shape, src.DType, device: src.Device);
        using (GradMode.Set(false)) view(result).CopyRaw(src);
        return NeedsGrad(src) ? Record(result, new ViewGatherBackward(view), src) : result;
    }

    private sealed class ViewGatherBackward(Func<Tensor, Tensor> view) : Node
    {
        public override string Name => "SliceBackwardBackward0";
        protected internal override Tensor?[] Backward(Tensor g) => [view(g)];
    }
}
