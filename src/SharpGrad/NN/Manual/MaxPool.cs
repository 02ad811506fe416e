using SharpGrad.Core;

namespace SharpGrad.NN.Manual;

/// <summary>
/// Max pooling with hand-written backward (course <c>MaxPool(pool_h, pool_w, stride=1, pad=0)</c>; autograd
/// counterpart <c>F.max_pool2d(x, (pool_h, pool_w), stride, padding)</c>). Forward unrolls each channel's windows
/// with <see cref="Columns.Im2Col"/>, takes the maximum of each row and remembers where it was (the first one on
/// ties); Backward sends each dout entry to that place and folds the result back with <see cref="Columns.Col2Im"/>.
/// Unlike the book (which pads with zeros), padding is -infinity as in PyTorch, so a padded border never wins;
/// hence pad may be at most half the window, as PyTorch requires.
/// </summary>
public sealed class MaxPool : Layer
{
    private Tensor? _argMax;
    private int[]? _inputShape;

    /// <summary>Creates the layer with a <paramref name="poolH"/> x <paramref name="poolW"/> window.</summary>
    public MaxPool(int poolH, int poolW, int stride = 1, int pad = 0)
    {
        if (poolH <= 0 || poolW <= 0) throw new ArgumentException($"MaxPool: the window must be positive, got {poolH}x{poolW}");
        if (stride <= 0) throw new ArgumentException($"MaxPool: stride must be positive, got {stride}");
        if (pad < 0 || 2 * pad > poolH || 2 * pad > poolW)
            throw new ArgumentException($"MaxPool: pad must be between 0 and half the window ({poolH}x{poolW}), got {pad}");
        (PoolH, PoolW, Stride, Pad) = (poolH, poolW, stride, pad);
    }

    private protected override string Name => "MaxPool";

    /// <summary>Window height (course: <c>self.pool_h</c>).</summary>
    public int PoolH { get; }

    /// <summary>Window width (course: <c>self.pool_w</c>).</summary>
    public int PoolW { get; }

    /// <summary>Step of the window (course: <c>self.stride</c>).</summary>
    public int Stride { get; }

    /// <summary>Padding on each side, filled with -infinity (course: <c>self.pad</c>).</summary>
    public int Pad { get; }

    private protected override Tensor ForwardCore(Tensor x)
    {
        RequireInput(x, 4, "[N, C, H, W]");
        int n = x.Shape[0], c = x.Shape[1];
        int oh = Columns.OutputSize("MaxPool.Forward", "height", x.Shape[2], PoolH, Stride, Pad);
        int ow = Columns.OutputSize("MaxPool.Forward", "width", x.Shape[3], PoolW, Stride, Pad);
        _inputShape = x.Shape;
        // Rows (n, oh, ow, c), one window each.
        var col = Columns.Im2Col(x, PoolH, PoolW, Stride, Pad, double.NegativeInfinity).Reshape(-1, PoolH * PoolW);
        _argMax = col.Argmax(1, keepDim: true);
        var output = col.Gather(1, _argMax).Reshape(n, oh, ow, c).Permute(0, 3, 1, 2).Contiguous();
        OutputShape = output.Shape;
        return output;
    }

    private protected override Tensor BackwardCore(Tensor dout)
    {
        int c = dout.Shape[1];
        var rows = dout.Permute(0, 2, 3, 1).Reshape(-1, 1);                         // [N*OH*OW*C, 1]
        var dmax = Tensor.Zeros([rows.Shape[0], PoolH * PoolW], dout.DType).Scatter(1, _argMax!, rows);
        var dcol = dmax.Reshape(-1, c * PoolH * PoolW);                              // [N*OH*OW, C*PH*PW]
        return Columns.Col2Im(dcol, _inputShape!, PoolH, PoolW, Stride, Pad);
    }
}
