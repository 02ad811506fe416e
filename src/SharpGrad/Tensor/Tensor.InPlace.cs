using System.Runtime.CompilerServices;
using SharpGrad.Graph;
using SharpGrad.Kernels;

namespace SharpGrad;

public partial class Tensor
{
    private bool _isView;

    /// <summary>Adds <paramref name="other"/> (broadcast to this shape) in place (<c>tensor.add_</c>).</summary>
    public Tensor Add_(Tensor other) => BinaryInPlace(BinaryKind.Add, "add_", other, (old, o) => old + o);

    /// <summary>Subtracts in place (<c>tensor.sub_</c>).</summary>
    public Tensor Sub_(Tensor other) => BinaryInPlace(BinaryKind.Sub, "sub_", other, (old, o) => old - o);

    /// <summary>Multiplies in place (<c>tensor.mul_</c>).</summary>
    public Tensor Mul_(Tensor other) => BinaryInPlace(BinaryKind.Mul, "mul_", other, (old, o) => old * o);

    /// <summary>Divides in place; integer tensors cannot hold the result (<c>tensor.div_</c>).</summary>
    public Tensor Div_(Tensor other) => BinaryInPlace(BinaryKind.Div, "div_", other, (old, o) => old / o);

    /// <summary>Adds a scalar in place (<c>tensor.add_(s)</c>).</summary>
    public Tensor Add_(double other) => Add_(ScalarLike(other, this));

    /// <summary>Subtracts a scalar in place (<c>tensor.sub_(s)</c>).</summary>
    public Tensor Sub_(double other) => Sub_(ScalarLike(other, this));

    /// <summary>Multiplies by a scalar in place (<c>tensor.mul_(s)</c>).</summary>
    public Tensor Mul_(double other) => Mul_(ScalarLike(other, this));

    /// <summary>Divides by a scalar in place (<c>tensor.div_(s)</c>).</summary>
    public Tensor Div_(double other) => Div_(ScalarLike(other, this));

    /// <summary>Adds an integer scalar in place; an int64 tensor stays int64 (<c>tensor.add_(1)</c>).</summary>
    public Tensor Add_(long other) => Add_(IntScalarLike(other, this));

    /// <summary>Subtracts an integer scalar in place (<c>tensor.sub_(1)</c>).</summary>
    public Tensor Sub_(long other) => Sub_(IntScalarLike(other, this));

    /// <summary>Multiplies by an integer scalar in place (<c>tensor.mul_(2)</c>).</summary>
    public Tensor Mul_(long other) => Mul_(IntScalarLike(other, this));

    /// <summary>Divides by an integer scalar in place; integer tensors cannot hold the result (<c>tensor.div_(2)</c>).</summary>
    public Tensor Div_(long other) => Div_(IntScalarLike(other, this));

    /// <summary>Sets every element to zero (<c>tensor.zero_()</c>).</summary>
    public Tensor Zero_() => Fill_(0);

    /// <summary>Sets every element to <paramref name="value"/> (<c>tensor.fill_</c>).</summary>
    public Tensor Fill_(double value)
    {
        CheckInPlaceOnLeaf("fill_");
        // Inside autograd the old value gets a zero gradient (PyTorch's FillBackward0).
        if (GradMode.IsEnabled && RequiresGrad) return Rebase("fill_", old => Where(OnesLike(old, DType.Bool), value, old));
        Dispatch.Fill(Storage, Layout, value);
        BumpVersion();
        return this;
    }

    /// <summary>Copies <paramref name="src"/> (broadcast, converted) into this tensor's elements (<c>tensor.copy_</c>).</summary>
    public Tensor Copy_(Tensor src)
    {
        CheckInPlaceOnLeaf("copy_");
        CheckNoInternalOverlap("copy_");
        BroadcastLayout("copy_", src, Layout.Sizes);
        if (!(GradMode.IsEnabled && (src.RequiresGrad || RequiresGrad)))
        {
            CopyRaw(src);
            BumpVersion();
            return this;
        }
        return Rebase("copy_", _ =>
        {
            var r = src.To(DType).Expand(Layout.Sizes);
            return NeedsGrad(r) ? Record(r.CloneRaw(), new PassBackward("CopyBackwards"), r) : r;
        });
    }

    /// <summary>Limits every element to [min, max] in place (<c>tensor.clamp_</c>).</summary>
    public Tensor Clamp_(double? min = null, double? max = null)
    {
        CheckInPlaceOnLeaf("clamp_");
        if (!(GradMode.IsEnabled && RequiresGrad))
        {
            using (GradMode.Set(false)) CopyRaw(Clamp(min, max));
            BumpVersion();
            return this;
        }
        return Rebase("clamp_", old => old.Clamp(min, max));
    }

    /// <summary>Fills with normal samples in place (<c>tensor.normal_</c>).</summary>
    public Tensor Normal_(double mean = 0, double std = 1, Generator? generator = null)
    {
        if (std < 0) throw new ArgumentException($"normal_: expects std >= 0.0, but found std {std}");
        var values = new double[Numel()];
        WithGenerator(generator, g => { for (int i = 0; i < values.Length; i++) values[i] = mean + std * g.NextNormal(); });
        return FillFrom("normal_", values);
    }

    /// <summary>Fills with uniform samples from [from, to) in place (<c>tensor.uniform_</c>).</summary>
    public Tensor Uniform_(double from = 0, double to = 1, Generator? generator = null)
    {
        if (from > to) throw new ArgumentException($"uniform_: expects from <= to, but got from={from} > to={to}");
        var values = new double[Numel()];
        bool single = DType == DType.Float32;
        WithGenerator(generator, g =>
        {
            for (int i = 0; i < values.Length; i++) values[i] = from + (to - from) * (single ? g.NextSingle() : g.NextDouble());
        });
        return FillFrom("uniform_", values);
    }

    private Tensor FillFrom(string op, double[] values)
    {
        CheckInPlaceOnLeaf(op);
        CheckNoInternalOverlap(op);
        if (!DType.IsFloatingPoint()) throw new ArgumentException($"{op}: expected a floating point tensor, got {DType.TorchName()}");
        var src = FromBuffer(values, Layout.Sizes);
        if (GradMode.IsEnabled && RequiresGrad) return Rebase(op, old => Where(OnesLike(old, DType.Bool), src.To(old.DType), old));
        using (GradMode.Set(false)) CopyRaw(src);
        BumpVersion();
        return this;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Tensor BinaryInPlace(BinaryKind kind, string op, Tensor other, Func<Tensor, Tensor, Tensor> outOfPlace)
    {
        CheckInPlaceOnLeaf(op);
        CheckNoInternalOverlap(op);
        var resultType = ResultType(this, other);
        if (kind == BinaryKind.Div && !resultType.IsFloatingPoint()) resultType = DType.Float32;
        if (resultType.IsFloatingPoint() && !DType.IsFloatingPoint() || DType == DType.Bool && resultType != DType.Bool)
            throw new ArgumentException($"{op}: result type {resultType.TorchName()} can't be cast to the desired output type {DType.TorchName()}");
        var layout = BroadcastLayout(op, other, Layout.Sizes);
        if (GradMode.IsEnabled && (RequiresGrad || other.RequiresGrad)) return RebaseBinary(op, other, outOfPlace);
        var b = other;
        if (ReferenceEquals(b.Storage, Storage) && !ReferenceEquals(b.Layout, Layout)) { b = b.CloneRaw(); layout = BroadcastLayout(op, b, Layout.Sizes); }
        if (b.DType != DType) { b = b.CastRaw(DType); layout = BroadcastLayout(op, b, Layout.Sizes); }
        Dispatch.Binary(kind, Storage, Layout, b.Storage, layout, Storage, Layout);
        BumpVersion();
        return this;
    }

    // A method of its own so that the closure is only allocated on this path, not on every in-place call.
    private Tensor RebaseBinary(string op, Tensor other, Func<Tensor, Tensor, Tensor> outOfPlace) => Rebase(op, old => outOfPlace(old, other));

    /// <summary>
    /// An in-place op inside autograd: the op is recorded out of place on a copy of the old value,
    /// the result is written back, and this tensor takes over the result's place in the graph.
    /// </summary>
    private Tensor Rebase(string op, Func<Tensor, Tensor> outOfPlace)
    {
        if (_isView)
            throw new InvalidOperationException(
                $"{op}: in-place operations on a view of a tensor inside autograd are not supported (shape {Core.Shape.Format(Layout.Sizes)}); " +
                "use the out-of-place form, or do it under Tensor.NoGrad()");
        var old = CloneRaw();
        old.GradFn = GradFn;
        old._requiresGrad = _requiresGrad;
        var result = outOfPlace(old);
        if (!result.Layout.Sizes.AsSpan().SequenceEqual(Layout.Sizes))
            throw new ArgumentException($"{op}: output with shape {Core.Shape.Format(Layout.Sizes)} doesn't match the broadcast shape {Core.Shape.Format(result.Layout.Sizes)}");
        CopyRaw(result);
        BumpVersion();
        GradFn = result.GradFn;
        _requiresGrad = result.RequiresGrad;
        return this;
    }

    /// <summary>Refuses to write into a tensor where several elements alias one memory location (an expanded view).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CheckNoInternalOverlap(string op)
    {
        for (int d = 0; d < NDim; d++)
            if (Layout.Strides[d] == 0 && Layout.Sizes[d] > 1)
                throw new InvalidOperationException(
                    $"{op}: unsupported operation: more than one element of the written-to tensor (shape {Core.Shape.Format(Layout.Sizes)}, " +
                    $"stride {Core.Shape.Format(Layout.Strides)}) refers to a single memory location; Clone() the tensor first");
    }

    private void CheckInPlaceOnLeaf(string op)
    {
        if (IsLeaf && _requiresGrad && GradMode.IsEnabled)
            throw new InvalidOperationException(
                $"{op}: a leaf Variable that requires grad (shape {Core.Shape.Format(Layout.Sizes)}) is being used in an in-place operation; " +
                "wrap the update in using (Tensor.NoGrad()) { ... }");
    }
}
