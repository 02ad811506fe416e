// Tutorial (docs/tutorial.md): a Fashion-MNIST CNN in C#, step by step beside the PyTorch lines it replaces, with
// the course's tools (course 003's CNN, course 004's Adam, StepLR and accuracy): Dataset and DataLoader, a model,
// training and evaluation with accuracy, a learning-rate schedule, a one-file checkpoint that a second run resumes
// from, the live dashboard and the plots.
// Run from the repository root: dotnet run -c Release examples/tutorial.cs  (downloads Fashion-MNIST into ./data,
// or reads Debian's dataset-fashion-mnist package). Options: --epochs N, --out DIR, --no-dashboard, and --small:
// the built-in MNIST digits (no download), a few hundred of them, for a check in seconds.
#:project ../src/SharpGrad/SharpGrad.csproj
#:project ../src/SharpGrad.Dashboard/SharpGrad.Dashboard.csproj
#:property PublishAot=false

using SharpGrad;
using SharpGrad.Dashboard;
using SharpGrad.Data;
using SharpGrad.NN;
using SharpGrad.Optim;
using SharpGrad.Plotting;
using SharpGrad.Training;
using SharpGrad.Vision;
using SharpGrad.Vision.Transforms;
using F = SharpGrad.NN.Functional;

bool small = args.Contains("--small");
bool dashboard = !args.Contains("--no-dashboard");
int epochs = Option("--epochs", small ? 2 : 5);
string outDir = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault() ?? Path.Combine("runs", "tutorial");
Directory.CreateDirectory(outDir);
Tensor.ManualSeed(1);                                                            // torch.manual_seed(1)

// 1. Data. Normalize with Fashion-MNIST's mean and standard deviation.
var transform = new Compose(new ToTensor(), new Normalize([0.2860], [0.3530])); // transforms.Compose([ToTensor(), Normalize(...)])
Dataset<(Tensor Image, long Label)> trainSet, testSet;
IReadOnlyList<string> classes;
if (small)
{
    trainSet = new Subset<(Tensor, long)>(MNIST.Embedded(train: true, transform: transform), Enumerable.Range(0, 512));
    testSet = new Subset<(Tensor, long)>(MNIST.Embedded(train: false, transform: transform), Enumerable.Range(0, 256));
    classes = MNIST.ClassNames;
}
else
{
    string root = Directory.Exists(FashionMNIST.DebianRoot) ? FashionMNIST.DebianRoot : "data";
    var train = new FashionMNIST(root, train: true, transform: transform, download: true);   // datasets.FashionMNIST("data", train=True, ...)
    trainSet = train;
    testSet = new FashionMNIST(root, train: false, transform: transform, download: true);
    classes = train.Classes;
}
var trainLoader = new DataLoader(trainSet, batchSize: 64, shuffle: true);      // DataLoader(train_set, batch_size=64, shuffle=True)
var testLoader = new DataLoader(testSet, batchSize: 1000);

// 2. Model, optimizer, schedule.
var model = new Net();                                                          // model = Net()
Console.WriteLine(model);                                                       // print(model)
var optimizer = new Adam(model.Parameters(), lr: 1e-3);                        // optim.Adam(model.parameters(), lr=1e-3)
var scheduler = new StepLR(optimizer, stepSize: 1, gamma: 0.7);                 // lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)

// 3. Resume from the checkpoint of an earlier run, if there is one.
string checkpoint = Path.Combine(outDir, "checkpoint.safetensors");
int start = 0;
var history = new History();
if (File.Exists(checkpoint))
{
    var info = Checkpoint.Load(checkpoint, model, optimizer, scheduler);        // model.load_state_dict(ckpt["model"]); ...
    start = info.Epoch;
    Console.WriteLine($"resuming after epoch {start} (best accuracy so far {info.Extra["best_accuracy"]})");
}

// 4. The live dashboard: open the printed address in a browser while it trains.
using var viz = dashboard ? TrainingDashboard.Start(port: 0) : null;          // viz = Visdom()
if (viz is not null) Console.WriteLine($"dashboard: {viz.Url}");

// 5. Train and evaluate.
double best = 0;
for (int epoch = start + 1; epoch <= epochs; epoch++)
{
    model.Train();                                                              // model.train()
    double trainLoss = 0;
    int batches = 0;
    foreach (var batch in trainLoader)                                          // for data, target in train_loader:
    {
        var (data, target) = (batch[0], batch[1]);
        optimizer.ZeroGrad();                                                   //     optimizer.zero_grad()
        var loss = F.CrossEntropy(model.Call(data), target);                    //     loss = F.cross_entropy(model(data), target)
        loss.Backward();                                                        //     loss.backward()
        optimizer.Step();                                                       //     optimizer.step()
        trainLoss += loss.Item();
        viz?.TrainLoss((epoch - 1) * trainLoader.Count + batches, loss.Item());
        batches++;
    }
    scheduler.Step();                                                           // scheduler.step()

    model.Eval();                                                               // model.eval()
    double testLoss = 0;
    int correct = 0;
    using (Tensor.NoGrad())                                                     // with torch.no_grad():
    {
        foreach (var batch in testLoader)
        {
            var output = model.Call(batch[0]);
            testLoss += F.CrossEntropy(output, batch[1], reduction: "sum").Item();
            var pred = output.Argmax(dim: 1);                                   //     pred = output.argmax(dim=1)
            correct += (pred == batch[1]).Sum().Item<int>();                    //     correct += (pred == target).sum().item()
        }
    }
    double accuracy = (double)correct / testSet.Count;
    testLoss /= testSet.Count;
    Console.WriteLine($"epoch {epoch}: train loss {trainLoss / batches:F4}, test loss {testLoss:F4}, " +
                      $"accuracy {correct}/{testSet.Count} ({100 * accuracy:F1}%), lr {scheduler.GetLastLr()[0]:G3}");
    viz?.TestMetrics(epoch * trainLoader.Count, testLoss, accuracy);
    history.Add(epoch, new Dictionary<string, double> { ["train_loss"] = trainLoss / batches, ["test_loss"] = testLoss, ["accuracy"] = accuracy });
    best = Math.Max(best, accuracy);

    // 6. One file with everything needed to resume: weights, Adam's moments, the schedule, the epoch, the RNG.
    Checkpoint.Save(checkpoint, model, optimizer, scheduler, epoch,             // torch.save({...}, "checkpoint.pt")
        extra: new Dictionary<string, string> { ["best_accuracy"] = best.ToString("F4", System.Globalization.CultureInfo.InvariantCulture) });
}

// 7. Pictures: the curves of this run and the first test images with their predicted classes.
if (history.Count > 0)
{
    var epochsAxis = history.Epochs.Select(e => (double)e).ToArray();
    new LineChart { Title = "loss", XLabel = "epoch", YLabel = "cross-entropy" }
        .Add(epochsAxis, history["train_loss"].ToArray(), "train")
        .Add(epochsAxis, history["test_loss"].ToArray(), "test")
        .Save(Path.Combine(outDir, "loss.svg"));
    history.SaveCsv(Path.Combine(outDir, "history.csv"));
}
model.Eval();
var first = testLoader.First();
Tensor predicted;
using (Tensor.NoGrad()) predicted = model.Call(first[0][..32]).Argmax(dim: 1);
var labels = predicted.ToArray<long>().Select(p => classes[(int)p]).ToArray();
new ImageGrid(first[0][..32] * 0.3530 + 0.2860, nrow: 8, labels: labels).SavePng(Path.Combine(outDir, "predictions.png"));
Console.WriteLine($"wrote {outDir}/checkpoint.safetensors, loss.svg, history.csv, predictions.png");
return 0;

int Option(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}

/// <summary>Two 3x3 convolutions with max pooling, then two linear layers (course 003's CNN shape for 28x28 images).</summary>
class Net : Module                                                              // class Net(nn.Module):
{
    private readonly Conv2d conv1 = new(1, 32, 3, padding: 1);                  // self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
    private readonly Conv2d conv2 = new(32, 64, 3, padding: 1);
    private readonly Dropout dropout = new(0.25);
    private readonly Linear fc1 = new(64 * 7 * 7, 128);
    private readonly Linear fc2 = new(128, 10);
    // No registration call: fields holding layers are registered as PyTorch registers attributes.

    public override Tensor Forward(Tensor x)                                    // def forward(self, x):
    {
        x = F.MaxPool2d(F.Relu(conv1.Call(x)), 2);                              //     x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.MaxPool2d(F.Relu(conv2.Call(x)), 2);
        x = dropout.Call(x.Flatten(1));                                         //     x = self.dropout(torch.flatten(x, 1))
        return fc2.Call(F.Relu(fc1.Call(x)));                                   //     return self.fc2(F.relu(self.fc1(x)))
    }
}
