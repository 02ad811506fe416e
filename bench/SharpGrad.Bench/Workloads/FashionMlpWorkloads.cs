using SharpGrad.Data;
using SharpGrad.NN;
using SharpGrad.Optim;
using SharpGrad.Vision;
using SharpGrad.Vision.Transforms;

namespace SharpGrad.Bench;

/// <summary>
/// Fashion-MNIST training: <c>mlp</c> (784-200-200-10 ReLU, batch 200, SGD lr 0.01, cross-entropy, 3 epochs, then test
/// accuracy) and <c>deep</c> (784-700x6-10 ReLU with LogSoftmax + NLLLoss, Adam lr 0.01 weight decay 0.002, batch 64,
/// one epoch). Seconds per epoch; the data is loaded before timing starts.
/// </summary>
internal static class FashionMlpWorkloads
{
    public static IEnumerable<Dictionary<string, object?>> Mlp(BenchContext context)
    {
        Tensor.ManualSeed(1);
        var (train, test) = Load(context);
        var net = new Sequential(new Flatten(), new Linear(784, 200), new ReLU(), new Linear(200, 200), new ReLU(), new Linear(200, 10));
        net.To(context.Device);
        var optimizer = new SGD(net.Parameters(), lr: 0.01);
        var lossFn = new CrossEntropyLoss();
        var loader = new DataLoader(train, batchSize: 200, shuffle: true);
        const int epochs = 3;
        Cost total = default;
        var epochSeconds = new List<double>();
        for (int e = 0; e < epochs; e++)
        {
            var cost = Meter.Measure(() => TrainEpoch(net, optimizer, lossFn, loader, context.Device));
            epochSeconds.Add(Math.Round(cost.Seconds, 3));
            total += cost;
        }
        var result = total.PerUnit(epochs, "epoch");
        result["epoch_seconds"] = epochSeconds;
        result["test_accuracy"] = Math.Round(Accuracy(net, test, context.Device), 4);
        yield return result;
    }

    public static IEnumerable<Dictionary<string, object?>> Deep(BenchContext context)
    {
        Tensor.ManualSeed(1);
        var (train, test) = Load(context);
        var layers = new List<Module> { new Flatten(), new Linear(784, 700), new ReLU() };
        for (int i = 0; i < 5; i++)
        {
            layers.Add(new Linear(700, 700));
            layers.Add(new ReLU());
        }
        layers.Add(new Linear(700, 10));
        layers.Add(new LogSoftmax(1));
        var net = new Sequential(layers.ToArray());
        net.To(context.Device);
        var optimizer = new Adam(net.Parameters(), lr: 0.01, weightDecay: 0.002);
        var lossFn = new NLLLoss();
        var loader = new DataLoader(train, batchSize: 64, shuffle: true);
        var cost = Meter.Measure(() => TrainEpoch(net, optimizer, lossFn, loader, context.Device));
        var result = cost.PerUnit(1, "epoch");
        result["test_accuracy"] = Math.Round(Accuracy(net, test, context.Device), 4);
        int steps = (train.Count + 63) / 64;
        double bound = GemmBound.Seconds(64, [784, 700, 700, 700, 700, 700, 700, 10], steps);
        result["gemm_bound_seconds"] = Math.Round(bound, 3);
        result["gemm_bound_ratio"] = Math.Round(cost.Seconds / bound, 2);
        yield return result;
    }

    private static (FashionMNIST Train, FashionMNIST Test) Load(BenchContext context) =>
        (new FashionMNIST(context.FashionMnistDir, train: true, transform: new ToTensor()),
         new FashionMNIST(context.FashionMnistDir, train: false, transform: new ToTensor()));

    private static void TrainEpoch(Module net, Optimizer optimizer, Loss lossFn, DataLoader loader, Device device)
    {
        net.Train();
        foreach (var (x, y) in loader)
        {
            var loss = lossFn.Forward(net.Forward(x.To(device)), y.To(device));
            // Zeros the gradients in place, as the PyTorch reference's optimizer.zero_grad() does (PyTorch 1.13 defaults
            // to set_to_none=False); the Linear backward then adds each weight gradient straight into its buffer.
            optimizer.ZeroGrad(setToNone: false);
            loss.Backward();
            optimizer.Step();
        }
        Cuda.Synchronize(); // the epoch ends when the device has finished its queued work
    }

    private static double Accuracy(Module net, FashionMNIST test, Device device)
    {
        net.Eval();
        long correct = 0;
        using (Tensor.NoGrad())
        {
            foreach (var (x, y) in new DataLoader(test, batchSize: 1000))
                correct += net.Forward(x.To(device)).Argmax(dim: 1).Eq(y.To(device)).Sum().Item<long>();
        }
        return (double)correct / test.Count;
    }
}
