using System.Numerics;
using SharpGrad.Core;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SharpGrad;

/// <summary>
/// One block of an element-wise in-place update over up to five same-shaped tensors (an optimizer step): operand 0
/// (the parameter) and operands 2 to 4 (state buffers) are read and written, operand 1 (the gradient) is only read.
/// Absent operands arrive as zeros and are not stored.
/// </summary>
internal interface IFusedUpdate<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Updates one vector of elements.</summary>
    void Apply(ref Vector<T> x0, Vector<T> x1, ref Vector<T> x2, ref Vector<T> x3, ref Vector<T> x4);

    /// <summary>The same rule for the device kernel (scalars rounded to <typeparamref name="T"/> as the vectors are).</summary>
    Kernels.Accelerator.FusedRule<T> DeviceRule { get; }
}

public partial class Tensor
{
    private const int FusedParallelMin = 1 << 17; // elements per thread: below this the split costs more than it saves

    /// <summary>
    /// Runs <paramref name="update"/> over every element of <paramref name="x0"/> and the other operands in one pass,
    /// outside autograd, and bumps the versions of the written tensors. Contiguous operands of dtype
    /// <typeparamref name="T"/> are updated where they are; others (strided, another dtype, or sharing a buffer with an
    /// earlier operand) go through a contiguous copy that is written back. Large tensors are split across threads
    /// (the result does not depend on the split: each element is computed on its own).
    /// </summary>
    internal static void FusedUpdate_<T, TUpdate>(string op, TUpdate update, Tensor x0, Tensor x1, Tensor? x2 = null, Tensor? x3 = null, Tensor? x4 = null)
        where T : unmanaged, IFloatingPointIeee754<T> where TUpdate : struct, IFusedUpdate<T>
    {
        var dtype = DTypeInfo.Of<T>();
        Tensor?[] operands = [x0, x1, x2, x3, x4];
        var work = new Tensor?[5];
        for (int i = 0; i < 5; i++)
        {
            var t = operands[i];
            if (t is null) continue;
            if (!t.Layout.Sizes.AsSpan().SequenceEqual(x0.Layout.Sizes))
                throw new ArgumentException(
                    $"{op}: operand {i} has shape {Core.Shape.Format(t.Layout.Sizes)}, but the parameter has shape {Core.Shape.Format(x0.Layout.Sizes)}");
            if (i != 1) t.CheckNoInternalOverlap(op);
            bool shared = false;
            for (int j = 0; j < i; j++) shared |= operands[j] is Tensor o && ReferenceEquals(o.Storage, t.Storage);
            work[i] = t.DType != dtype ? t.CastRaw(dtype) : t.Layout.IsContiguous && !shared ? t : t.CloneRaw();
        }

        int n = x0.Layout.Numel;
        if (!x0.Device.IsCpu)
        {
            // Device parameters: the same rule as one element-wise device kernel (the kernel dispatch's device side).
            Kernels.Devices.Backend(x0.Storage).FusedUpdate(op, update.DeviceRule, n, work[0]!.Storage, work[0]!.Layout.Offset,
                work[1]!.Storage, work[1]!.Layout.Offset, work[2]?.Storage, work[2]?.Layout.Offset ?? 0,
                work[3]?.Storage, work[3]?.Layout.Offset ?? 0, work[4]?.Storage, work[4]?.Layout.Offset ?? 0);
        }
        else RunOnCpu<T, TUpdate>(update, work, n);
        WriteBack(operands, work);
    }

    private static void RunOnCpu<T, TUpdate>(TUpdate update, Tensor?[] work, int n)
        where T : unmanaged, IFloatingPointIeee754<T> where TUpdate : struct, IFusedUpdate<T>
    {
        var buffers = new Buffers<T>(work);
        int chunks = n < FusedParallelMin ? 1 : Math.Max(1, Math.Min(Kernels.Threading.NumThreads, n / FusedParallelMin));
        if (chunks == 1) RunFused(update, buffers, 0, n);
        else
        {
            int size = ((n + chunks - 1) / chunks + 63) & ~63;
            Kernels.Threading.For(chunks, size, c => RunFused(update, buffers, c * size, Math.Min(n, (c + 1) * size)));
        }
    }

    /// <summary>Copies converted or packed working copies back into their operands and bumps the written tensors' versions.</summary>
    private static void WriteBack(Tensor?[] operands, Tensor?[] work)
    {
        for (int i = 0; i < 5; i++)
        {
            if (i == 1 || operands[i] is not Tensor t) continue;
            if (!ReferenceEquals(work[i], t)) t.CopyRaw(work[i]!);
            t.BumpVersion();
        }
    }

    /// <summary>The arrays and element offsets of the (contiguous) operands.</summary>
    private readonly struct Buffers<T> where T : unmanaged
    {
        public readonly T[]?[] Arrays;
        public readonly int[] Offsets;

        public Buffers(Tensor?[] operands)
        {
            Arrays = new T[]?[operands.Length];
            Offsets = new int[operands.Length];
            for (int i = 0; i < operands.Length; i++)
            {
                if (operands[i] is not Tensor t) continue;
                Arrays[i] = t.Buffer<T>();
                Offsets[i] = t.Layout.Offset;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunFused<T, TUpdate>(TUpdate update, Buffers<T> b, int start, int end)
        where T : unmanaged, IFloatingPointIeee754<T> where TUpdate : struct, IFusedUpdate<T>
    {
        if (start >= end) return;
        int width = Vector<T>.Count;
        var a = b.Arrays;
        bool has2 = a[2] is not null, has3 = a[3] is not null, has4 = a[4] is not null;
        ref T r0 = ref ElementRef(a[0]!, b.Offsets[0] + start);
        ref T r1 = ref ElementRef(a[1]!, b.Offsets[1] + start);
        ref T r2 = ref has2 ? ref ElementRef(a[2]!, b.Offsets[2] + start) : ref Unsafe.NullRef<T>();
        ref T r3 = ref has3 ? ref ElementRef(a[3]!, b.Offsets[3] + start) : ref Unsafe.NullRef<T>();
        ref T r4 = ref has4 ? ref ElementRef(a[4]!, b.Offsets[4] + start) : ref Unsafe.NullRef<T>();
        nuint count = (nuint)(end - start), i = 0;
        Vector<T> v2 = default, v3 = default, v4 = default;
        for (; i + (nuint)width <= count; i += (nuint)width)
        {
            var v0 = Vector.LoadUnsafe(ref r0, i);
            var v1 = Vector.LoadUnsafe(ref r1, i);
            if (has2) v2 = Vector.LoadUnsafe(ref r2, i);
            if (has3) v3 = Vector.LoadUnsafe(ref r3, i);
            if (has4) v4 = Vector.LoadUnsafe(ref r4, i);
            update.Apply(ref v0, v1, ref v2, ref v3, ref v4);
            v0.StoreUnsafe(ref r0, i);
            if (has2) v2.StoreUnsafe(ref r2, i);
            if (has3) v3.StoreUnsafe(ref r3, i);
            if (has4) v4.StoreUnsafe(ref r4, i);
        }
        if (i == count) return;
        // The tail runs through the same vector code on zero-padded copies, so there is one formula per update.
        int rest = (int)(count - i);
        Span<T> t0 = stackalloc T[width], t1 = stackalloc T[width], t2 = stackalloc T[width], t3 = stackalloc T[width], t4 = stackalloc T[width];
        Tail(ref r0, i, rest, t0, load: true);
        Tail(ref r1, i, rest, t1, load: true);
        if (has2) Tail(ref r2, i, rest, t2, load: true);
        if (has3) Tail(ref r3, i, rest, t3, load: true);
        if (has4) Tail(ref r4, i, rest, t4, load: true);
        var w0 = new Vector<T>(t0);
        var w2 = new Vector<T>(t2);
        var w3 = new Vector<T>(t3);
        var w4 = new Vector<T>(t4);
        update.Apply(ref w0, new Vector<T>(t1), ref w2, ref w3, ref w4);
        w0.CopyTo(t0);
        w2.CopyTo(t2);
        w3.CopyTo(t3);
        w4.CopyTo(t4);
        Tail(ref r0, i, rest, t0, load: false);
        if (has2) Tail(ref r2, i, rest, t2, load: false);
        if (has3) Tail(ref r3, i, rest, t3, load: false);
        if (has4) Tail(ref r4, i, rest, t4, load: false);
    }

    private static ref T ElementRef<T>(T[] array, int index) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), index);

    /// <summary>Copies the last <paramref name="rest"/> elements from <paramref name="r"/>+<paramref name="i"/> into the scratch (or back).</summary>
    private static void Tail<T>(ref T r, nuint i, int rest, Span<T> scratch, bool load) where T : unmanaged
    {
        var span = MemoryMarshal.CreateSpan(ref Unsafe.Add(ref r, i), rest);
        if (load) span.CopyTo(scratch);
        else scratch[..rest].CopyTo(span);
    }
}
