using SharpGrad.Data;
using SharpGrad.NN;

namespace SharpGrad.Bench;

/// <summary>
/// <c>regression</c>: course 000's high-dimensional linear regression with a 500-256-1 ReLU MLP written from raw tensors.
/// 10,000 samples of 500 normal(0, 1) features, labels X·w + b + normal(0, 0.01) noise with w = 0.0056, b = 0.028;
/// 7,000 for training in shuffled batches of 50, MSELoss, hand-written SGD <c>p -= lr * p.grad / batch_size</c> with lr 0.01.
/// An epoch is the training pass plus the course's per-epoch train and test loss (computed under no_grad here).
/// Seconds per epoch: the mean of 3 epochs after one warm-up epoch.
/// </summary>
internal static class RegressionWorkload
{
    private const int BatchSize = 50;
    private const double LearningRate = 0.01;

    public static IEnumerable<Dictionary<string, object?>> Run(BenchContext context)
    {
        Tensor.ManualSeed(1);
        const int numInputs = 500, numHiddens = 256, numExamples = 10_000;
        var trueW = Tensor.Ones(numInputs, 1) * 0.0056;
        var features = Tensor.Normal(0, 1, [numExamples, numInputs]);
        var labels = features.Mm(trueW) + 0.028;
        labels.Add_(Tensor.Normal(0, 0.01, labels.Shape));
        var (trainX, trainY) = (features[..7000], labels[..7000]);
        var (testX, testY) = (features[7000..], labels[7000..]);
        var trainIter = new DataLoader(new TensorDataset(trainX, trainY), batchSize: BatchSize, shuffle: true);

        var w1 = Tensor.Normal(0, 0.01, [numInputs, numHiddens]).RequiresGrad_();
        var b1 = Tensor.Zeros(1).RequiresGrad_();
        var w2 = Tensor.Normal(0, 0.01, [numHiddens, 1]).RequiresGrad_();
        var b2 = Tensor.Zeros(1).RequiresGrad_();
        Tensor[] parameters = [w1, b1, w2, b2];
        Tensor Net(Tensor x) => (x.View(-1, numInputs).MatMul(w1) + b1).Relu().MatMul(w2) + b2;
        var loss = new MSELoss();

        double trainLoss = 0, testLoss = 0;
        void Epoch()
        {
            foreach (var (x, y) in trainIter)
            {
                var l = loss.Forward(Net(x), y);
                foreach (var p in parameters) p.Grad?.Zero_();
                l.Backward();
                using (Tensor.NoGrad())
                {
                    foreach (var p in parameters) p.Sub_(LearningRate * p.Grad! / BatchSize);
                }
            }
            using (Tensor.NoGrad())
            {
                trainLoss = loss.Forward(Net(trainX), trainY).Item();
                testLoss = loss.Forward(Net(testX), testY).Item();
            }
        }

        Epoch();
        Cost total = default;
        const int epochs = 3;
        for (int e = 0; e < epochs; e++) total += Meter.Measure(Epoch);
        var result = total.PerUnit(epochs, "epoch");
        result["train_loss"] = Math.Round(trainLoss, 6);
        result["test_loss"] = Math.Round(testLoss, 6);
        yield return result;
    }
}
