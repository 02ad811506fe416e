using SharpGrad.Graph;

namespace SharpGrad;

public partial class Tensor
{
    /// <summary>
    /// log(softmax(x)) along <paramref name="dim"/>, computed as x - max - log(sum(exp(x - max))) so that
    /// large inputs do not overflow (<c>torch.log_softmax</c>).
    /// </summary>
    public Tensor LogSoftmax(int dim)
    {
        int d = Core.Shape.NormalizeDim("log_softmax", dim, NDim);
        var x = RequireFloatInput("log_softmax");
        Tensor y;
        using (Tensor.NoGrad())
        {
            if (NDim == 0) y = ZerosLike(x);
            else
            {
                var shifted = x - x.Max(d, keepDim: true).Values;
                y = shifted - shifted.Exp().Sum(d, keepDim: true).Log();
            }
        }
        return NeedsGrad(this) ? Record(y, new LogSoftmaxBackward0(y, d), this) : y;
    }

    /// <summary>exp(x) / sum(exp(x)) along <paramref name="dim"/>, max-subtracted for stability (<c>torch.softmax</c>).</summary>
    public Tensor Softmax(int dim)
    {
        int d = Core.Shape.NormalizeDim("softmax", dim, NDim);
        var x = RequireFloatInput("softmax");
        Tensor y;
        using (Tensor.NoGrad())
        {
            if (NDim == 0) y = OnesLike(x);
            else
            {
                var e = (x - x.Max(d, keepDim: true).Values).Exp();
                y = e / e.Sum(d, keepDim: true);
            }
        }
        return NeedsGrad(this) ? Record(y, new SoftmaxBackward0(y, d), this) : y;
    }

    private Tensor RequireFloatInput(string op)
    {
        if (DType == DType.Float32 || DType == DType.Float64) return this;
        throw new ArgumentException($"{op}: expected a floating point tensor, but got {DType.TorchName()}; call Float() first");
    }

    private sealed class LogSoftmaxBackward0(Tensor result, int dim) : Node
    {
        private SavedTensor _y = new(result);

        public override string Name => "LogSoftmaxBackward0";

        protected internal override Tensor?[] Backward(Tensor g)
        {
            var y = _y.Unpack(this, "result");
            if (y.NDim == 0) return [ZerosLike(g)];
            return [g - y.Exp() * g.Sum(dim, keepDim: true)];
        }

        protected internal override void ReleaseSaved() => _y.Release();
    }

    private sealed class SoftmaxBackward0(Tensor result, int dim) : Node
    {
        private SavedTensor _y = new(result);

        public override string Name => "SoftmaxBackward0";

        protected internal override Tensor?[] Backward(Tensor g)
        {
            var y = _y.Unpack(this, "result");
            if (y.NDim == 0) return [ZerosLike(g)];
            return [y * (g - (g * y).Sum(dim, keepDim: true))];
        }

        protected internal override void ReleaseSaved() => _y.Release();
    }
}
