using SharpGrad.Data;
using SharpGrad.Training;

namespace SharpGrad.Cli.Commands.Raw;

/// <summary>A train/test split of features and labels.</summary>
internal sealed record Split(Tensor TrainX, Tensor TrainY, Tensor TestX, Tensor TestY);

/// <summary>
/// The course 000 <c>train(net, train_iter, test_iter, loss, num_epochs, batch_size, params, lr)</c> function: shuffled
/// mini-batches of <c>batch_size</c>, <c>l = loss(net(X), y)</c>, grads zeroed, <c>l.backward()</c>, the hand-written SGD;
/// after each epoch the loss over the whole training set and the whole test set (under no_grad here; the course
/// builds a graph it never uses).
/// </summary>
internal static class RawTraining
{
    /// <summary>
    /// Trains <paramref name="net"/> and returns the history ("train_loss", "test_loss" and, with
    /// <paramref name="accuracy"/>, "train_acc", "test_acc" per epoch). Each step's loss and each epoch's metrics go to
    /// <paramref name="observer"/>; training stops early when it asks to.
    /// </summary>
    public static History Run(RawMlp net, Func<Tensor, Tensor, Tensor> loss, Split data, int epochs, int batchSize, double lr,
        IFitCallback observer, Func<Tensor, Tensor, double>? accuracy = null)
    {
        var loader = new DataLoader(new TensorDataset(data.TrainX, data.TrainY), batchSize, shuffle: true);
        var history = new History();
        int step = 0;
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            observer.OnEpochStart(epoch);
            foreach (var (x, y) in loader)
            {
                var l = loss(net.Forward(x), y.View(-1, 1));
                net.ZeroGrad();
                l.Backward();
                net.SgdStep(lr, batchSize);
                observer.OnBatchEnd(++step, l.Item());
            }
            var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
            using (Tensor.NoGrad())
            {
                var trainOut = net.Forward(data.TrainX);
                var testOut = net.Forward(data.TestX);
                metrics["train_loss"] = loss(trainOut, data.TrainY).Item();
                metrics["test_loss"] = loss(testOut, data.TestY).Item();
                if (accuracy is not null)
                {
                    metrics["train_acc"] = accuracy(trainOut, data.TrainY);
                    metrics["test_acc"] = accuracy(testOut, data.TestY);
                }
            }
            history.Add(epoch, metrics);
            if (observer.OnEpochEnd(epoch, metrics)) break;
        }
        observer.OnTrainEnd(history);
        return history;
    }

    /// <summary>The course's per-epoch line: <c>"epoch %d,train_loss %.6f,test_loss %.6f" % (...)</c>.</summary>
    public static string CourseLine(int epoch, IReadOnlyDictionary<string, double> m)
        => $"epoch {epoch},train_loss {m["train_loss"]:F6},test_loss {m["test_loss"]:F6}";
}
