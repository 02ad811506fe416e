// Port of course 000 (前馈神经网络, task "二分类任务"): binary classification from raw tensors.
// Two classes of 10000 samples with 200 features, N(2, 1) (label 1) and N(-2, 1) (label 0); 7000 of each for training,
// 3000 for testing; a 200-100-1 network from raw tensors with ReLU, BCEWithLogitsLoss, hand-written mini-batch SGD.
// The course's slip is fixed: it writes x2_train = x1[:7000] (the second class copied from the first, so both classes
// have the same features); here x2_train = x2[:7000] and x2_test = x2[7000:], as meant. The loss therefore falls to
// about 0 instead of the course's 0.85 (which is what identical features with opposite labels give).
// Run from the repository root: dotnet run -c Release examples/binary_classification.cs
#:project ../src/SharpGrad/SharpGrad.csproj
#:property PublishAot=false
// (PublishAot=false: file-based programs default to native AOT, which this program does not need.)

using SharpGrad;
using SharpGrad.Data;
using SharpGrad.NN;
using SharpGrad.Plotting;

Tensor.ManualSeed(0);
string Size(Tensor t) => $"torch.Size([{string.Join(", ", t.Shape)}])";

// 自定义数据集 (two data sets)
int numInputs = 200;
var x1 = Tensor.Normal(2, 1, [10000, numInputs]);                                  // x1 = torch.normal(2,1,(10000,num_inputs))
var y1 = Tensor.Ones(10000, 1);
var x1Train = x1[..7000];
var x1Test = x1[7000..];
var x2 = Tensor.Normal(-2, 1, [10000, numInputs]);
var y2 = Tensor.Zeros(10000, 1);
var x2Train = x2[..7000];                                                            // course: x2_train = x1[:7000] (slip)
var x2Test = x2[7000..];                                                             // course: x2_test = x1[7000:] (slip)
var trainfeatures = Tensor.Cat([x1Train, x2Train], 0).Float();                      // torch.cat((x1_train,x2_train),0).type(torch.FloatTensor)
var trainlabels = Tensor.Cat([y1[..7000], y2[..7000]], 0).Float();
var testfeatures = Tensor.Cat([x1Test, x2Test], 0).Float();
var testlabels = Tensor.Cat([y1[7000..], y2[7000..]], 0).Float();
Console.WriteLine($"{Size(trainfeatures)} {Size(trainlabels)} {Size(testfeatures)} {Size(testlabels)}");

// 构造数据迭代器 (data iterators)
int batchSize = 50;
var dataset1 = new TensorDataset(trainfeatures, trainlabels);
var trainIter = new DataLoader(dataset1, batchSize: batchSize, shuffle: true);
var dataset2 = new TensorDataset(testfeatures, testlabels);
var testIter = new DataLoader(dataset2, batchSize: batchSize, shuffle: false);

// 初始化参数 (parameters: N(0, 1), as in the course)
int numHiddens = 100;
int numOutputs = 1;
var W1 = Tensor.Normal(0, 1, [numInputs, numHiddens]);
var b1 = Tensor.Zeros(1);
var W2 = Tensor.Normal(0, 1, [numHiddens, numOutputs]);
var b2 = Tensor.Zeros(1);
Tensor[] params_ = [W1, b1, W2, b2];
foreach (var param in params_) param.RequiresGrad_(true);

Tensor Relu(Tensor x) => Tensor.Max(x, Tensor.From(0.0));                          // torch.max(x,torch.tensor(0.0))

Tensor Net(Tensor X)
{
    X = X.View(-1, numInputs);
    var H = Relu(X.Mm(W1) + b1);                                                     // relu(torch.mm(X,W1)+b1)
    return H.Mm(W2) + b2;
}

var loss = new BCEWithLogitsLoss();                                                  // torch.nn.BCEWithLogitsLoss()

void SGD(Tensor[] params_, double lr, int batchSize)
{
    foreach (var param in params_)
        param.Data.Sub_(lr * param.Grad! / batchSize);                               // param.data -= lr * param.grad/batch_size
}

(List<double>, List<double>) Train(Func<Tensor, Tensor> net, DataLoader trainIter, DataLoader testIter, BCEWithLogitsLoss loss,
    int numEpochs, int batchSize, Tensor[] params_, double lr)
{
    var trainLoss = new List<double>();
    var testLoss = new List<double>();
    for (int epoch = 0; epoch < numEpochs; epoch++)
    {
        foreach (var (X, y) in trainIter)
        {
            var yHat = net(X);
            var l = loss.Forward(yHat, y.View(-1, 1));
            if (params_[0].Grad is not null)
                foreach (var param in params_) param.Grad!.Zero_();
            l.Backward();
            SGD(params_, lr, batchSize);
        }
        using (Tensor.NoGrad())
        {
            testLoss.Add(loss.Forward(net(testfeatures), testlabels).Item());
            trainLoss.Add(loss.Forward(net(trainfeatures), trainlabels).Item());
        }
        Console.WriteLine($"epoch {epoch + 1},train_loss {trainLoss[epoch]:F6},test_loss {testLoss[epoch]:F6}");
    }
    return (trainLoss, testLoss);
}

double lr = 0.01;
int numEpochs = 100;
var (trainLoss, testLoss) = Train(Net, trainIter, testIter, loss, numEpochs, batchSize, params_, lr);

// Not in the course: the test accuracy (a logit > 0 means class 1).
using (Tensor.NoGrad())
{
    var predicted = (Net(testfeatures) > 0).Float();
    Console.WriteLine($"test accuracy {predicted.Eq(testlabels).Float().Mean().Item():F4}");
}

Directory.CreateDirectory("runs/examples");
new LineChart { Title = "Binary classification", XLabel = "epoch", YLabel = "loss" }
    .Add(trainLoss.ToArray(), "train_loss").Add(testLoss.ToArray(), "test_loss")
    .Save("runs/examples/binary_classification_loss.svg");
Console.WriteLine("loss curve: runs/examples/binary_classification_loss.svg");
