using SharpGrad.Graph;
using SharpGrad.Kernels;

namespace SharpGrad;

public partial class Tensor
{
    /// <summary>
    /// log(softmax(x)) along <paramref name="dim"/>, computed as x - max - log(sum(exp(x - max))) so that
    /// large inputs do not overflow (<c>torch.log_softmax</c>).
    /// </summary>
    public Tensor LogSoftmax(int dim) => TracedSoftmaxFamily(dim, log: true);

    /// <summary>exp(x) / sum(exp(x)) along <paramref name="dim"/>, max-subtracted for stability (<c>torch.softmax</c>).</summary>
    public Tensor Softmax(int dim) => TracedSoftmaxFamily(dim, log: false);

    private Tensor TracedSoftmaxFamily(int dim, bool log)
    {
        var trace = OpTrace.Enter();
        var y = SoftmaxFamily(dim, log);
        if (trace.Exit()) OpTrace.Record(log ? "log_softmax" : "softmax", y, [this], ("dim", Core.Shape.NormalizeDim("softmax", dim, NDim)));
        return y;
    }

    private Tensor SoftmaxFamily(int dim, bool log)
    {
        string op = log ? "log_softmax" : "softmax";
        int d = Core.Shape.NormalizeDim(op, dim, NDim);
        var x = RequireFloatInput(op);
        Tensor y;
        using (Tensor.NoGrad())
        {
            if (NDim == 0) y = log ? ZerosLike(x) : OnesLike(x);
            else if (d == NDim - 1 && x.Layout.IsContiguous && x.Layout.Sizes[d] > 0)
            {
                // Rows of the last dim: one pass per row into the result, no [.., n] temporaries.
                int n = x.Layout.Sizes[d], rows = x.Layout.Numel / n;
                y = AllocForOverwrite(x.Layout.Sizes, x.DType, x.Device);
                Dispatch.SoftmaxRows(x.Storage, x.Layout.Offset, y.Storage, rows, n, log);
            }
            else
            {
                var shifted = x - x.Max(d, keepDim: true).Values;
                var e = shifted.Exp();
                var sum = e.Sum(d, keepDim: true);
                y = log ? shifted - sum.Log() : e / sum;
            }
        }
        if (!NeedsGrad(this)) return y;
        return Record(y, new SoftmaxFamilyBackward(log ? "LogSoftmaxBackward0" : "SoftmaxBackward0", y, d, log), this);
    }

    private Tensor RequireFloatInput(string op)
    {
        if (DType == DType.Float32 || DType == DType.Float64) return this;
        throw new ArgumentException($"{op}: expected a floating point tensor, but got {DType.TorchName()}; call Float() first");
    }

    /// <summary>
    /// Backward of softmax (y (g - sum(g y))) and of log-softmax (g - e^y sum(g)), both from the saved result y.
    /// </summary>
    private sealed class SoftmaxFamilyBackward(string name, Tensor result, int dim, bool log) : Node
    {
        private SavedTensor _y = new(result);

        public override string Name => name;

        protected internal override Tensor?[] Backward(Tensor g)
        {
            var y = _y.Unpack(this, "result");
            if (y.NDim == 0) return [ZerosLike(g)];
            if (!GradMode.IsEnabled && dim == y.NDim - 1 && g.DType == y.DType && g.Layout.IsContiguous && y.Layout.IsContiguous && y.Layout.Sizes[dim] > 0)
            {
                int n = y.Layout.Sizes[dim], rows = y.Layout.Numel / n;
                var dx = AllocForOverwrite(y.Layout.Sizes, y.DType, DeviceOf("softmax_backward", g, y));
                Dispatch.SoftmaxRowsBackward(g.Storage, g.Layout.Offset, y.Storage, y.Layout.Offset, dx.Storage, rows, n, log);
                return [dx];
            }
            return [log ? g - y.Exp() * g.Sum(dim, keepDim: true) : y * (g - (g * y).Sum(dim, keepDim: true))];
        }

        protected internal override void ReleaseSaved() => _y.Release();
    }
}
