// Port of course 004 (第13关 正则化集合, "提前终止"): the course's EarlyStopping class (monitor, mode 'min'/'max',
// patience, state_dict/load_state_dict, reset, __call__) with the MNIST network of 第9关 (784-700x6-10, log_softmax,
// nll_loss, Adam(lr=0.01), batch 64, seed 1): first trained for every epoch, then again from the same start with
// EarlyStopping(mode='max', patience=3) on the test accuracy, stopping when 3 epochs bring no new best. The library's
// SharpGrad.Training.EarlyStopping is checked to make the same decision.
// Smaller than the course so that it runs in about a minute of CPU time: 2,000 of the embedded MNIST digits (MNIST.Embedded())
// for training, the 2,000 embedded test digits, and at most 20 epochs instead of 29.
// Run from the repository root: dotnet run -c Release examples/mnist_early_stopping.cs
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

// 导入与制作数据集 (ToTensor + Normalize((0.1307,), (0.3081,))); 2,000 of the embedded training digits to keep it short.
var transform = new Compose(new ToTensor(), new Normalize([0.1307], [0.3081]));
var trainSet = new Subset<(Tensor Image, long Label)>(MNIST.Embedded(train: true, transform: transform), Enumerable.Range(0, 2000));
var trainLoader = new DataLoader(trainSet, batchSize: batchSizeTrain, shuffle: true);
var testLoader = new DataLoader(MNIST.Embedded(train: false, transform: transform), batchSize: batchSizeTest, shuffle: true);

int maxEpoch = 21;                                                            // the course: for epoch in range(1, 30)

// 1. Without early stopping: train every epoch (the course's 29 reach an overfitted 82%).
Console.WriteLine($"== {maxEpoch - 1} epochs without early stopping ==");
Tensor.ManualSeed(randomSeed);
var network = new Net();
var optimizer = new Adam(network.Parameters(), lr: learningRate);
var accs = new List<double>();
double acc = 0;
for (int epoch = 1; epoch < maxEpoch; epoch++)
{
    Train(epoch, network, optimizer);
    acc = Test(network);
    accs.Add(acc);
}

// 2. With the course's EarlyStopping(mode='max', patience=3) on the test accuracy, from the same start.
Console.WriteLine("== with EarlyStopping(mode='max', patience=3) ==");
Tensor.ManualSeed(randomSeed);
network = new Net();
optimizer = new Adam(network.Parameters(), lr: learningRate);
var earlyStop = new EarlyStopping(mode: "max", patience: 3);                // early_stop = EarlyStopping(mode='max', patience=3)
acc = 0;
int? stoppedAt = null;
for (int epoch = 1; epoch < maxEpoch; epoch++)
{
    Train(epoch, network, optimizer);
    acc = Test(network);
    if (earlyStop.Call(acc))                                                 // if early_stop(acc): break
    {
        stoppedAt = epoch;
        Console.WriteLine($"early stop after epoch {epoch}: no new best accuracy for 3 epochs");
        break;
    }
}
Console.WriteLine($"accuracy per epoch without early stopping: {string.Join(", ", accs.Select(a => a.ToString("F1")))}");
Console.WriteLine(stoppedAt is int e
    ? $"stopped at epoch {e} with {acc:F1}% (best {earlyStop.StateDict()["value"]:F1}%) instead of {accs[^1]:F1}% after {accs.Count} epochs"
    : $"no early stop within {accs.Count} epochs: {acc:F1}%");

// The library's SharpGrad.Training.EarlyStopping makes the same decision on the same accuracies.
var lib = new SharpGrad.Training.EarlyStopping(mode: "max", patience: 3);
int libStop = accs.FindIndex(a => lib.Step(a)) + 1;
Console.WriteLine(libStop > 0 ? $"SharpGrad.Training.EarlyStopping on the first run's accuracies stops at epoch {libStop}"
                              : "SharpGrad.Training.EarlyStopping on the first run's accuracies does not stop either");

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
        if (batchIdx % logInterval == 0 && false)                            // the course comments this print out here
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

// 提前终止类 (the course's EarlyStopping, with reset() setting the counter to 0: its second listing says 1, a slip)
class EarlyStopping
{
    public string Monitor, Mode;
    public int Patience;
    private double value;
    private int times;

    public EarlyStopping(string monitor = "val_loss", string mode = "min", int patience = 1)
    {
        Monitor = monitor;                                                   // 要监测的指标,只有传入指标字典才会生效
        Mode = mode;                                                         // 监测指标的模式,min 或 max
        Patience = patience;                                                 // 最大容忍次数
        value = mode == "max" ? double.NegativeInfinity : double.PositiveInfinity;
        times = 0;
    }

    public Dictionary<string, object> StateDict() => new()                  // 保存状态,以便下次加载恢复
    {
        ["monitor"] = Monitor, ["mode"] = Mode, ["patience"] = Patience, ["value"] = value, ["times"] = times,
    };

    public void LoadStateDict(Dictionary<string, object> stateDict)          // 加载状态
    {
        Monitor = (string)stateDict["monitor"];
        Mode = (string)stateDict["mode"];
        Patience = (int)stateDict["patience"];
        value = (double)stateDict["value"];
        times = (int)stateDict["times"];
    }

    public void Reset() => times = 0;                                        // 重置次数

    public bool Call(double metrics)                                         // __call__: True 表示触发终止条件
    {
        if ((Mode == "min" && metrics <= value) || (Mode == "max" && metrics >= value))
        {
            value = metrics;
            times = 0;
        }
        else
        {
            times += 1;
        }
        return times >= Patience;
    }

    public bool Call(Dictionary<string, double> metrics) => Call(metrics[Monitor]);   // 指标字典
}
