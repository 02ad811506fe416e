using System.Globalization;
using System.Text;

namespace SharpGrad.Training;

/// <summary>
/// Counts of (true class, predicted class) pairs accumulated over batches (<c>torchmetrics.ConfusionMatrix</c>,
/// <c>sklearn.metrics.confusion_matrix</c>): rows are true classes, columns predicted classes. Per-class precision,
/// recall and F1 and the overall accuracy are read from the counts.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly long[,] _counts;
    private readonly string[] _names;

    /// <summary>An all-zero matrix for <paramref name="numClasses"/> classes, labelled 0..C−1 or with <paramref name="classNames"/>.</summary>
    public ConfusionMatrix(int numClasses, IReadOnlyList<string>? classNames = null)
    {
        if (numClasses < 1) throw new ArgumentException($"ConfusionMatrix: numClasses must be at least 1, got {numClasses}");
        if (classNames is not null && classNames.Count != numClasses)
            throw new ArgumentException($"ConfusionMatrix: {classNames.Count} class names given for {numClasses} classes");
        NumClasses = numClasses;
        _counts = new long[numClasses, numClasses];
        _names = new string[numClasses];
        for (int c = 0; c < numClasses; c++) _names[c] = classNames?[c] ?? c.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Number of classes C (<c>num_classes</c>).</summary>
    public int NumClasses { get; }

    /// <summary>Labels of the rows and columns in <see cref="ToString"/>.</summary>
    public IReadOnlyList<string> ClassNames => _names;

    /// <summary>Number of samples counted so far.</summary>
    public long Total { get; private set; }

    /// <summary>How many samples of class <paramref name="trueClass"/> were predicted as <paramref name="predictedClass"/>.</summary>
    public long this[int trueClass, int predictedClass]
    {
        get
        {
            CheckClass(trueClass, "true class");
            CheckClass(predictedClass, "predicted class");
            return _counts[trueClass, predictedClass];
        }
    }

    /// <summary>
    /// Adds one batch (<c>metric.update(preds, target)</c>): <paramref name="predictions"/> are scores [N, C] (argmax over
    /// dimension 1) or class indices [N]; <paramref name="targets"/> are N class indices. Nothing is counted if any is out of range.
    /// </summary>
    public void Update(Tensor predictions, Tensor targets)
    {
        var p = Metrics.PredictedClasses(predictions, "ConfusionMatrix.update");
        if (predictions.NDim == 2 && predictions.Size(1) != NumClasses)
            throw new ArgumentException($"ConfusionMatrix.update: scores of shape {Core.Shape.Format(predictions.Shape)} do not have {NumClasses} classes");
        var t = Metrics.TargetClasses(targets, p.Length, "ConfusionMatrix.update");
        Add(p, t);
    }

    /// <summary>Adds equally long sequences of predicted and true class indices.</summary>
    public void Update(IEnumerable<long> predictions, IEnumerable<long> targets)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(targets);
        var p = predictions.ToArray();
        var t = targets.ToArray();
        if (p.Length != t.Length) throw new ArgumentException($"ConfusionMatrix.update: {p.Length} predictions but {t.Length} targets");
        Add(p, t);
    }

    /// <summary>Sets every count back to zero (<c>metric.reset()</c>).</summary>
    public void Reset()
    {
        Array.Clear(_counts);
        Total = 0;
    }

    /// <summary>The counts as an int64 tensor of shape [C, C] (<c>metric.compute()</c>), rows true classes, columns predicted.</summary>
    public Tensor ToTensor()
    {
        var flat = new long[NumClasses * NumClasses];
        for (int i = 0; i < NumClasses; i++)
            for (int j = 0; j < NumClasses; j++) flat[i * NumClasses + j] = _counts[i, j];
        return Tensor.From(flat).View(NumClasses, NumClasses);
    }

    /// <summary>Precision of class <paramref name="c"/>: correct predictions of c over all predictions of c; 0 when c was never predicted.</summary>
    public double Precision(int c)
    {
        CheckClass(c, "class");
        long predicted = 0;
        for (int i = 0; i < NumClasses; i++) predicted += _counts[i, c];
        return predicted == 0 ? 0 : (double)_counts[c, c] / predicted;
    }

    /// <summary>Recall of class <paramref name="c"/>: samples of c predicted as c over all samples of c; 0 when c never occurred.</summary>
    public double Recall(int c)
    {
        CheckClass(c, "class");
        long actual = 0;
        for (int j = 0; j < NumClasses; j++) actual += _counts[c, j];
        return actual == 0 ? 0 : (double)_counts[c, c] / actual;
    }

    /// <summary>F1 score of class <paramref name="c"/>, the harmonic mean of precision and recall; 0 when both are 0.</summary>
    public double F1(int c)
    {
        double p = Precision(c), r = Recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /// <summary>Fraction of all counted samples on the diagonal; 0 before any update.</summary>
    public double Accuracy
    {
        get
        {
            long diagonal = 0;
            for (int c = 0; c < NumClasses; c++) diagonal += _counts[c, c];
            return Total == 0 ? 0 : (double)diagonal / Total;
        }
    }

    /// <summary>The counts as a right-aligned table: a header of predicted classes, one row per true class.</summary>
    public override string ToString()
    {
        const string corner = "true\\pred";
        int first = corner.Length, width = 1;
        for (int c = 0; c < NumClasses; c++)
        {
            first = Math.Max(first, _names[c].Length);
            width = Math.Max(width, _names[c].Length);
            for (int j = 0; j < NumClasses; j++)
                width = Math.Max(width, _counts[c, j].ToString(CultureInfo.InvariantCulture).Length);
        }
        var sb = new StringBuilder();
        sb.Append(corner.PadLeft(first));
        for (int j = 0; j < NumClasses; j++) sb.Append("  ").Append(_names[j].PadLeft(width));
        for (int i = 0; i < NumClasses; i++)
        {
            sb.Append('\n').Append(_names[i].PadLeft(first));
            for (int j = 0; j < NumClasses; j++)
                sb.Append("  ").Append(_counts[i, j].ToString(CultureInfo.InvariantCulture).PadLeft(width));
        }
        return sb.ToString();
    }

    private void Add(long[] predictions, long[] targets)
    {
        for (int i = 0; i < predictions.Length; i++)
        {
            if ((ulong)predictions[i] >= (ulong)NumClasses)
                throw new ArgumentException($"ConfusionMatrix.update: predicted class {predictions[i]} at position {i} is outside [0, {NumClasses})");
            if ((ulong)targets[i] >= (ulong)NumClasses)
                throw new ArgumentException($"ConfusionMatrix.update: target class {targets[i]} at position {i} is outside [0, {NumClasses})");
        }
        for (int i = 0; i < predictions.Length; i++) _counts[targets[i], predictions[i]]++;
        Total += predictions.Length;
    }

    private void CheckClass(int c, string what)
    {
        if ((uint)c >= (uint)NumClasses)
            throw new ArgumentOutOfRangeException(null, $"ConfusionMatrix: {what} {c} is outside [0, {NumClasses})");
    }
}
