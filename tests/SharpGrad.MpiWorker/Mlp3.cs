using SharpGrad.NN;
using SharpGrad.Vision;
using SharpGrad.Vision.Transforms;
using SharpGrad.Data;

namespace SharpGrad.MpiWorker;

/// <summary>Course 001's 784-200-200-10 network (`sharpgrad mnist --model mlp3`): Kaiming-normal weights, zero biases.</summary>
internal static class Mlp3
{
    public static Module Create()
    {
        var net = new Sequential(new Flatten(), new Linear(784, 200), new ReLU(), new Linear(200, 200), new ReLU(), new Linear(200, 10));
        foreach (var m in net.Modules())
            if (m is Linear linear)
            {
                Init.KaimingNormal_(linear.Weight);
                Init.Zeros_(linear.Bias!);
            }
        return net;
    }

    /// <summary>The first <paramref name="n"/> of the embedded MNIST training digits, normalised as the course does.</summary>
    public static Dataset Digits(int n)
        => new Subset<(Tensor Image, long Label)>(
            MNIST.Embedded(train: true, transform: new Compose(new ToTensor(), new Normalize([0.1307], [0.3081]))), Enumerable.Range(0, n));
}
