// Port of course 000 (前馈神经网络, task "多分类任务"): MNIST classification from raw tensors.
// A 784-256-10 network written with raw tensors W1, b1, W2, b2, ReLU, CrossEntropyLoss, the hand-written
// mini-batch SGD (param.data -= lr * param.grad / batch_size), batch 32, 20 epochs, train/test loss and accuracy.
// The course's slip is fixed: it writes params = [W1,b2,W2,b2], which leaves b1 untrained; here params = [W1,b1,W2,b2].
// Data: the 10,000 MNIST digits embedded in SharpGrad (MNIST.Embedded(): 8,000 train, 2,000 test) instead of the
// 60,000/10,000 download, so accuracies are lower than the course's 0.84 after 20 epochs (fewer steps per epoch).
// Run from the repository root: dotnet run -c Release examples/mnist_raw.cs
#:project ../src/SharpGrad/SharpGrad.csproj
#:property PublishAot=false
// (PublishAot=false: file-based programs default to native AOT, which this program does not need.)

using SharpGrad;
using SharpGrad.Data;
using SharpGrad.NN;
using SharpGrad.Plotting;
using SharpGrad.Vision;
using SharpGrad.Vision.Transforms;

Tensor.ManualSeed(0);
string Size(Tensor t) => $"torch.Size([{string.Join(", ", t.Shape)}])";

// torchvision.datasets.MNIST(root=..., train=True, download=True, transform=transforms.ToTensor())
var trainDataset = MNIST.Embedded(train: true, transform: new ToTensor());
var testDataset = MNIST.Embedded(train: false, transform: new ToTensor());

int batchSize = 32;
var trainIter = new DataLoader(trainDataset, batchSize: batchSize, shuffle: true);
var testIter = new DataLoader(testDataset, batchSize: batchSize, shuffle: false);
foreach (var (X, y) in trainIter)
{
    Console.WriteLine($"{Size(X)} {Size(y)}");                                        // torch.Size([32, 1, 28, 28]) torch.Size([32])
    break;
}

int numInputs = 784;
int numHiddens = 256;
int numOutputs = 10;
var W1 = Tensor.Normal(0, 0.01, [numInputs, numHiddens]);
var b1 = Tensor.Zeros(1);
var W2 = Tensor.Normal(0, 0.01, [numHiddens, numOutputs]);
var b2 = Tensor.Zeros(1);
Tensor[] params_ = [W1, b1, W2, b2];                                                  // course: [W1,b2,W2,b2] (slip)
foreach (var param in params_) param.RequiresGrad_(true);

Tensor Relu(Tensor x) => Tensor.Max(x, Tensor.From(0.0));

Tensor Net(Tensor X)
{
    X = X.Reshape(-1, numInputs);
    var H = Relu(X.MatMul(W1) + b1);                                                  // relu(X@W1+b1)
    return H.MatMul(W2) + b2;
}

var loss = new CrossEntropyLoss();                                                    // torch.nn.CrossEntropyLoss()

void SGD(Tensor[] params_, double lr, int batchSize)
{
    foreach (var param in params_)
        param.Data.Sub_(lr * param.Grad! / batchSize);
}

(double Acc, double Loss) EvaluateAccuracyLoss(Func<Tensor, Tensor> net, DataLoader dataIter)
{
    double accSum = 0, lossSum = 0;
    int n = 0;
    using (Tensor.NoGrad())
    {
        foreach (var (X, y) in dataIter)
        {
            var yHat = net(X);
            accSum += yHat.Argmax(dim: 1).Eq(y).Sum().Item();                         // (y_hat.argmax(dim=1)==y).sum().item()
            var l = loss.Forward(yHat, y);
            lossSum += l.Item() * y.Shape[0];
            n += y.Shape[0];
        }
    }
    return (accSum / n, lossSum / n);
}

(List<double>, List<double>) Train(Func<Tensor, Tensor> net, DataLoader trainIter, DataLoader testIter, CrossEntropyLoss loss,
    int numEpochs, int batchSize, Tensor[] params_, double lr)
{
    var trainLoss = new List<double>();
    var testLoss = new List<double>();
    for (int epoch = 0; epoch < numEpochs; epoch++)
    {
        double trainLSum = 0, trainAccNum = 0;
        int n = 0;
        foreach (var (X, y) in trainIter)
        {
            var yHat = net(X);
            var l = loss.Forward(yHat, y);
            if (params_[0].Grad is not null)
                foreach (var param in params_) param.Grad!.Zero_();
            l.Backward();
            SGD(params_, lr, batchSize);
            trainLSum += l.Item() * y.Shape[0];
            trainAccNum += yHat.Argmax(dim: 1).Eq(y).Sum().Item();
            n += y.Shape[0];
        }
        trainLoss.Add(trainLSum / n);
        var (testAcc, testL) = EvaluateAccuracyLoss(net, testIter);
        testLoss.Add(testL);
        Console.WriteLine($"epoch {epoch + 1},train_loss {trainLoss[epoch]:F6},test_loss {testLoss[epoch]:F6},train_acc {trainAccNum / n:F6},test_acc {testAcc:F6}");
    }
    return (trainLoss, testLoss);
}

double lr = 0.01;
int numEpochs = 20;
var (trainLoss, testLoss) = Train(Net, trainIter, testIter, loss, numEpochs, batchSize, params_, lr);

Directory.CreateDirectory("runs/examples");
new LineChart { Title = "MNIST from raw tensors", XLabel = "epoch", YLabel = "loss" }
    .Add(trainLoss.ToArray(), "train_loss").Add(testLoss.ToArray(), "test_loss")
    .Save("runs/examples/mnist_raw_loss.svg");
Console.WriteLine("loss curve: runs/examples/mnist_raw_loss.svg");
