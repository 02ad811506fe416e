// Port of course 004 (第13关 正则化集合, "Dropout"): the MNIST network of 第9关 widened to 1000 units
// (784-1000x6-10) with nn.Dropout(p=0.1) after fc5 and fc6 (x = F.relu(self.dropout(self.fc5(x)))), F.log_softmax,
// F.nll_loss, Adam(lr=0.01), batch 64, seed 1, train(1) and test(). network.train() turns dropout on, network.eval()
// off (PyTorch's inverted dropout: kept units are scaled by 1/(1-p) while training, so nothing is rescaled at test
// time; the course's text describes the older "multiply the weights by p at the end" scheme).
// The course reports 91% (vs 86% without dropout) after one epoch of 60,000 images.
// Data: MNIST.Embedded() (8,000 train / 2,000 test) instead of the download: 125 batches per epoch instead of 938.
// Run from the repository root: dotnet run -c Release examples/mnist_dropout.cs
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

var network = new Net();
Console.WriteLine(network);
var optimizer = new Adam(network.Parameters(), lr: learningRate);           // optim.Adam(network.parameters(), lr=learning_rate)
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
    private readonly Linear fc1 = new(784, 1000), fc2 = new(1000, 1000), fc3 = new(1000, 1000), fc4 = new(1000, 1000),
        fc5 = new(1000, 1000), fc6 = new(1000, 1000), fc7 = new(1000, 10);
    private readonly Dropout dropout = new(p: 0.1);                          // self.dropout = nn.Dropout(p=0.1)

    public Net() => RegisterComponents();

    public override Tensor Forward(Tensor x)
    {
        x = x.View(-1, 784);
        x = F.Relu(fc1.Forward(x));
        x = F.Relu(fc2.Forward(x));
        x = F.Relu(fc3.Forward(x));
        x = F.Relu(fc4.Forward(x));
        x = F.Relu(dropout.Forward(fc5.Forward(x)));                         // F.relu(self.dropout(self.fc5(x)))
        x = F.Relu(dropout.Forward(fc6.Forward(x)));
        x = fc7.Forward(x);
        return F.LogSoftmax(x);                                               // F.log_softmax(x) (implicit dim 1, as PyTorch)
    }
}
