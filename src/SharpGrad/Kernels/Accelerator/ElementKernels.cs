using System.Numerics;
using ILGPU;

namespace SharpGrad.Kernels.Accelerator;

/// <summary>
/// Element-wise device kernels (one thread per output element, any strided layout through <see cref="ElementGeometry"/>).
/// The op kind is a launch argument, uniform across the grid, so one compiled kernel serves every kind of its dtype.
/// Bool tensors are bytes (0 or 1) on the device.
/// </summary>
internal static class ElementKernels
{
    public static void UnaryFloat<T>(Index1D i, ArrayView<T> x, ArrayView<T> y, int kind, ElementGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T v = x[g.Shape.Offset(i, g.A)];
        T r = (UnaryKind)kind switch
        {
            UnaryKind.Neg => -v,
            UnaryKind.Abs => T.Abs(v),
            UnaryKind.Relu => T.IsNaN(v) ? v : v > T.Zero ? v : T.Zero,
            UnaryKind.Sign => T.IsNaN(v) ? v : v > T.Zero ? T.One : v < T.Zero ? -T.One : T.Zero,
            UnaryKind.Exp => T.Exp(v),
            UnaryKind.Log => T.Log(v),
            UnaryKind.Log2 => T.Log2(v),
            UnaryKind.Sqrt => T.Sqrt(v),
            UnaryKind.Sin => T.Sin(v),
            UnaryKind.Cos => T.Cos(v),
            UnaryKind.Tanh => T.Tanh(v),
            _ => T.One / (T.One + T.Exp(-v)),
        };
        y[g.Shape.Offset(i, g.Y)] = r;
    }

    public static void UnaryInt(Index1D i, ArrayView<long> x, ArrayView<long> y, int kind, ElementGeometry g)
    {
        long v = x[g.Shape.Offset(i, g.A)];
        long r = (UnaryKind)kind switch
        {
            UnaryKind.Neg => -v,
            UnaryKind.Abs => v < 0 ? -v : v,
            UnaryKind.Relu => v > 0 ? v : 0,
            _ => v > 0 ? 1 : v < 0 ? -1 : 0,
        };
        y[g.Shape.Offset(i, g.Y)] = r;
    }

    /// <summary>y = a op b; an operand whose <paramref name="p"/> flag is set is the scalar in <paramref name="p"/> instead of its view.</summary>
    public static void BinaryFloat<T>(Index1D i, ArrayView<T> a, ArrayView<T> b, ArrayView<T> y, BinaryArgs<T> p, ElementGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T u = p.AIsScalar != 0 ? p.AScalar : a[g.Shape.Offset(i, g.A)];
        T v = p.BIsScalar != 0 ? p.BScalar : b[g.Shape.Offset(i, g.B)];
        T r = (BinaryKind)p.Kind switch
        {
            BinaryKind.Add => u + v,
            BinaryKind.Sub => u - v,
            BinaryKind.Mul => u * v,
            BinaryKind.Div => u / v,
            BinaryKind.Maximum => T.IsNaN(u) || T.IsNaN(v) ? u + v : u > v ? u : v,
            BinaryKind.Minimum => T.IsNaN(u) || T.IsNaN(v) ? u + v : u < v ? u : v,
            _ => v == T.One + T.One ? u * u : v == T.One + T.One + T.One ? u * u * u : T.Pow(u, v),
        };
        y[g.Shape.Offset(i, g.Y)] = r;
    }

    public static void BinaryInt(Index1D i, ArrayView<long> a, ArrayView<long> b, ArrayView<long> y, BinaryArgs<long> p, ElementGeometry g)
    {
        long u = p.AIsScalar != 0 ? p.AScalar : a[g.Shape.Offset(i, g.A)];
        long v = p.BIsScalar != 0 ? p.BScalar : b[g.Shape.Offset(i, g.B)];
        long r;
        switch ((BinaryKind)p.Kind)
        {
            case BinaryKind.Add: r = u + v; break;
            case BinaryKind.Sub: r = u - v; break;
            case BinaryKind.Mul: r = u * v; break;
            case BinaryKind.Div: r = v == 0 ? 0 : u / v; break;
            case BinaryKind.Maximum: r = u > v ? u : v; break;
            case BinaryKind.Minimum: r = u < v ? u : v; break;
            default:
                r = 1;
                for (long e = v; e > 0; e >>= 1) { if ((e & 1) != 0) r *= u; u *= u; }
                break;
        }
        y[g.Shape.Offset(i, g.Y)] = r;
    }

    public static void Compare<T>(Index1D i, ArrayView<T> a, ArrayView<T> b, ArrayView<byte> y, BinaryArgs<T> p, ElementGeometry g)
        where T : unmanaged, INumber<T>
    {
        T u = p.AIsScalar != 0 ? p.AScalar : a[g.Shape.Offset(i, g.A)];
        T v = p.BIsScalar != 0 ? p.BScalar : b[g.Shape.Offset(i, g.B)];
        bool r = (CompareKind)p.Kind switch
        {
            CompareKind.Eq => u == v,
            CompareKind.Ne => u != v,
            CompareKind.Lt => u < v,
            CompareKind.Le => u <= v,
            CompareKind.Gt => u > v,
            _ => u >= v,
        };
        y[g.Shape.Offset(i, g.Y)] = r ? (byte)1 : (byte)0;
    }

    /// <summary>y = c ? a : b; the condition's strides are in <see cref="WhereArgs{T}.C"/>.</summary>
    public static void Where<T>(Index1D i, ArrayView<byte> c, ArrayView<T> a, ArrayView<T> b, ArrayView<T> y, WhereArgs<T> p, ElementGeometry g)
        where T : unmanaged
    {
        bool take = c[g.Shape.Offset(i, p.C)] != 0;
        y[g.Shape.Offset(i, g.Y)] = take
            ? (p.AIsScalar != 0 ? p.AScalar : a[g.Shape.Offset(i, g.A)])
            : (p.BIsScalar != 0 ? p.BScalar : b[g.Shape.Offset(i, g.B)]);
    }

    public static void Fill<T>(Index1D i, ArrayView<T> y, T value, ElementGeometry g) where T : unmanaged
        => y[g.Shape.Offset(i, g.Y)] = value;

    /// <summary>Strided copy within one dtype (bit-exact).</summary>
    public static void Copy<T>(Index1D i, ArrayView<T> x, ArrayView<T> y, ElementGeometry g) where T : unmanaged
        => y[g.Shape.Offset(i, g.Y)] = x[g.Shape.Offset(i, g.A)];

    /// <summary>Strided copy with a dtype conversion through double, as the CPU's <c>ElementWise.Convert</c>.</summary>
    public static void Convert<TIn, TOut, CIn, COut>(Index1D i, ArrayView<TIn> x, ArrayView<TOut> y, CIn cin, COut cout, ElementGeometry g)
        where TIn : unmanaged where TOut : unmanaged where CIn : struct, IDeviceElement<TIn> where COut : struct, IDeviceElement<TOut>
        => y[g.Shape.Offset(i, g.Y)] = cout.FromDouble(cin.ToDouble(x[g.Shape.Offset(i, g.A)]));
}

/// <summary>The launch arguments of a binary or comparison kernel.</summary>
internal struct BinaryArgs<T> where T : unmanaged
{
    public int Kind, AIsScalar, BIsScalar;
    public T AScalar, BScalar;
}

/// <summary>The launch arguments of <see cref="ElementKernels.Where{T}"/>.</summary>
internal struct WhereArgs<T> where T : unmanaged
{
    public Strides8 C;
    public int AIsScalar, BIsScalar;
    public T AScalar, BScalar;
}

/// <summary>How a device element converts to and from double (the CPU's conversion rules).</summary>
internal interface IDeviceElement<T> where T : unmanaged
{
    double ToDouble(T x);
    T FromDouble(double v);
}

internal struct Float32Element : IDeviceElement<float>
{
    public readonly double ToDouble(float x) => x;
    public readonly float FromDouble(double v) => (float)v;
}

internal struct Float64Element : IDeviceElement<double>
{
    public readonly double ToDouble(double x) => x;
    public readonly double FromDouble(double v) => v;
}

internal struct Int64Element : IDeviceElement<long>
{
    public readonly double ToDouble(long x) => x;
    public readonly long FromDouble(double v) => double.IsNaN(v) ? long.MinValue : (long)v;
}

internal struct BoolElement : IDeviceElement<byte>
{
    public readonly double ToDouble(byte x) => x != 0 ? 1 : 0;
    public readonly byte FromDouble(double v) => v != 0 ? (byte)1 : (byte)0;
}
