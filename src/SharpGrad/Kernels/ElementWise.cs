using System.Numerics;
using System.Runtime.CompilerServices;
using SharpGrad.Core;

namespace SharpGrad.Kernels;

/// <summary>
/// Element-wise kernels over strided operands. Operands arrive already broadcast to the output's
/// sizes (stride 0 on stretched dims); contiguous rows go through TensorPrimitives, the rest element by element.
/// </summary>
internal static class ElementWise
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unary<T, TOp>(T[] x, Layout lx, T[] y, Layout ly) where TOp : IUnaryOp<T>
    {
        if (lx.IsContiguous && ly.IsContiguous)
        {
            TOp.Apply(x.AsSpan(lx.Offset, lx.Numel), y.AsSpan(ly.Offset, ly.Numel));
            return;
        }
        var k = new UnaryRow<T, TOp> { X = x, Y = y };
        StridedLoop.Run(ly.Sizes, [lx.Strides, ly.Strides], [lx.Offset, ly.Offset], ref k);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Binary<T, TOp>(T[] a, Layout la, T[] b, Layout lb, T[] y, Layout ly) where TOp : IBinaryOp<T>
    {
        if (ly.IsContiguous)
        {
            int n = ly.Numel;
            if (n == 0) return;
            var fa = Flatness(la, n);
            var fb = Flatness(lb, n);
            if (fa != Flat.No && fb != Flat.No)
            {
                var ys = y.AsSpan(ly.Offset, n);
                if (fa == Flat.Packed && fb == Flat.Packed) TOp.Apply(a.AsSpan(la.Offset, n), b.AsSpan(lb.Offset, n), ys);
                else if (fa == Flat.Packed) TOp.Apply(a.AsSpan(la.Offset, n), b[lb.Offset], ys);
                else if (fb == Flat.Packed) TOp.Apply(a[la.Offset], b.AsSpan(lb.Offset, n), ys);
                else ys.Fill(TOp.Apply(a[la.Offset], b[lb.Offset]));
                return;
            }
        }
        var k = new BinaryRow<T, TOp> { A = a, B = b, Y = y };
        StridedLoop.Run(ly.Sizes, [la.Strides, lb.Strides, ly.Strides], [la.Offset, lb.Offset, ly.Offset], ref k);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compare<T, TOp>(T[] a, Layout la, T[] b, Layout lb, bool[] y, Layout ly) where TOp : ICompareOp<T>
    {
        if (ly.IsContiguous)
        {
            int n = ly.Numel;
            if (n == 0) return;
            var fa = Flatness(la, n);
            var fb = Flatness(lb, n);
            if (fa != Flat.No && fb != Flat.No)
            {
                var ys = y.AsSpan(ly.Offset, n);
                if (fa == Flat.Packed && fb == Flat.Packed)
                {
                    var sa = a.AsSpan(la.Offset, n);
                    var sb = b.AsSpan(lb.Offset, n);
                    for (int i = 0; i < ys.Length; i++) ys[i] = TOp.Apply(sa[i], sb[i]);
                }
                else if (fa == Flat.Packed)
                {
                    var sa = a.AsSpan(la.Offset, n);
                    T vb = b[lb.Offset];
                    for (int i = 0; i < ys.Length; i++) ys[i] = TOp.Apply(sa[i], vb);
                }
                else if (fb == Flat.Packed)
                {
                    T va = a[la.Offset];
                    var sb = b.AsSpan(lb.Offset, n);
                    for (int i = 0; i < ys.Length; i++) ys[i] = TOp.Apply(va, sb[i]);
                }
                else ys.Fill(TOp.Apply(a[la.Offset], b[lb.Offset]));
                return;
            }
        }
        var k = new CompareRow<T, TOp> { A = a, B = b, Y = y };
        StridedLoop.Run(ly.Sizes, [la.Strides, lb.Strides, ly.Strides], [la.Offset, lb.Offset, ly.Offset], ref k);
    }

    /// <summary>
    /// The sum of the element-wise product of two operands of the same sizes, as <c>(a * b).sum()</c> computes it
    /// (bit for bit), without the product array; false when an operand is strided (or both are one broadcast element).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool SumOfProducts<T>(T[] a, Layout la, T[] b, Layout lb, out T result) where T : INumber<T>
    {
        int n = lb.Numel;
        result = T.Zero;
        var fa = Flatness(la, n);
        var fb = Flatness(lb, n);
        if (n == 0 || fa == Flat.No || fb == Flat.No || (fa == Flat.Uniform && fb == Flat.Uniform)) return false;
        // T.Zero + ...: the reduction kernel folds the sum into the identity the same way.
        if (fa == Flat.Uniform) result = T.Zero + Simd.SumOfProducts<T>(a.AsSpan(la.Offset, 1), b.AsSpan(lb.Offset, n), true);
        else if (fb == Flat.Uniform) result = T.Zero + Simd.SumOfProducts<T>(b.AsSpan(lb.Offset, 1), a.AsSpan(la.Offset, n), true);
        else result = T.Zero + Simd.SumOfProducts<T>(a.AsSpan(la.Offset, n), b.AsSpan(lb.Offset, n), false);
        return true;
    }

    /// <summary>How an operand broadcast to <c>n</c> output elements can be read without a strided loop.</summary>
    private enum Flat { No, Packed, Uniform }

    /// <summary>Packed: row-major and dense, like the output; Uniform: one element seen everywhere (stride 0 on every dim that is not 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Flat Flatness(Layout l, int n)
    {
        if (l.Numel != n) return Flat.No;
        if (l.IsContiguous) return Flat.Packed;
        var sizes = l.Sizes;
        var strides = l.Strides;
        for (int d = 0; d < sizes.Length; d++)
            if (sizes[d] != 1 && strides[d] != 0) return Flat.No;
        return Flat.Uniform;
    }

    public static void Where<T>(bool[] c, Layout lc, T[] a, Layout la, T[] b, Layout lb, T[] y, Layout ly)
    {
        var k = new WhereRow<T> { C = c, A = a, B = b, Y = y };
        StridedLoop.Run(ly.Sizes, [lc.Strides, la.Strides, lb.Strides, ly.Strides], [lc.Offset, la.Offset, lb.Offset, ly.Offset], ref k);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fill<T>(T[] y, Layout ly, T value)
    {
        if (ly.IsContiguous)
        {
            y.AsSpan(ly.Offset, ly.Numel).Fill(value);
            return;
        }
        var k = new FillRow<T> { Y = y, Value = value };
        StridedLoop.Run(ly.Sizes, [ly.Strides], [ly.Offset], ref k);
    }

    /// <summary>Copies <paramref name="src"/> into <paramref name="dst"/> (same sizes), converting the element type.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Copy<TSrc, TDst>(TSrc[] src, Layout ls, TDst[] dst, Layout ld)
    {
        if (ls.IsContiguous && ld.IsContiguous)
        {
            if (typeof(TSrc) == typeof(TDst))
            {
                Array.Copy(src, ls.Offset, dst, ld.Offset, ld.Numel);
                return;
            }
            var s = src.AsSpan(ls.Offset, ld.Numel);
            var d = dst.AsSpan(ld.Offset, ld.Numel);
            for (int i = 0; i < d.Length; i++) d[i] = Convert<TSrc, TDst>(s[i]);
            return;
        }
        var k = new CopyRow<TSrc, TDst> { Src = src, Dst = dst };
        StridedLoop.Run(ld.Sizes, [ls.Strides, ld.Strides], [ls.Offset, ld.Offset], ref k);
    }

    /// <summary>Converts one value as PyTorch's <c>.to(dtype)</c> does: truncation toward zero to integers, nonzero to true.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TDst Convert<TSrc, TDst>(TSrc x)
    {
        if (typeof(TSrc) == typeof(TDst)) return Unsafe.As<TSrc, TDst>(ref x);
        double v;
        if (typeof(TSrc) == typeof(float)) v = Unsafe.As<TSrc, float>(ref x);
        else if (typeof(TSrc) == typeof(double)) v = Unsafe.As<TSrc, double>(ref x);
        else if (typeof(TSrc) == typeof(bool)) v = Unsafe.As<TSrc, bool>(ref x) ? 1 : 0;
        else
        {
            long l = Unsafe.As<TSrc, long>(ref x);
            if (typeof(TDst) == typeof(bool)) { bool r = l != 0; return Unsafe.As<bool, TDst>(ref r); }
            if (typeof(TDst) == typeof(float)) { float r = l; return Unsafe.As<float, TDst>(ref r); }
            v = l;
        }
        if (typeof(TDst) == typeof(float)) { float r = (float)v; return Unsafe.As<float, TDst>(ref r); }
        if (typeof(TDst) == typeof(double)) return Unsafe.As<double, TDst>(ref v);
        if (typeof(TDst) == typeof(bool)) { bool r = v != 0; return Unsafe.As<bool, TDst>(ref r); }
        long t = double.IsNaN(v) ? long.MinValue : (long)Math.Truncate(v);
        return Unsafe.As<long, TDst>(ref t);
    }

    private struct UnaryRow<T, TOp> : IRowKernel where TOp : IUnaryOp<T>
    {
        public T[] X, Y;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Row(int n, ReadOnlySpan<int> o, ReadOnlySpan<int> s)
        {
            if (s[0] == 1 && s[1] == 1)
            {
                TOp.Apply(X.AsSpan(o[0], n), Y.AsSpan(o[1], n));
                return;
            }
            for (int i = 0, ix = o[0], iy = o[1]; i < n; i++, ix += s[0], iy += s[1]) Y[iy] = TOp.Apply(X[ix]);
        }
    }

    private struct BinaryRow<T, TOp> : IRowKernel where TOp : IBinaryOp<T>
    {
        public T[] A, B, Y;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Row(int n, ReadOnlySpan<int> o, ReadOnlySpan<int> s)
        {
            if (s[2] == 1)
            {
                if (s[0] == 1 && s[1] == 1) { TOp.Apply(A.AsSpan(o[0], n), B.AsSpan(o[1], n), Y.AsSpan(o[2], n)); return; }
                if (s[0] == 0 && s[1] == 1) { TOp.Apply(A[o[0]], B.AsSpan(o[1], n), Y.AsSpan(o[2], n)); return; }
                if (s[0] == 1 && s[1] == 0) { TOp.Apply(A.AsSpan(o[0], n), B[o[1]], Y.AsSpan(o[2], n)); return; }
            }
            for (int i = 0, ia = o[0], ib = o[1], iy = o[2]; i < n; i++, ia += s[0], ib += s[1], iy += s[2])
                Y[iy] = TOp.Apply(A[ia], B[ib]);
        }
    }

    private struct CompareRow<T, TOp> : IRowKernel where TOp : ICompareOp<T>
    {
        public T[] A, B;
        public bool[] Y;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Row(int n, ReadOnlySpan<int> o, ReadOnlySpan<int> s)
        {
            for (int i = 0, ia = o[0], ib = o[1], iy = o[2]; i < n; i++, ia += s[0], ib += s[1], iy += s[2])
                Y[iy] = TOp.Apply(A[ia], B[ib]);
        }
    }

    private struct WhereRow<T> : IRowKernel
    {
        public bool[] C;
        public T[] A, B, Y;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Row(int n, ReadOnlySpan<int> o, ReadOnlySpan<int> s)
        {
            for (int i = 0, ic = o[0], ia = o[1], ib = o[2], iy = o[3]; i < n; i++, ic += s[0], ia += s[1], ib += s[2], iy += s[3])
                Y[iy] = C[ic] ? A[ia] : B[ib];
        }
    }

    private struct FillRow<T> : IRowKernel
    {
        public T[] Y;
        public T Value;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Row(int n, ReadOnlySpan<int> o, ReadOnlySpan<int> s)
        {
            for (int i = 0, iy = o[0]; i < n; i++, iy += s[0]) Y[iy] = Value;
        }
    }

    private struct CopyRow<TSrc, TDst> : IRowKernel
    {
        public TSrc[] Src;
        public TDst[] Dst;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Row(int n, ReadOnlySpan<int> o, ReadOnlySpan<int> s)
        {
            if (typeof(TSrc) == typeof(TDst) && s[0] == 1 && s[1] == 1)
            {
                Array.Copy(Src, o[0], Dst, o[1], n);
                return;
            }
            for (int i = 0, a = o[0], b = o[1]; i < n; i++, a += s[0], b += s[1]) Dst[b] = Convert<TSrc, TDst>(Src[a]);
        }
    }
}
