using ILGPU;
using ILGPU.Runtime;
using SharpGrad.Core;

namespace SharpGrad.Kernels.Accelerator;

internal sealed partial class AcceleratorBackend
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, IndexedArgs>? _accumulateFloat;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<int>, IndexedArgs>? _accumulateDouble;
    private Action<Index1D, ArrayView<long>, ArrayView<long>, ArrayView<int>, IndexedArgs>? _accumulateInt;

    /// <summary>The device form of <see cref="Kernels.IndexedCopy.Run"/> (same arguments; the index values, already checked, are uploaded).</summary>
    public void IndexedCopy(GatherMode mode, int[] sizes, int dim, int[] index, int[] indexStrides, Storage a, Layout la, Storage b, Layout lb)
    {
        string op = mode switch { GatherMode.Read => "gather", GatherMode.Write => "scatter", _ => "scatter_add" };
        int n = 1;
        foreach (int s in sizes) n *= s;
        if (n == 0) return;
        var aStrides = (int[])la.Strides.Clone();
        aStrides[dim] = 0;
        var p = new IndexedArgs
        {
            Shape = Shape8.Of(op, sizes), A = Strides8.Of(aStrides, la.Offset), B = Strides8.Of(lb), Index = Strides8.Of(indexStrides, 0),
            ADimStride = la.Strides[dim],
        };
        var block = Allocator.Rent((long)index.Length * sizeof(int));
        try
        {
            var indexView = block.View.Cast<int>().SubView(0L, index.Length);
            Upload(index, indexView);
            switch (a.DType)
            {
                case DType.Float32: Indexed(_f32, mode, op, n, a, b, indexView, p, ref _accumulateFloat, nameof(IndexedKernels.AccumulateFloat)); break;
                case DType.Float64: Indexed(_f64, mode, op, n, a, b, indexView, p, ref _accumulateDouble, nameof(IndexedKernels.AccumulateDouble)); break;
                case DType.Int64: Indexed(_i64, mode, op, n, a, b, indexView, p, ref _accumulateInt, nameof(IndexedKernels.AccumulateInt)); break;
                default:
                    if (mode == GatherMode.Accumulate) throw new ArgumentException("indexed add: not supported for dtype torch.bool");
                    Indexed<byte>(_bool, mode, op, n, a, b, indexView, p, ref s_noAccumulate, "");
                    break;
            }
        }
        finally
        {
            // Later users of the block are queued after this launch on the same stream.
            Allocator.Release(block);
        }
        GC.KeepAlive(a);
        GC.KeepAlive(b);
    }

    private static Action<Index1D, ArrayView<byte>, ArrayView<byte>, ArrayView<int>, IndexedArgs>? s_noAccumulate;

    private void Indexed<T>(KernelSet<T> k, GatherMode mode, string op, int n, Storage a, Storage b, ArrayView<int> index, IndexedArgs p,
        ref Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<int>, IndexedArgs>? accumulate, string accumulateMethod) where T : unmanaged
    {
        Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<int>, IndexedArgs> kernel = mode switch
        {
            GatherMode.Read => Load(ref k.IndexedRead, acc => acc.LoadAutoGroupedStreamKernel(
                Method<Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<int>, IndexedArgs>>(typeof(IndexedKernels), nameof(IndexedKernels.Read), typeof(T)))),
            GatherMode.Write => Load(ref k.IndexedWrite, acc => acc.LoadAutoGroupedStreamKernel(
                Method<Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<int>, IndexedArgs>>(typeof(IndexedKernels), nameof(IndexedKernels.Write), typeof(T)))),
            _ => Load(ref accumulate, acc => acc.LoadAutoGroupedStreamKernel(
                Method<Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<int>, IndexedArgs>>(typeof(IndexedKernels), accumulateMethod))),
        };
        lock (_stream) kernel(n, Mine<T>(op, a), Mine<T>(op, b), index, p);
    }
}
