using SharpGrad.NN;
using SharpGrad.Optim;

namespace SharpGrad.Bench;

/// <summary>
/// <c>cnn</c>: course 003's CIFAR-shaped CNN (three 5x5 convolutions with 2x2 max-pooling, then 1024-64-10) on a random
/// batch of 64 3x32x32 images, RMSprop lr 1e-4, cross-entropy. Seconds per step: the mean of 50 steps after 30 warm-up
/// steps (steady state: .NET compiles a method fully only after about 30 calls, PyTorch gets the same warm-up).
/// With <c>--device</c> the model and the batch live on that device (each step reads its loss back, so a timed step ends
/// when the device has finished it).
/// </summary>
internal static class CnnWorkload
{
    public static IEnumerable<Dictionary<string, object?>> Run(BenchContext context)
    {
        Tensor.ManualSeed(1);
        var net = new Sequential(
            new Conv2d(3, 32, 5, 1, 2), new MaxPool2d(2),
            new Conv2d(32, 32, 5, 1, 2), new MaxPool2d(2),
            new Conv2d(32, 64, 5, 1, 2), new MaxPool2d(2),
            new Flatten(), new Linear(64 * 4 * 4, 64), new Linear(64, 10));
        net.To(context.Device);
        var optimizer = new RMSprop(net.Parameters(), lr: 1e-4);
        var lossFn = new CrossEntropyLoss();
        var x = Tensor.Rand(64, 3, 32, 32).To(context.Device);
        var y = Tensor.Randint(0, 10, [64]).To(context.Device);
        double last = 0;
        void Step()
        {
            var loss = lossFn.Forward(net.Forward(x), y);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            last = loss.Item();
        }
        for (int i = 0; i < 30; i++) Step();
        const int steps = 50;
        var cost = Meter.Measure(() =>
        {
            for (int i = 0; i < steps; i++) Step();
        });
        var result = cost.PerUnit(steps, "step");
        result["final_loss"] = Math.Round(last, 4);
        yield return result;
    }
}
