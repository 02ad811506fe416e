using System.Globalization;

namespace SharpGrad;

/// <summary>The kind of memory and processor a tensor lives on (<c>torch.device.type</c>).</summary>
public enum DeviceType : byte
{
    /// <summary>Main memory, SharpGrad's managed CPU kernels (<c>'cpu'</c>).</summary>
    Cpu,
    /// <summary>An NVIDIA GPU through the CUDA driver; kernels compiled to PTX by ILGPU (<c>'cuda'</c>).</summary>
    Cuda,
    /// <summary>
    /// The test device <c>accel:cpu</c>: the CUDA code path's kernels run on ILGPU's CPU accelerator (a simulated GPU
    /// with groups, barriers and shared memory), so device code can be tested on any machine. Slow by design.
    /// </summary>
    Accel,
}

/// <summary>
/// Where a tensor's storage lives (<c>torch.device</c>): <see cref="Cpu"/>, <see cref="Cuda(int)"/>, or the test device
/// <see cref="AccelCpu"/>. Creating a value checks nothing; the first tensor put on a CUDA device checks for the driver.
/// </summary>
public readonly struct Device : IEquatable<Device>
{
    // Four bytes in all: a storage's device fits in the padding of its object, so CPU tensors cost no extra memory.
    private readonly ushort _index;

    private Device(DeviceType type, int index)
    {
        Type = type;
        _index = checked((ushort)index);
    }

    /// <summary>The device kind (<c>device.type</c>).</summary>
    public DeviceType Type { get; }

    /// <summary>The device number within its kind; 0 for the CPU and the test device (<c>device.index</c>).</summary>
    public int Index => _index;

    /// <summary>True for the CPU.</summary>
    public bool IsCpu => Type == DeviceType.Cpu;

    /// <summary>The CPU (<c>torch.device('cpu')</c>); also <c>default(Device)</c>.</summary>
    public static Device Cpu => default;

    /// <summary>The test device <c>accel:cpu</c>: ILGPU's CPU accelerator running the CUDA path's kernels.</summary>
    public static Device AccelCpu => new(DeviceType.Accel, 0);

    /// <summary>CUDA GPU number <paramref name="index"/> (<c>torch.device('cuda', index)</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index outside 0..65535.</exception>
    public static Device Cuda(int index = 0)
    {
        if (index < 0 || index > ushort.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"device: device index must be in 0..{ushort.MaxValue}, got {index}");
        return new Device(DeviceType.Cuda, index);
    }

    /// <summary>Parses <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c> or <c>accel:cpu</c> (<c>torch.device("cuda:0")</c>).</summary>
    /// <exception cref="ArgumentException">Any other string.</exception>
    public static Device Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Trim().ToLowerInvariant();
        if (s == "cpu") return Cpu;
        if (s == "accel:cpu") return AccelCpu;
        if (s == "cuda") return Cuda(0);
        if (s.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(s.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            return Cuda(index);
        throw new ArgumentException($"device: expected one of cpu, cuda, cuda:N, accel:cpu device type at start of device string: {text}", nameof(text));
    }

    /// <summary>As PyTorch prints it: <c>cpu</c>, <c>cuda:0</c>, or <c>accel:cpu</c> for the test device.</summary>
    public override string ToString() => Type switch
    {
        DeviceType.Cpu => "cpu",
        DeviceType.Cuda => "cuda:" + Index.ToString(CultureInfo.InvariantCulture),
        _ => "accel:cpu",
    };

    /// <inheritdoc/>
    public bool Equals(Device other) => Type == other.Type && Index == other.Index;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Device d && Equals(d);

    /// <inheritdoc/>
    public override int GetHashCode() => ((int)Type << 16) ^ Index;

    /// <summary>True for the same device.</summary>
    public static bool operator ==(Device a, Device b) => a.Equals(b);

    /// <summary>True for different devices.</summary>
    public static bool operator !=(Device a, Device b) => !a.Equals(b);
}
