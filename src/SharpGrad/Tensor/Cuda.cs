using SharpGrad.Kernels.Accelerator;

namespace SharpGrad;

/// <summary>
/// CUDA device queries and memory (<c>torch.cuda</c>). SharpGrad runs CUDA through ILGPU, which needs only the NVIDIA
/// driver (no CUDA toolkit); without one, <see cref="IsAvailable"/> is false and putting a tensor on a CUDA device
/// throws "CUDA is not available: no NVIDIA driver (libcuda.so.1) was found". The memory functions also cover the test
/// device <see cref="Device.AccelCpu"/>.
/// </summary>
public static class Cuda
{
    /// <summary>True when an NVIDIA driver and at least one CUDA GPU are present (<c>torch.cuda.is_available()</c>).</summary>
    public static bool IsAvailable() => DeviceCount() > 0;

    /// <summary>Number of CUDA GPUs; 0 without a driver (<c>torch.cuda.device_count()</c>).</summary>
    public static int DeviceCount() => AcceleratorBackend.CudaDeviceCount();

    /// <summary>The GPU's name, e.g. "NVIDIA H100 80GB HBM3" (<c>torch.cuda.get_device_name(i)</c>); also takes the test device.</summary>
    /// <exception cref="InvalidOperationException">No NVIDIA driver, or no GPU of that index.</exception>
    public static string GetDeviceName(int index = 0) => AcceleratorBackend.For(Device.Cuda(index)).Name;

    /// <summary>The name of any device: "CPU" for the CPU, the GPU's name, or the test device's.</summary>
    public static string GetDeviceName(Device device) => device.IsCpu ? "CPU" : AcceleratorBackend.For(device).Name;

    /// <summary>Waits for every queued kernel and copy on every device in use (<c>torch.cuda.synchronize()</c>).</summary>
    public static void Synchronize()
    {
        foreach (var backend in AcceleratorBackend.Created()) backend.Synchronize();
    }

    /// <summary>
    /// Bytes of device memory held by live tensors on <paramref name="device"/> (default cuda:0), rounded up to the
    /// caching allocator's block sizes (<c>torch.cuda.memory_allocated()</c>); 0 for a device never used.
    /// </summary>
    public static long MemoryAllocated(Device? device = null) => Find(device ?? Device.Cuda(0))?.Allocator.InUse ?? 0;

    /// <summary>Bytes held from the driver on <paramref name="device"/>, cached free blocks included (<c>torch.cuda.memory_reserved()</c>).</summary>
    public static long MemoryReserved(Device? device = null) => Find(device ?? Device.Cuda(0))?.Allocator.Reserved ?? 0;

    /// <summary>
    /// Returns the cached free blocks of every device to the driver (<c>torch.cuda.empty_cache()</c>). Memory of
    /// tensors that are unreachable but not yet collected is freed by the garbage collector; call
    /// <c>GC.Collect()</c> and <c>GC.WaitForPendingFinalizers()</c> first to release it at once.
    /// </summary>
    public static void EmptyCache()
    {
        foreach (var backend in AcceleratorBackend.Created()) backend.EmptyCache();
    }

    private static AcceleratorBackend? Find(Device device)
        => Array.Find(AcceleratorBackend.Created(), b => b.Device == device);
}
