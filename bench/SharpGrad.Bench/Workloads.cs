using System.Diagnostics;
using SharpGrad.Vision;

namespace SharpGrad.Bench;

/// <summary>Where the benchmark finds its data.</summary>
internal sealed record BenchContext(string FashionMnistDir);

/// <summary>The benchmark's workloads by name; each returns the fields of its JSON line.</summary>
internal static class Workloads
{
    public static IReadOnlyDictionary<string, Func<BenchContext, Dictionary<string, object>>> All { get; } =
        new Dictionary<string, Func<BenchContext, Dictionary<string, object>>>
        {
            ["fashion-load"] = FashionLoad,
        };

    /// <summary>
    /// Loads the full Fashion-MNIST (60,000 training and 10,000 test images, IDX from Debian's dataset-fashion-mnist)
    /// and gathers one batch of each, so that the decoded data is really used. Best of three cold-cache-independent runs.
    /// </summary>
    private static Dictionary<string, object> FashionLoad(BenchContext context)
    {
        double best = double.MaxValue;
        int train = 0, test = 0;
        for (int run = 0; run < 3; run++)
        {
            var sw = Stopwatch.StartNew();
            var trainSet = new FashionMNIST(context.FashionMnistDir, train: true);
            var testSet = new FashionMNIST(context.FashionMnistDir, train: false);
            trainSet.GetBatch([0, trainSet.Count - 1]);
            testSet.GetBatch([0, testSet.Count - 1]);
            sw.Stop();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
            (train, test) = (trainSet.Count, testSet.Count);
        }
        return new() { ["seconds"] = Math.Round(best, 4), ["train_images"] = train, ["test_images"] = test };
    }
}
