using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace SharpGrad.Kernels;

/// <summary>An element-wise function of one value, with a vectorised form for contiguous spans.</summary>
internal interface IUnaryOp<T>
{
    static abstract T Apply(T x);
    static abstract void Apply(ReadOnlySpan<T> x, Span<T> y);
}

/// <summary>An element-wise function of two values, with vectorised forms for spans and span-scalar pairs.</summary>
internal interface IBinaryOp<T>
{
    static abstract T Apply(T a, T b);
    static abstract void Apply(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y);
    static abstract void Apply(ReadOnlySpan<T> a, T b, Span<T> y);
    static abstract void Apply(T a, ReadOnlySpan<T> b, Span<T> y);
}

/// <summary>An element-wise comparison giving a bool.</summary>
internal interface ICompareOp<T>
{
    static abstract bool Apply(T a, T b);
}

internal struct AddOp<T> : IBinaryOp<T>, ILaneOp<T> where T : INumber<T>
{
    public static T Apply(T a, T b) => a + b;
    public static Vector256<T> Apply(Vector256<T> a, Vector256<T> b) => a + b;
    public static void Apply(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) => Simd.Apply<T, AddOp<T>>(a, b, y);
    public static void Apply(ReadOnlySpan<T> a, T b, Span<T> y) => Simd.Apply<T, AddOp<T>>(a, b, y);
    public static void Apply(T a, ReadOnlySpan<T> b, Span<T> y) => Simd.Apply<T, AddOp<T>>(a, b, y);
}

internal struct SubOp<T> : IBinaryOp<T>, ILaneOp<T> where T : INumber<T>
{
    public static T Apply(T a, T b) => a - b;
    public static Vector256<T> Apply(Vector256<T> a, Vector256<T> b) => a - b;
    public static void Apply(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) => Simd.Apply<T, SubOp<T>>(a, b, y);
    public static void Apply(ReadOnlySpan<T> a, T b, Span<T> y) => Simd.Apply<T, SubOp<T>>(a, b, y);
    public static void Apply(T a, ReadOnlySpan<T> b, Span<T> y) => Simd.Apply<T, SubOp<T>>(a, b, y);
}

internal struct MulOp<T> : IBinaryOp<T>, ILaneOp<T> where T : INumber<T>
{
    public static T Apply(T a, T b) => a * b;
    public static Vector256<T> Apply(Vector256<T> a, Vector256<T> b) => a * b;
    public static void Apply(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) => Simd.Apply<T, MulOp<T>>(a, b, y);
    public static void Apply(ReadOnlySpan<T> a, T b, Span<T> y) => Simd.Apply<T, MulOp<T>>(a, b, y);
    public static void Apply(T a, ReadOnlySpan<T> b, Span<T> y) => Simd.Apply<T, MulOp<T>>(a, b, y);
}

internal struct DivOp<T> : IBinaryOp<T>, ILaneOp<T> where T : INumber<T>
{
    public static T Apply(T a, T b) => a / b;
    public static Vector256<T> Apply(Vector256<T> a, Vector256<T> b) => a / b;
    public static void Apply(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) => Simd.Apply<T, DivOp<T>>(a, b, y);
    public static void Apply(ReadOnlySpan<T> a, T b, Span<T> y) => Simd.Apply<T, DivOp<T>>(a, b, y);
    public static void Apply(T a, ReadOnlySpan<T> b, Span<T> y) => Simd.Apply<T, DivOp<T>>(a, b, y);
}

/// <summary>Element-wise maximum that propagates NaN (as <c>torch.maximum</c>).</summary>
internal struct MaxOp<T> : IBinaryOp<T> where T : INumber<T>
{
    public static T Apply(T a, T b) => T.Max(a, b);
    public static void Apply(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) => TensorPrimitives.Max(a, b, y);
    public static void Apply(ReadOnlySpan<T> a, T b, Span<T> y) => TensorPrimitives.Max(a, b, y);
    public static void Apply(T a, ReadOnlySpan<T> b, Span<T> y) => TensorPrimitives.Max(b, a, y);
}

/// <summary>Element-wise minimum that propagates NaN (as <c>torch.minimum</c>).</summary>
internal struct MinOp<T> : IBinaryOp<T> where T : INumber<T>
{
    public static T Apply(T a, T b) => T.Min(a, b);
    public static void Apply(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) => TensorPrimitives.Min(a, b, y);
    public static void Apply(ReadOnlySpan<T> a, T b, Span<T> y) => TensorPrimitives.Min(a, b, y);
    public static void Apply(T a, ReadOnlySpan<T> b, Span<T> y) => TensorPrimitives.Min(b, a, y);
}

internal struct PowOp<T> : IBinaryOp<T> where T : IPowerFunctions<T>, INumber<T>
{
    // x ** 2 and x ** 3 multiply (as PyTorch's pow kernel does), here and in the span forms, so strided and contiguous inputs agree.
    public static T Apply(T a, T b) => b == T.CreateTruncating(2) ? a * a : b == T.CreateTruncating(3) ? a * a * a : T.Pow(a, b);
    public static void Apply(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) => TensorPrimitives.Pow(a, b, y);
    public static void Apply(ReadOnlySpan<T> a, T b, Span<T> y)
    {
        // Integer powers are common (x**2, x**3).
        if (b == T.CreateTruncating(2)) Simd.Apply<T, MulOp<T>>(a, a, y);
        else if (b == T.CreateTruncating(3)) Simd.Cube(a, y);
        else TensorPrimitives.Pow(a, b, y);
    }
    public static void Apply(T a, ReadOnlySpan<T> b, Span<T> y) => TensorPrimitives.Pow(a, b, y);
}

internal struct NegOp<T> : IUnaryOp<T>, ILaneUnaryOp<T> where T : INumber<T>
{
    public static T Apply(T x) => -x;
    public static Vector256<T> Apply(Vector256<T> x) => -x;
    public static void Apply(ReadOnlySpan<T> x, Span<T> y) => Simd.Apply<T, NegOp<T>>(x, y);
}

internal struct AbsOp<T> : IUnaryOp<T> where T : INumber<T>
{
    public static T Apply(T x) => T.Abs(x);
    public static void Apply(ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Abs(x, y);
}

internal struct ReluOp<T> : IUnaryOp<T>, ILaneUnaryOp<T> where T : INumber<T>
{
    public static T Apply(T x) => T.Max(x, T.Zero);
    // Vector256.Max follows T.Max: NaN propagates and -0 gives +0.
    public static Vector256<T> Apply(Vector256<T> x) => Vector256.Max(x, Vector256<T>.Zero);
    public static void Apply(ReadOnlySpan<T> x, Span<T> y) => Simd.Apply<T, ReluOp<T>>(x, y);
}

internal struct SignOp<T> : IUnaryOp<T> where T : INumber<T>
{
    public static T Apply(T x) => T.IsNaN(x) ? x : T.CreateTruncating(T.Sign(x));
    public static void Apply(ReadOnlySpan<T> x, Span<T> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = Apply(x[i]);
    }
}

internal struct ExpOp<T> : IUnaryOp<T> where T : IExponentialFunctions<T>
{
    public static T Apply(T x) => T.Exp(x);
    public static void Apply(ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Exp(x, y);
}

internal struct LogOp<T> : IUnaryOp<T> where T : ILogarithmicFunctions<T>
{
    public static T Apply(T x) => T.Log(x);
    public static void Apply(ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Log(x, y);
}

internal struct Log2Op<T> : IUnaryOp<T> where T : ILogarithmicFunctions<T>
{
    public static T Apply(T x) => T.Log2(x);
    public static void Apply(ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Log2(x, y);
}

internal struct SqrtOp<T> : IUnaryOp<T> where T : IRootFunctions<T>
{
    public static T Apply(T x) => T.Sqrt(x);
    public static void Apply(ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Sqrt(x, y);
}

internal struct SinOp<T> : IUnaryOp<T> where T : ITrigonometricFunctions<T>
{
    public static T Apply(T x) => T.Sin(x);
    public static void Apply(ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Sin(x, y);
}

internal struct CosOp<T> : IUnaryOp<T> where T : ITrigonometricFunctions<T>
{
    public static T Apply(T x) => T.Cos(x);
    public static void Apply(ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Cos(x, y);
}

internal struct TanhOp<T> : IUnaryOp<T> where T : IHyperbolicFunctions<T>
{
    public static T Apply(T x) => T.Tanh(x);
    public static void Apply(ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Tanh(x, y);
}

internal struct SigmoidOp<T> : IUnaryOp<T> where T : IExponentialFunctions<T>
{
    public static T Apply(T x) => T.One / (T.One + T.Exp(-x));
    public static void Apply(ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Sigmoid(x, y);
}

internal struct EqOp<T> : ICompareOp<T> where T : IEqualityOperators<T, T, bool>
{
    public static bool Apply(T a, T b) => a == b;
}

internal struct NeOp<T> : ICompareOp<T> where T : IEqualityOperators<T, T, bool>
{
    public static bool Apply(T a, T b) => a != b;
}

internal struct LtOp<T> : ICompareOp<T> where T : IComparisonOperators<T, T, bool>
{
    public static bool Apply(T a, T b) => a < b;
}

internal struct LeOp<T> : ICompareOp<T> where T : IComparisonOperators<T, T, bool>
{
    public static bool Apply(T a, T b) => a <= b;
}

internal struct GtOp<T> : ICompareOp<T> where T : IComparisonOperators<T, T, bool>
{
    public static bool Apply(T a, T b) => a > b;
}

internal struct GeOp<T> : ICompareOp<T> where T : IComparisonOperators<T, T, bool>
{
    public static bool Apply(T a, T b) => a >= b;
}
