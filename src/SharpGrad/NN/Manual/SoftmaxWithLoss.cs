using SharpGrad.Core;

namespace SharpGrad.NN.Manual;

/// <summary>
/// Softmax followed by the mean cross-entropy over the batch, with hand-written backward (course
/// <c>SoftmaxWithLoss()</c>; autograd counterpart <c>F.cross_entropy(x, t)</c>). The targets are class indices
/// (int64 [N]) or one-hot / probability rows (float [N, classes]). Backward returns (softmax(x) - t) / N, the
/// famous simple gradient. The book adds 1e-7 inside the log; here the loss is computed with log-softmax instead,
/// so that <see cref="Backward"/> is the exact gradient of <see cref="Forward"/> (and no log(0) can occur).
/// </summary>
public sealed class SoftmaxWithLoss
{
    private Tensor? _target;

    /// <summary>softmax(x) of the last <see cref="Forward"/> (course: <c>self.y</c>).</summary>
    public Tensor? Y { get; private set; }

    /// <summary>The loss of the last <see cref="Forward"/> (course: <c>self.loss</c>).</summary>
    public double Loss { get; private set; }

    /// <summary>Returns the mean cross-entropy of softmax(<paramref name="x"/>) against <paramref name="t"/> (course: <c>forward(x, t)</c>).</summary>
    public double Forward(Tensor x, Tensor t)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(t);
        if (x.NDim != 2) throw new ArgumentException($"SoftmaxWithLoss.Forward: expected scores [N, classes], got shape {Shape.Format(x.Shape)}");
        if (x.DType is not (DType.Float32 or DType.Float64))
            throw new ArgumentException($"SoftmaxWithLoss.Forward: expected float32 or float64 scores, got {x.DType.TorchName()}");
        int n = x.Shape[0], classes = x.Shape[1];
        if (n == 0) throw new ArgumentException("SoftmaxWithLoss.Forward: the batch is empty");
        using (Tensor.NoGrad())
        {
            _target = OneHot(t, n, classes, x.DType);
            var logY = x.LogSoftmax(1);
            Y = logY.Exp();
            Loss = -(_target * logY).Sum().Item() / n;
            return Loss;
        }
    }

    /// <summary>Returns dL/dx = dout * (y - t) / N for the last <see cref="Forward"/> (course: <c>backward(dout=1)</c>).</summary>
    public Tensor Backward(double dout = 1)
    {
        if (Y is null) throw new InvalidOperationException("SoftmaxWithLoss.Backward: call Forward first");
        using (Tensor.NoGrad()) return (Y - _target!) * (dout / Y.Shape[0]);
    }

    private static Tensor OneHot(Tensor t, int n, int classes, DType dtype)
    {
        if (t.DType == DType.Int64)
        {
            if (t.NDim != 1 || t.Shape[0] != n)
                throw new ArgumentException($"SoftmaxWithLoss.Forward: class-index targets must have shape [{n}], got {Shape.Format(t.Shape)}");
            foreach (long label in t.ToArray<long>())
                if (label < 0 || label >= classes)
                    throw new ArgumentException($"SoftmaxWithLoss.Forward: target {label} is out of range for {classes} classes");
            return Tensor.Zeros([n, classes], dtype).Scatter(1, t.Unsqueeze(1), 1.0);
        }
        if (t.DType is DType.Float32 or DType.Float64)
        {
            if (t.NDim != 2 || t.Shape[0] != n || t.Shape[1] != classes)
                throw new ArgumentException($"SoftmaxWithLoss.Forward: one-hot targets must have shape [{n}, {classes}] like the scores, got {Shape.Format(t.Shape)}");
            return t.To(dtype);
        }
        throw new ArgumentException($"SoftmaxWithLoss.Forward: targets must be int64 class indices or float one-hot rows, got {t.DType.TorchName()}");
    }
}
