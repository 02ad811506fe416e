using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SharpGrad.Kernels;

/// <summary>
/// The packed GEMM driver: A is packed in MR-row panels and B in NR-column panels (all of k, in KC-deep slices),
/// and a micro-kernel walks the tile grid. Work is split over threads by rectangles of tiles (ranges of A panels
/// times ranges of B panels), never along k, and every element is one fixed sequence of KC-deep multiply-add
/// chains added into C in k order, so the result does not depend on the thread count or the split. A row-major B
/// is read in place instead of packed when C has few rows (<see cref="DirectBRows"/>), with the same arithmetic.
/// </summary>
internal static class GemmDriver
{
    /// <summary>Depth of one k slice: a 6 x 64 float tile reads a 64 KB B micro-panel per slice.</summary>
    public const int KC = 256;

    /// <summary>A panels an item multiplies against one B micro-panel before moving on (144 rows, about 150 KB of A per slice).</summary>
    private const int MCPanels = 24;

    /// <summary>Largest packed copy of one operand, in elements; larger problems are cut into blocks of C.</summary>
    public const long PackBudget = 1 << 22;

    /// <summary>
    /// Row-major B is read in place, not packed, when C has at most this many rows: each B panel then serves only a
    /// few A panels, and copying it (a weight matrix, for a batch of 64) costs a large part of the product.
    /// </summary>
    public const int DirectBRows = 256;

    /// <summary>Products with fewer multiply-adds run on one thread: below this, waking a second costs more than it saves.</summary>
    private const long ParallelWork = 1 << 19;

    /// <summary>
    /// C = A B (+ C) with C's element (i, j) at <c>c[cOff + i * cRs + j * cCs]</c>, through the kernel <typeparamref name="TK"/>;
    /// blocks of C keep each packed operand within <paramref name="packBudget"/> elements.
    /// </summary>
    public static void Run<T, TK>(T[] a, int aOff, int aRs, int aCs, T[] b, int bOff, int bRs, int bCs,
        T[] c, int cOff, int cRs, int cCs, int m, int n, int k, bool accumulate, long packBudget = PackBudget)
        where T : unmanaged, INumber<T> where TK : struct, IGemmKernel<T>
    {
        int mr = TK.MR, nr = TK.NR;
        // Blocks of C are of even size and multiples of the tile, so that only the last block of each dimension has
        // edge tiles and no block is a sliver that repacks the whole of the other operand for a few rows.
        int mb = (int)RoundUp((m + Blocks(m, k, packBudget) - 1) / Blocks(m, k, packBudget), mr);
        int nb = (int)RoundUp((n + Blocks(n, k, packBudget) - 1) / Blocks(n, k, packBudget), nr);
        for (int i0 = 0; i0 < m; i0 += mb)
            for (int j0 = 0; j0 < n; j0 += nb)
            {
                int mm = Math.Min(mb, m - i0), nn = Math.Min(nb, n - j0);
                var job = new Job<T, TK>(a, aOff + i0 * aRs, aRs, aCs, b, bOff + j0 * bCs, bRs, bCs,
                    c, cOff + i0 * cRs + j0 * cCs, cRs, cCs, mm, nn, k, accumulate);
                job.Execute();
            }
    }

    private static long RoundUp(long x, int to) => (x + to - 1) / to * to;

    private static int Blocks(int rows, int k, long packBudget) => (int)Math.Min(rows, Math.Max(1, ((long)rows * k + packBudget - 1) / packBudget));

    /// <summary>One block of C: shared packed copies of its A and B, filled lazily by whichever item needs a slice first.</summary>
    private sealed class Job<T, TK>(T[] a, int aOff, int aRs, int aCs, T[] b, int bOff, int bRs, int bCs,
        T[] c, int cOff, int cRs, int cCs, int m, int n, int k, bool accumulate)
        where T : unmanaged, INumber<T> where TK : struct, IGemmKernel<T>
    {
        private const int Packed = 2, Packing = 1;

        private readonly int _mp = (m + TK.MR - 1) / TK.MR, _np = (n + TK.NR - 1) / TK.NR, _kb = (k + KC - 1) / KC;

        /// <summary>Full B panels of a row-major B are read in place (the edge panel is still packed, with its zero padding).</summary>
        private readonly bool _directB = bCs == 1 && m <= DirectBRows;
        private T[] _ap = [], _bp = [];
        private int[] _state = [];
        private int _mItems = 1, _nItems = 1;

        public void Execute()
        {
            int mr = TK.MR, nr = TK.NR;
            _ap = ArrayPool<T>.Shared.Rent(_mp * mr * k);
            _bp = ArrayPool<T>.Shared.Rent(_np * nr * k);
            _state = ArrayPool<int>.Shared.Rent((_mp + _np) * _kb);
            try
            {
                _state.AsSpan(0, (_mp + _np) * _kb).Clear();
                Split();
                long work = (long)_mp * mr * _np * nr * k / (_mItems * _nItems);
                Threading.For(_mItems * _nItems, work, Item);
            }
            finally
            {
                ArrayPool<T>.Shared.Return(_ap);
                ArrayPool<T>.Shared.Return(_bp);
                ArrayPool<int>.Shared.Return(_state);
            }
        }

        /// <summary>
        /// One item per thread. Splitting rows makes every item read all of packed B, splitting columns all of packed A,
        /// so the split goes along the dimension whose other operand is smaller.
        /// </summary>
        private void Split()
        {
            int threads = Threading.Available;
            if (threads <= 1 || (long)m * n * k < ParallelWork) return;
            if (_mp >= threads && (n <= m || _np < threads)) _mItems = threads;
            else if (_np >= threads) _nItems = threads;
            else
            {
                _mItems = _mp;
                _nItems = Math.Min(_np, (threads + _mp - 1) / _mp);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Item(int index)
        {
            int mr = TK.MR, nr = TK.NR;
            int mi = index / _nItems, ni = index % _nItems;
            int p0 = mi * _mp / _mItems, p1 = (mi + 1) * _mp / _mItems;
            int q0 = ni * _np / _nItems, q1 = (ni + 1) * _np / _nItems;
            int nq = q1 - q0;
            // Items start on different B panels (and different A panels) so they do not queue to pack the same one.
            int qRot = mi * nq / _mItems;
            Span<T> tile = stackalloc T[mr * nr];
            ref T ap = ref MemoryMarshal.GetArrayDataReference(_ap);
            ref T bp = ref MemoryMarshal.GetArrayDataReference(_bp);
            for (int ic = p0; ic < p1; ic += MCPanels)
            {
                int ie = Math.Min(p1, ic + MCPanels), ni0 = ie - ic;
                int pRot = ni * ni0 / _nItems;
                for (int s = 0; s < _kb; s++)
                {
                    int k0 = s * KC, kc = Math.Min(KC, k - k0);
                    bool add = accumulate || s > 0;
                    // Claim the first B panel if no one has, then pack this item's A panels before waiting on
                    // anything, so that two items starting on the same B panel do not idle while it is packed.
                    EnsureB(q0 + qRot % nq, s, k0, kc, wait: false);
                    for (int ii = 0; ii < ni0; ii++) EnsureA(ic + (ii + pRot) % ni0, s, k0, kc, wait: false);
                    for (int jj = 0; jj < nq; jj++)
                    {
                        int jr = q0 + (jj + qRot) % nq;
                        int j = jr * nr, cols = Math.Min(nr, n - j);
                        bool direct = _directB && cols == nr;
                        if (!direct) EnsureB(jr, s, k0, kc);
                        ref T bPanel = ref direct ? ref b[bOff + k0 * bRs + j]
                            : ref Unsafe.Add(ref bp, (nint)jr * nr * k + (nint)k0 * nr);
                        nint ldb = direct ? bRs : nr;
                        for (int ii = 0; ii < ni0; ii++)
                        {
                            int ir = ic + (ii + pRot) % ni0;
                            EnsureA(ir, s, k0, kc);
                            ref T aPanel = ref Unsafe.Add(ref ap, (nint)ir * mr * k + (nint)k0 * mr);
                            int i = ir * mr, rows = Math.Min(mr, m - i);
                            if (rows == mr && cols == nr && cCs == 1)
                            {
                                TK.RunB(kc, ref aPanel, ref bPanel, ldb, ref c[cOff + i * cRs + j], cRs, add);
                                continue;
                            }
                            if (cols < nr) TK.RunNarrow(kc, cols, ref aPanel, ref bPanel, ref MemoryMarshal.GetReference(tile), nr, false);
                            else TK.RunB(kc, ref aPanel, ref bPanel, ldb, ref MemoryMarshal.GetReference(tile), nr, false);
                            WriteBack(tile, nr, i, j, rows, cols, add);
                        }
                    }
                }
            }
        }

        /// <summary>Adds (or stores) the valid part of an edge tile; same additions as the kernel's own store.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void WriteBack(Span<T> tile, int nr, int i, int j, int rows, int cols, bool add)
        {
            if (cCs == 1)
            {
                // Rows of C contiguous: vector adds (each lane the same single rounding), then the leftover columns.
                int w = Vector<T>.Count, full = cols / w * w;
                ref T t0 = ref MemoryMarshal.GetReference(tile);
                ref T c0 = ref MemoryMarshal.GetArrayDataReference(c);
                for (int r = 0; r < rows; r++)
                {
                    ref T src = ref Unsafe.Add(ref t0, r * nr);
                    ref T dst = ref Unsafe.Add(ref c0, cOff + (i + r) * cRs + j);
                    for (int q = 0; q < full; q += w)
                    {
                        var v = Vector.LoadUnsafe(ref src, (nuint)q);
                        (add ? Vector.LoadUnsafe(ref dst, (nuint)q) + v : v).StoreUnsafe(ref dst, (nuint)q);
                    }
                    for (int q = full; q < cols; q++) Unsafe.Add(ref dst, q) = add ? Unsafe.Add(ref dst, q) + Unsafe.Add(ref src, q) : Unsafe.Add(ref src, q);
                }
                return;
            }
            for (int r = 0; r < rows; r++)
            {
                int dst = cOff + (i + r) * cRs + j * cCs;
                for (int q = 0; q < cols; q++, dst += cCs)
                {
                    T t = tile[r * nr + q];
                    c[dst] = add ? c[dst] + t : t;
                }
            }
        }

        private void EnsureA(int ir, int s, int k0, int kc, bool wait = true)
        {
            ref int state = ref _state[ir * _kb + s];
            if (Volatile.Read(ref state) == Packed) return;
            if (Interlocked.CompareExchange(ref state, Packing, 0) == 0)
            {
                try
                {
                    int mr = TK.MR, i = ir * mr;
                    GemmPacking.PackA(a, aOff + i * aRs + k0 * aCs, aRs, aCs, Math.Min(mr, m - i), kc, mr,
                        _ap.AsSpan(ir * mr * k + k0 * mr, kc * mr));
                }
                finally
                {
                    Volatile.Write(ref state, Packed);
                }
                return;
            }
            if (wait) Wait(ref state);
        }

        private void EnsureB(int jr, int s, int k0, int kc, bool wait = true)
        {
            if (_directB && (jr + 1) * TK.NR <= n) return;
            ref int state = ref _state[(_mp + jr) * _kb + s];
            if (Volatile.Read(ref state) == Packed) return;
            if (Interlocked.CompareExchange(ref state, Packing, 0) == 0)
            {
                try
                {
                    int nr = TK.NR, j = jr * nr;
                    GemmPacking.PackB(b, bOff + k0 * bRs + j * bCs, bRs, bCs, Math.Min(nr, n - j), kc, nr,
                        _bp.AsSpan(jr * nr * k + k0 * nr, kc * nr));
                }
                finally
                {
                    Volatile.Write(ref state, Packed);
                }
                return;
            }
            if (wait) Wait(ref state);
        }

        /// <summary>Waits for another item that is packing this slice right now (it never blocks, so this ends).</summary>
        private static void Wait(ref int state)
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref state) != Packed) spin.SpinOnce(sleep1Threshold: -1);
        }
    }
}
