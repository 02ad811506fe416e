using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using SharpGrad.Core;
using SharpGrad.NN;

namespace SharpGrad.Distributed;

/// <summary>
/// A group of parameters of one dtype whose gradients DistributedDataParallel averages with one all-reduce
/// (PyTorch's <c>GradBucket</c>): the gradients are copied into one flat buffer as they become ready, the buffer is
/// summed across ranks, divided by the world size and copied back into each <c>Grad</c>. The buffer lives on the
/// pinned object heap, so MPI may read and write it while the garbage collector runs.
/// </summary>
internal sealed unsafe class GradBucket
{
    private readonly Array _buffer;
    private readonly Storage _storage; // the same array, for gradients that are views of the bucket
    private readonly nint _pointer;
    private readonly bool[] _marked;
    private MpiOperation? _operation;

    public GradBucket(int index, Parameter[] parameters, bool gradientAsBucketView)
    {
        GradientAsBucketView = gradientAsBucketView;
        Index = index;
        Parameters = parameters;
        DType = parameters[0].DType;
        Offsets = new int[parameters.Length];
        int total = 0;
        for (int i = 0; i < parameters.Length; i++) { Offsets[i] = total; total += parameters[i].Numel(); }
        Count = total;
        if (DType == DType.Float64)
        {
            var doubles = GC.AllocateArray<double>(total, pinned: true);
            (_buffer, _storage) = (doubles, new Storage<double>(doubles));
        }
        else
        {
            var floats = GC.AllocateArray<float>(total, pinned: true);
            (_buffer, _storage) = (floats, new Storage<float>(floats));
        }
        _pointer = Marshal.UnsafeAddrOfPinnedArrayElement(_buffer, 0);
        _marked = new bool[parameters.Length];
        Pending = parameters.Length;
    }

    /// <summary>After averaging, each <c>Grad</c> becomes a view of the bucket instead of receiving a copy.</summary>
    public bool GradientAsBucketView { get; }

    /// <summary>Position among the buckets: buckets are launched in this order on every rank.</summary>
    public int Index { get; }

    /// <summary>The parameters, in the order their gradients usually become ready (the reverse of the model's).</summary>
    public Parameter[] Parameters { get; }

    /// <summary>Where each parameter's gradient starts in the flat buffer.</summary>
    public int[] Offsets { get; }

    /// <summary>float32 or float64.</summary>
    public DType DType { get; }

    /// <summary>Elements in the flat buffer.</summary>
    public int Count { get; }

    /// <summary>Bytes of gradient the bucket all-reduces.</summary>
    public long Bytes => (long)Count * DType.ItemSize();

    /// <summary>Parameters whose gradient has not been copied in during this pass.</summary>
    public int Pending { get; private set; }

    /// <summary>True once the all-reduce was started this pass.</summary>
    public bool Launched => _operation is not null;

    /// <summary>Forgets the previous pass (after waiting for an all-reduce still in flight).</summary>
    public void Reset()
    {
        if (_operation is not null && !_operation.IsCompleted)
            try { _operation.Wait(); } catch (DistBackendException) { }
        _operation = null;
        Array.Clear(_marked);
        Pending = Parameters.Length;
    }

    /// <summary>Copies parameter <paramref name="slot"/>'s gradient in (zeros when it has none); returns true when that made the bucket full.</summary>
    /// <exception cref="InvalidOperationException">The parameter was already marked ready in this pass.</exception>
    public bool MarkReady(int slot)
    {
        if (_marked[slot])
            throw new InvalidOperationException(
                $"DistributedDataParallel: parameter {slot} of bucket {Index} (shape {Shape.Format(Parameters[slot].Shape)}) got its gradient twice " +
                "in one backward pass, or backward ran twice after one forward; call Forward before each Backward");
        _marked[slot] = true;
        var grad = Parameters[slot].Grad;
        int offset = Offsets[slot], n = Parameters[slot].Numel();
        if (IsBucketView(grad, slot)) { } // backward accumulated straight into the bucket
        else if (DType == DType.Float64) CopyIn<double>(grad, offset, n);
        else CopyIn<float>(grad, offset, n);
        return --Pending == 0;
    }

    /// <summary>Copies in every gradient not marked yet (parameters that took no part in this pass).</summary>
    public void MarkRemaining()
    {
        for (int i = 0; i < _marked.Length; i++)
            if (!_marked[i]) MarkReady(i);
    }

    /// <summary>Starts the sum across ranks on the MPI thread.</summary>
    public void Launch() => _operation = Dist.StartAllReduceSum(_pointer, Count, DType);

    /// <summary>Waits for the sum, divides by <paramref name="worldSize"/> and writes each parameter's averaged gradient.</summary>
    public void Finish(int worldSize)
    {
        var operation = _operation ?? throw new InvalidOperationException($"DistributedDataParallel: bucket {Index} was never launched");
        operation.Wait();
        if (DType == DType.Float64) CopyOut<double>(worldSize);
        else CopyOut<float>(worldSize);
        _operation = null;
    }

    private bool IsBucketView(Tensor? grad, int slot)
        => grad is not null && ReferenceEquals(grad.Storage, _storage) && grad.Layout.Offset == Offsets[slot] && grad.IsContiguous();

    private Span<T> Slice<T>(int offset, int n) where T : unmanaged => new((T*)_pointer + offset, n);

    private void CopyIn<T>(Tensor? grad, int offset, int n) where T : unmanaged
    {
        var target = Slice<T>(offset, n);
        if (grad is null) { target.Clear(); return; }
        var source = grad.Contiguous();
        ((Storage<T>)source.Storage).Data.AsSpan(source.Layout.Offset, n).CopyTo(target);
    }

    private void CopyOut<T>(int worldSize) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var all = Slice<T>(0, Count);
        TensorPrimitives.Divide(all, T.CreateChecked(worldSize), all);
        for (int i = 0; i < Parameters.Length; i++)
        {
            var p = Parameters[i];
            var averaged = Slice<T>(Offsets[i], p.Numel());
            var grad = p.Grad;
            if (IsBucketView(grad, i)) continue; // already averaged in place
            if (GradientAsBucketView) p.Grad = new Tensor(_storage, Layout.Contiguous(p.Shape, Offsets[i]));
            else if (grad is not null && grad.IsContiguous() && grad.GradFn is null)
            {
                averaged.CopyTo(((Storage<T>)grad.Storage).Data.AsSpan(grad.Layout.Offset, averaged.Length));
                grad.BumpVersion();
            }
            else p.Grad = Tensor.FromBuffer(averaged.ToArray(), p.Shape);
        }
    }
}
