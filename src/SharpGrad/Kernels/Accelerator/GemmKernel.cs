using System.Numerics;
using ILGPU;

namespace SharpGrad.Kernels.Accelerator;

/// <summary>A compile-time tile edge for <see cref="GemmKernel"/> (shared-memory sizes must be constants).</summary>
internal interface ITile
{
    int Size { get; }
}

/// <summary>16 x 16 tiles (256 threads a group): the CUDA configuration.</summary>
internal struct Tile16 : ITile
{
    public readonly int Size => 16;
}

/// <summary>4 x 4 tiles (16 threads a group): ILGPU's CPU accelerator allows at most 16 threads in a group.</summary>
internal struct Tile4 : ITile
{
    public readonly int Size => 4;
}

/// <summary>
/// C = A B (+ C) with shared-memory tiles: each group loads a TILE x TILE block of A and of B per step along k, then
/// every thread accumulates its output element from shared memory. A and B may have any strides (transposed views need
/// no copy); C is row-major. Grid: (ceil(n / TILE), ceil(m / TILE)) groups of TILE x TILE threads.
/// </summary>
internal static class GemmKernel
{
    public static void Run<T, TTile>(ArrayView<T> a, ArrayView<T> b, ArrayView<T> c, GemmGeometry g)
        where T : unmanaged, INumber<T> where TTile : struct, ITile
    {
        int tile = default(TTile).Size;
        var sa = SharedMemory.Allocate<T>(default(TTile).Size * default(TTile).Size);
        var sb = SharedMemory.Allocate<T>(default(TTile).Size * default(TTile).Size);
        int tx = Group.IdxX, ty = Group.IdxY;
        int col = Grid.IdxX * tile + tx, row = Grid.IdxY * tile + ty;
        T acc = T.Zero;
        for (int k0 = 0; k0 < g.K; k0 += tile)
        {
            int ka = k0 + tx, kb = k0 + ty;
            sa[ty * tile + tx] = row < g.M && ka < g.K ? a[g.AOffset + (long)row * g.As0 + (long)ka * g.As1] : T.Zero;
            sb[ty * tile + tx] = col < g.N && kb < g.K ? b[g.BOffset + (long)kb * g.Bs0 + (long)col * g.Bs1] : T.Zero;
            Group.Barrier();
            for (int k = 0; k < tile; k++) acc += sa[ty * tile + k] * sb[k * tile + tx];
            Group.Barrier();
        }
        if (row < g.M && col < g.N)
        {
            long at = g.COffset + (long)row * g.N + col;
            c[at] = g.Accumulate != 0 ? c[at] + acc : acc;
        }
    }

    /// <summary>
    /// C = A B (+ C) with one thread per output element and no shared memory: what the CPU simulator runs for large
    /// products (its group barriers cost an OS-thread rendezvous each, which makes the tiled kernel crawl there).
    /// </summary>
    public static void Plain<T>(Index1D i, ArrayView<T> a, ArrayView<T> b, ArrayView<T> c, GemmGeometry g) where T : unmanaged, INumber<T>
    {
        int row = i / g.N, col = i - row * g.N;
        T acc = T.Zero;
        long ai = g.AOffset + (long)row * g.As0, bi = g.BOffset + (long)col * g.Bs1;
        for (int k = 0; k < g.K; k++) acc += a[ai + (long)k * g.As1] * b[bi + (long)k * g.Bs0];
        long at = g.COffset + i;
        c[at] = g.Accumulate != 0 ? c[at] + acc : acc;
    }
}
