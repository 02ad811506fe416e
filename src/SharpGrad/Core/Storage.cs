using System.Runtime.CompilerServices;
namespace SharpGrad.Core;

/// <summary>
/// A flat typed buffer that one or more tensors view through their layouts
/// (PyTorch <c>torch.UntypedStorage</c>). It carries the version counter that in-place ops bump,
/// shared by every view of the buffer.
/// </summary>
public abstract class Storage
{
    private static long s_lastId;

    /// <summary>Creates a storage in main memory with the next allocation number.</summary>
    protected Storage() : this(Device.Cpu)
    {
    }

    /// <summary>Creates a storage on <paramref name="device"/> with the next allocation number.</summary>
    protected Storage(Device device)
    {
        Id = Interlocked.Increment(ref s_lastId);
        Device = device;
    }

    /// <summary>Where the buffer lives (<c>storage.device</c>); the kernel dispatch picks the implementation by it.</summary>
    public Device Device { get; }

    /// <summary>
    /// Allocation number, increasing over the process's lifetime: the backward engine uses it to tell buffers made
    /// during a pass (which it may hand to a leaf's gradient without a copy) from older ones.
    /// </summary>
    internal long Id { get; }

    /// <summary>The <see cref="Id"/> of the most recently created storage.</summary>
    internal static long LastId => Interlocked.Read(ref s_lastId);

    /// <summary>Element type of the buffer.</summary>
    public abstract DType DType { get; }

    /// <summary>Number of elements in the buffer.</summary>
    public abstract int Length { get; }

    /// <summary>Bumped by every in-place modification; autograd uses it to detect stale saved tensors.</summary>
    public int Version { get; internal set; }

    /// <summary>Allocates a zero-filled buffer of the given dtype.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Storage Allocate(DType dtype, int length) => dtype switch
    {
        DType.Float32 => new Storage<float>(new float[length]),
        DType.Float64 => new Storage<double>(new double[length]),
        DType.Int64 => new Storage<long>(new long[length]),
        _ => new Storage<bool>(new bool[length]),
    };
}

/// <summary>Buffers whose every element the caller writes before anyone reads them.</summary>
internal static class StorageForOverwrite
{
    /// <summary>
    /// Below this many bytes a zeroed array is as cheap (GC.AllocateUninitializedArray measured slower for small,
    /// short-lived buffers); above it, skipping the zeroing saves a full pass over memory (about 19 us per 512 KB).
    /// </summary>
    internal const int MinBytes = 32 * 1024;

    /// <summary>A buffer of <paramref name="length"/> elements, not zeroed when large: every element must be written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Storage Allocate(DType dtype, int length) => dtype switch
    {
        DType.Float32 when length >= MinBytes / sizeof(float) => new Storage<float>(GC.AllocateUninitializedArray<float>(length)),
        DType.Float64 when length >= MinBytes / sizeof(double) => new Storage<double>(GC.AllocateUninitializedArray<double>(length)),
        DType.Int64 when length >= MinBytes / sizeof(long) => new Storage<long>(GC.AllocateUninitializedArray<long>(length)),
        _ => Storage.Allocate(dtype, length),
    };
}

/// <summary>A storage holding a .NET array of <typeparamref name="T"/>.</summary>
public sealed class Storage<T> : Storage where T : unmanaged
{
    /// <summary>The underlying array; element i of a tensor lives at <c>Data[layout offset of i]</c>.</summary>
    public T[] Data { get; }

    /// <summary>Wraps an existing array without copying.</summary>
    public Storage(T[] data)
    {
        Data = data;
    }

    /// <inheritdoc/>
    public override DType DType => DTypeInfo.Of<T>();

    /// <inheritdoc/>
    public override int Length => Data.Length;
}
