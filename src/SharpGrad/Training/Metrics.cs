using SharpGrad.Core;

namespace SharpGrad.Training;

/// <summary>
/// Evaluation metrics computed in float64 on the host (the counterparts of <c>torchmetrics</c>' accuracy, MAE and RMSE,
/// and of the course's <c>comp_mae</c> / <c>comp_rmse</c>). Each returns a plain <see cref="double"/>.
/// </summary>
public static class Metrics
{
    /// <summary>
    /// Fraction of correct predictions (<c>(logits.argmax(1) == targets).float().mean()</c>). With logits or probabilities
    /// of shape [N, C] the predicted class is the argmax over dimension 1; with class indices of shape [N] they are compared
    /// directly. <paramref name="targets"/> holds N class indices.
    /// </summary>
    public static double Accuracy(Tensor predictions, Tensor targets)
    {
        var (correct, total) = CountCorrect(predictions, targets, "accuracy");
        return (double)correct / total;
    }

    /// <summary>Fraction of positions where <paramref name="predictions"/> and <paramref name="targets"/> hold the same class.</summary>
    public static double Accuracy(IEnumerable<long> predictions, IEnumerable<long> targets)
    {
        var (p, t) = Pair(predictions, targets, "accuracy");
        int correct = 0;
        for (int i = 0; i < p.Length; i++) if (p[i] == t[i]) correct++;
        return (double)correct / p.Length;
    }

    /// <summary>Mean absolute error, mean(|pred − target|) (<c>F.l1_loss</c>, the course's <c>comp_mae</c>); the shapes must match.</summary>
    public static double MAE(Tensor predictions, Tensor targets)
    {
        var (p, t) = Pair(predictions, targets, "mae");
        return MAE(p, t);
    }

    /// <summary>Mean absolute error, mean(|pred − target|), of two equally long sequences.</summary>
    public static double MAE(IEnumerable<double> predictions, IEnumerable<double> targets)
    {
        var (p, t) = Pair(predictions, targets, "mae");
        double sum = 0;
        for (int i = 0; i < p.Length; i++) sum += Math.Abs(p[i] - t[i]);
        return sum / p.Length;
    }

    /// <summary>
    /// Root mean squared error, sqrt(mean((pred − target)²)) (<c>torch.sqrt(F.mse_loss(pred, target))</c>); the shapes must match.
    /// This is the true root of the mean: the course's <c>np.sqrt(error.dot(error.T)) / count</c> divides the root by n
    /// instead of taking the root of the mean, a slip (its printed "RMSE" values are that smaller number).
    /// </summary>
    public static double RMSE(Tensor predictions, Tensor targets)
    {
        var (p, t) = Pair(predictions, targets, "rmse");
        return RMSE(p, t);
    }

    /// <summary>
    /// Root mean squared error, sqrt(mean((pred − target)²)), of two equally long sequences. Not the course's
    /// <c>sqrt(e·e) / n</c>, which is a slip for <c>sqrt(e·e / n)</c>.
    /// </summary>
    public static double RMSE(IEnumerable<double> predictions, IEnumerable<double> targets)
    {
        var (p, t) = Pair(predictions, targets, "rmse");
        double sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double e = p[i] - t[i];
            sum += e * e;
        }
        return Math.Sqrt(sum / p.Length);
    }

    /// <summary>Predicted class per sample: argmax over dimension 1 of [N, C] scores, or the [N] indices themselves.</summary>
    internal static long[] PredictedClasses(Tensor predictions, string op)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        if (predictions.NDim == 2)
        {
            if (predictions.Size(1) == 0)
                throw new ArgumentException($"{op}: predictions of shape {Shape.Format(predictions.Shape)} have no classes");
            using (Tensor.NoGrad()) return predictions.Argmax(dim: 1).ToArray<long>();
        }
        if (predictions.NDim != 1)
            throw new ArgumentException($"{op}: predictions must be scores of shape [N, C] or class indices of shape [N], got shape {Shape.Format(predictions.Shape)}");
        if (predictions.IsFloatingPoint())
        {
            var values = predictions.ToArray<double>();
            var classes = new long[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                if (values[i] != Math.Floor(values[i]) || double.IsInfinity(values[i]))
                    throw new ArgumentException($"{op}: predictions of shape [N] must be class indices, got {values[i]} at position {i}");
                classes[i] = (long)values[i];
            }
            return classes;
        }
        return predictions.ToArray<long>();
    }

    /// <summary>Target class per sample from an integer (or integral floating-point) tensor of shape [N].</summary>
    internal static long[] TargetClasses(Tensor targets, int n, string op)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.NDim != 1 || targets.Size(0) != n)
            throw new ArgumentException($"{op}: expected targets of shape [{n}] (one class index per prediction), got shape {Shape.Format(targets.Shape)}");
        return PredictedClasses(targets, op);
    }

    /// <summary>Number of correct predictions and number of samples; used by the accuracy and by the fit loop.</summary>
    internal static (long Correct, long Total) CountCorrect(Tensor predictions, Tensor targets, string op)
    {
        var p = PredictedClasses(predictions, op);
        var t = TargetClasses(targets, p.Length, op);
        if (p.Length == 0) throw new ArgumentException($"{op}: no samples (predictions of shape {Shape.Format(predictions.Shape)})");
        long correct = 0;
        for (int i = 0; i < p.Length; i++) if (p[i] == t[i]) correct++;
        return (correct, p.Length);
    }

    private static (double[] P, double[] T) Pair(Tensor predictions, Tensor targets, string op)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(targets);
        if (!predictions.Shape.AsSpan().SequenceEqual(targets.Shape))
            throw new ArgumentException($"{op}: predictions of shape {Shape.Format(predictions.Shape)} and targets of shape {Shape.Format(targets.Shape)} differ");
        return (predictions.ToArray<double>(), targets.ToArray<double>());
    }

    private static (T[] P, T[] Q) Pair<T>(IEnumerable<T> predictions, IEnumerable<T> targets, string op)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(targets);
        var p = predictions.ToArray();
        var t = targets.ToArray();
        if (p.Length != t.Length)
            throw new ArgumentException($"{op}: {p.Length} predictions but {t.Length} targets");
        if (p.Length == 0) throw new ArgumentException($"{op}: no samples");
        return (p, t);
    }
}
