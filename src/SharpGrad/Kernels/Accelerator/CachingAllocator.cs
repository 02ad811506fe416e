using ILGPU;
using System.Numerics;
using ILGPU.Runtime;

namespace SharpGrad.Kernels.Accelerator;

/// <summary>One allocation of device memory, reused for storages of the same rounded size.</summary>
internal sealed class DeviceBlock(MemoryBuffer1D<byte, Stride1D.Dense> buffer, long bytes)
{
    public MemoryBuffer1D<byte, Stride1D.Dense> Buffer { get; } = buffer;
    public long Bytes { get; } = bytes;
    public ArrayView<byte> View => Buffer.View.BaseView;
}

/// <summary>
/// A caching allocator like PyTorch's: sizes are rounded up (512 bytes below 1 MiB, then to an eighth of the power of
/// two), freed blocks wait in per-size free lists for the next storage of that size, and <see cref="EmptyCache"/> hands
/// the waiting ones back to the driver. Device storages are freed by the garbage collector; every reserved block adds
/// its size as memory pressure so that the collector runs before device memory fills, and an allocation that fails
/// collects, empties the cache and tries once more.
/// </summary>
internal sealed class CachingAllocator(ILGPU.Runtime.Accelerator accelerator)
{
    private readonly object _lock = new();
    private readonly Dictionary<long, Stack<DeviceBlock>> _free = [];

    // Every block held from the driver, in use or cached. The strong references keep ILGPU's buffers from being
    // finalized together with the storage that used them (finalizers of objects that die together run in any order).
    private readonly HashSet<DeviceBlock> _held = [];
    private long _inUse, _reserved;

    /// <summary>Bytes held by live storages (<c>torch.cuda.memory_allocated</c>).</summary>
    public long InUse { get { lock (_lock) return _inUse; } }

    /// <summary>Bytes held from the driver, cached blocks included (<c>torch.cuda.memory_reserved</c>).</summary>
    public long Reserved { get { lock (_lock) return _reserved; } }

    /// <summary>A block of at least <paramref name="bytes"/> bytes.</summary>
    public DeviceBlock Rent(long bytes)
    {
        long size = RoundUp(Math.Max(bytes, 1));
        lock (_lock)
        {
            if (_free.TryGetValue(size, out var stack) && stack.Count > 0)
            {
                _inUse += size;
                return stack.Pop();
            }
        }
        MemoryBuffer1D<byte, Stride1D.Dense> buffer;
        try
        {
            buffer = accelerator.Allocate1D<byte>(size);
        }
        catch (Exception e) when (e is OutOfMemoryException || e.GetType().Name.Contains("OutOfMemory", StringComparison.Ordinal))
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            EmptyCache();
            buffer = accelerator.Allocate1D<byte>(size);
        }
        GC.AddMemoryPressure(size);
        var block = new DeviceBlock(buffer, size);
        lock (_lock)
        {
            _inUse += size;
            _reserved += size;
            _held.Add(block);
        }
        return block;
    }

    /// <summary>Returns a block to its free list (called from storages' finalizers).</summary>
    public void Release(DeviceBlock block)
    {
        lock (_lock)
        {
            if (!_free.TryGetValue(block.Bytes, out var stack)) _free[block.Bytes] = stack = new Stack<DeviceBlock>();
            stack.Push(block);
            _inUse -= block.Bytes;
        }
    }

    /// <summary>Frees every cached block (<c>torch.cuda.empty_cache</c>); blocks of live storages stay.</summary>
    public void EmptyCache()
    {
        List<DeviceBlock> blocks = [];
        lock (_lock)
        {
            foreach (var stack in _free.Values) blocks.AddRange(stack);
            _free.Clear();
            foreach (var b in blocks)
            {
                _reserved -= b.Bytes;
                _held.Remove(b);
            }
        }
        foreach (var b in blocks)
        {
            b.Buffer.Dispose();
            GC.RemoveMemoryPressure(b.Bytes);
        }
    }

    private static long RoundUp(long bytes)
    {
        if (bytes <= 1 << 20) return (bytes + 511) & ~511L;
        long step = Math.Max(1L << 20, (long)BitOperations.RoundUpToPowerOf2((ulong)bytes) / 8);
        return (bytes + step - 1) / step * step;
    }
}
