using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using SharpGrad.Core;

namespace SharpGrad.Kernels.Accelerator;

internal sealed partial class AcceleratorBackend
{
    /// <summary>
    /// Copies <paramref name="src"/> into <paramref name="dst"/> (same sizes, any strides), converting the dtype; either
    /// side may be on the host or on another device (host to device, device to host, device to device through the host).
    /// </summary>
    public static void Copy(Storage src, Layout ls, Storage dst, Layout ld)
    {
        if (ld.Numel == 0) return;
        var from = src as DeviceStorage;
        var to = dst as DeviceStorage;
        if (from is not null && to is not null && ReferenceEquals(from.Backend, to.Backend))
            from.Backend.CopyOnDevice(from, ls, to, ld);
        else if (to is not null)
            to.Backend.Upload(src, ls, to, ld);
        else
            from!.Backend.Download(from, ls, dst, ld);
    }

    private void CopyOnDevice(DeviceStorage src, Layout ls, DeviceStorage dst, Layout ld)
    {
        var g = ElementGeometry.Of("copy_", ld, ls);
        if (src.DType == dst.DType)
        {
            switch (src.DType)
            {
                case DType.Float32: LaunchCopy(_f32, src, dst, ld.Numel, g); break;
                case DType.Float64: LaunchCopy(_f64, src, dst, ld.Numel, g); break;
                case DType.Int64: LaunchCopy(_i64, src, dst, ld.Numel, g); break;
                default: LaunchCopy(_bool, src, dst, ld.Numel, g); break;
            }
            return;
        }
        switch (src.DType)
        {
            case DType.Float32: ConvertFrom<float, Float32Element>(_f32, src, dst, ld.Numel, g); break;
            case DType.Float64: ConvertFrom<double, Float64Element>(_f64, src, dst, ld.Numel, g); break;
            case DType.Int64: ConvertFrom<long, Int64Element>(_i64, src, dst, ld.Numel, g); break;
            default: ConvertFrom<byte, BoolElement>(_bool, src, dst, ld.Numel, g); break;
        }
    }

    private void LaunchCopy<T>(KernelSet<T> k, DeviceStorage src, DeviceStorage dst, int n, ElementGeometry g) where T : unmanaged
    {
        var kernel = Load(ref k.Copy, acc => acc.LoadAutoGroupedStreamKernel(
            Method<Action<Index1D, ArrayView<T>, ArrayView<T>, ElementGeometry>>(typeof(ElementKernels), nameof(ElementKernels.Copy), typeof(T))));
        lock (_stream) kernel(n, src.View<T>(), dst.View<T>(), g);
        GC.KeepAlive(src);
        GC.KeepAlive(dst);
    }

    private void ConvertFrom<TIn, CIn>(KernelSet<TIn> k, DeviceStorage src, DeviceStorage dst, int n, ElementGeometry g)
        where TIn : unmanaged where CIn : struct, IDeviceElement<TIn>
    {
        switch (dst.DType)
        {
            case DType.Float32: Convert<TIn, CIn, float, Float32Element>(k, src, dst, n, g); break;
            case DType.Float64: Convert<TIn, CIn, double, Float64Element>(k, src, dst, n, g); break;
            case DType.Int64: Convert<TIn, CIn, long, Int64Element>(k, src, dst, n, g); break;
            default: Convert<TIn, CIn, byte, BoolElement>(k, src, dst, n, g); break;
        }
    }

    private void Convert<TIn, CIn, TOut, COut>(KernelSet<TIn> k, DeviceStorage src, DeviceStorage dst, int n, ElementGeometry g)
        where TIn : unmanaged where CIn : struct, IDeviceElement<TIn> where TOut : unmanaged where COut : struct, IDeviceElement<TOut>
    {
        ref var slot = ref k.ConvertTo[(int)dst.DType];
        if (slot is null)
            lock (_kernelLock)
                slot ??= _accelerator.LoadAutoGroupedStreamKernel(
                    Method<Action<Index1D, ArrayView<TIn>, ArrayView<TOut>, CIn, COut, ElementGeometry>>(
                        typeof(ElementKernels), nameof(ElementKernels.Convert), typeof(TIn), typeof(TOut), typeof(CIn), typeof(COut)));
        lock (_stream) ((Action<Index1D, ArrayView<TIn>, ArrayView<TOut>, CIn, COut, ElementGeometry>)slot)(n, src.View<TIn>(), dst.View<TOut>(), default, default, g);
        GC.KeepAlive(src);
        GC.KeepAlive(dst);
    }

    /// <summary>Host (or another device) to this device: one contiguous host buffer in the target dtype, then one upload.</summary>
    private void Upload(Storage src, Layout ls, DeviceStorage dst, Layout ld)
    {
        int n = ld.Numel;
        var contiguous = ld.IsContiguous;
        var target = contiguous ? dst : Allocate(dst.DType, n, zero: false);
        long at = contiguous ? ld.Offset : 0;
        var host = Storage.Allocate(dst.DType, n);
        Dispatch.Copy(src, ls, host, Layout.Contiguous(ld.Sizes));
        switch (host)
        {
            case Storage<float> f: Upload<float>(f.Data, target, at); break;
            case Storage<double> d: Upload<double>(d.Data, target, at); break;
            case Storage<long> l: Upload<long>(l.Data, target, at); break;
            default: Upload<byte>(MemoryMarshal.Cast<bool, byte>(((Storage<bool>)host).Data.AsSpan()), target, at); break;
        }
        if (!contiguous) CopyOnDevice(target, Layout.Contiguous(ld.Sizes), dst, ld);
    }

    /// <summary>This device to the host (or another device): a contiguous device copy when needed, one download, then the host copy.</summary>
    private void Download(DeviceStorage src, Layout ls, Storage dst, Layout ld)
    {
        int n = ld.Numel;
        var packed = src;
        long at = ls.Offset;
        if (!ls.IsContiguous)
        {
            packed = Allocate(src.DType, n, zero: false);
            CopyOnDevice(src, ls, packed, Layout.Contiguous(ls.Sizes));
            at = 0;
        }
        var host = StorageForOverwrite.Allocate(src.DType, n);
        switch (host)
        {
            case Storage<float> f: Download<float>(packed, at, f.Data); break;
            case Storage<double> d: Download<double>(packed, at, d.Data); break;
            case Storage<long> l: Download<long>(packed, at, l.Data); break;
            default: Download(packed, at, MemoryMarshal.Cast<bool, byte>(((Storage<bool>)host).Data.AsSpan())); break;
        }
        Dispatch.Copy(host, Layout.Contiguous(ls.Sizes), dst, ld);
    }
}
