using System.Runtime.CompilerServices;
using SharpGrad.Graph;
using SharpGrad.Core;
using SharpGrad.Kernels;

namespace SharpGrad;

/// <summary>The result of a reduction over one dimension that also reports where it found each value (<c>torch.return_types.max</c>).</summary>
/// <param name="Values">The reduced values.</param>
/// <param name="Indices">Positions of the values along the reduced dimension (int64).</param>
public readonly record struct ValuesIndices(Tensor Values, Tensor Indices);

public partial class Tensor
{
    /// <summary>Sum of all elements; integers and bools give int64 (<c>tensor.sum()</c>).</summary>
    public Tensor Sum() => Reduction(ReduceKind.Sum, AllDims(), false, "SumBackward0");

    /// <summary>Sum over one dimension (<c>tensor.sum(dim, keepdim)</c>).</summary>
    public Tensor Sum(int dim, bool keepDim = false) => Sum([dim], keepDim);

    /// <summary>Sum over several dimensions (<c>tensor.sum(dims, keepdim)</c>).</summary>
    public Tensor Sum(int[] dims, bool keepDim = false) => Reduction(ReduceKind.Sum, NormalizeDims("sum", dims), keepDim, "SumBackward1");

    /// <summary>Mean of all elements (<c>tensor.mean()</c>); floating-point tensors only, as in PyTorch.</summary>
    public Tensor Mean() => MeanOver(AllDims(), false, "MeanBackward0");

    /// <summary>Mean over one dimension (<c>tensor.mean(dim, keepdim)</c>).</summary>
    public Tensor Mean(int dim, bool keepDim = false) => Mean([dim], keepDim);

    /// <summary>Mean over several dimensions (<c>tensor.mean(dims, keepdim)</c>).</summary>
    public Tensor Mean(int[] dims, bool keepDim = false) => MeanOver(NormalizeDims("mean", dims), keepDim, "MeanBackward1");

    /// <summary>Product of all elements (<c>tensor.prod()</c>).</summary>
    public Tensor Prod() => ProdOver(AllDims(), false, "ProdBackward0");

    /// <summary>Product over one dimension (<c>tensor.prod(dim, keepdim)</c>).</summary>
    public Tensor Prod(int dim, bool keepDim = false) => ProdOver(NormalizeDims("prod", [dim]), keepDim, "ProdBackward1");

    /// <summary>Largest element; gradient shared evenly among ties (<c>tensor.max()</c>).</summary>
    public Tensor Max() => Extreme(ReduceKind.Max, "max", "MaxBackward1");

    /// <summary>Smallest element; gradient shared evenly among ties (<c>tensor.min()</c>).</summary>
    public Tensor Min() => Extreme(ReduceKind.Min, "min", "MinBackward1");

    /// <summary>Largest values along a dimension and their indices (<c>tensor.max(dim, keepdim)</c>).</summary>
    public ValuesIndices Max(int dim, bool keepDim = false) => ExtremeAlong(ReduceKind.Max, "max", dim, keepDim, "MaxBackward0");

    /// <summary>Smallest values along a dimension and their indices (<c>tensor.min(dim, keepdim)</c>).</summary>
    public ValuesIndices Min(int dim, bool keepDim = false) => ExtremeAlong(ReduceKind.Min, "min", dim, keepDim, "MinBackward0");

    /// <summary>Element-wise maximum with another tensor (<c>torch.max(a, b)</c>).</summary>
    public Tensor Max(Tensor other) => Maximum(other);

    /// <summary>Element-wise minimum with another tensor (<c>torch.min(a, b)</c>).</summary>
    public Tensor Min(Tensor other) => Minimum(other);

    /// <summary>Element-wise maximum (<c>torch.max(a, b)</c>).</summary>
    public static Tensor Max(Tensor a, Tensor b) => a.Maximum(b);

    /// <summary>Element-wise minimum (<c>torch.min(a, b)</c>).</summary>
    public static Tensor Min(Tensor a, Tensor b) => a.Minimum(b);

    /// <summary>Index of the largest element, of the flattened tensor when <paramref name="dim"/> is null (<c>tensor.argmax</c>).</summary>
    public Tensor Argmax(int? dim = null, bool keepDim = false) => ArgExtreme(true, dim, keepDim);

    /// <summary>Index of the smallest element, of the flattened tensor when <paramref name="dim"/> is null (<c>tensor.argmin</c>).</summary>
    public Tensor Argmin(int? dim = null, bool keepDim = false) => ArgExtreme(false, dim, keepDim);

    /// <summary>Variance with Bessel's correction unless <paramref name="unbiased"/> is false (<c>tensor.var</c>).</summary>
    public Tensor Var(int? dim = null, bool unbiased = true, bool keepDim = false)
        => VarOver(dim is int d ? [d] : null, unbiased ? 1 : 0, keepDim);

    /// <summary>Variance over several dims with a given correction (<c>torch.var(x, dims, correction=c)</c>).</summary>
    public Tensor Var(int[] dims, int correction = 1, bool keepDim = false) => VarOver(dims, correction, keepDim);

    /// <summary>Standard deviation, the square root of <see cref="Var(int?, bool, bool)"/> (<c>tensor.std</c>).</summary>
    public Tensor Std(int? dim = null, bool unbiased = true, bool keepDim = false) => Var(dim, unbiased, keepDim).Sqrt();

    /// <summary>Standard deviation over several dims with a given correction (<c>torch.std(x, dims, correction=c)</c>).</summary>
    public Tensor Std(int[] dims, int correction = 1, bool keepDim = false) => Var(dims, correction, keepDim).Sqrt();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int[] AllDims()
    {
        var dims = new int[NDim];
        for (int d = 0; d < dims.Length; d++) dims[d] = d;
        return dims;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int[] NormalizeDims(string op, int[] dims)
    {
        // Sorted, without duplicates (an insertion sort: there are at most a handful of dims).
        var result = new int[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            int d = Core.Shape.NormalizeDim(op, dims[i], NDim), j = i;
            for (int k = 0; k < i; k++)
                if (result[k] == d)
                    throw new ArgumentException($"{op}: dim {dims[i]} appears multiple times in the list of dims {Core.Shape.Format(dims)}");
            while (j > 0 && result[j - 1] > d) { result[j] = result[j - 1]; j--; }
            result[j] = d;
        }
        return NDim == 0 ? [] : result;
    }

    /// <summary>Input sizes with the reduced dims set to 1 (keepDim) or removed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int[] ReducedShape(int[] dims, bool keepDim)
    {
        if (keepDim)
        {
            var kept = (int[])Layout.Sizes.Clone();
            foreach (int d in dims) kept[d] = 1;
            return kept;
        }
        var sizes = new int[NDim - dims.Length];
        for (int d = 0, i = 0; d < NDim; d++)
            if (Array.IndexOf(dims, d) < 0) sizes[i++] = Layout.Sizes[d];
        return sizes;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Tensor ReduceRaw(ReduceKind kind, int[] dims, bool keepDim, DType dtype)
    {
        var x = CastRaw(dtype);
        if (dims.Length == NDim && !keepDim)
        {
            // Everything into one element: a 0-d result, read through stride 0 on every dim of the input.
            var scalar = new Tensor(Devices.Allocate(Device, dtype, 1), Layout.Scalar);
            Dispatch.Reduce(kind, x.Storage, x.Layout, scalar.Storage, new Layout(Layout.Sizes, new int[NDim], 0));
            return scalar;
        }
        var kept = ReducedShape(dims, true);
        var y = Alloc(kept, dtype, Device);
        var strides = Core.Shape.ContiguousStrides(kept);
        foreach (int d in dims) strides[d] = 0;
        Dispatch.Reduce(kind, x.Storage, x.Layout, y.Storage, new Layout(Layout.Sizes, strides, 0));
        return keepDim ? y : y.WithLayout(Layout.Contiguous(ReducedShape(dims, false)));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Tensor Reduction(ReduceKind kind, int[] dims, bool keepDim, string name)
    {
        var dtype = DType.IsFloatingPoint() ? DType : DType.Int64;
        var y = ReduceRaw(kind, dims, keepDim, dtype);
        return NeedsGrad(this) ? Record(y, new ExpandGradBackward(name, Layout.Sizes, dims, keepDim, 1), this) : y;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Tensor MeanOver(int[] dims, bool keepDim, string name)
    {
        if (!DType.IsFloatingPoint())
            throw new ArgumentException($"mean: could not infer output dtype; input dtype must be floating point, but got {DType.TorchName()}. Call Float() first");
        long count = 1;
        foreach (int d in dims) count *= Layout.Sizes[d];
        var y = ReduceRaw(ReduceKind.Sum, dims, keepDim, DType);
        Dispatch.Binary(BinaryKind.Div, y.Storage, y.Layout, Scalar(count == 0 ? double.NaN : count, DType).Storage,
            new Layout(y.Layout.Sizes, new int[y.NDim], 0), y.Storage, y.Layout);
        if (count == 0) Dispatch.Fill(y.Storage, y.Layout, double.NaN);
        return NeedsGrad(this) ? Record(y, new ExpandGradBackward(name, Layout.Sizes, dims, keepDim, count), this) : y;
    }

    private Tensor ProdOver(int[] dims, bool keepDim, string name)
    {
        var dtype = DType.IsFloatingPoint() ? DType : DType.Int64;
        var y = ReduceRaw(ReduceKind.Prod, dims, keepDim, dtype);
        return NeedsGrad(this) ? Record(y, new ProdBackward(name, this, dims, keepDim), this) : y;
    }

    private Tensor Extreme(ReduceKind kind, string op, string name)
    {
        if (Numel() == 0)
            throw new ArgumentException($"{op}: expected reduction dim to be specified for input.numel() == 0 (shape {Core.Shape.Format(Layout.Sizes)})");
        var x = DType == DType.Bool ? CastRaw(DType.Int64) : this;
        var y = x.ReduceRaw(kind, AllDims(), false, x.DType);
        if (DType == DType.Bool) y = y.CastRaw(DType.Bool);
        return NeedsGrad(this) ? Record(y, new EvenlyDistributeBackward(name, this, y), this) : y;
    }

    private ValuesIndices ExtremeAlong(ReduceKind kind, string op, int dim, bool keepDim, string name)
    {
        int d = Core.Shape.NormalizeDim(op, dim, NDim);
        if (NDim > 0 && Layout.Sizes[d] == 0)
            throw new ArgumentException($"{op}: expected a non-empty dimension {d} to reduce, but the shape is {Core.Shape.Format(Layout.Sizes)}");
        var x = DType == DType.Bool ? CastRaw(DType.Int64) : this;
        var indices = ArgExtreme(kind == ReduceKind.Max, dim, keepDim);
        var values = x.ReduceRaw(kind, NDim == 0 ? [] : [d], keepDim, x.DType);
        if (DType == DType.Bool) values = values.CastRaw(DType.Bool);
        if (NeedsGrad(this)) values = Record(values, new IndexedBackward(name, Layout.Sizes, NDim == 0 ? 0 : d, keepDim, indices), this);
        return new ValuesIndices(values, indices);
    }

    private Tensor ArgExtreme(bool max, int? dim, bool keepDim)
    {
        string op = max ? "argmax" : "argmin";
        var x = DType == DType.Bool ? CastRaw(DType.Int64) : this;
        if (dim is null || NDim == 0)
        {
            if (Numel() == 0) throw new ArgumentException($"{op}: expected reduction dim to be specified for input.numel() == 0");
            var flat = x.Contiguous();
            var scalar = Alloc([], DType.Int64, Device);
            Dispatch.ArgRows(flat.Storage, flat.Layout.Offset, 1, Numel(), scalar.Storage, max);
            return keepDim && dim is not null ? scalar.Reshape(ReducedShape(AllDims(), true)) : scalar;
        }
        int d = Core.Shape.NormalizeDim(op, dim.Value, NDim);
        int n = Layout.Sizes[d];
        if (n == 0) throw new ArgumentException($"{op}: expected a non-empty dimension {d} to reduce, but the shape is {Core.Shape.Format(Layout.Sizes)}");
        var order = Enumerable.Range(0, NDim).Where(i => i != d).Append(d).ToArray();
        var moved = x.WithLayout(x.Layout.Permute(order)).Contiguous();
        int rows = Numel() / n;
        var result = AllocForOverwrite(ReducedShape([d], keepDim), DType.Int64, Device);
        Dispatch.ArgRows(moved.Storage, moved.Layout.Offset, rows, n, result.Storage, max);
        return result;
    }

    private Tensor VarOver(int[]? dims, int correction, bool keepDim)
    {
        if (!DType.IsFloatingPoint())
            throw new ArgumentException($"var: expected a floating point tensor, but got {DType.TorchName()}");
        var all = dims is null ? AllDims() : NormalizeDims("var", dims);
        long count = 1;
        foreach (int d in all) count *= Layout.Sizes[d];
        var centered = this - Mean(all, keepDim: true);
        return (centered * centered).Sum(all, keepDim) / Math.Max(count - correction, 0);
    }

    /// <summary>Gradient of sum and mean: the output gradient, divided by <c>count</c>, expanded back over the reduced dims.</summary>
    private sealed class ExpandGradBackward(string name, int[] inputShape, int[] dims, bool keepDim, long count) : Node
    {
        public override string Name => name;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        protected internal override Tensor?[] Backward(Tensor g)
        {
            var kept = keepDim ? g : g.Reshape(KeptShape(inputShape, dims));
            var expanded = kept.Expand(inputShape);
            return [count == 1 ? expanded : expanded / count];
        }
    }

    /// <summary>Gradient of max() / min() over everything: shared evenly among the elements equal to the result.</summary>
    private sealed class EvenlyDistributeBackward(string name, Tensor x, Tensor result) : Node
    {
        private SavedTensor _x = new(x), _y = new(result);

        public override string Name => name;

        protected internal override Tensor?[] Backward(Tensor g)
        {
            var x = _x.Unpack(this, "self");
            var mask = x.Eq(_y.Unpack(this, "result"));
            return [mask * (g / mask.Sum())];
        }

        protected internal override void ReleaseSaved() { _x.Release(); _y.Release(); }
    }

    /// <summary>Gradient of max(dim) / min(dim): to the position each value came from.</summary>
    private sealed class IndexedBackward(string name, int[] inputShape, int dim, bool keepDim, Tensor indices) : Node
    {
        private SavedTensor _indices = new(indices);

        public override string Name => name;

        protected internal override void ReleaseSaved() => _indices.Release();

        protected internal override Tensor?[] Backward(Tensor g)
        {
            var indices = _indices.Unpack(this, "indices");
            if (inputShape.Length == 0) return [g];
            var idx = keepDim ? indices : indices.Unsqueeze(dim);
            var gk = keepDim ? g : g.Unsqueeze(dim);
            var positions = new int[inputShape.Length];
            Array.Fill(positions, 1);
            positions[dim] = inputShape[dim];
            var mask = Arange(inputShape[dim]).View(positions).Eq(idx);
            return [mask * gk];
        }
    }

    /// <summary>Gradient of prod: the product of the other elements, computed without dividing by zero.</summary>
    private sealed class ProdBackward(string name, Tensor x, int[] dims, bool keepDim) : Node
    {
        private SavedTensor _x = new(x);

        public override string Name => name;

        protected internal override Tensor?[] Backward(Tensor g)
        {
            var x = _x.Unpack(this, "self");
            var shape = x.Layout.Sizes;
            var gk = (keepDim ? g : g.Reshape(KeptShape(shape, dims))).Expand(shape);
            var isZero = x.Eq(0.0);
            var zeros = isZero.Sum(dims, keepDim: true);
            var safe = Where(isZero, OnesLike(x), x);
            var nonZeroProduct = safe.Prod(dims.Length == x.NDim ? null : dims, x.NDim).Expand(shape);
            // No zero: prod / x. One zero: at that element, the product of the others; elsewhere 0. More: 0.
            var others = Where(zeros.Eq(0.0), nonZeroProduct / safe, Where(isZero.LogicalAnd(zeros.Eq(1.0)), nonZeroProduct, ZerosLike(x)));
            return [gk * others];
        }

        protected internal override void ReleaseSaved() => _x.Release();
    }

    /// <summary>Product over dims keeping them (all dims when null), differentiable.</summary>
    private Tensor Prod(int[]? dims, int rank)
    {
        if (dims is null) return Prod().Reshape(Enumerable.Repeat(1, rank).ToArray());
        var y = this;
        foreach (int d in dims) y = y.Prod(d, keepDim: true);
        return y;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int[] KeptShape(int[] inputShape, int[] dims)
    {
        var kept = (int[])inputShape.Clone();
        foreach (int d in dims) kept[d] = 1;
        return kept;
    }
}
