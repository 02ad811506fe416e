// Port of course 001 ("7、神经网络的全连接", "MNIST数据集分类代码"): a 3-layer MLP from raw tensors w1, b1, w2, b2,
// w3, b3 (x @ w.t() + b), Kaiming-normal initialisation, F.relu, optim.SGD(lr=0.01), nn.CrossEntropyLoss,
// batch 200, 10 epochs, the "Train Epoch" lines every 100 batches and the "Test set" summary per epoch.
// Data: MNIST.Embedded() (8,000 train / 2,000 test digits shipped with SharpGrad) instead of the 60,000/10,000
// download, so one epoch is 40 batches and only batch 0 gets a "Train Epoch" line. Like the course, the last layer
// also goes through ReLU and the test loss is the sum of batch means divided by the number of samples.
// GPU: SharpGrad runs on the CPU only, so the course's device = torch.device('cuda:0') has no counterpart.
// Run from the repository root: dotnet run -c Release examples/mnist_mlp.cs
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

Tensor.ManualSeed(0);
int batchSize = 200;
double learningRate = 0.01;
int epochs = 10;

// 下载数据集 (datasets.MNIST(..., transform=Compose([ToTensor(), Normalize((0.1307,), (0.3081,))])))
var transform = new Compose(new ToTensor(), new Normalize([0.1307], [0.3081]));
var trainLoader = new DataLoader(MNIST.Embedded(train: true, transform: transform), batchSize: batchSize, shuffle: true);
var testLoader = new DataLoader(MNIST.Embedded(train: false, transform: transform), batchSize: batchSize, shuffle: true);

Tensor w1 = Tensor.Randn([200, 784], requiresGrad: true), b1 = Tensor.Zeros([200], requiresGrad: true);
Tensor w2 = Tensor.Randn([200, 200], requiresGrad: true), b2 = Tensor.Zeros([200], requiresGrad: true);
Tensor w3 = Tensor.Randn([10, 200], requiresGrad: true), b3 = Tensor.Zeros([10], requiresGrad: true);

// kaiming正态分布 (torch.nn.init.kaiming_normal_)
Init.KaimingNormal_(w1);
Init.KaimingNormal_(w2);
Init.KaimingNormal_(w3);

Tensor Forward(Tensor x)
{
    x = x.MatMul(w1.T) + b1;                                                  // x = x @ w1.t() + b1
    x = F.Relu(x);
    x = x.MatMul(w2.T) + b2;
    x = F.Relu(x);
    x = x.MatMul(w3.T) + b3;
    x = F.Relu(x);
    return x;
}

var optimizer = new SGD([w1, b1, w2, b2, w3, b3], lr: learningRate);       // optim.SGD([w1, b1, w2, b2, w3, b3], lr=learning_rate)
var criteon = new CrossEntropyLoss();

for (int epoch = 0; epoch < epochs; epoch++)
{
    int batchIdx = 0;
    foreach (var (batch, target) in trainLoader)
    {
        var data = batch.View(-1, 28 * 28);
        var logits = Forward(data);
        var loss = criteon.Forward(logits, target);
        optimizer.ZeroGrad();
        loss.Backward();
        optimizer.Step();
        if (batchIdx % 100 == 0)
            Console.WriteLine($"Train Epoch: {epoch} [{batchIdx * data.Shape[0]}/{trainLoader.Dataset.Count} " +
                              $"({100.0 * batchIdx / trainLoader.Count:F0}%)]\tLoss: {loss.Item():F6}");
        batchIdx++;
    }

    double testLoss = 0;
    long correct = 0;
    using (Tensor.NoGrad())
    {
        foreach (var (batch, target) in testLoader)
        {
            var data = batch.View(-1, 28 * 28);
            var logits = Forward(data);
            testLoss += criteon.Forward(logits, target).Item();
            var pred = logits.Data.Max(1).Indices;                            // pred = logits.data.max(1)[1]
            correct += pred.Eq(target.Data).Sum().Item<long>();               // correct += pred.eq(target.data).sum()
        }
    }
    int n = testLoader.Dataset.Count;
    testLoss /= n;
    Console.WriteLine($"\nTest set: Average loss: {testLoss:F4}, Accuracy: {correct}/{n} ({100.0 * correct / n:F0}%)\n");
}
