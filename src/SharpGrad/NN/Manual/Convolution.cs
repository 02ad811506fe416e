using SharpGrad.Core;

namespace SharpGrad.NN.Manual;

/// <summary>
/// Convolution layer with hand-written backward (course <c>Convolution(W, b, stride=1, pad=0)</c>; the autograd
/// counterpart is <c>F.conv2d(x, W, b, stride, padding)</c>). W is [FN, C, FH, FW], b is [FN]. Forward unrolls the
/// input with <see cref="Columns.Im2Col"/> and multiplies by the flattened filters; Backward computes
/// <see cref="DW"/>, <see cref="DB"/> and dx (the latter folded back with <see cref="Columns.Col2Im"/>).
/// </summary>
public sealed class Convolution : Layer
{
    private Tensor? _col, _colW;
    private int[]? _inputShape;

    /// <summary>Creates the layer from its filters <paramref name="w"/> [FN, C, FH, FW] and bias <paramref name="b"/> [FN].</summary>
    public Convolution(Tensor w, Tensor b, int stride = 1, int pad = 0)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(b);
        if (w.NDim != 4) throw new ArgumentException($"Convolution: W must be 4-D [FN, C, FH, FW], got shape {Shape.Format(w.Shape)}");
        if (b.NDim != 1 || b.Shape[0] != w.Shape[0])
            throw new ArgumentException($"Convolution: b must have shape [{w.Shape[0]}] to match W {Shape.Format(w.Shape)}, got {Shape.Format(b.Shape)}");
        if (b.DType != w.DType) throw new ArgumentException($"Convolution: W is {w.DType.TorchName()} but b is {b.DType.TorchName()}");
        if (stride <= 0) throw new ArgumentException($"Convolution: stride must be positive, got {stride}");
        if (pad < 0) throw new ArgumentException($"Convolution: pad must be at least 0, got {pad}");
        (W, B, Stride, Pad) = (w, b, stride, pad);
    }

    private protected override string Name => "Convolution";

    /// <summary>The filters [FN, C, FH, FW] (course: <c>self.W</c>).</summary>
    public Tensor W { get; }

    /// <summary>The bias [FN] (course: <c>self.b</c>).</summary>
    public Tensor B { get; }

    /// <summary>Step of the window (course: <c>self.stride</c>).</summary>
    public int Stride { get; }

    /// <summary>Zero padding on each side (course: <c>self.pad</c>).</summary>
    public int Pad { get; }

    /// <summary>dL/dW after <see cref="Layer.Backward"/>, shaped like <see cref="W"/> (course: <c>self.dW</c>).</summary>
    public Tensor? DW { get; private set; }

    /// <summary>dL/db after <see cref="Layer.Backward"/>, shaped like <see cref="B"/> (course: <c>self.db</c>).</summary>
    public Tensor? DB { get; private set; }

    private protected override Tensor ForwardCore(Tensor x)
    {
        RequireInput(x, 4, "[N, C, H, W]");
        RequireSameDType(x, W, "W");
        int fn = W.Shape[0], c = W.Shape[1], fh = W.Shape[2], fw = W.Shape[3];
        if (x.Shape[1] != c)
            throw new ArgumentException($"Convolution.Forward: input {Shape.Format(x.Shape)} has {x.Shape[1]} channels but W {Shape.Format(W.Shape)} expects {c}");
        int n = x.Shape[0];
        int oh = Columns.OutputSize("Convolution.Forward", "height", x.Shape[2], fh, Stride, Pad);
        int ow = Columns.OutputSize("Convolution.Forward", "width", x.Shape[3], fw, Stride, Pad);

        _inputShape = x.Shape;
        _col = Columns.Im2Col(x, fh, fw, Stride, Pad);      // [N*OH*OW, C*FH*FW]
        _colW = W.Reshape(fn, -1).T;                          // [C*FH*FW, FN]
        var rows = _col.MatMul(_colW) + B;                    // [N*OH*OW, FN]
        var output = rows.Reshape(n, oh, ow, fn).Permute(0, 3, 1, 2).Contiguous();
        OutputShape = output.Shape;
        return output;
    }

    private protected override Tensor BackwardCore(Tensor dout)
    {
        int fn = W.Shape[0];
        var rows = dout.Permute(0, 2, 3, 1).Reshape(-1, fn); // [N*OH*OW, FN]
        DB = rows.Sum(0);
        DW = rows.T.MatMul(_col!).Reshape(W.Shape);         // [FN, C*FH*FW] -> [FN, C, FH, FW]
        var dcol = rows.MatMul(_colW!.T);                     // [N*OH*OW, C*FH*FW]
        return Columns.Col2Im(dcol, _inputShape!, W.Shape[2], W.Shape[3], Stride, Pad);
    }
}
