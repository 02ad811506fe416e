namespace SharpGrad;

/// <summary>Element type of a tensor (PyTorch <c>torch.dtype</c>).</summary>
public enum DType
{
    /// <summary>32-bit float, the default (<c>torch.float32</c>).</summary>
    Float32,
    /// <summary>64-bit float, for exact checks such as gradcheck (<c>torch.float64</c>).</summary>
    Float64,
    /// <summary>64-bit signed integer, for labels and indices (<c>torch.int64</c>).</summary>
    Int64,
    /// <summary>Boolean, the result of comparisons (<c>torch.bool</c>).</summary>
    Bool,
}

/// <summary>Facts about <see cref="DType"/> values.</summary>
public static class DTypeInfo
{
    /// <summary>True for Float32 and Float64 (<c>dtype.is_floating_point</c>).</summary>
    public static bool IsFloatingPoint(this DType dtype) => dtype is DType.Float32 or DType.Float64;

    /// <summary>Size of one element in bytes (<c>dtype.itemsize</c>).</summary>
    public static int ItemSize(this DType dtype) => dtype switch
    {
        DType.Float32 => 4,
        DType.Float64 => 8,
        DType.Int64 => 8,
        _ => 1,
    };

    /// <summary>PyTorch's name for the dtype, e.g. <c>torch.float32</c>.</summary>
    public static string TorchName(this DType dtype) => dtype switch
    {
        DType.Float32 => "torch.float32",
        DType.Float64 => "torch.float64",
        DType.Int64 => "torch.int64",
        _ => "torch.bool",
    };

    /// <summary>The dtype of a binary op's result (PyTorch type promotion: bool &lt; int64 &lt; float32 &lt; float64).</summary>
    public static DType Promote(DType a, DType b) => Rank(a) >= Rank(b) ? a : b;

    /// <summary>The dtype a .NET element type maps to.</summary>
    public static DType Of<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return DType.Float32;
        if (typeof(T) == typeof(double)) return DType.Float64;
        if (typeof(T) == typeof(long)) return DType.Int64;
        if (typeof(T) == typeof(bool)) return DType.Bool;
        throw new NotSupportedException($"SharpGrad has no dtype for the .NET type {typeof(T).Name}; use float, double, long or bool");
    }

    private static int Rank(DType d) => d switch
    {
        DType.Bool => 0,
        DType.Int64 => 1,
        DType.Float32 => 2,
        _ => 3,
    };
}
