using SharpGrad.Graph;
using SharpGrad.Core;
using SharpGrad.Kernels;

namespace SharpGrad;

public partial class Tensor
{
    /// <summary>
    /// The slices of dimension <paramref name="dim"/> picked by a 1-D int64 <paramref name="index"/>, in its order,
    /// repeats allowed (<c>torch.index_select</c>). Copies whole rows at once when they are packed.
    /// </summary>
    public Tensor IndexSelect(int dim, Tensor index)
    {
        const string op = "index_select";
        var plan = PlanAlongDim(op, dim, index);
        var outSizes = (int[])Layout.Sizes.Clone();
        if (NDim > 0) outSizes[plan.Dim] = plan.Index.Length;
        else outSizes = index.Shape;
        var y = AllocForOverwrite(outSizes, DType, Device);
        var walked = AtLeast1D(y.Layout);
        IndexedCopy.Run(GatherMode.Read, walked.Sizes, plan.Dim, plan.Index, plan.IndexStrides, Storage, AtLeast1D(Layout), y.Storage, walked);
        return NeedsGrad(this) ? Record(y, new IndexSelectBackward0(Layout.Sizes, plan.Dim, index), this) : y;
    }

    /// <summary>
    /// Picks, along <paramref name="dim"/>, the element named by each entry of an int64 <paramref name="index"/> of the same
    /// number of dims: <c>out[i][j] = self[index[i][j]][j]</c> for dim 0 (<c>torch.gather</c>). The index may be smaller than
    /// the input in the other dims; the result has the index's shape.
    /// </summary>
    public Tensor Gather(int dim, Tensor index)
    {
        const string op = "gather";
        var plan = PlanElementwise(op, dim, index, null);
        var y = AllocForOverwrite(index.Shape, DType, Device);
        IndexedCopy.Run(GatherMode.Read, plan.Sizes, plan.Dim, plan.Index, plan.IndexStrides, Storage, AtLeast1D(Layout), y.Storage, AtLeast1D(y.Layout));
        return NeedsGrad(this) ? Record(y, new GatherBackward0(Layout.Sizes, plan.Dim, index), this) : y;
    }

    /// <summary>
    /// A copy of this tensor with <paramref name="src"/>'s elements added at the positions the index names along
    /// <paramref name="dim"/>: <c>out[index[i][j]][j] += src[i][j]</c> for dim 0 (<c>torch.scatter_add</c>). Repeated
    /// positions sum. Differentiable in self and src (the gradient of src is the gradient gathered back).
    /// </summary>
    public Tensor ScatterAdd(int dim, Tensor index, Tensor src)
    {
        RequireNumeric("scatter_add");
        var plan = PlanElementwise("scatter_add", dim, index, src);
        var y = CloneRaw();
        IndexedCopy.Run(GatherMode.Accumulate, plan.Sizes, plan.Dim, plan.Index, plan.IndexStrides, y.Storage, AtLeast1D(y.Layout), src.Storage, AtLeast1D(src.Layout));
        return NeedsGrad(this, src) ? Record(y, new ScatterFamilyBackward("ScatterAddBackward0", plan.Dim, index, src.Layout.Sizes, true), this, src) : y;
    }

    /// <summary>
    /// A copy of this tensor with <paramref name="src"/>'s elements written at the positions the index names along
    /// <paramref name="dim"/>: <c>out[index[i][j]][j] = src[i][j]</c> for dim 0 (<c>torch.scatter</c>). When positions
    /// repeat, the last write wins.
    /// </summary>
    public Tensor Scatter(int dim, Tensor index, Tensor src)
    {
        var plan = PlanElementwise("scatter", dim, index, src);
        var y = CloneRaw();
        IndexedCopy.Run(GatherMode.Write, plan.Sizes, plan.Dim, plan.Index, plan.IndexStrides, y.Storage, AtLeast1D(y.Layout), src.Storage, AtLeast1D(src.Layout));
        return NeedsGrad(this, src) ? Record(y, new ScatterFamilyBackward("ScatterBackward0", plan.Dim, index, src.Layout.Sizes, false), this, src) : y;
    }

    /// <summary>
    /// A copy of this tensor with <paramref name="value"/> written at the positions the index names along
    /// <paramref name="dim"/> (<c>torch.scatter(input, dim, index, value)</c>); one-hot rows are
    /// <c>Tensor.Zeros(n, classes).Scatter(1, labels.Unsqueeze(1), 1)</c>.
    /// </summary>
    public Tensor Scatter(int dim, Tensor index, double value)
    {
        var plan = PlanElementwise("scatter", dim, index, null);
        var y = CloneRaw();
        var fill = Full([], value, DType, device: Device);
        IndexedCopy.Run(GatherMode.Write, plan.Sizes, plan.Dim, plan.Index, plan.IndexStrides, y.Storage, AtLeast1D(y.Layout), fill.Storage,
            new Layout(plan.Sizes, new int[plan.Sizes.Length], 0));
        return NeedsGrad(this) ? Record(y, new ScatterFamilyBackward("ScatterBackward1", plan.Dim, index, null, false), this) : y;
    }

    /// <summary>
    /// A copy of this tensor with <c>alpha * source</c> added into the slices of dimension <paramref name="dim"/> that a
    /// 1-D int64 <paramref name="index"/> names: slice <c>index[j]</c> gets slice j of source, repeats summing
    /// (<c>torch.index_add</c>). Differentiable in self and source (the gradient of source is <c>alpha * grad.index_select</c>).
    /// </summary>
    public Tensor IndexAdd(int dim, Tensor index, Tensor source, double alpha = 1)
    {
        const string op = "index_add";
        RequireNumeric(op);
        var plan = PlanAlongDim(op, dim, index);
        CheckIndexSource(op, plan, source);
        var y = CloneRaw();
        Tensor scaled;
        using (GradMode.Set(false)) scaled = alpha == 1 ? source : (source * alpha).CastRaw(DType);
        var walked = AtLeast1D(scaled.Layout);
        IndexedCopy.Run(GatherMode.Accumulate, walked.Sizes, plan.Dim, plan.Index, plan.IndexStrides, y.Storage, AtLeast1D(y.Layout), scaled.Storage, walked);
        return NeedsGrad(this, source) ? Record(y, new IndexAddBackward0(plan.Dim, index, alpha, source.Layout.Sizes), this, source) : y;
    }

    /// <summary>In-place <see cref="ScatterAdd"/> (<c>tensor.scatter_add_</c>).</summary>
    public Tensor ScatterAdd_(int dim, Tensor index, Tensor src) => IndexedInPlace("scatter_add_", src, old => old.ScatterAdd(dim, index, src));

    /// <summary>In-place <see cref="Scatter(int, Tensor, Tensor)"/> (<c>tensor.scatter_</c>).</summary>
    public Tensor Scatter_(int dim, Tensor index, Tensor src) => IndexedInPlace("scatter_", src, old => old.Scatter(dim, index, src));

    /// <summary>In-place <see cref="Scatter(int, Tensor, double)"/>: <c>Tensor.Zeros(n, 10).Scatter_(1, y.Unsqueeze(1), 1)</c> makes one-hot rows (<c>tensor.scatter_</c>).</summary>
    public Tensor Scatter_(int dim, Tensor index, double value) => IndexedInPlace("scatter_", null, old => old.Scatter(dim, index, value));

    /// <summary>In-place <see cref="IndexAdd"/> (<c>tensor.index_add_</c>).</summary>
    public Tensor IndexAdd_(int dim, Tensor index, Tensor source, double alpha = 1)
        => IndexedInPlace("index_add_", source, old => old.IndexAdd(dim, index, source, alpha));

    /// <summary>Runs an out-of-place indexed op and writes its result back, recording it in the graph when needed.</summary>
    private Tensor IndexedInPlace(string op, Tensor? other, Func<Tensor, Tensor> outOfPlace)
    {
        CheckInPlaceOnLeaf(op);
        if (GradMode.IsEnabled && (RequiresGrad || other?.RequiresGrad == true)) return Rebase(op, outOfPlace);
        Tensor result;
        using (GradMode.Set(false)) result = outOfPlace(this);
        CopyRaw(result);
        BumpVersion();
        return this;
    }

    private void RequireNumeric(string op)
    {
        if (DType == DType.Bool) throw new ArgumentException($"{op}: not supported for dtype torch.bool (shape {Core.Shape.Format(Layout.Sizes)})");
    }

    /// <summary>The checked index of an op that picks whole slices along one dim (index_select, index_add).</summary>
    private IndexPlan PlanAlongDim(string op, int dim, Tensor index)
    {
        int d = Core.Shape.NormalizeDim(op, dim, NDim);
        if (index.NDim > 1)
            throw new ArgumentException($"{op}: index is supposed to be a vector (1-D), but got shape {Core.Shape.Format(index.Layout.Sizes)}");
        int size = NDim == 0 ? 1 : Layout.Sizes[d];
        var values = IndexValues(op, index, d, size);
        var strides = new int[Math.Max(NDim, 1)];
        strides[d] = 1;
        return new IndexPlan(d, AtLeast1D(Layout).Sizes, values, strides);
    }

    /// <summary>Checks index_add's source against self and the index: same dims, sizes equal except along dim, where it is the index length.</summary>
    private void CheckIndexSource(string op, IndexPlan plan, Tensor source)
    {
        if (source.DType != DType)
            throw new ArgumentException($"{op}: self ({DType.TorchName()}) and source ({source.DType.TorchName()}) must have the same dtype");
        var expected = (int[])Layout.Sizes.Clone();
        if (NDim > 0) expected[plan.Dim] = plan.Index.Length;
        bool ok = source.NDim == NDim ? source.Layout.Sizes.AsSpan().SequenceEqual(expected)
            : NDim == 0 && source.Numel() == 1 && plan.Index.Length == 1 && source.NDim <= 1;
        if (!ok)
            throw new ArgumentException(
                $"{op}: source of shape {Core.Shape.Format(source.Layout.Sizes)} does not fit self of shape {Core.Shape.Format(Layout.Sizes)} " +
                $"with {plan.Index.Length} indices along dim {plan.Dim}; expected source shape {Core.Shape.Format(expected)}");
    }

    /// <summary>
    /// The checked index of an element-wise indexed op (gather, scatter, scatter_add): the index has as many dims as self
    /// (and src), is no larger than src anywhere and no larger than self except along dim.
    /// </summary>
    private IndexPlan PlanElementwise(string op, int dim, Tensor index, Tensor? src)
    {
        int d = Core.Shape.NormalizeDim(op, dim, NDim);
        if (src is not null && src.DType != DType)
            throw new ArgumentException($"{op}: expected self.dtype to be equal to src.dtype, got {DType.TorchName()} and {src.DType.TorchName()}");
        if (index.NDim != NDim && !(index.NDim <= 1 && NDim <= 1 && index.Numel() <= 1))
            throw new ArgumentException(
                $"{op}: index tensor must have the same number of dimensions as the input tensor, got index shape {Core.Shape.Format(index.Layout.Sizes)} " +
                $"and input shape {Core.Shape.Format(Layout.Sizes)}");
        if (src is not null && src.NDim != index.NDim && !(src.NDim <= 1 && index.NDim <= 1 && src.Numel() >= index.Numel()))
            throw new ArgumentException(
                $"{op}: index tensor must have the same number of dimensions as the src tensor, got index shape {Core.Shape.Format(index.Layout.Sizes)} " +
                $"and src shape {Core.Shape.Format(src.Layout.Sizes)}");
        var sizes = AtLeast1D(index.Layout).Sizes;
        var self = AtLeast1D(Layout).Sizes;
        var other = src is null ? null : AtLeast1D(src.Layout).Sizes;
        for (int i = 0; i < sizes.Length; i++)
        {
            if (i != d && sizes[i] > self[i])
                throw new ArgumentException(
                    $"{op}: size {sizes[i]} of index dimension {i} exceeds the input's size {self[i]}; index shape {Core.Shape.Format(index.Layout.Sizes)} " +
                    $"must be no larger than input shape {Core.Shape.Format(Layout.Sizes)} apart from dimension {d}");
            if (other is not null && sizes[i] > other[i])
                throw new ArgumentException(
                    $"{op}: size {sizes[i]} of index dimension {i} exceeds the src's size {other[i]}; index shape {Core.Shape.Format(index.Layout.Sizes)} " +
                    $"must be no larger than src shape {Core.Shape.Format(src!.Layout.Sizes)}");
        }
        var values = IndexValues(op, index, d, self[d]);
        return new IndexPlan(d, sizes, values, Core.Shape.ContiguousStrides(sizes));
    }

    /// <summary>The index's values in row-major order, each checked to lie in [0, size).</summary>
    private static int[] IndexValues(string op, Tensor index, int dim, int size)
    {
        if (index.DType != DType.Int64)
            throw new ArgumentException($"{op}: expected an int64 index tensor, but got {index.DType.TorchName()} (shape {Core.Shape.Format(index.Layout.Sizes)})");
        var values = index.ToArray<long>();
        var result = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            long v = values[i];
            if (v < 0 || v >= size)
                throw new ArgumentOutOfRangeException(null, $"{op}: index {v} is out of range for dimension {dim} with size {size}");
            result[i] = (int)v;
        }
        return result;
    }

    /// <summary>The layout itself, or a one-element 1-D layout for a 0-d tensor (the indexed kernels walk at least one dim).</summary>
    private static Layout AtLeast1D(Layout layout) => layout.Rank > 0 ? layout : new Layout([1], [1], layout.Offset);

    /// <summary>An index checked against the tensor it indexes: the dim, the shape walked, the values and their strides over that shape.</summary>
    private readonly record struct IndexPlan(int Dim, int[] Sizes, int[] Index, int[] IndexStrides);

    /// <summary>A zero tensor of <paramref name="shape"/> holding <paramref name="t"/> in its leading corner (t is no larger anywhere).</summary>
    private static Tensor PadTo(Tensor t, int[] shape)
    {
        if (t.NDim != shape.Length) t = shape.Length == 0 ? t.Reshape() : t.Reshape(t.Numel()); // 0-d against 1-D, at most one element
        if (t.Layout.Sizes.AsSpan().SequenceEqual(shape)) return t;
        var corner = t.Layout.Sizes;
        return ViewScatter(t, shape, z =>
        {
            for (int d = 0; d < corner.Length; d++)
                if (corner[d] != z.Layout.Sizes[d]) z = z.Narrow(d, 0, corner[d]);
            return z;
        });
    }

    private sealed class IndexSelectBackward0(int[] inputShape, int dim, Tensor index) : Node
    {
        private SavedTensor _index = new(index);

        public override string Name => "IndexSelectBackward0";

        protected internal override Tensor?[] Backward(Tensor g)
        {
            var index = _index.Unpack(this, "index");
            if (inputShape.Length == 0) return [g.Sum().Reshape(inputShape)];
            return [Zeros(inputShape, g.DType, device: g.Device).IndexAdd(dim, index, g)];
        }

        protected internal override void ReleaseSaved() => _index.Release();
    }

    private sealed class GatherBackward0(int[] inputShape, int dim, Tensor index) : Node
    {
        private SavedTensor _index = new(index);

        public override string Name => "GatherBackward0";

        protected internal override Tensor?[] Backward(Tensor g)
        {
            var index = _index.Unpack(this, "index");
            var result = Zeros(inputShape, g.DType, device: g.Device);
            if (GradMode.IsEnabled) return [result.ScatterAdd(dim, index, g)];
            // Outside createGraph, accumulate straight into the fresh zeros (ScatterAdd would copy them first).
            var plan = result.PlanElementwise("scatter_add", dim, index, g);
            IndexedCopy.Run(GatherMode.Accumulate, plan.Sizes, plan.Dim, plan.Index, plan.IndexStrides, result.Storage, AtLeast1D(result.Layout), g.Storage, AtLeast1D(g.Layout));
            return [result];
        }

        protected internal override void ReleaseSaved() => _index.Release();
    }

    /// <summary>
    /// Gradient of scatter (src or value) and scatter_add: self gets the gradient, with the written positions zeroed
    /// for scatter; src gets the gradient gathered from the positions it went to.
    /// </summary>
    private sealed class ScatterFamilyBackward(string name, int dim, Tensor index, int[]? srcShape, bool accumulate) : Node
    {
        private SavedTensor _index = new(index);

        public override string Name => name;

        protected internal override Tensor?[] Backward(Tensor g)
        {
            var index = _index.Unpack(this, "index");
            Tensor? gSelf = null, gSrc = null;
            if (NeedsInputGrad(0)) gSelf = accumulate ? g : g.Scatter(dim, index, 0.0);
            if (srcShape is not null && NeedsInputGrad(1)) gSrc = PadTo(g.Gather(dim, index), srcShape);
            return [gSelf, gSrc];
        }

        protected internal override void ReleaseSaved() => _index.Release();
    }

    private sealed class IndexAddBackward0(int dim, Tensor index, double alpha, int[] sourceShape) : Node
    {
        private SavedTensor _index = new(index);

        public override string Name => "IndexAddBackward0";

        protected internal override Tensor?[] Backward(Tensor g)
        {
            Tensor? gSource = null;
            if (NeedsInputGrad(1))
            {
                var picked = g.NDim == 0 ? g : g.IndexSelect(dim, _index.Unpack(this, "index"));
                gSource = alpha == 1 ? picked : picked * alpha;
                if (gSource.NDim != sourceShape.Length) gSource = gSource.Reshape(sourceShape);
            }
            return [NeedsInputGrad(0) ? g : null, gSource];
        }

        protected internal override void ReleaseSaved() => _index.Release();
    }
}
