using SharpGrad.Vision;

namespace SharpGrad.Bench;

/// <summary><c>fashion-load</c>: seconds to load the full Fashion-MNIST from IDX files.</summary>
internal static class FashionLoadWorkload
{
    /// <summary>
    /// Loads the full Fashion-MNIST (60,000 training and 10,000 test images, IDX from Debian's dataset-fashion-mnist)
    /// and gathers one batch of each, so that the decoded data is really used. Best of three runs.
    /// </summary>
    public static IEnumerable<Dictionary<string, object?>> Run(BenchContext context)
    {
        Cost best = new(double.MaxValue, 0, 0, 0);
        int train = 0, test = 0;
        for (int run = 0; run < 3; run++)
        {
            var cost = Meter.Measure(() =>
            {
                var trainSet = new FashionMNIST(context.FashionMnistDir, train: true);
                var testSet = new FashionMNIST(context.FashionMnistDir, train: false);
                trainSet.GetBatch([0, trainSet.Count - 1]);
                testSet.GetBatch([0, testSet.Count - 1]);
                (train, test) = (trainSet.Count, testSet.Count);
            });
            if (cost.Seconds < best.Seconds) best = cost;
        }
        var result = best.PerUnit(1, "load");
        result["train_images"] = train;
        result["test_images"] = test;
        yield return result;
    }
}
