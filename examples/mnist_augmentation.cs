// Port of course 004 (第13关 正则化集合, "数据增强"): the MNIST network and training of 第9关 (784-700x6-10, log_softmax,
// nll_loss, Adam(lr=0.01), batch 64, seed 1, train(1) and test()) with torchvision.transforms.RandomRotation(20) added
// in front of ToTensor() and Normalize() for the training images only. The course reports 89% (vs 88%) after one
// epoch of 60,000 images.
// Data: MNIST.Embedded() (8,000 train / 2,000 test) instead of the download: 125 batches per epoch instead of 938.
// Rotation runs image by image (as in PyTorch), so loading is slower than without it.
// Run from the repository root: dotnet run -c Release examples/mnist_augmentation.cs   (writes runs/examples/mnist_augmentation.png)
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

// 导入与制作数据集: the training images get RandomRotation(20) first (a new random angle in [-20, 20] degrees each time
// an image is loaded); the test images are not changed.
var trainTransform = new Compose(new RandomRotation(20), new ToTensor(), new Normalize([0.1307], [0.3081]));
var transform = new Compose(new ToTensor(), new Normalize([0.1307], [0.3081]));
var trainLoader = new DataLoader(MNIST.Embedded(train: true, transform: trainTransform), batchSize: batchSizeTrain, shuffle: true);

// Not in the course: the first 16 training images as the network sees them (rotated), in a PNG.
var firstBatch = trainLoader.First()[0];
Directory.CreateDirectory("runs/examples");
new SharpGrad.Plotting.ImageGrid(firstBatch[..16], nrow: 8, normalize: true).SavePng("runs/examples/mnist_augmentation.png");
Console.WriteLine("rotated samples: runs/examples/mnist_augmentation.png");
var testLoader = new DataLoader(MNIST.Embedded(train: false, transform: transform), batchSize: batchSizeTest, shuffle: true);

var network = new Net();
var optimizer = new Adam(network.Parameters(), lr: learningRate);
Train(1, network, optimizer);
Test(network);

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
