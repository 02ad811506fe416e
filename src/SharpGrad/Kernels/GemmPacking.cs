using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
            // Column-major B (a transposed operand): read columns in k blocks so the written lines stay in L1.
            const int block = 32;
            for (int p0 = 0; p0 < kc; p0 += block)
            {
                int pe = Math.Min(kc, p0 + block);
                for (int j = 0; j < cols; j++)
                {
                    ref T src = ref Unsafe.Add(ref s, off + j * cs);
                    ref T o = ref Unsafe.Add(ref d, j);
                    for (int p = p0; p < pe; p++) Unsafe.Add(ref o, p * nr) = Unsafe.Add(ref src, p);
                }
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
}
