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
        run.Output("accuracy.svg", new LineChart { Title = $"Accuracy per epoch ({what})", XLabel = "epoch", YLabel = "accuracy (%)" }
            .Add(epochs, [.. Column(h, "train_acc").Select(a => 100 * a)], "train").Add(epochs, [.. Column(h, "test_acc").Select(a => 100 * a)], "test").Save);
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
    /// A grid of the test images at <paramref name="indices"/>, drawn twice their size so that the label under each,
    /// "predicted/true" class index, is readable.
    /// </summary>
    private static void SaveGrid(string path, MnistEvaluation e, int[] indices, MnistData data)
    {
        var index = Tensor.FromBuffer(indices.Select(i => (long)i).ToArray(), indices.Length);
        var images = e.Images.IndexSelect(0, index);
        int n = indices.Length, h = images.Size(2), w = images.Size(3);
        var large = images.Reshape(n, 1, h, 1, w, 1).Expand(n, 1, h, 2, w, 2).Reshape(n, 1, 2 * h, 2 * w);
        var labels = indices.Select(i => string.Create(CultureInfo.InvariantCulture, $"{e.Predictions[i]}/{e.Targets[i]}")).ToArray();
        new ImageGrid(large, nrow: 8, padding: 4, labels: labels).SavePng(path);
    }

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
