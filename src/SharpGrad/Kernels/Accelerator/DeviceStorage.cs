using ILGPU;
using SharpGrad.Core;

namespace SharpGrad.Kernels.Accelerator;

/// <summary>
/// A storage in an accelerator's memory (an ILGPU buffer from the device's <see cref="CachingAllocator"/>). Bool
/// elements are bytes (0 or 1). When the storage is collected its block goes back to the allocator's cache, as
/// PyTorch's caching allocator keeps freed blocks for the next tensor of that size.
/// </summary>
internal sealed class DeviceStorage : Storage
{
    private readonly DType _dtype;
    private readonly int _length;

    public DeviceStorage(AcceleratorBackend backend, DType dtype, int length, DeviceBlock block) : base(backend.Device)
    {
        Backend = backend;
        _dtype = dtype;
        _length = length;
        Block = block;
    }

    ~DeviceStorage() => Backend.Allocator.Release(Block);

    /// <summary>The accelerator that owns the memory and runs the kernels.</summary>
    public AcceleratorBackend Backend { get; }

    /// <summary>The allocator's block behind this storage (it may be larger than the elements need).</summary>
    public DeviceBlock Block { get; }

    /// <inheritdoc/>
    public override DType DType => _dtype;

    /// <inheritdoc/>
    public override int Length => _length;

    /// <summary>The elements as <typeparamref name="T"/> (byte for bool).</summary>
    public ArrayView<T> View<T>() where T : unmanaged => Block.View.Cast<T>().SubView(0L, _length);
}
