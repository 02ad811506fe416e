// Port of course 004 (第9关 正则化优化神经网络, "采用 L2 正则化优化手写数字神经网络"): a 784-700-700-700-700-700-700-10
// ReLU network ending in F.log_softmax, F.nll_loss, Adam(lr=0.01), batch 64 (test batch 1000), seed 1, the "Train
// Epoch" line every 10 batches, train(1) and test(); first without L2, then a fresh network with Adam's
// weight_decay=0.002 (the L2 term added to the gradient). The course reports 88% without and 91% with L2 after one
// epoch of 60,000 images.
// Data: MNIST.Embedded() (8,000 train / 2,000 test digits shipped with SharpGrad) instead of the download, so one
// epoch is 125 batches instead of 938 and the accuracies are lower; the comparison is the point.
// Run from the repository root: dotnet run -c Release examples/mnist_l2.cs
#:project ../src/SharpGrad/SharpGrad.csproj
#:property PublishAot=false
// (PublishAot=false: file-based programs default to native AOT, which this program does not need.)

using SharpGrad;
using SharpGrad.Data;
using SharpGrad.NN;
using SharpGrad.Optim;
using SharpGrad.Vision;
using SharpGrad.Vision.Transforms;
using F = SharpGrad.NN.Functional;

int batchSizeTrain = 64;
int batchSizeTest = 1000;
double learningRate = 0.01;
int logInterval = 10;
int randomSeed = 1;
Tensor.ManualSeed(randomSeed);

// 导入与制作数据集 (ToTensor + Normalize((0.1307,), (0.3081,)))
var transform = new Compose(new ToTensor(), new Normalize([0.1307], [0.3081]));
var trainLoader = new DataLoader(MNIST.Embedded(train: true, transform: transform), batchSize: batchSizeTrain, shuffle: true);
var testLoader = new DataLoader(MNIST.Embedded(train: false, transform: transform), batchSize: batchSizeTest, shuffle: true);

foreach (double weightDecay in new[] { 0.0, 0.002 })
{
    Console.WriteLine(weightDecay == 0 ? "== without L2 ==" : $"== with L2: Adam(weight_decay={weightDecay}) ==");
    var network = new Net();
    var optimizer = new Adam(network.Parameters(), lr: learningRate, weightDecay: weightDecay);   // optim.Adam(..., weight_decay=0.002)
    Train(1, network, optimizer);
    Test(network);
}

void Train(int epoch, Net network, Optimizer optimizer)
{
    network.Train();
    int batchIdx = 0;
    foreach (var (data, target) in trainLoader)
    {
        optimizer.ZeroGrad();
        var output = network.Forward(data);
        var loss = F.NllLoss(output, target);
        loss.Backward();
        optimizer.Step();
        if (batchIdx % logInterval == 0)
            Console.WriteLine($"Train Epoch: {epoch} [{batchIdx * data.Shape[0]}/{trainLoader.Dataset.Count} " +
                              $"({100.0 * batchIdx / trainLoader.Count:F0}%)]\tLoss: {loss.Item():F6}");
        batchIdx++;
    }
}

double Test(Net network)
{
    network.Eval();
    double testLoss = 0;
    long correct = 0;
    using (Tensor.NoGrad())
    {
        foreach (var (data, target) in testLoader)
        {
            var output = network.Forward(data);
            testLoss += F.NllLoss(output, target, reduction: "sum").Item();   // size_average=False
            var pred = output.Data.Max(1, keepDim: true).Indices;             // output.data.max(1, keepdim=True)[1]
            correct += pred.Eq(target.Data.ViewAs(pred)).Sum().Item<long>();
        }
    }
    int n = testLoader.Dataset.Count;
    testLoss /= n;
    Console.WriteLine($"\nTest set: Avg. loss: {testLoss:F4}, Accuracy: {correct}/{n} ({100.0 * correct / n:F0}%)\n");
    return 100.0 * correct / n;
}

class Net : Module
{
    private readonly Linear fc1 = new(784, 700), fc2 = new(700, 700), fc3 = new(700, 700), fc4 = new(700, 700),
        fc5 = new(700, 700), fc6 = new(700, 700), fc7 = new(700, 10);

    public Net() => RegisterComponents();

    public override Tensor Forward(Tensor x)
    {
        x = x.View(-1, 784);
        x = F.Relu(fc1.Forward(x));
        x = F.Relu(fc2.Forward(x));
        x = F.Relu(fc3.Forward(x));
        x = F.Relu(fc4.Forward(x));
        x = F.Relu(fc5.Forward(x));
        x = F.Relu(fc6.Forward(x));
        x = fc7.Forward(x);
        return F.LogSoftmax(x);                                               // F.log_softmax(x) (implicit dim 1, as PyTorch)
    }
}
