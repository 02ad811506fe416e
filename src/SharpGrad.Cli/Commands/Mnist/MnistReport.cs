using System.Globalization;
using System.Text;
using SharpGrad.Cli.Infrastructure;
using SharpGrad.IO;
using SharpGrad.Plotting;
using SharpGrad.Training;

namespace SharpGrad.Cli.Commands.Mnist;

/// <summary>The files a run leaves in its folder: curves, image grids, the confusion matrix, the history.</summary>
internal static class MnistReport
{
    /// <summary>Images in predictions.png and at most in mistakes.png.</summary>
    public const int GridImages = 64;

    /// <summary>Writes history.csv/json, loss.svg, accuracy.svg, steps.svg, predictions.png, mistakes.png, confusion.csv/svg; returns the confusion matrix.</summary>
    public static ConfusionMatrix Write(RunContext run, MnistSettings s, MnistData data, MnistResult result)
    {
        var h = result.History;
        h.SaveCsv(run.PathOf("history.csv"));
        h.SaveJson(run.PathOf("history.json"));

        double[] epochs = [.. h.Epochs.Select(e => (double)e)];
        string what = $"{s.Model} on {s.Dataset}";
        // Each picture on its own: one that fails is reported by the run and costs none of the others.
        run.Output("loss.svg", new LineChart { Title = $"Loss per epoch ({what})", XLabel = "epoch", YLabel = "average loss" }
            .Add(epochs, [.. Column(h, "train_loss")], "train").Add(epochs, [.. Column(h, "test_loss")], "test").Save);
        // A fraction in 0..1, as the dashboard's "test loss & acc." window shows it (the course's correct / len(test_set)).
        run.Output("accuracy.svg", new LineChart { Title = $"Accuracy per epoch ({what})", XLabel = "epoch", YLabel = "accuracy (fraction correct)" }
            .Add(epochs, [.. Column(h, "train_acc")], "train").Add(epochs, [.. Column(h, "test_acc")], "test").Save);
        run.Output("steps.svg", new LineChart { Title = $"Training loss per step ({what})", XLabel = "step", YLabel = "batch loss", LogY = result.StepLosses.All(l => l > 0) }
            .Add([.. result.StepLosses], "train").Save);

        var final = result.Final;
        run.Output("predictions.png", path => SaveGrid(path, final, Enumerable.Range(0, Math.Min(GridImages, final.Count)).ToArray(), data));
        int[] wrong = Enumerable.Range(0, final.Count).Where(i => final.Predictions[i] != final.Targets[i]).Take(GridImages).ToArray();
        if (wrong.Length > 0) run.Output("mistakes.png", path => SaveGrid(path, final, wrong, data));

        var matrix = new ConfusionMatrix(data.ClassNames.Count, data.ClassNames);
        matrix.Update(final.Predictions, final.Targets);
        run.SaveText("confusion.csv", ToCsv(matrix));
        run.Output("confusion.svg", path => AtomicFile.WriteAllText(path, ConfusionMatrixSvg.Render(matrix, $"Confusion matrix, {what}, {final.Count} test images")));
        return matrix;
    }

    /// <summary>One metric per epoch; none when no epoch finished (a run interrupted in its first epoch).</summary>
    public static IReadOnlyList<double> Column(History h, string name) => h.Contains(name) ? h[name] : [];

    /// <summary>
    /// A grid of the test images at <paramref name="indices"/>, enlarged so that the caption under each is readable:
    /// the predicted class's name when it is right, "predicted/true" in red when it is wrong.
    /// </summary>
    private static void SaveGrid(string path, MnistEvaluation e, int[] indices, MnistData data)
    {
        var index = Tensor.FromBuffer(indices.Select(i => (long)i).ToArray(), indices.Length);
        var images = e.Images.IndexSelect(0, index);
        // Names longer than a digit need a wider cell: three times the size fits "Sneaker/Sandal".
        int zoom = data.ClassNames.Any(name => name.Length > 1) ? 3 : 2;
        int n = indices.Length, h = images.Size(2), w = images.Size(3);
        var large = images.Reshape(n, 1, h, 1, w, 1).Expand(n, 1, h, zoom, w, zoom).Reshape(n, 1, zoom * h, zoom * w);
        var labels = indices.Select(i => Caption(data.ClassNames, e.Predictions[i], e.Targets[i])).ToArray();
        var wrong = indices.Select(i => e.Predictions[i] != e.Targets[i]).ToArray();
        new ImageGrid(large, nrow: 8, padding: 4, labels: labels, highlight: wrong).SavePng(path);
    }

    /// <summary>The caption of one test image: the predicted class, or "predicted/true" for a mistake.</summary>
    internal static string Caption(IReadOnlyList<string> names, long predicted, long target)
        => predicted == target ? names[(int)predicted] : $"{names[(int)predicted]}/{names[(int)target]}";

    /// <summary>The counts as CSV: a header <c>true\pred,c0,c1,...</c>, then one row per true class.</summary>
    public static string ToCsv(ConfusionMatrix m)
    {
        var sb = new StringBuilder("true\\pred");
        for (int j = 0; j < m.NumClasses; j++) sb.Append(',').Append(m.ClassNames[j]);
        sb.Append('\n');
        for (int i = 0; i < m.NumClasses; i++)
        {
            sb.Append(m.ClassNames[i]);
            for (int j = 0; j < m.NumClasses; j++) sb.Append(',').Append(m[i, j].ToString(CultureInfo.InvariantCulture));
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
