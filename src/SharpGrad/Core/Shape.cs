using System.Runtime.CompilerServices;
namespace SharpGrad.Core;

/// <summary>Helpers for shapes (arrays of dimension sizes): broadcasting, dims, formatting.</summary>
public static class Shape
{
    /// <summary>Product of the sizes; throws when it does not fit the 2^31 elements a .NET array can hold.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Numel(ReadOnlySpan<int> sizes)
    {
        long n = 1;
        foreach (int s in sizes)
        {
            n *= s;
            if (n > int.MaxValue)
                throw new ArgumentException($"shape {Format(sizes)} has more than {int.MaxValue} elements, more than one storage can hold");
        }
        return (int)n;
    }

    /// <summary>Row-major strides for the sizes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int[] ContiguousStrides(ReadOnlySpan<int> sizes)
    {
        if (sizes.Length == 0) return [];
        var strides = new int[sizes.Length];
        int s = 1;
        for (int d = sizes.Length - 1; d >= 0; d--)
        {
            strides[d] = s;
            s *= Math.Max(sizes[d], 1);
        }
        return strides;
    }

    /// <summary>Formats a shape as PyTorch prints it in messages: <c>[32, 784]</c>.</summary>
    public static string Format(ReadOnlySpan<int> sizes) => "[" + string.Join(", ", sizes.ToArray()) + "]";

    /// <summary>The broadcast shape of two shapes (NumPy rules), or an error naming the op and the mismatch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int[] Broadcast(string op, int[] a, int[] b)
    {
        if (a.AsSpan().SequenceEqual(b)) return a;
        if (AllOnes(b) && b.Length <= a.Length) return a; // a scalar or [1, 1] operand leaves the other's shape
        if (AllOnes(a) && a.Length <= b.Length) return b;
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - a.Length), db = i - (rank - b.Length);
            int sa = da >= 0 ? a[da] : 1, sb = db >= 0 ? b[db] : 1;
            if (sa != sb && sa != 1 && sb != 1)
                throw new ArgumentException(
                    $"{op}: the size of tensor a ({sa}) must match the size of tensor b ({sb}) at non-singleton dimension {i} " +
                    $"(shapes {Format(a)} and {Format(b)})");
            result[i] = sa == 1 ? sb : sa;
        }
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool AllOnes(int[] sizes)
    {
        foreach (int s in sizes) if (s != 1) return false;
        return true;
    }

    /// <summary>Turns a possibly negative dim into 0..rank-1, or throws an error naming the op.</summary>
    public static int NormalizeDim(string op, int dim, int rank)
    {
        int r = Math.Max(rank, 1);
        if (dim < -r || dim >= r)
            throw new ArgumentOutOfRangeException(nameof(dim),
                $"{op}: dimension out of range (expected to be in range of [{-r}, {r - 1}], but got {dim})");
        return dim < 0 ? dim + r : dim;
    }

    /// <summary>Replaces a single -1 in a requested shape by the size that makes the element count match.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int[] InferSize(string op, int[] requested, int numel, int[] from)
    {
        var sizes = (int[])requested.Clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < sizes.Length; i++)
        {
            if (sizes[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException($"{op}: only one dimension can be inferred (-1), got shape {Format(requested)}");
                infer = i;
            }
            else if (sizes[i] < 0) throw new ArgumentException($"{op}: invalid shape dimension {sizes[i]} in {Format(requested)}");
            else known *= sizes[i];
        }
        if (infer >= 0)
        {
            if (known == 0 || numel % known != 0)
                throw new ArgumentException($"{op}: shape {Format(requested)} is invalid for input of size {numel} (shape {Format(from)})");
            sizes[infer] = (int)(numel / known);
        }
        else if (known != numel)
            throw new ArgumentException($"{op}: shape {Format(requested)} is invalid for input of size {numel} (shape {Format(from)})");
        return sizes;
    }

    /// <summary>A copy of the array without element <paramref name="index"/>.</summary>
    public static int[] RemoveAt(int[] a, int index)
    {
        var r = new int[a.Length - 1];
        Array.Copy(a, 0, r, 0, index);
        Array.Copy(a, index + 1, r, index, a.Length - index - 1);
        return r;
    }

    /// <summary>A copy of the array with <paramref name="value"/> inserted at <paramref name="index"/>.</summary>
    public static int[] InsertAt(int[] a, int index, int value)
    {
        var r = new int[a.Length + 1];
        Array.Copy(a, 0, r, 0, index);
        r[index] = value;
        Array.Copy(a, index, r, index + 1, a.Length - index);
        return r;
    }
}
