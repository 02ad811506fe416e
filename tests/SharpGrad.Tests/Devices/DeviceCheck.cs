namespace SharpGrad.Tests.Devices;

/// <summary>Helpers for the test device (<c>accel:cpu</c>: the CUDA path's kernels on ILGPU's CPU accelerator).</summary>
internal static class DeviceCheck
{
    public static readonly Device Accel = Device.AccelCpu;

    /// <summary>A seeded float32 tensor on the CPU.</summary>
    public static Tensor Rand(int seed, params int[] shape) => Tensor.Randn(shape, new Generator((ulong)seed));

    /// <summary>Asserts that a device result equals the CPU's within 1e-5 (relative to 1 + |expected|), shapes and dtypes equal.</summary>
    public static void Same(Tensor cpu, Tensor device, double tol = 1e-5)
    {
        Assert.Equal(Accel, device.Device);
        Assert.Equal(cpu.DType, device.DType);
        Assert.Equal(cpu.Shape, device.Shape);
        Check.Close(device.Cpu(), cpu.ToArray<double>(), tol);
    }
}
