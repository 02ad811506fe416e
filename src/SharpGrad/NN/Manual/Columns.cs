using SharpGrad.Core;

namespace SharpGrad.NN.Manual;

/// <summary>
/// The book's <c>im2col</c> / <c>col2im</c> (course <c>common/util.py</c>): unrolls every filter-sized window of a
/// batch of images into one row of a matrix, so that a convolution becomes one matrix product, and folds such a
/// matrix back, summing overlaps. PyTorch's <c>F.unfold</c> / <c>F.fold</c> do the same with the transposed layout
/// ([N, C*FH*FW, OH*OW] instead of [N*OH*OW, C*FH*FW]). Written with tensor views: one strided slice per filter offset.
/// </summary>
public static class Columns
{
    /// <summary>
    /// Output size of a window sliding over <paramref name="size"/> with the given filter, stride and padding:
    /// (size + 2 pad - filter) / stride + 1. Throws naming <paramref name="op"/> when the window does not fit.
    /// </summary>
    public static int OutputSize(string op, string axis, int size, int filter, int stride, int pad)
    {
        if (filter <= 0) throw new ArgumentException($"{op}: the window {axis} must be positive, got {filter}");
        if (stride <= 0) throw new ArgumentException($"{op}: stride must be positive, got {stride}");
        if (pad < 0) throw new ArgumentException($"{op}: pad must be at least 0, got {pad}");
        int span = size + 2 * pad - filter;
        if (span < 0)
            throw new ArgumentException($"{op}: the input {axis} {size} with pad {pad} is smaller than the window {axis} {filter}");
        return span / stride + 1;
    }

    /// <summary>
    /// Unrolls the windows of <paramref name="x"/> [N, C, H, W] into [N*OH*OW, C*FH*FW]: row (n, oh, ow) holds the
    /// window at output position (oh, ow) of image n, channel-major then row-major within the window (the book's
    /// <c>im2col(input_data, filter_h, filter_w, stride, pad)</c>). Padding uses <paramref name="padValue"/>
    /// (0 for convolution; max pooling pads with -infinity as PyTorch does).
    /// </summary>
    public static Tensor Im2Col(Tensor x, int filterH, int filterW, int stride = 1, int pad = 0, double padValue = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.NDim != 4) throw new ArgumentException($"im2col: expected a 4-D input [N, C, H, W], got shape {Shape.Format(x.Shape)}");
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        int oh = OutputSize("im2col", "height", h, filterH, stride, pad);
        int ow = OutputSize("im2col", "width", w, filterW, stride, pad);
        using (Tensor.NoGrad())
        {
            var padded = x;
            if (pad > 0)
            {
                padded = Tensor.Full([n, c, h + 2 * pad, w + 2 * pad], padValue, x.DType);
                padded[.., .., pad..(pad + h), pad..(pad + w)] = x;
            }
            // col[n, c, fy, fx, oh, ow] = padded[n, c, fy + stride*oh, fx + stride*ow]
            var col = Tensor.Zeros([n, c, filterH, filterW, oh, ow], x.DType);
            for (int fy = 0; fy < filterH; fy++)
                for (int fx = 0; fx < filterW; fx++)
                    col[.., .., fy, fx] = padded[.., .., TensorIndex.Slice(fy, fy + stride * oh, stride), TensorIndex.Slice(fx, fx + stride * ow, stride)];
            return col.Permute(0, 4, 5, 1, 2, 3).Reshape(n * oh * ow, c * filterH * filterW);
        }
    }

    /// <summary>
    /// The adjoint of <see cref="Im2Col"/>: folds [N*OH*OW, C*FH*FW] back into an image of <paramref name="inputShape"/>
    /// [N, C, H, W], adding the entries of overlapping windows and dropping the padding (the book's <c>col2im</c>).
    /// Backward passes use it to turn the gradient of the columns into the gradient of the input.
    /// </summary>
    public static Tensor Col2Im(Tensor col, int[] inputShape, int filterH, int filterW, int stride = 1, int pad = 0)
    {
        ArgumentNullException.ThrowIfNull(col);
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Length != 4) throw new ArgumentException($"col2im: expected a 4-D input shape [N, C, H, W], got {Shape.Format(inputShape)}");
        int n = inputShape[0], c = inputShape[1], h = inputShape[2], w = inputShape[3];
        int oh = OutputSize("col2im", "height", h, filterH, stride, pad);
        int ow = OutputSize("col2im", "width", w, filterW, stride, pad);
        if (col.NDim != 2 || col.Shape[0] != n * oh * ow || col.Shape[1] != c * filterH * filterW)
            throw new ArgumentException(
                $"col2im: expected columns of shape {Shape.Format([n * oh * ow, c * filterH * filterW])} for input {Shape.Format(inputShape)}, " +
                $"a {filterH}x{filterW} window, stride {stride} and pad {pad}; got {Shape.Format(col.Shape)}");
        using (Tensor.NoGrad())
        {
            var windows = col.Reshape(n, oh, ow, c, filterH, filterW).Permute(0, 3, 4, 5, 1, 2);
            var padded = Tensor.Zeros([n, c, h + 2 * pad, w + 2 * pad], col.DType);
            for (int fy = 0; fy < filterH; fy++)
                for (int fx = 0; fx < filterW; fx++)
                    padded[.., .., TensorIndex.Slice(fy, fy + stride * oh, stride), TensorIndex.Slice(fx, fx + stride * ow, stride)]
                        .Add_(windows[.., .., fy, fx]);
            return pad == 0 ? padded : padded[.., .., pad..(pad + h), pad..(pad + w)].Contiguous();
        }
    }
}
