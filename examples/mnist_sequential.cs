// Port of course 001 ("7、神经网络的全连接", "visdom可视化" example): an MLP class holding
// nn.Sequential(Linear(784, 200), LeakyReLU(inplace=True), Linear(200, 200), LeakyReLU(inplace=True), Linear(200, 10),
// LeakyReLU(inplace=True)), optim.SGD(net.parameters(), lr=0.01), CrossEntropyLoss, batch 200, 10 epochs.
// visdom is SharpGrad.Dashboard's Visdom: the same viz.line / viz.images / viz.text calls fill a live page
// (its address is printed; pass --wait to keep it open after training). The windows are also saved as files:
// the train loss per step and the test loss & accuracy per epoch as SVG line charts, the last test batch as a
// PNG image grid labelled with the predictions.
// Data: MNIST.Embedded() (8,000 train / 2,000 test) instead of the download; no Normalize, as in the course.
// GPU: no .to(device) / .cuda(): SharpGrad runs on the CPU.
// Run from the repository root: dotnet run -c Release examples/mnist_sequential.cs [--wait]   (writes runs/examples/mnist_sequential_*)
#:project ../src/SharpGrad/SharpGrad.csproj
#:project ../src/SharpGrad.Dashboard/SharpGrad.Dashboard.csproj
#:property PublishAot=false
// (PublishAot=false: file-based programs default to native AOT, which this program does not need.)

using SharpGrad;
using SharpGrad.Dashboard;
using SharpGrad.Data;
using SharpGrad.NN;
using SharpGrad.Optim;
using SharpGrad.Plotting;
using SharpGrad.Vision;
using SharpGrad.Vision.Transforms;

Tensor.ManualSeed(0);
int batchSize = 200;
double learningRate = 0.01;
int epochs = 10;

var trainLoader = new DataLoader(MNIST.Embedded(train: true, transform: new ToTensor()), batchSize: batchSize, shuffle: true);
var testLoader = new DataLoader(MNIST.Embedded(train: false, transform: new ToTensor()), batchSize: batchSize, shuffle: true);

var net = new MLP();                                                          // net = MLP().to(device)
Console.WriteLine(net);
var optimizer = new SGD(net.Parameters(), lr: learningRate);
var criteon = new CrossEntropyLoss();                                         // nn.CrossEntropyLoss().to(device)

using var viz = Visdom.Start();                                                // viz = Visdom() (python -m visdom.server not needed)
Console.WriteLine($"visdom: {viz.Url}");
viz.Line([0.0], [0.0], win: "train_loss", title: "train loss");
viz.Line(new double[,] { { 0.0, 0.0 } }, [0.0], win: "test", title: "test loss&acc.", legend: ["loss", "acc."]);
var trainSteps = new List<double>();
var trainLosses = new List<double>();
var testSteps = new List<double>();
var testLosses = new List<double>();
var testAccs = new List<double>();
Tensor lastData = Tensor.Zeros(1, 1, 28, 28), lastPred = Tensor.Zeros([1], DType.Int64);

int globalStep = 0;
for (int epoch = 0; epoch < epochs; epoch++)
{
    int batchIdx = 0;
    foreach (var (batch, target) in trainLoader)
    {
        var data = batch.View(-1, 28 * 28);
        var logits = net.Forward(data);
        var loss = criteon.Forward(logits, target);
        optimizer.ZeroGrad();
        loss.Backward();
        optimizer.Step();
        globalStep += 1;
        viz.Line([loss.Item()], [globalStep], win: "train_loss", update: "append");
        trainSteps.Add(globalStep);
        trainLosses.Add(loss.Item());
        if (batchIdx % 100 == 0)
            Console.WriteLine($"Train Epoch: {epoch} [{batchIdx * data.Shape[0]}/{trainLoader.Dataset.Count} " +
                              $"({100.0 * batchIdx / trainLoader.Count:F0}%)]\tLoss: {loss.Item():F6}");
        batchIdx++;
    }

    double testLoss = 0, correct = 0;
    using (Tensor.NoGrad())
    {
        foreach (var (batch, target) in testLoader)
        {
            var data = batch.View(-1, 28 * 28);
            var logits = net.Forward(data);
            testLoss += criteon.Forward(logits, target).Item();
            var pred = logits.Argmax(dim: 1);
            correct += pred.Eq(target).Float().Sum().Item();
            (lastData, lastPred) = (data, pred);
        }
    }
    int n = testLoader.Dataset.Count;
    viz.Line(new double[,] { { testLoss, correct / n } }, [globalStep], win: "test", update: "append");
    viz.Images(lastData.View(-1, 1, 28, 28), win: "x");
    viz.Text($"[{string.Join(" ", lastPred.ToArray<long>())}]", win: "pred", title: "pred");   // str(pred.detach().cpu().numpy())
    testSteps.Add(globalStep);
    testLosses.Add(testLoss);
    testAccs.Add(correct / n);
    testLoss /= n;
    Console.WriteLine($"\nTest set: Average loss: {testLoss:F4}, Accuracy: {correct}/{n} ({100.0 * correct / n:F0}%)\n");
}

if (args.Contains("--wait"))
{
    Console.WriteLine($"the windows stay at {viz.Url} until you press Enter");
    Console.ReadLine();
}

// The visdom windows, as files.
Directory.CreateDirectory("runs/examples");
new LineChart { Title = "train loss", XLabel = "step", YLabel = "loss" }
    .Add(trainSteps.ToArray(), trainLosses.ToArray(), "train loss").Save("runs/examples/mnist_sequential_train_loss.svg");
new LineChart { Title = "test loss&acc.", XLabel = "step" }
    .Add(testSteps.ToArray(), testLosses.ToArray(), "loss").Add(testSteps.ToArray(), testAccs.ToArray(), "acc.")
    .Save("runs/examples/mnist_sequential_test.svg");
var predictions = lastPred.ToArray<long>().Select(p => p.ToString()).ToArray();
new ImageGrid(lastData.View(-1, 1, 28, 28), nrow: 16, labels: predictions)   // viz.images(data.view(-1, 1, 28, 28), win='x')
    .SavePng("runs/examples/mnist_sequential_x.png");
Console.WriteLine($"pred: [{string.Join(" ", predictions.Take(40))} ...]");  // viz.text(str(pred.detach().cpu().numpy()), win='pred')
Console.WriteLine("charts: runs/examples/mnist_sequential_train_loss.svg, runs/examples/mnist_sequential_test.svg, runs/examples/mnist_sequential_x.png");

class MLP : Module
{
    private readonly Sequential model;

    public MLP()
    {
        model = new Sequential(
            new Linear(784, 200),
            new LeakyReLU(inplace: true),
            new Linear(200, 200),
            new LeakyReLU(inplace: true),
            new Linear(200, 10),
            new LeakyReLU(inplace: true));
        RegisterComponents();
    }

    public override Tensor Forward(Tensor x)
    {
        x = model.Forward(x);
        return x;
    }
}
