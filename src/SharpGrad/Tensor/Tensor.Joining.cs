using SharpGrad.Graph;
using SharpGrad.Core;
using SharpGrad.Kernels;

namespace SharpGrad;

public partial class Tensor
{
    /// <summary>
    /// Joins tensors along an existing dimension (<c>torch.cat</c>). All must have the same number of dims and the same
    /// sizes except along <paramref name="dim"/>; the result has the promoted dtype of all inputs. As in PyTorch, 1-D
    /// empty tensors (shape [0]) are skipped whatever the others' shape.
    /// </summary>
    public static Tensor Cat(Tensor[] tensors, int dim = 0)
    {
        const string op = "cat";
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0) throw new ArgumentException($"{op}: expected a non-empty list of Tensors");
        Tensor? reference = null;
        int refIndex = -1;
        var dtype = tensors[0].DType;
        for (int i = 0; i < tensors.Length; i++)
        {
            var t = tensors[i] ?? throw new ArgumentNullException(nameof(tensors), $"{op}: tensor number {i} in the list is null");
            if (i > 0) dtype = DTypeInfo.Promote(dtype, t.DType);
            if (t.NDim == 0)
                throw new ArgumentException($"{op}: zero-dimensional tensor (at position {i}) cannot be concatenated");
            if (reference is null && !IsSkippedInCat(t)) (reference, refIndex) = (t, i);
        }
        if (reference is null) return Record(Alloc([0], dtype, SameDevice(op, tensors)), new CatBackward0(0, tensors), tensors);

        int d = Core.Shape.NormalizeDim(op, dim, reference.NDim);
        var sizes = (int[])reference.Layout.Sizes.Clone();
        sizes[d] = 0;
        for (int i = 0; i < tensors.Length; i++)
        {
            var t = tensors[i];
            if (IsSkippedInCat(t)) continue;
            if (t.NDim != reference.NDim)
                throw new ArgumentException(
                    $"{op}: tensors must have same number of dimensions: got {reference.NDim} and {t.NDim} " +
                    $"(tensor number {refIndex} has shape {Core.Shape.Format(reference.Layout.Sizes)}, tensor number {i} has shape {Core.Shape.Format(t.Layout.Sizes)})");
            for (int k = 0; k < t.NDim; k++)
                if (k != d && t.Layout.Sizes[k] != reference.Layout.Sizes[k])
                    throw new ArgumentException(
                        $"{op}: sizes of tensors must match except in dimension {d}. Expected size {reference.Layout.Sizes[k]} but got size {t.Layout.Sizes[k]} " +
                        $"for tensor number {i} in the list (shapes {Core.Shape.Format(reference.Layout.Sizes)} and {Core.Shape.Format(t.Layout.Sizes)})");
            sizes[d] += t.Layout.Sizes[d];
        }

        var y = Alloc(sizes, dtype, SameDevice(op, tensors));
        int offset = 0;
        foreach (var t in tensors)
        {
            if (IsSkippedInCat(t)) continue;
            int n = t.Layout.Sizes[d];
            Dispatch.Copy(t.Storage, t.Layout, y.Storage, y.Layout.Slice(d, offset, n));
            offset += n;
        }
        return AnyNeedsGrad(tensors) ? Record(y, new CatBackward0(d, tensors), tensors) : y;
    }

    /// <summary>Alias of <see cref="Cat"/> (<c>torch.concat</c>).</summary>
    public static Tensor Concat(Tensor[] tensors, int dim = 0) => Cat(tensors, dim);

    /// <summary>
    /// Joins tensors of one shape along a new dimension inserted at <paramref name="dim"/> (<c>torch.stack</c>);
    /// the result has the promoted dtype of all inputs.
    /// </summary>
    public static Tensor Stack(Tensor[] tensors, int dim = 0)
    {
        const string op = "stack";
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0) throw new ArgumentException($"{op}: expected a non-empty list of Tensors");
        var first = tensors[0] ?? throw new ArgumentNullException(nameof(tensors), $"{op}: tensor number 0 in the list is null");
        var dtype = first.DType;
        for (int i = 1; i < tensors.Length; i++)
        {
            var t = tensors[i] ?? throw new ArgumentNullException(nameof(tensors), $"{op}: tensor number {i} in the list is null");
            if (!t.Layout.Sizes.AsSpan().SequenceEqual(first.Layout.Sizes))
                throw new ArgumentException(
                    $"{op}: expects each tensor to be equal size, but got {Core.Shape.Format(first.Layout.Sizes)} at entry 0 " +
                    $"and {Core.Shape.Format(t.Layout.Sizes)} at entry {i}");
            dtype = DTypeInfo.Promote(dtype, t.DType);
        }
        int d = Core.Shape.NormalizeDim(op, dim, first.NDim + 1);
        var sizes = Core.Shape.InsertAt(first.Layout.Sizes, d, tensors.Length);
        var y = Alloc(sizes, dtype, SameDevice(op, tensors));
        for (int i = 0; i < tensors.Length; i++)
            Dispatch.Copy(tensors[i].Storage, tensors[i].Layout, y.Storage, y.Layout.Select(d, i));
        return AnyNeedsGrad(tensors) ? Record(y, new StackBackward0(d, tensors), tensors) : y;
    }

    /// <summary>
    /// Views of consecutive pieces of <paramref name="splitSize"/> elements along <paramref name="dim"/>, the last one
    /// smaller when the size does not divide evenly (<c>torch.split(tensor, split_size)</c>).
    /// </summary>
    public Tensor[] Split(int splitSize, int dim = 0)
    {
        const string op = "split";
        int d = RequireDims(op, dim);
        int size = Layout.Sizes[d];
        if (splitSize < 0 || splitSize == 0 && size != 0)
            throw new ArgumentException($"{op}: split_size can only be 0 if dimension size is 0, and must be non-negative, but got split_size {splitSize} for dimension {d} of size {size}");
        int count = size == 0 ? 1 : (size + splitSize - 1) / splitSize;
        var pieces = new Tensor[count];
        for (int i = 0; i < count; i++)
        {
            int start = i * splitSize;
            pieces[i] = Narrow(d, start, Math.Min(splitSize, size - start));
        }
        return pieces;
    }

    /// <summary>Views of consecutive pieces of the given sizes along <paramref name="dim"/>; they must sum to its size (<c>torch.split(tensor, [sizes])</c>).</summary>
    public Tensor[] Split(int[] sizes, int dim = 0)
    {
        const string op = "split_with_sizes";
        ArgumentNullException.ThrowIfNull(sizes);
        int d = RequireDims(op, dim);
        int size = Layout.Sizes[d];
        long total = 0;
        foreach (int s in sizes)
        {
            if (s < 0) throw new ArgumentException($"{op}: split_sizes must be non-negative, but got split_sizes={Core.Shape.Format(sizes)}");
            total += s;
        }
        if (total != size)
            throw new ArgumentException(
                $"{op}: split_sizes must sum exactly to {size} (the size of dimension {d} of the input of shape {Core.Shape.Format(Layout.Sizes)}), " +
                $"but got split_sizes={Core.Shape.Format(sizes)}");
        var pieces = new Tensor[sizes.Length];
        int start = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            pieces[i] = Narrow(d, start, sizes[i]);
            start += sizes[i];
        }
        return pieces;
    }

    /// <summary>
    /// Splits into at most <paramref name="chunks"/> views along <paramref name="dim"/>, each of ceil(size / chunks) elements
    /// except the last, so there may be fewer chunks than asked (<c>torch.chunk</c>).
    /// </summary>
    public Tensor[] Chunk(int chunks, int dim = 0)
    {
        const string op = "chunk";
        int d = RequireDims(op, dim);
        if (chunks <= 0) throw new ArgumentException($"{op}: expects `chunks` to be greater than 0, got: {chunks}");
        int size = Layout.Sizes[d];
        if (size == 0)
        {
            var empty = new Tensor[chunks];
            for (int i = 0; i < chunks; i++) empty[i] = Narrow(d, 0, 0);
            return empty;
        }
        return Split((size + chunks - 1) / chunks, d);
    }

    /// <summary>Every slice along <paramref name="dim"/>, that dim removed, as views (<c>torch.unbind</c>).</summary>
    public Tensor[] Unbind(int dim = 0)
    {
        int d = RequireDims("unbind", dim);
        var slices = new Tensor[Layout.Sizes[d]];
        for (int i = 0; i < slices.Length; i++) slices[i] = Select(d, i);
        return slices;
    }

    private int RequireDims(string op, int dim)
    {
        if (NDim == 0) throw new ArgumentException($"{op}: expected a tensor with at least one dimension, but got a 0-dim tensor");
        return Core.Shape.NormalizeDim(op, dim, NDim);
    }

    private static bool IsSkippedInCat(Tensor t) => t.NDim == 1 && t.Layout.Sizes[0] == 0;

    private static bool AnyNeedsGrad(Tensor[] tensors)
    {
        if (!GradMode.IsEnabled) return false;
        foreach (var t in tensors) if (t.RequiresGrad) return true;
        return false;
    }

    /// <summary>Gradient of cat: each input gets its own slice of the gradient, back in its dtype.</summary>
    private sealed class CatBackward0 : Node
    {
        private readonly int _dim;
        private readonly int[] _lengths;
        private readonly bool[] _skipped;
        private readonly DType[] _dtypes;

        public CatBackward0(int dim, Tensor[] tensors)
        {
            _dim = dim;
            _lengths = new int[tensors.Length];
            _skipped = new bool[tensors.Length];
            _dtypes = new DType[tensors.Length];
            for (int i = 0; i < tensors.Length; i++)
            {
                _skipped[i] = IsSkippedInCat(tensors[i]);
                _lengths[i] = _skipped[i] ? 0 : tensors[i].Layout.Sizes[dim];
                _dtypes[i] = tensors[i].DType;
            }
        }

        public override string Name => "CatBackward0";

        protected internal override Tensor?[] Backward(Tensor g)
        {
            var grads = new Tensor?[_lengths.Length];
            int offset = 0;
            for (int i = 0; i < grads.Length; i++)
            {
                if (NeedsInputGrad(i))
                    grads[i] = _skipped[i] ? Zeros([0], _dtypes[i], device: g.Device) : g.Narrow(_dim, offset, _lengths[i]).To(_dtypes[i]);
                offset += _lengths[i];
            }
            return grads;
        }
    }

    /// <summary>Gradient of stack: each input gets its slice of the gradient along the new dim, back in its dtype.</summary>
    private sealed class StackBackward0 : Node
    {
        private readonly int _dim;
        private readonly DType[] _dtypes;

        public StackBackward0(int dim, Tensor[] tensors)
        {
            _dim = dim;
            _dtypes = new DType[tensors.Length];
            for (int i = 0; i < tensors.Length; i++) _dtypes[i] = tensors[i].DType;
        }

        public override string Name => "StackBackward0";

        protected internal override Tensor?[] Backward(Tensor g)
        {
            var grads = new Tensor?[_dtypes.Length];
            for (int i = 0; i < grads.Length; i++)
                if (NeedsInputGrad(i)) grads[i] = g.Select(_dim, i).To(_dtypes[i]);
            return grads;
        }
    }

    /// <summary>The device of every tensor of a join (PyTorch's error when they differ).</summary>
    private static Device SameDevice(string op, Tensor[] tensors)
    {
        var device = tensors[0].Device;
        foreach (var t in tensors)
            if (t.Device != device) throw Kernels.Devices.Mismatch(op, device, t.Device);
        return device;
    }
}
