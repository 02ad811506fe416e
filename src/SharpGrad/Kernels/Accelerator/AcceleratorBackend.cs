using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using SharpGrad.Core;

namespace SharpGrad.Kernels.Accelerator;

/// <summary>
/// The kernels of one accelerator device (a CUDA GPU, or ILGPU's CPU accelerator for the test device
/// <c>accel:cpu</c>): its memory (a <see cref="CachingAllocator"/>), copies to and from the host, and the kernel
/// launches behind <see cref="Dispatch"/> for device storages. Kernels are compiled on first use and cached for the
/// process; a launch passes its layouts by value and allocates no managed memory.
/// </summary>
internal sealed partial class AcceleratorBackend
{
    private static readonly object s_lock = new();
    private static readonly Dictionary<Device, AcceleratorBackend> s_backends = [];
    private static Context? s_cudaContext;

    private readonly Context _context;
    private readonly ILGPU.Runtime.Accelerator _accelerator;
    private readonly object _kernelLock = new();

    // One stream per device: launches, copies and fills from any thread are queued on it one at a time (ILGPU's
    // accelerators are not safe for concurrent launches).
    private readonly object _stream = new();

    private AcceleratorBackend(Device device, Context context, ILGPU.Runtime.Accelerator accelerator)
    {
        Device = device;
        _context = context;
        _accelerator = accelerator;
        Allocator = new CachingAllocator(accelerator);
        IsCpuSimulator = accelerator.AcceleratorType == AcceleratorType.CPU;
        Name = IsCpuSimulator ? "ILGPU CPU accelerator (test device)" : accelerator.Name;
    }

    /// <summary>The device this backend serves.</summary>
    public Device Device { get; }

    /// <summary>The device's name (<c>torch.cuda.get_device_name</c>).</summary>
    public string Name { get; }

    /// <summary>The device memory and its cache.</summary>
    public CachingAllocator Allocator { get; }

    /// <summary>True for ILGPU's CPU accelerator (at most 16 threads a group: smaller GEMM tiles).</summary>
    public bool IsCpuSimulator { get; }

    /// <summary>The backend of <paramref name="device"/>, created on first use.</summary>
    /// <exception cref="InvalidOperationException">No CUDA driver, or no such CUDA device.</exception>
    public static AcceleratorBackend For(Device device)
    {
        lock (s_lock)
        {
            if (s_backends.TryGetValue(device, out var backend)) return backend;
            backend = device.Type == DeviceType.Accel ? CreateTestDevice() : CreateCuda(device);
            s_backends[device] = backend;
            return backend;
        }
    }

    /// <summary>The backends created so far (for synchronisation and memory statistics).</summary>
    public static AcceleratorBackend[] Created()
    {
        lock (s_lock) return [.. s_backends.Values];
    }

    /// <summary>Number of CUDA devices; 0 when no NVIDIA driver is installed (never throws).</summary>
    public static int CudaDeviceCount()
    {
        if (!CudaDriverPresent()) return 0;
        try
        {
            lock (s_lock) return CudaContext().GetCudaDevices().Count;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return 0;
        }
    }

    /// <summary>The driver library CUDA needs on this OS.</summary>
    public static string CudaDriverLibrary => OperatingSystem.IsWindows() ? "nvcuda.dll" : "libcuda.so.1";

    /// <summary>Whether the NVIDIA driver library can be loaded (checked before ILGPU touches it).</summary>
    public static bool CudaDriverPresent()
    {
        if (!NativeLibrary.TryLoad(CudaDriverLibrary, out var handle)) return false;
        NativeLibrary.Free(handle);
        return true;
    }

    /// <summary>Waits for the device, then hands the allocator's cached blocks back to the driver.</summary>
    public void EmptyCache()
    {
        lock (_stream)
        {
            _accelerator.Synchronize();
            Allocator.EmptyCache();
        }
    }

    /// <summary>Waits until every queued kernel and copy on this device has finished.</summary>
    public void Synchronize()
    {
        lock (_stream) _accelerator.Synchronize();
    }

    private static AcceleratorBackend CreateTestDevice()
    {
        var context = Context.Create(b => b.CPU().Math(MathMode.Default).EnableAlgorithms());
        return new AcceleratorBackend(Device.AccelCpu, context, context.CreateCPUAccelerator(0, CPUAcceleratorMode.Sequential));
    }

    private static AcceleratorBackend CreateCuda(Device device)
    {
        if (!CudaDriverPresent())
            throw new InvalidOperationException($"CUDA is not available: no NVIDIA driver ({CudaDriverLibrary}) was found");
        var context = CudaContext();
        var devices = context.GetCudaDevices();
        if (device.Index >= devices.Count)
            throw new InvalidOperationException(
                $"CUDA error: invalid device ordinal: {device} was requested, but {devices.Count} CUDA device(s) are present");
        return new AcceleratorBackend(device, context, devices[device.Index].CreateAccelerator(context));
    }

    private static Context CudaContext()
        => s_cudaContext ??= Context.Create(b => b.Cuda().Math(MathMode.Default).EnableAlgorithms());

    /// <summary>A new storage of <paramref name="length"/> elements; zero-filled unless <paramref name="zero"/> is false.</summary>
    public DeviceStorage Allocate(DType dtype, int length, bool zero = true)
    {
        long bytes = (long)length * dtype.ItemSize();
        var block = Allocator.Rent(bytes);
        var storage = new DeviceStorage(this, dtype, length, block);
        if (zero && bytes > 0) lock (_stream) block.View.SubView(0L, bytes).MemSetToZero();
        return storage;
    }

    // ILGPU's ref overloads of CopyFromCPU/CopyToCPU turn the reference into a raw pointer without pinning it. A host
    // array that is not pinned can be moved by a collection (which another thread's allocation may start at any time)
    // while the copy runs: the copy then reads or writes the array's old place, and the array keeps its old contents.
    // So every host buffer is pinned for the length of its copy.

    /// <summary>Copies <paramref name="source"/> into elements <paramref name="offset"/>.. of <paramref name="destination"/>.</summary>
    public void Upload<T>(ReadOnlySpan<T> source, DeviceStorage destination, long offset) where T : unmanaged
    {
        if (source.IsEmpty) return;
        Upload(source, destination.View<T>().SubView(offset, source.Length));
        GC.KeepAlive(destination);
    }

    /// <summary>Copies <paramref name="source"/> into <paramref name="target"/> (as long as the source).</summary>
    private unsafe void Upload<T>(ReadOnlySpan<T> source, ArrayView<T> target) where T : unmanaged
    {
        fixed (T* pinned = source)
            lock (_stream) target.CopyFromCPU(ref *pinned, source.Length);
    }

    /// <summary>Copies elements <paramref name="offset"/>.. of <paramref name="source"/> into <paramref name="destination"/> (waits for the device).</summary>
    public unsafe void Download<T>(DeviceStorage source, long offset, Span<T> destination) where T : unmanaged
    {
        if (destination.IsEmpty) return;
        fixed (T* pinned = destination)
            lock (_stream) source.View<T>().SubView(offset, destination.Length).CopyToCPU(ref *pinned, destination.Length);
        GC.KeepAlive(source);
    }

    /// <summary>Compiles a kernel once (thread-safe) and keeps it in <paramref name="slot"/>.</summary>
    private TDelegate Load<TDelegate>(ref TDelegate? slot, Func<ILGPU.Runtime.Accelerator, TDelegate> load) where TDelegate : Delegate
    {
        if (slot is not null) return slot;
        lock (_kernelLock) return slot ??= load(_accelerator);
    }
}
