using System.Runtime.CompilerServices;
using SharpGrad.Graph;
using SharpGrad.Core;
using SharpGrad.Kernels;

namespace SharpGrad;

/// <summary>
/// An n-dimensional array with automatic differentiation (PyTorch <c>torch.Tensor</c>): a
/// <see cref="Core.Storage"/> seen through a <see cref="Core.Layout"/>, plus the autograd node that made it.
/// Views share storage with their base; the element type is a runtime <see cref="SharpGrad.DType"/>.
/// </summary>
public partial class Tensor
{
    private bool _requiresGrad;
    private AccumulateGrad? _accumulator;
    private Tensor? _grad;

    private DType _dtype; // Storage.DType, cached: it is a virtual call and every op asks for it several times

    internal Tensor(Storage storage, Layout layout)
    {
        Storage = storage;
        Layout = layout;
        _dtype = storage.DType;
        if (OpTrace.IsTracing) OpTrace.OnCreated(this);
    }

    /// <summary>The buffer this tensor views (<c>tensor.untyped_storage()</c>).</summary>
    public Storage Storage { get; private set; }

    /// <summary>Sizes, strides and offset of this tensor within its storage.</summary>
    public Layout Layout { get; private set; }

    /// <summary>Where the elements live (<c>tensor.device</c>).</summary>
    public Device Device => Storage.Device;

    /// <summary>True when the tensor is on a CUDA GPU (<c>tensor.is_cuda</c>).</summary>
    public bool IsCuda => Storage.Device.Type == DeviceType.Cuda;

    /// <summary>Element type (<c>tensor.dtype</c>).</summary>
    public DType DType => _dtype;

    /// <summary>Sizes of the dimensions, a fresh copy (<c>tensor.shape</c>).</summary>
    public int[] Shape => (int[])Layout.Sizes.Clone();

    /// <summary>Number of dimensions (<c>tensor.ndim</c>).</summary>
    public int NDim => Layout.Rank;

    /// <summary>Number of dimensions (<c>tensor.dim()</c>).</summary>
    public int Dim() => Layout.Rank;

    /// <summary>Size of one dimension, negative dims counting from the end (<c>tensor.size(dim)</c>).</summary>
    public int Size(int dim) => Layout.Sizes[Core.Shape.NormalizeDim("size", dim, NDim)];

    /// <summary>Number of elements (<c>tensor.numel()</c>).</summary>
    public int Numel() => Layout.Numel;

    /// <summary>Strides in elements (<c>tensor.stride()</c>).</summary>
    public int[] Stride() => (int[])Layout.Strides.Clone();

    /// <summary>Offset of the first element in the storage (<c>tensor.storage_offset()</c>).</summary>
    public int StorageOffset() => Layout.Offset;

    /// <summary>True when the elements are packed in row-major order (<c>tensor.is_contiguous()</c>).</summary>
    public bool IsContiguous() => Layout.IsContiguous;

    /// <summary>True for float32 and float64 tensors (<c>tensor.is_floating_point()</c>).</summary>
    public bool IsFloatingPoint() => DType.IsFloatingPoint();

    /// <summary>The storage's version counter, bumped by in-place ops (<c>tensor._version</c>).</summary>
    public int Version => Storage.Version;

    /// <summary>Whether autograd records ops on this tensor (<c>tensor.requires_grad</c>). Only leaves may be changed.</summary>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set => RequiresGrad_(value);
    }

    /// <summary>The backward function of the op that produced this tensor, null for leaves (<c>tensor.grad_fn</c>).</summary>
    public Node? GradFn { get; private set; }

    /// <summary>True for tensors not produced by a recorded op (<c>tensor.is_leaf</c>).</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>The gradient accumulated by backward passes, or null (<c>tensor.grad</c>); settable, e.g. to null.</summary>
    public Tensor? Grad
    {
        get => _grad;
        set
        {
            if (value is not null && (!value.Layout.Sizes.AsSpan().SequenceEqual(Layout.Sizes) || value.DType != DType))
                throw new ArgumentException(
                    $"grad: assigned grad has shape {Core.Shape.Format(value.Layout.Sizes)} and dtype {value.DType.TorchName()}, " +
                    $"but the tensor has shape {Core.Shape.Format(Layout.Sizes)} and dtype {DType.TorchName()}");
            _grad = value;
        }
    }

    /// <summary>Sets whether autograd records ops on this leaf, in place (<c>tensor.requires_grad_()</c>).</summary>
    public Tensor RequiresGrad_(bool requiresGrad = true)
    {
        if (!IsLeaf)
        {
            if (requiresGrad) return this;
            throw new InvalidOperationException(
                "requires_grad_: you can only change requires_grad flags of leaf variables; use Detach() to get a tensor outside the graph");
        }
        if (requiresGrad && !DType.IsFloatingPoint())
            throw new InvalidOperationException(
                $"requires_grad_: only tensors of floating point dtype can require gradients, got {DType.TorchName()}");
        _requiresGrad = requiresGrad;
        return this;
    }

    /// <summary>A tensor sharing this one's storage, outside the graph (<c>tensor.detach()</c>).</summary>
    public Tensor Detach()
    {
        var trace = OpTrace.Enter();
        var y = new Tensor(Storage, Layout);
        if (trace.Exit()) OpTrace.Record("detach", y, [this]);
        return y;
    }

    /// <summary>
    /// The same data outside autograd (<c>tensor.data</c>): reading gives a detached view; assigning
    /// replaces this tensor's storage and layout by the other's, dtype included (how <c>module.to(dtype)</c> converts
    /// parameters in place). An existing gradient that no longer fits is dropped.
    /// </summary>
    public Tensor Data
    {
        get => Detach();
        set
        {
            if (_grad is not null && (_grad.DType != value.DType || !_grad.Layout.Sizes.AsSpan().SequenceEqual(value.Layout.Sizes))) _grad = null;
            Storage = value.Storage;
            Layout = value.Layout;
            _dtype = value.Storage.DType;
        }
    }

    /// <summary>
    /// Computes the gradient of this tensor with respect to the graph leaves (<c>tensor.backward()</c>).
    /// A non-scalar output needs <paramref name="gradient"/> of its own shape.
    /// </summary>
    /// <param name="gradient">Gradient of some scalar with respect to this tensor; ones for a scalar when null.</param>
    /// <param name="retainGraph">Keep the saved tensors so that backward can run through the graph again.</param>
    /// <param name="createGraph">Record the backward pass itself, so gradients can be differentiated again.</param>
    public void Backward(Tensor? gradient = null, bool retainGraph = false, bool createGraph = false)
        => Engine.Backward(this, gradient, retainGraph || createGraph, createGraph);

    /// <summary>The node that adds gradients into this leaf; the same object for the tensor's lifetime.</summary>
    internal AccumulateGrad GradAccumulator => _accumulator ??= new AccumulateGrad(this);

    /// <summary>
    /// Adds a gradient into <see cref="Grad"/> (the work of <c>AccumulateGrad</c>). <paramref name="owned"/> says that the
    /// engine allocated <paramref name="g"/> during this pass and nothing else refers to it, so a leaf without a gradient
    /// can take the buffer itself instead of a copy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void AccumulateGradient(Tensor g, bool owned = false)
    {
        if (!g.Layout.Sizes.AsSpan().SequenceEqual(Layout.Sizes))
            throw new InvalidOperationException(
                $"backward: internal error, gradient of shape {Core.Shape.Format(g.Layout.Sizes)} for a leaf of shape {Core.Shape.Format(Layout.Sizes)}");
        if (g.DType != DType) { g = g.To(DType); owned = !GradMode.IsEnabled; }
        // Otherwise a clone (recorded when createGraph): the incoming gradient may be an expanded view, be shared
        // with another leaf, or belong to the caller, and .Grad is later accumulated into in place.
        if (_grad is null)
            _grad = owned ? g : g.Clone();
        else if (GradMode.IsEnabled)
            _grad = _grad + g;
        else
            _grad.AddRaw(g);
    }

    /// <summary>True when autograd must record an op on these inputs.</summary>
    internal static bool NeedsGrad(Tensor a) => a._requiresGrad && GradMode.IsEnabled;

    /// <summary>True when autograd must record an op on these inputs.</summary>
    internal static bool NeedsGrad(Tensor a, Tensor b) => (a._requiresGrad || b._requiresGrad) && GradMode.IsEnabled;

    // The methods every op runs through (recording, allocation, broadcasting, dispatch, the element-wise and reduction
    // kernels, the backward engine) are marked AggressiveOptimization: the JIT compiles them fully optimised on first
    // use instead of starting with unoptimised tier-0 code, which short training programs (a few hundred ms, as the
    // course's small fits) would otherwise run in for most of their life.

    /// <summary>Makes <paramref name="result"/> the output of <paramref name="node"/>, whose inputs are <paramref name="inputs"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static Tensor Record(Tensor result, Node node, params Tensor[] inputs)
    {
        bool any = false;
        foreach (var t in inputs) any |= t._requiresGrad;
        if (!any || !GradMode.IsEnabled) return result;
        var next = new Node?[inputs.Length];
        var meta = new (int[], DType)[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            var t = inputs[i];
            meta[i] = (t.Layout.Sizes, t.DType);
            if (t._requiresGrad) next[i] = t.GradFn ?? t.GradAccumulator;
        }
        return Attach(result, node, next, meta);
    }

    /// <summary><see cref="Record(Tensor, Node, Tensor[])"/> for a one-input op, without the params array.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static Tensor Record(Tensor result, Node node, Tensor a)
    {
        if (!a._requiresGrad || !GradMode.IsEnabled) return result;
        return Attach(result, node, [a.GradFn ?? a.GradAccumulator], [(a.Layout.Sizes, a.DType)]);
    }

    /// <summary><see cref="Record(Tensor, Node, Tensor[])"/> for a two-input op, without the params array.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static Tensor Record(Tensor result, Node node, Tensor a, Tensor b)
    {
        if (!(a._requiresGrad || b._requiresGrad) || !GradMode.IsEnabled) return result;
        return Attach(result, node,
            [a._requiresGrad ? a.GradFn ?? a.GradAccumulator : null, b._requiresGrad ? b.GradFn ?? b.GradAccumulator : null],
            [(a.Layout.Sizes, a.DType), (b.Layout.Sizes, b.DType)]);
    }

    private static Tensor Attach(Tensor result, Node node, Node?[] next, (int[], DType)[] meta)
    {
        node.NextFunctions = next;
        node.InputMeta = meta;
        result.GradFn = node;
        result._requiresGrad = true;
        return result;
    }

    /// <summary>A new, zero-filled, contiguous tensor (no autograd).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static Tensor Alloc(int[] sizes, DType dtype, Device device = default)
        => new(Devices.Allocate(device, dtype, Core.Shape.Numel(sizes)), sizes.Length == 0 ? Layout.Scalar : Layout.Contiguous(sizes));

    /// <summary>
    /// A new, zero-filled, contiguous tensor of <paramref name="sizes"/> that shares <paramref name="a"/>'s or
    /// <paramref name="b"/>'s layout when one of them is the canonical contiguous layout of those sizes (no autograd).
    /// (Zero-filled on purpose: GC.AllocateUninitializedArray measured slower for these small, short-lived buffers.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static Tensor AllocLike(int[] sizes, DType dtype, Layout a, Layout b, Device device = default)
    {
        var layout = a.IsCanonical && SameSizes(a.Sizes, sizes) ? a
            : b.IsCanonical && SameSizes(b.Sizes, sizes) ? b
            : sizes.Length == 0 ? Layout.Scalar : Layout.Contiguous(sizes);
        return new(Devices.Allocate(device, dtype, layout.Numel), layout);
    }

    /// <summary>
    /// <see cref="Alloc"/> for a caller that writes every element before the tensor is used (a copy, an element-wise or
    /// row-wise kernel): large buffers skip the zero fill.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static Tensor AllocForOverwrite(int[] sizes, DType dtype, Device device = default)
        => new(Devices.AllocateForOverwrite(device, dtype, Core.Shape.Numel(sizes)), sizes.Length == 0 ? Layout.Scalar : Layout.Contiguous(sizes));

    /// <summary><see cref="AllocLike"/> for a caller that writes every element (large buffers skip the zero fill).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static Tensor AllocLikeForOverwrite(int[] sizes, DType dtype, Layout a, Layout b, Device device = default)
    {
        var layout = a.IsCanonical && SameSizes(a.Sizes, sizes) ? a
            : b.IsCanonical && SameSizes(b.Sizes, sizes) ? b
            : sizes.Length == 0 ? Layout.Scalar : Layout.Contiguous(sizes);
        return new(Devices.AllocateForOverwrite(device, dtype, layout.Numel), layout);
    }

    private static bool SameSizes(int[] x, int[] y) => ReferenceEquals(x, y) || x.AsSpan().SequenceEqual(y);

    /// <summary>
    /// The array behind this tensor's CPU storage (index it through <see cref="Layout"/>), for CPU-only code; a device
    /// tensor gets an exception naming the calling op and the device.
    /// </summary>
    internal T[] Buffer<T>([CallerMemberName] string op = "") where T : unmanaged => Devices.Host<T>(Storage, op);

    /// <summary>
    /// The device an op on <paramref name="a"/> and <paramref name="b"/> runs on. A CPU 0-d tensor may join a device
    /// tensor (as PyTorch lets CPU scalars do); other mixes are PyTorch's same-device error.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Device DeviceOf(string op, Tensor a, Tensor b)
    {
        var da = a.Storage.Device;
        var db = b.Storage.Device;
        if (da == db) return da;
        if (da.IsCpu && a.NDim == 0) return db;
        if (db.IsCpu && b.NDim == 0) return da;
        throw Devices.Mismatch(op, da, db);
    }

    /// <summary>A view of this tensor's storage with another layout, outside autograd.</summary>
    internal Tensor WithLayout(Layout layout) => new(Storage, layout);

    internal void BumpVersion()
    {
        Storage.Version++;
        if (OpTrace.IsTracing) OpTrace.OnMutated(this);
    }
}
