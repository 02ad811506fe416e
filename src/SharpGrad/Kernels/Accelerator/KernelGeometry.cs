using SharpGrad.Core;

namespace SharpGrad.Kernels.Accelerator;

/// <summary>
/// Up to <see cref="MaxRank"/> sizes, right-aligned (leading unused dims are 1), passed to a device kernel by value so
/// that a launch needs no device allocation for its layout. <see cref="Offset"/> maps a row-major element number to
/// a storage index with fixed, branch-free steps.
/// </summary>
internal struct Shape8
{
    /// <summary>The largest rank a device kernel takes.</summary>
    public const int MaxRank = 8;

    public int D0, D1, D2, D3, D4, D5, D6, D7;

    /// <summary>Sizes of <paramref name="sizes"/>, right-aligned.</summary>
    public static Shape8 Of(string op, int[] sizes)
    {
        if (sizes.Length > MaxRank)
            throw new ArgumentException($"{op}: device kernels take tensors of at most {MaxRank} dimensions, got {sizes.Length}");
        Span<int> d = stackalloc int[MaxRank];
        d.Fill(1);
        for (int i = 0; i < sizes.Length; i++) d[MaxRank - sizes.Length + i] = sizes[i];
        return new Shape8 { D0 = d[0], D1 = d[1], D2 = d[2], D3 = d[3], D4 = d[4], D5 = d[5], D6 = d[6], D7 = d[7] };
    }

    /// <summary>The storage index of element number <paramref name="i"/> (row-major over these sizes) under <paramref name="s"/>.</summary>
    public readonly long Offset(long i, Strides8 s)
    {
        long o = s.Offset, q;
        q = i / D7; o += (i - q * D7) * s.S7; i = q;
        q = i / D6; o += (i - q * D6) * s.S6; i = q;
        q = i / D5; o += (i - q * D5) * s.S5; i = q;
        q = i / D4; o += (i - q * D4) * s.S4; i = q;
        q = i / D3; o += (i - q * D3) * s.S3; i = q;
        q = i / D2; o += (i - q * D2) * s.S2; i = q;
        q = i / D1; o += (i - q * D1) * s.S1; i = q;
        return o + i * s.S0;
    }
}

/// <summary>The strides and offset of one operand, right-aligned like <see cref="Shape8"/> (leading unused dims 0).</summary>
internal struct Strides8
{
    public long Offset;
    public int S0, S1, S2, S3, S4, S5, S6, S7;

    /// <summary>The strides of <paramref name="layout"/>, right-aligned.</summary>
    public static Strides8 Of(Layout layout) => Of(layout.Strides, layout.Offset);

    /// <summary><paramref name="strides"/> and <paramref name="offset"/>, right-aligned.</summary>
    public static Strides8 Of(int[] strides, long offset)
    {
        Span<int> s = stackalloc int[Shape8.MaxRank];
        s.Clear();
        for (int i = 0; i < strides.Length; i++) s[Shape8.MaxRank - strides.Length + i] = strides[i];
        return new Strides8 { Offset = offset, S0 = s[0], S1 = s[1], S2 = s[2], S3 = s[3], S4 = s[4], S5 = s[5], S6 = s[6], S7 = s[7] };
    }
}

/// <summary>The index space of an element-wise kernel: the output's sizes and up to three operands' strides.</summary>
internal struct ElementGeometry
{
    public Shape8 Shape;
    public Strides8 A, B, Y;

    public static ElementGeometry Of(string op, Layout y, Layout a, Layout? b = null) => new()
    {
        Shape = Shape8.Of(op, y.Sizes),
        Y = Strides8.Of(y),
        A = Strides8.Of(a),
        B = b is null ? default : Strides8.Of(b),
    };
}

/// <summary>
/// A reduction's index space: one thread per output element walks the kept dims (<see cref="Outer"/>), then loops over
/// the <see cref="InnerCount"/> reduced elements (<see cref="Inner"/>).
/// </summary>
internal struct ReduceGeometry
{
    public Shape8 Outer, Inner;
    public Strides8 OuterX, OuterY, InnerX;
    public long InnerCount;
}

/// <summary>C = A B (+ C): sizes and the operands' element strides; C is row-major from <see cref="COffset"/>.</summary>
internal struct GemmGeometry
{
    public int M, N, K;
    public long AOffset, BOffset, COffset;
    public int As0, As1, Bs0, Bs1;
    public int Accumulate;
}
