using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using SharpGrad.Core;

namespace SharpGrad.Distributed;

public static partial class Dist
{
    private static readonly unsafe void* InPlace = (void*)1; // OpenMPI's MPI_IN_PLACE

    /// <summary>
    /// Combines <paramref name="tensor"/> across all ranks and leaves the result in it on every rank
    /// (<c>dist.all_reduce(tensor, op)</c>). float32, float64 and int64; any layout (a non-contiguous tensor is
    /// reduced through a contiguous copy written back).
    /// </summary>
    /// <param name="tensor">The local values in, the combined values out.</param>
    /// <param name="op">Sum (default), Avg (sum / world size; for int64 rounded toward zero), Max or Min.</param>
    /// <exception cref="ArgumentException">A bool tensor.</exception>
    /// <exception cref="InvalidOperationException">The process group is not initialised.</exception>
    public static unsafe void AllReduce(Tensor tensor, ReduceOp op = ReduceOp.Sum)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var group = Group("all_reduce");
        nint mpiOp = op switch
        {
            ReduceOp.Sum or ReduceOp.Avg => group.Mpi.OpSum,
            ReduceOp.Max => group.Mpi.OpMax,
            ReduceOp.Min => group.Mpi.OpMin,
            _ => throw new ArgumentException($"all_reduce: unknown ReduceOp {op}"),
        };
        using var buffer = new PinnedTensor(tensor, "all_reduce", group.Mpi);
        var (pointer, count, datatype) = (buffer.Pointer, buffer.Count, buffer.Datatype);
        group.Run("all_reduce", (mpi, request) => mpi.Iallreduce(InPlace, (void*)pointer, count, datatype, mpiOp, mpi.CommWorld, request));
        if (op == ReduceOp.Avg) buffer.DivideBy(group.Size);
    }

    /// <summary>Copies <paramref name="tensor"/> of rank <paramref name="src"/> into <paramref name="tensor"/> on every other rank (<c>dist.broadcast(tensor, src)</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="src"/> is not a rank, or a bool tensor.</exception>
    /// <exception cref="InvalidOperationException">The process group is not initialised.</exception>
    public static unsafe void Broadcast(Tensor tensor, int src)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var group = Group("broadcast");
        if ((uint)src >= (uint)group.Size)
            throw new ArgumentException($"broadcast: src {src} is not a rank of a world of size {group.Size}");
        using var buffer = new PinnedTensor(tensor, "broadcast", group.Mpi);
        var (pointer, count, datatype) = (buffer.Pointer, buffer.Count, buffer.Datatype);
        group.Run("broadcast", (mpi, request) => mpi.Ibcast((void*)pointer, count, datatype, src, mpi.CommWorld, request));
    }

    /// <summary>
    /// Gathers every rank's <paramref name="tensor"/> into <paramref name="tensorList"/>: element r receives rank r's
    /// tensor (<c>dist.all_gather(tensor_list, tensor)</c>). The list holds world-size tensors of the same shape and dtype.
    /// </summary>
    /// <exception cref="ArgumentException">The list has the wrong length, or a tensor in it the wrong shape or dtype.</exception>
    /// <exception cref="InvalidOperationException">The process group is not initialised.</exception>
    public static unsafe void AllGather(IList<Tensor> tensorList, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensorList);
        ArgumentNullException.ThrowIfNull(tensor);
        var group = Group("all_gather");
        if (tensorList.Count != group.Size)
            throw new ArgumentException($"all_gather: tensor_list must hold world size ({group.Size}) tensors, got {tensorList.Count}");
        for (int r = 0; r < tensorList.Count; r++)
        {
            var t = tensorList[r] ?? throw new ArgumentException($"all_gather: tensor_list[{r}] is null");
            if (t.DType != tensor.DType || !t.Layout.Sizes.AsSpan().SequenceEqual(tensor.Layout.Sizes))
                throw new ArgumentException(
                    $"all_gather: tensor_list[{r}] has shape {Shape.Format(t.Shape)} and dtype {t.DType.TorchName()}, " +
                    $"but the input has shape {Shape.Format(tensor.Shape)} and dtype {tensor.DType.TorchName()}");
        }
        var gathered = Tensor.Empty([group.Size, .. tensor.Shape], dtype: tensor.DType);
        using (var send = new PinnedTensor(tensor, "all_gather", group.Mpi, writes: false))
        using (var receive = new PinnedTensor(gathered, "all_gather", group.Mpi))
        {
            var (source, count, datatype, target) = (send.Pointer, send.Count, send.Datatype, receive.Pointer);
            group.Run("all_gather", (mpi, request) => mpi.Iallgather((void*)source, count, datatype, (void*)target, count, datatype, mpi.CommWorld, request));
        }
        using (Tensor.NoGrad())
            for (int r = 0; r < group.Size; r++) tensorList[r].Copy_(gathered[r]);
    }

    /// <summary>Waits until every rank has called it (<c>dist.barrier()</c>).</summary>
    /// <exception cref="InvalidOperationException">The process group is not initialised.</exception>
    public static unsafe void Barrier()
        => Group("barrier").Run("barrier", (mpi, request) => mpi.Ibarrier(mpi.CommWorld, request));

    /// <summary>
    /// Starts a sum over ranks of <paramref name="count"/> elements of a pinned buffer in place, without waiting
    /// (what DistributedDataParallel's buckets use). The buffer must stay alive and pinned until the operation completes.
    /// </summary>
    internal static unsafe MpiOperation StartAllReduceSum(nint buffer, int count, DType dtype)
    {
        var group = Group("all_reduce");
        nint datatype = MpiDatatype(group.Mpi, dtype, "all_reduce");
        return group.Post(new MpiOperation("all_reduce", (mpi, request) =>
            mpi.Iallreduce(InPlace, (void*)buffer, count, datatype, mpi.OpSum, mpi.CommWorld, request)));
    }

    /// <summary>The MPI datatype handle of <paramref name="dtype"/>.</summary>
    internal static nint MpiDatatype(MpiLibrary mpi, DType dtype, string op) => dtype switch
    {
        DType.Float32 => mpi.Float,
        DType.Float64 => mpi.Double,
        DType.Int64 => mpi.Int64,
        _ => throw new ArgumentException($"{op}: tensors of dtype {dtype.TorchName()} are not supported (float32, float64 and int64 are)"),
    };

    /// <summary>
    /// A tensor's elements as one pinned contiguous MPI buffer: the tensor's own storage when it is contiguous, else a
    /// contiguous copy that is written back on dispose. Either way, when the collective writes into
    /// it, the tensor's version counter is bumped (it was modified in place).
    /// </summary>
    private sealed unsafe class PinnedTensor : IDisposable
    {
        private readonly Tensor _tensor, _work;
        private readonly bool _writes;
        private GCHandle _pin;

        public PinnedTensor(Tensor tensor, string op, MpiLibrary mpi, bool writes = true)
        {
            _writes = writes;
            Datatype = MpiDatatype(mpi, tensor.DType, op);
            _tensor = tensor;
            _work = tensor.IsContiguous() ? tensor : tensor.Detach().Clone();
            Count = _work.Numel();
            var array = _work.Storage switch
            {
                Storage<float> f => (Array)f.Data,
                Storage<double> d => d.Data,
                Storage<long> l => l.Data,
                _ => throw new ArgumentException($"{op}: unsupported storage {_work.Storage.GetType().Name}"),
            };
            _pin = GCHandle.Alloc(array, GCHandleType.Pinned);
            Pointer = _pin.AddrOfPinnedObject() + (nint)((long)_work.Layout.Offset * tensor.DType.ItemSize());
        }

        public nint Pointer { get; }
        public int Count { get; }
        public nint Datatype { get; }

        /// <summary>Divides the buffer by <paramref name="n"/> (ReduceOp.Avg); int64 rounds toward zero.</summary>
        public void DivideBy(int n)
        {
            switch (_work.DType)
            {
                case DType.Float32: var f = new Span<float>((void*)Pointer, Count); TensorPrimitives.Divide(f, n, f); break;
                case DType.Float64: var d = new Span<double>((void*)Pointer, Count); TensorPrimitives.Divide(d, n, d); break;
                default: var l = new Span<long>((void*)Pointer, Count); for (int i = 0; i < l.Length; i++) l[i] /= n; break;
            }
        }

        public void Dispose()
        {
            if (_pin.IsAllocated) _pin.Free();
            if (!_writes) return;
            if (!ReferenceEquals(_work, _tensor))
                using (Tensor.NoGrad()) _tensor.Detach().Copy_(_work);
            else _tensor.Storage.Version++;
        }
    }
}
