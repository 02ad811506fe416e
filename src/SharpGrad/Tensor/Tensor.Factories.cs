using System.Runtime.CompilerServices;
using SharpGrad.Core;
using SharpGrad.Kernels;

namespace SharpGrad;

public partial class Tensor
{
    private static readonly Generator s_defaultGenerator = new();

    /// <summary>The generator used when none is passed (<c>torch.default_generator</c>). Access is serialised by a lock on it.</summary>
    public static Generator DefaultGenerator => s_defaultGenerator;

    /// <summary>Reseeds the default generator (<c>torch.manual_seed</c>).</summary>
    /// <param name="seed">Any integer; the same seed gives the same random numbers on every run and thread count.</param>
    /// <returns>The default generator.</returns>
    public static Generator ManualSeed(long seed)
    {
        lock (s_defaultGenerator) return s_defaultGenerator.ManualSeed(unchecked((ulong)seed));
    }

    /// <summary>A tensor holding a copy of a .NET array of any rank (<c>torch.tensor(data)</c>). int and long give int64, float float32, double float64 unless <paramref name="dtype"/> says otherwise.</summary>
    /// <param name="data">A rectangular array of float, double, int, long or bool, of any rank.</param>
    /// <param name="dtype">The element type; by default from the array's element type.</param>
    /// <param name="requiresGrad">Make the result a leaf that records gradients (floating point only).</param>
    /// <exception cref="ArgumentException">The element type is not supported or cannot be converted to <paramref name="dtype"/>.</exception>
    /// <param name="device">Where the tensor lives; the CPU by default.</param>
    public static Tensor From(Array data, DType? dtype = null, bool requiresGrad = false, Device device = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var sizes = new int[data.Rank];
        for (int d = 0; d < data.Rank; d++) sizes[d] = data.GetLength(d);
        Tensor t = data switch
        {
            float[] or float[,] or float[,,] or float[,,,] => FromElements<float>(data, sizes),
            double[] or double[,] or double[,,] or double[,,,] => FromElements<double>(data, sizes),
            long[] or long[,] or long[,,] or long[,,,] => FromElements<long>(data, sizes),
            bool[] or bool[,] or bool[,,] or bool[,,,] => FromElements<bool>(data, sizes),
            int[] or int[,] or int[,,] or int[,,,] => FromConverted(data, sizes, o => (long)(int)o),
            byte[] or byte[,] or byte[,,] or byte[,,,] => FromConverted(data, sizes, o => (long)(byte)o),
            _ => throw new ArgumentException($"tensor: cannot make a tensor from {data.GetType().Name}; use float, double, int, long, byte or bool arrays"),
        };
        t = t.To(device, dtype ?? t.DType);
        return requiresGrad ? t.RequiresGrad_() : t;
    }

    /// <summary>A 0-dimensional float tensor (<c>torch.tensor(3.5)</c>).</summary>
    public static Tensor From(double value, DType dtype = DType.Float32, bool requiresGrad = false)
        => Full([], value, dtype, requiresGrad);

    /// <summary>A 0-dimensional int64 tensor (<c>torch.tensor(3)</c>).</summary>
    public static Tensor From(long value) => Full([], value, DType.Int64);

    /// <summary>A 0-dimensional bool tensor (<c>torch.tensor(True)</c>).</summary>
    public static Tensor From(bool value) => Full([], value ? 1 : 0, DType.Bool);

    /// <summary>Wraps a flat array as a tensor of the given sizes without copying (<c>torch.from_numpy(a).view(sizes)</c>).</summary>
    public static Tensor FromBuffer<T>(T[] data, params int[] sizes) where T : unmanaged
    {
        int n = Core.Shape.Numel(sizes);
        if (n != data.Length)
            throw new ArgumentException($"from_buffer: shape {Core.Shape.Format(sizes)} needs {n} elements, but the array has {data.Length}");
        return new Tensor(new Storage<T>(data), Layout.Contiguous((int[])sizes.Clone()));
    }

    /// <summary>Uninitialised (here: zero-filled) tensor (<c>torch.empty</c>).</summary>
    public static Tensor Empty(params int[] size) => Empty(size, DType.Float32);

    /// <summary>Uninitialised (here: zero-filled) tensor (<c>torch.empty</c>).</summary>
    public static Tensor Empty(int[] size, DType dtype = DType.Float32, bool requiresGrad = false, Device device = default) => Zeros(CheckSize("empty", size), dtype, requiresGrad, device);

    /// <summary>Tensor of zeros (<c>torch.zeros</c>).</summary>
    public static Tensor Zeros(params int[] size) => Zeros(size, DType.Float32);

    /// <summary>Tensor of zeros (<c>torch.zeros</c>).</summary>
    /// <param name="size">The shape; every size non-negative.</param>
    /// <param name="dtype">The element type.</param>
    /// <param name="requiresGrad">Make the result a leaf that records gradients (floating point only).</param>
    /// <param name="device">Where the tensor lives; the CPU by default.</param>
    /// <exception cref="ArgumentException">A size is negative, or the dtype does not fit; the message names them.</exception>
    public static Tensor Zeros(int[] size, DType dtype = DType.Float32, bool requiresGrad = false, Device device = default)
    {
        var t = Alloc(CheckSize("zeros", size), dtype, device);
        return requiresGrad ? t.RequiresGrad_() : t;
    }

    /// <summary>Tensor of ones (<c>torch.ones</c>).</summary>
    public static Tensor Ones(params int[] size) => Ones(size, DType.Float32);

    /// <summary>Tensor of ones (<c>torch.ones</c>).</summary>
    /// <param name="size">The shape; every size non-negative.</param>
    /// <param name="dtype">The element type.</param>
    /// <param name="requiresGrad">Make the result a leaf that records gradients (floating point only).</param>
    /// <param name="device">Where the tensor lives; the CPU by default.</param>
    /// <exception cref="ArgumentException">A size is negative, or the dtype does not fit; the message names them.</exception>
    public static Tensor Ones(int[] size, DType dtype = DType.Float32, bool requiresGrad = false, Device device = default) => Full(CheckSize("ones", size), 1, dtype, requiresGrad, device);

    /// <summary>Tensor filled with one value (<c>torch.full</c>).</summary>
    public static Tensor Full(int[] size, double fillValue, DType dtype = DType.Float32, bool requiresGrad = false, Device device = default)
    {
        var t = Alloc(CheckSize("full", size), dtype, device);
        if (fillValue != 0) Dispatch.Fill(t.Storage, t.Layout, fillValue);
        return requiresGrad ? t.RequiresGrad_() : t;
    }

    /// <summary>Integers 0, 1, ..., end-1 as int64 (<c>torch.arange(end)</c>).</summary>
    public static Tensor Arange(long end) => Arange(0, end, 1);

    /// <summary>Integers from start (inclusive) to end (exclusive) in steps, as int64 (<c>torch.arange(start, end, step)</c>).</summary>
    public static Tensor Arange(long start, long end, long step = 1, DType dtype = DType.Int64, Device device = default)
    {
        if (step == 0) throw new ArgumentException("arange: step must be nonzero");
        Int128 span = (Int128)end - start;
        if (span * Math.Sign(step) < 0)
            throw new ArgumentException($"arange: upper bound and larger bound inconsistent with step sign (start {start}, end {end}, step {step})");
        long n = CheckArangeSize((double)((span + step - Math.Sign(step)) / step), FormattableString.Invariant($"start {start}, end {end}, step {step}"));
        var values = new long[n];
        for (long i = 0; i < n; i++) values[i] = start + i * step;
        return FromBuffer(values, (int)n).To(device, dtype);
    }

    /// <summary>Floats from start (inclusive) to end (exclusive) in steps (<c>torch.arange(0.0, 1.0, 0.1)</c>).</summary>
    public static Tensor Arange(double start, double end, double step = 1, DType dtype = DType.Float32, Device device = default)
    {
        if (step == 0 || !double.IsFinite(step)) throw new ArgumentException($"arange: step must be finite and nonzero, got {step}");
        if (!double.IsFinite(start) || !double.IsFinite(end)) throw new ArgumentException($"arange: start and end must be finite, got start {start}, end {end}");
        if ((end - start) * Math.Sign(step) < 0)
            throw new ArgumentException($"arange: upper bound and larger bound inconsistent with step sign (start {start}, end {end}, step {step})");
        int n = (int)CheckArangeSize(Math.Ceiling((end - start) / step), FormattableString.Invariant($"start {start}, end {end}, step {step}"));
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = start + i * step;
        return FromBuffer(values, n).To(device, dtype);
    }

    /// <summary>The element count of an arange, refused when no tensor can hold it (PyTorch: "invalid size, possible overflow?").</summary>
    private static long CheckArangeSize(double count, string arguments)
    {
        if (!(count <= Array.MaxLength))
            throw new ArgumentException(FormattableString.Invariant(
                $"arange: invalid size, possible overflow? {arguments} give {count:G6} elements, more than a tensor holds ({Array.MaxLength})"));
        return (long)count;
    }

    /// <summary><paramref name="steps"/> evenly spaced values from start to end, both included (<c>torch.linspace</c>).</summary>
    /// <param name="start">The first value.</param>
    /// <param name="end">The last value.</param>
    /// <param name="steps">How many values; at least 0.</param>
    /// <param name="dtype">The element type.</param>
    /// <param name="requiresGrad">Make the result a leaf that records gradients (floating point only).</param>
    /// <exception cref="ArgumentException"><paramref name="steps"/> is negative.</exception>
    public static Tensor Linspace(double start, double end, int steps, DType dtype = DType.Float32, bool requiresGrad = false)
    {
        if (steps < 0) throw new ArgumentException($"linspace: number of steps must be non-negative, got {steps}");
        var values = new double[steps];
        double step = steps > 1 ? (end - start) / (steps - 1) : 0;
        int half = steps / 2;
        // Fill from both ends so that the last value is exactly `end`; one step gives just `start`, as in PyTorch.
        for (int i = 0; i < steps; i++) values[i] = i < half || steps == 1 ? start + i * step : end - (steps - 1 - i) * step;
        var t = FromBuffer(values, steps);
        if (dtype != DType.Float64) t = t.To(dtype);
        return requiresGrad ? t.RequiresGrad_() : t;
    }

    /// <summary>Identity matrix with n rows and m (default n) columns (<c>torch.eye</c>).</summary>
    public static Tensor Eye(int n, int? m = null, DType dtype = DType.Float32)
    {
        int cols = m ?? n;
        var t = Zeros(CheckSize("eye", [n, cols]), dtype);
        Dispatch.Fill(t.Storage, new Layout([Math.Min(n, cols)], [cols + 1], 0), 1);
        return t;
    }

    /// <summary>Uniform samples in [0, 1) (<c>torch.rand</c>).</summary>
    public static Tensor Rand(params int[] size) => Rand(size, null);

    /// <summary>Uniform samples in [0, 1) (<c>torch.rand</c>).</summary>
    /// <param name="size">The shape; every size non-negative.</param>
    /// <param name="generator">Source of the random numbers; the default generator (seeded by <see cref="ManualSeed"/>) when null.</param>
    /// <param name="dtype">float32 or float64.</param>
    /// <param name="requiresGrad">Make the result a leaf that records gradients (floating point only).</param>
    /// <param name="device">Where the tensor lives; the CPU by default.</param>
    /// <exception cref="ArgumentException">A size is negative, or the dtype does not fit; the message names them.</exception>
    public static Tensor Rand(int[] size, Generator? generator = null, DType dtype = DType.Float32, bool requiresGrad = false, Device device = default)
        => Zeros(CheckSize("rand", size), RequireFloat("rand", dtype)).Uniform_(0, 1, generator).To(device).RequiresGrad_(requiresGrad);

    /// <summary>Standard normal samples (<c>torch.randn</c>).</summary>
    public static Tensor Randn(params int[] size) => Randn(size, null);

    /// <summary>Standard normal samples (<c>torch.randn</c>).</summary>
    /// <param name="size">The shape; every size non-negative.</param>
    /// <param name="generator">Source of the random numbers; the default generator (seeded by <see cref="ManualSeed"/>) when null.</param>
    /// <param name="dtype">float32 or float64.</param>
    /// <param name="requiresGrad">Make the result a leaf that records gradients (floating point only).</param>
    /// <param name="device">Where the tensor lives; the CPU by default.</param>
    /// <exception cref="ArgumentException">A size is negative, or the dtype does not fit; the message names them.</exception>
    public static Tensor Randn(int[] size, Generator? generator = null, DType dtype = DType.Float32, bool requiresGrad = false, Device device = default)
        => Zeros(CheckSize("randn", size), RequireFloat("randn", dtype)).Normal_(0, 1, generator).To(device).RequiresGrad_(requiresGrad);

    /// <summary>Normal samples with the given mean and standard deviation (<c>torch.normal(mean, std, size)</c>).</summary>
    /// <param name="mean">Mean of the distribution.</param>
    /// <param name="std">Standard deviation, non-negative.</param>
    /// <param name="size">The shape; every size non-negative.</param>
    /// <param name="generator">Source of the random numbers; the default generator (seeded by <see cref="ManualSeed"/>) when null.</param>
    /// <param name="dtype">float32 or float64.</param>
    /// <exception cref="ArgumentException">A size is negative, or the dtype does not fit; the message names them.</exception>
    public static Tensor Normal(double mean, double std, int[] size, Generator? generator = null, DType dtype = DType.Float32)
        => Zeros(CheckSize("normal", size), RequireFloat("normal", dtype)).Normal_(mean, std, generator);

    /// <summary>Uniform integers in [low, high) as int64 (<c>torch.randint</c>).</summary>
    /// <param name="low">Smallest value drawn.</param>
    /// <param name="high">One above the largest value drawn; greater than <paramref name="low"/>.</param>
    /// <param name="size">The shape; every size non-negative.</param>
    /// <param name="generator">Source of the random numbers; the default generator (seeded by <see cref="ManualSeed"/>) when null.</param>
    /// <param name="dtype">The element type.</param>
    /// <exception cref="ArgumentException"><paramref name="high"/> is not above <paramref name="low"/>, or a size is negative.</exception>
    public static Tensor Randint(long low, long high, int[] size, Generator? generator = null, DType dtype = DType.Int64)
    {
        if (high <= low) throw new ArgumentException($"randint: expects low < high, got low {low} and high {high}");
        var values = new long[Core.Shape.Numel(CheckSize("randint", size))];
        WithGenerator(generator, g => { for (int i = 0; i < values.Length; i++) values[i] = g.NextInt64(low, high); });
        var t = FromBuffer(values, (int[])size.Clone());
        return dtype == DType.Int64 ? t : t.To(dtype);
    }

    /// <summary>Uniform integers in [0, high) as int64 (<c>torch.randint(high, size)</c>).</summary>
    public static Tensor Randint(long high, int[] size, Generator? generator = null) => Randint(0, high, size, generator);

    /// <summary>A random permutation of 0..n-1 as int64 (<c>torch.randperm</c>).</summary>
    public static Tensor Randperm(int n, Generator? generator = null)
    {
        if (n < 0) throw new ArgumentException($"randperm: n must be non-negative, got {n}");
        var values = new long[n];
        for (int i = 0; i < n; i++) values[i] = i;
        WithGenerator(generator, g =>
        {
            for (int i = n - 1; i > 0; i--)
            {
                int j = (int)g.NextInt64(0, i + 1);
                (values[i], values[j]) = (values[j], values[i]);
            }
        });
        return FromBuffer(values, n);
    }

    /// <summary>Zeros shaped like <paramref name="t"/> (<c>torch.zeros_like</c>).</summary>
    public static Tensor ZerosLike(Tensor t, DType? dtype = null) => Zeros(t.Shape, dtype ?? t.DType, device: t.Device);

    /// <summary>Ones shaped like <paramref name="t"/> (<c>torch.ones_like</c>).</summary>
    public static Tensor OnesLike(Tensor t, DType? dtype = null) => Ones(t.Shape, dtype ?? t.DType, device: t.Device);

    /// <summary>A constant shaped like <paramref name="t"/> (<c>torch.full_like</c>).</summary>
    public static Tensor FullLike(Tensor t, double fillValue, DType? dtype = null) => Full(t.Shape, fillValue, dtype ?? t.DType, device: t.Device);

    /// <summary>Uninitialised (here: zero-filled) tensor shaped like <paramref name="t"/> (<c>torch.empty_like</c>).</summary>
    public static Tensor EmptyLike(Tensor t, DType? dtype = null) => Zeros(t.Shape, dtype ?? t.DType, device: t.Device);

    /// <summary>Uniform samples shaped like <paramref name="t"/> (<c>torch.rand_like</c>).</summary>
    public static Tensor RandLike(Tensor t, Generator? generator = null) => Rand(t.Shape, generator, t.DType, device: t.Device);

    /// <summary>Normal samples shaped like <paramref name="t"/> (<c>torch.randn_like</c>).</summary>
    public static Tensor RandnLike(Tensor t, Generator? generator = null) => Randn(t.Shape, generator, t.DType, device: t.Device);

    /// <summary>Random integers shaped like <paramref name="t"/> (<c>torch.randint_like</c>).</summary>
    public static Tensor RandintLike(Tensor t, long low, long high, Generator? generator = null) => Randint(low, high, t.Shape, generator, t.DType);

    /// <summary>Runs <paramref name="body"/> with the given generator, or with the default one under its lock.</summary>
    internal static void WithGenerator(Generator? generator, Action<Generator> body)
    {
        if (generator is not null)
        {
            body(generator);
            return;
        }
        lock (s_defaultGenerator) body(s_defaultGenerator);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int[] CheckSize(string op, int[] size)
    {
        foreach (int s in size)
            if (s < 0) throw new ArgumentException($"{op}: trying to create a tensor with negative dimension {s}: {Core.Shape.Format(size)}");
        return (int[])size.Clone();
    }

    private static DType RequireFloat(string op, DType dtype)
    {
        if (!dtype.IsFloatingPoint())
            throw new ArgumentException($"{op}: expected a floating point dtype, got {dtype.TorchName()}");
        return dtype;
    }

    private static Tensor FromElements<T>(Array data, int[] sizes) where T : unmanaged
    {
        var flat = new T[data.Length];
        if (data is T[] vector) vector.CopyTo(flat, 0);
        else
        {
            int i = 0;
            foreach (T v in data) flat[i++] = v;
        }
        return FromBuffer(flat, sizes);
    }

    private static Tensor FromConverted(Array data, int[] sizes, Func<object, long> convert)
    {
        var flat = new long[data.Length];
        int i = 0;
        foreach (object v in data) flat[i++] = convert(v);
        return FromBuffer(flat, sizes);
    }
}
