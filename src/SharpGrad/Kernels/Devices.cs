using System.Runtime.CompilerServices;
using SharpGrad.Core;
using SharpGrad.Kernels.Accelerator;

namespace SharpGrad.Kernels;

/// <summary>Storage allocation on a device, and the errors of device dispatch.</summary>
internal static class Devices
{
    /// <summary>A zero-filled buffer of <paramref name="length"/> elements on <paramref name="device"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Storage Allocate(Device device, DType dtype, int length)
        => device.IsCpu ? Storage.Allocate(dtype, length) : AcceleratorBackend.For(device).Allocate(dtype, length);

    /// <summary>A buffer whose every element the caller writes, on <paramref name="device"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Storage AllocateForOverwrite(Device device, DType dtype, int length)
        => device.IsCpu ? StorageForOverwrite.Allocate(dtype, length) : AcceleratorBackend.For(device).Allocate(dtype, length, zero: false);

    /// <summary>The backend of a device storage.</summary>
    public static AcceleratorBackend Backend(Storage s)
        => s is DeviceStorage d ? d.Backend : throw new InvalidOperationException($"internal error: a {s.Device} storage has no accelerator backend");

    /// <summary>PyTorch's error for operands on two devices.</summary>
    public static InvalidOperationException Mismatch(string op, Device a, Device b)
        => new($"Expected all tensors to be on the same device, but found at least two devices, {First(a, b)} and {Second(a, b)}! (when checking the arguments of {op})");

    /// <summary>The error of an op that has no kernel for a device yet (or whose CPU-only code met a device tensor).</summary>
    public static NotSupportedException NoKernel(string op, Device device, DType dtype)
        => new($"{op}: no kernel for {device} tensors of dtype {dtype.TorchName()} yet; move the tensors to the CPU with .Cpu() (or .To(Device.Cpu)) for this op");

    /// <summary>
    /// The array of a host storage for a CPU-only kernel; a device storage gets <see cref="NoKernel"/> naming
    /// <paramref name="op"/> instead of an invalid cast.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T[] Host<T>(Storage s, string op) where T : unmanaged
        => s is Storage<T> h ? h.Data : throw NoKernel(op, s.Device, s.DType);

    // The device that is not the CPU is named first, as PyTorch names the tensors' device before the stray CPU one.
    private static Device First(Device a, Device b) => a.IsCpu ? b : a;
    private static Device Second(Device a, Device b) => a.IsCpu ? a : b;
}

/// <summary>The lower-case names of an op-kind enum, built once (error messages without a per-call allocation).</summary>
internal static class KindNames<TKind> where TKind : struct, Enum
{
    private static readonly string[] s_names = Enum.GetNames<TKind>().Select(n => n.ToLowerInvariant()).ToArray();

    public static string Of(TKind kind) => s_names[Unsafe.As<TKind, int>(ref kind)];
}
