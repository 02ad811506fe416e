namespace SharpGrad.Tests.Devices;

/// <summary>Runs alone: the memory test counts the test device's bytes, which other device tests would change meanwhile.</summary>
[CollectionDefinition(nameof(DeviceMemoryCollection), DisableParallelization = true)]
public class DeviceMemoryCollection;

/// <summary>Devices, moving tensors between them, memory, and the errors of device code.</summary>
[Collection(nameof(DeviceMemoryCollection))]
public class DeviceTests
{
    [Theory]
    [InlineData("cpu", "cpu")]
    [InlineData("cuda", "cuda:0")]
    [InlineData("cuda:1", "cuda:1")]
    [InlineData(" CUDA:0 ", "cuda:0")]
    [InlineData("accel:cpu", "accel:cpu")]
    public void Parse_GivesPyTorchsNames(string text, string printed) => Assert.Equal(printed, Device.Parse(text).ToString());

    [Fact]
    public void Devices_CompareByTypeAndIndex()
    {
        Assert.Equal(Device.Cpu, default(Device));
        Assert.Equal(Device.Cuda(0), Device.Parse("cuda:0"));
        Assert.NotEqual(Device.Cuda(0), Device.Cuda(1));
        Assert.Equal(DeviceType.Accel, Device.AccelCpu.Type);
        Assert.True(Device.Cpu.IsCpu);
    }

    [Theory]
    [InlineData("tpu")]
    [InlineData("cuda:x")]
    [InlineData("cuda:-1")]
    public void Parse_RejectsOtherStrings(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => Device.Parse(text));
        Assert.Contains(text, e.Message);
    }

    [Fact]
    public void Cuda_WithoutADriver_SaysSoInsteadOfCrashing()
    {
        if (Kernels.Accelerator.AcceleratorBackend.CudaDriverPresent())
        {
            Assert.Equal(Cuda.DeviceCount() > 0, Cuda.IsAvailable());
            return;
        }
        Assert.False(Cuda.IsAvailable());
        Assert.Equal(0, Cuda.DeviceCount());
        var e = Assert.Throws<InvalidOperationException>(() => Tensor.Ones(2).To(Device.Cuda()));
        Assert.Equal("CUDA is not available: no NVIDIA driver (libcuda.so.1) was found", e.Message);
        Assert.Throws<InvalidOperationException>(() => Tensor.Ones(2).Cuda());
        Assert.Throws<InvalidOperationException>(() => Cuda.GetDeviceName(0));
    }

    [Fact]
    public void To_RoundTripsBitExactly_ForEveryDType()
    {
        float[] f = [1.5f, -0f, float.NaN, float.PositiveInfinity, float.Epsilon, -3.25e-20f];
        double[] d = [1.5, -0.0, double.NaN, double.NegativeInfinity, double.Epsilon, Math.PI];
        long[] l = [long.MinValue, -1, 0, 1, long.MaxValue, 1L << 53 | 1];
        bool[] b = [true, false, true, true, false, false];
        Assert.Equal(f.Select(BitConverter.SingleToInt32Bits), Tensor.From(f).To(DeviceCheck.Accel).Cpu().ToArray<float>().Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(d.Select(BitConverter.DoubleToInt64Bits), Tensor.From(d).To(DeviceCheck.Accel).Cpu().ToArray<double>().Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(l, Tensor.From(l).To(DeviceCheck.Accel).Cpu().ToArray<long>());
        Assert.Equal(b, Tensor.From(b).To(DeviceCheck.Accel).Cpu().ToArray<bool>());
    }

    [Fact]
    public void To_CopiesStridedViews_AndConvertsTheDType()
    {
        var x = DeviceCheck.Rand(1, 3, 4);
        var view = x.T[1..];                                         // non-contiguous, with an offset
        var onDevice = view.To(DeviceCheck.Accel);
        Assert.Equal(view.ToArray(), onDevice.ToArray());
        Assert.Equal(view.Contiguous().ToArray(), onDevice.T.Contiguous().T.ToArray());
        Assert.Equal(view.ToArray(), onDevice.T.Cpu().T.ToArray()); // device strided -> host
        var converted = x.To(DeviceCheck.Accel, DType.Float64);
        Assert.Equal(DType.Float64, converted.DType);
        Assert.Equal(x.Double().ToArray<double>(), converted.ToArray<double>());
        Assert.Equal(x.Long().ToArray<long>(), converted.Long().ToArray<long>());
        Assert.Equal(x.Ne(0).ToArray<bool>(), converted.Bool().ToArray<bool>());
        Assert.Same(onDevice, onDevice.To(DeviceCheck.Accel));
    }

    [Fact]
    public void Factories_ItemAndPrinting_FollowTheDevice()
    {
        var z = Tensor.Zeros([2, 3], device: DeviceCheck.Accel);
        var f = Tensor.Full([2], 2.5, DType.Float64, device: DeviceCheck.Accel);
        var a = Tensor.Arange(0, 4, 1, device: DeviceCheck.Accel);
        var r = Tensor.Randn([5], new Generator(3), device: DeviceCheck.Accel);
        var from = Tensor.From(new float[] { 1, 2 }, device: DeviceCheck.Accel);
        foreach (var t in new[] { z, f, a, r, from, Tensor.ZerosLike(r), Tensor.OnesLike(a) }) Assert.Equal(DeviceCheck.Accel, t.Device);
        Assert.Equal(Tensor.Randn([5], new Generator(3)).ToArray(), r.ToArray());
        Assert.Equal(2.5, f[1].Item());
        Assert.Equal(3L, a[3].Item<long>());
        Assert.Equal("tensor([2.5000, 2.5000], device='accel:cpu', dtype=torch.float64)", f.ToString());
        Assert.Equal("tensor([0, 1, 2, 3], device='accel:cpu')", a.ToString());
        Assert.Equal("tensor([], device='accel:cpu')", Tensor.Zeros([0], device: DeviceCheck.Accel).ToString());
    }

    [Fact]
    public void MixingDevices_IsPyTorchsError()
    {
        var cpu = Tensor.Ones(3);
        var dev = Tensor.Ones(3).To(DeviceCheck.Accel);
        var e = Assert.Throws<InvalidOperationException>(() => dev + cpu);
        Assert.StartsWith("Expected all tensors to be on the same device, but found at least two devices, accel:cpu and cpu!", e.Message);
        Assert.Contains("add", e.Message);
        Assert.Throws<InvalidOperationException>(() => cpu.Mul(dev));
        Assert.Throws<InvalidOperationException>(() => Tensor.Ones(2, 3).Mm(Tensor.Ones(3, 2).To(DeviceCheck.Accel)));
        // A CPU 0-d tensor may join a device op, as in PyTorch.
        Assert.Equal(new float[] { 3, 3, 3 }, (dev + Tensor.From(2.0)).ToArray());
        Assert.Equal(new float[] { 2, 2, 2 }, (dev * 2).ToArray());
    }

    [Fact]
    public void CodeWithoutADeviceKernel_NamesTheDeviceAndTheWayOut()
    {
        // gradcheck perturbs its inputs' host arrays: device inputs get the no-kernel error, not an invalid cast.
        var x = Tensor.Ones([2], DType.Float64).To(DeviceCheck.Accel).RequiresGrad_();
        var e = Assert.Throws<NotSupportedException>(() => Autograd.GradCheck(t => t.Sum(), x));
        Assert.Contains("accel:cpu", e.Message);
        Assert.Contains(".Cpu()", e.Message);
    }

    [Fact]
    public void Memory_IsCountedAndCachedBlocksAreReturned()
    {
        var keep = Tensor.Zeros([1000], device: DeviceCheck.Accel);
        long before = Cuda.MemoryAllocated(DeviceCheck.Accel);
        Assert.True(before >= 4000);
        AllocateAndDrop();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.True(Cuda.MemoryReserved(DeviceCheck.Accel) >= Cuda.MemoryAllocated(DeviceCheck.Accel) + (1 << 20));
        Cuda.EmptyCache();
        Assert.True(Cuda.MemoryReserved(DeviceCheck.Accel) < Cuda.MemoryAllocated(DeviceCheck.Accel) + (1 << 20));
        Assert.Equal(0f, keep.Sum().Item<float>());
        GC.KeepAlive(keep);

        static void AllocateAndDrop() => _ = Tensor.Zeros([1 << 19], device: DeviceCheck.Accel);
    }
}
