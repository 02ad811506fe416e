using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SharpGrad.Kernels;

/// <summary>
/// Copies pieces of A and B into the panel layouts the micro-kernels read: an A panel holds MR rows k-major
/// (<c>dst[p * MR + r]</c>), a B panel NR columns k-major (<c>dst[p * NR + j]</c>). Rows or columns past the edge
/// of the matrix are packed as zeros, so a kernel can always compute a full tile. Callers have checked that every
/// element read lies inside the source array.
/// </summary>
internal static class GemmPacking
{
    /// <summary>Packs A[0..rows, 0..kc] (element (r, p) at <c>a[off + r * rs + p * cs]</c>) into an MR-row panel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA<T>(T[] a, int off, int rs, int cs, int rows, int kc, int mr, Span<T> dst) where T : unmanaged
    {
        if (rows < mr) dst[..(kc * mr)].Clear();
        ref T s = ref MemoryMarshal.GetArrayDataReference(a);
        ref T d = ref MemoryMarshal.GetReference(dst);
        if (cs == 1 && rows == 6 && mr == 6)
        {
            // Row-major A, full panel: six row streams in, one contiguous stream out.
            ref T r0 = ref Unsafe.Add(ref s, off);
            ref T r1 = ref Unsafe.Add(ref r0, rs);
            ref T r2 = ref Unsafe.Add(ref r1, rs);
            ref T r3 = ref Unsafe.Add(ref r2, rs);
            ref T r4 = ref Unsafe.Add(ref r3, rs);
            ref T r5 = ref Unsafe.Add(ref r4, rs);
            for (int p = 0; p < kc; p++)
            {
                ref T o = ref Unsafe.Add(ref d, p * 6);
                o = Unsafe.Add(ref r0, p);
                Unsafe.Add(ref o, 1) = Unsafe.Add(ref r1, p);
                Unsafe.Add(ref o, 2) = Unsafe.Add(ref r2, p);
                Unsafe.Add(ref o, 3) = Unsafe.Add(ref r3, p);
                Unsafe.Add(ref o, 4) = Unsafe.Add(ref r4, p);
                Unsafe.Add(ref o, 5) = Unsafe.Add(ref r5, p);
            }
        }
        else if (rs == 1)
        {
            // Column-major A (a transposed operand): each k step is a contiguous run of rows.
            for (int p = 0; p < kc; p++)
            {
                ref T src = ref Unsafe.Add(ref s, off + p * cs);
                ref T o = ref Unsafe.Add(ref d, p * mr);
                for (int r = 0; r < rows; r++) Unsafe.Add(ref o, r) = Unsafe.Add(ref src, r);
            }
        }
        else
        {
            for (int r = 0; r < rows; r++)
            {
                ref T src = ref Unsafe.Add(ref s, off + r * rs);
                ref T o = ref Unsafe.Add(ref d, r);
                for (int p = 0; p < kc; p++) Unsafe.Add(ref o, p * mr) = Unsafe.Add(ref src, p * cs);
            }
        }
    }

    /// <summary>Packs B[0..kc, 0..cols] (element (p, j) at <c>b[off + p * rs + j * cs]</c>) into an NR-column panel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB<T>(T[] b, int off, int rs, int cs, int cols, int kc, int nr, Span<T> dst) where T : unmanaged
    {
        if (cols < nr) dst[..(kc * nr)].Clear();
        ref T s = ref MemoryMarshal.GetArrayDataReference(b);
        ref T d = ref MemoryMarshal.GetReference(dst);
        if (cs == 1)
        {
            // Row-major B: each k step is a contiguous run of columns.
            for (int p = 0; p < kc; p++)
                MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref s, off + p * rs), cols)
                    .CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref d, p * nr), cols));
        }
        else if (rs == 1)
        {
            // Column-major B (a transposed operand, as the weight of a linear layer): transpose 8 x 8 blocks
            // (4 x 4 for 8-byte types) in registers, then the leftover edges one element at a time.
            int done = 0, kDone = 0;
            if (Avx.IsSupported && Unsafe.SizeOf<T>() == 4)
            {
                done = cols & ~7;
                kDone = kc & ~7;
                for (int j = 0; j < done; j += 8)
                    for (int p = 0; p < kDone; p += 8)
                        Transpose8x8(ref Unsafe.As<T, float>(ref Unsafe.Add(ref s, off + j * cs + p)), cs,
                            ref Unsafe.As<T, float>(ref Unsafe.Add(ref d, p * nr + j)), nr);
            }
            else if (Avx.IsSupported && Unsafe.SizeOf<T>() == 8)
            {
                done = cols & ~3;
                kDone = kc & ~3;
                for (int j = 0; j < done; j += 4)
                    for (int p = 0; p < kDone; p += 4)
                        Transpose4x4(ref Unsafe.As<T, double>(ref Unsafe.Add(ref s, off + j * cs + p)), cs,
                            ref Unsafe.As<T, double>(ref Unsafe.Add(ref d, p * nr + j)), nr);
            }
            for (int j = 0; j < cols; j++)
            {
                ref T src = ref Unsafe.Add(ref s, off + j * cs);
                ref T o = ref Unsafe.Add(ref d, j);
                for (int p = j < done ? kDone : 0; p < kc; p++) Unsafe.Add(ref o, p * nr) = Unsafe.Add(ref src, p);
            }
        }
        else
        {
            for (int p = 0; p < kc; p++)
            {
                ref T src = ref Unsafe.Add(ref s, off + p * rs);
                ref T o = ref Unsafe.Add(ref d, p * nr);
                for (int j = 0; j < cols; j++) Unsafe.Add(ref o, j) = Unsafe.Add(ref src, j * cs);
            }
        }
    }

    /// <summary>dst[t * ld + q] = src[q * ls + t] for an 8 x 8 block of 4-byte elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose8x8(ref float src, int ls, ref float dst, int ld)
    {
        var r0 = Vector256.LoadUnsafe(ref src);
        var r1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, ls));
        var r2 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, 2 * ls));
        var r3 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, 3 * ls));
        var r4 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, 4 * ls));
        var r5 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, 5 * ls));
        var r6 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, 6 * ls));
        var r7 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, 7 * ls));
        // Interleave pairs of rows, then pairs of pairs, then swap 128-bit halves.
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref dst);
        Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref Unsafe.Add(ref dst, ld));
        Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref Unsafe.Add(ref dst, 2 * ld));
        Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref Unsafe.Add(ref dst, 3 * ld));
        Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref Unsafe.Add(ref dst, 4 * ld));
        Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref Unsafe.Add(ref dst, 5 * ld));
        Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref Unsafe.Add(ref dst, 6 * ld));
        Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref Unsafe.Add(ref dst, 7 * ld));
    }

    /// <summary>dst[t * ld + q] = src[q * ls + t] for a 4 x 4 block of 8-byte elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose4x4(ref double src, int ls, ref double dst, int ld)
    {
        var r0 = Vector256.LoadUnsafe(ref src);
        var r1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, ls));
        var r2 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, 2 * ls));
        var r3 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, 3 * ls));
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        Avx.Permute2x128(t0, t2, 0x20).StoreUnsafe(ref dst);
        Avx.Permute2x128(t1, t3, 0x20).StoreUnsafe(ref Unsafe.Add(ref dst, ld));
        Avx.Permute2x128(t0, t2, 0x31).StoreUnsafe(ref Unsafe.Add(ref dst, 2 * ld));
        Avx.Permute2x128(t1, t3, 0x31).StoreUnsafe(ref Unsafe.Add(ref dst, 3 * ld));
    }
}
