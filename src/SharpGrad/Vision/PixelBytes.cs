using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SharpGrad.Vision;

/// <summary>
/// Grey-level bytes to float32 the way <c>ToTensor</c> maps them (<c>value / 255</c> in float32), for the batch path
/// of the MNIST family: vectorised, with exactly the bits of the scalar division.
/// </summary>
internal static class PixelBytes
{
    /// <summary>True when <paramref name="table"/> (the value of each grey level 0..255) is exactly <c>level / 255f</c>.</summary>
    public static bool IsDivideBy255(float[] table)
    {
        if (table.Length != 256) return false;
        for (int i = 0; i < 256; i++)
            if (BitConverter.SingleToInt32Bits(table[i]) != BitConverter.SingleToInt32Bits(i / 255f)) return false;
        return true;
    }

    /// <summary><c>target[i] = source[i] / 255f</c> for every i (the spans have the same length).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DivideBy255(ReadOnlySpan<byte> source, Span<float> target)
    {
        if (target.Length != source.Length)
            throw new ArgumentException($"PixelBytes.DivideBy255: {source.Length} bytes but {target.Length} floats");
        int i = 0;
        if (Vector256.IsHardwareAccelerated && source.Length >= Vector256<byte>.Count)
        {
            ref byte s = ref MemoryMarshal.GetReference(source);
            ref float t = ref MemoryMarshal.GetReference(target);
            var scale = Vector256.Create(255f);
            int n = source.Length - Vector256<byte>.Count;
            for (; i <= n; i += Vector256<byte>.Count)
            {
                var bytes = Vector256.LoadUnsafe(ref s, (nuint)i);
                var (lo16, hi16) = Vector256.Widen(bytes);
                var (a, b) = Vector256.Widen(lo16);
                var (c, d) = Vector256.Widen(hi16);
                // Division, not multiplication by 1/255: IEEE division is correctly rounded, so the bits match i / 255f.
                (Vector256.ConvertToSingle(a.AsInt32()) / scale).StoreUnsafe(ref t, (nuint)i);
                (Vector256.ConvertToSingle(b.AsInt32()) / scale).StoreUnsafe(ref t, (nuint)(i + 8));
                (Vector256.ConvertToSingle(c.AsInt32()) / scale).StoreUnsafe(ref t, (nuint)(i + 16));
                (Vector256.ConvertToSingle(d.AsInt32()) / scale).StoreUnsafe(ref t, (nuint)(i + 24));
            }
        }
        for (; i < source.Length; i++) target[i] = source[i] / 255f;
    }

    /// <summary>
    /// Asks the CPU to start loading <paramref name="row"/> into cache (a hint, no effect on values): the batch path
    /// gathers rows in random order from a set larger than the cache, so fetching a few rows ahead hides the misses.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Prefetch(ReadOnlySpan<byte> row)
    {
        if (!Sse.IsSupported || row.IsEmpty) return;
        fixed (byte* p = row)
            for (int offset = 0; offset < row.Length; offset += 64) Sse.Prefetch0(p + offset);
    }
}
