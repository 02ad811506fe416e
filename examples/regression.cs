// Port of course 000 (前馈神经网络, task "回归任务"): high-dimensional regression from raw tensors.
// 10000 samples with 500 features, y = X w + b + noise with w = 0.0056 and b = 0.028; a 500-256-1 network
// written with raw tensors W1, b1, W2, b2, ReLU, MSELoss, TensorDataset/DataLoader, the hand-written
// mini-batch SGD (param.data -= lr * param.grad / batch_size), 100 epochs, and the loss curve.
// Run from the repository root: dotnet run examples/regression.cs   (writes runs/examples/regression_loss.svg)
#:project ../src/SharpGrad/SharpGrad.csproj
#:property PublishAot=false
// (PublishAot=false: file-based programs default to native AOT, which this program does not need.)

using SharpGrad;
using SharpGrad.Data;
using SharpGrad.NN;
using SharpGrad.Plotting;

Tensor.ManualSeed(0);
string Size(Tensor t) => $"torch.Size([{string.Join(", ", t.Shape)}])";

// 自定义数据集 (the data set)
int numInputs = 500;
int numExamples = 10000;
var trueW = Tensor.Ones(500, 1) * 0.0056;                                         // true_w = torch.ones(500,1)*0.0056
double trueB = 0.028;
var features = Tensor.Normal(0, 1, [numExamples, numInputs]);                     // np.random.normal(0, 1, (num_examples, num_inputs))
var labels = features.Mm(trueW) + trueB;                                          // labels = torch.mm(features,true_w) + true_b
labels = labels + Tensor.Normal(0, 0.01, labels.Shape);                            // labels += np.random.normal(0, 0.01, size=labels.size())
var trainfeatures = features[..7000];
var trainlabels = labels[..7000];
var testfeatures = features[7000..];
var testlabels = labels[7000..];
Console.WriteLine($"{Size(trainfeatures)} {Size(trainlabels)} {Size(testfeatures)} {Size(testlabels)}");

// 构造数据迭代器 (the data iterators)
int batchSize = 50;
DataLoader LoadArray(Tensor[] dataArrays, int batchSize, bool isTrain = true)   // def load_array(data_arrays, batch_size, is_train=True)
    => new DataLoader(new TensorDataset(dataArrays), batchSize: batchSize, shuffle: isTrain);
var trainIter = LoadArray([trainfeatures, trainlabels], batchSize);
var testIter = LoadArray([testfeatures, testlabels], batchSize);
var (firstX, firstY) = trainIter.First();                                          // next(iter(train_iter))
Console.WriteLine($"first batch: X {Size(firstX)}, y {Size(firstY)}");

// 初始化参数 (parameters)
int numHiddens = 256;
int numOutputs = 1;
var W1 = Tensor.Normal(0, 0.01, [numInputs, numHiddens]);
var b1 = Tensor.Zeros(1);
var W2 = Tensor.Normal(0, 0.01, [numHiddens, numOutputs]);
var b2 = Tensor.Zeros(1);
Tensor[] params_ = [W1, b1, W2, b2];
foreach (var param in params_) param.RequiresGrad_(true);                         // param.requires_grad_(requires_grad = True)

// 定义隐藏层激活函数 (ReLU as the course writes it)
Tensor Relu(Tensor x) => Tensor.Max(x, Tensor.From(0.0));                         // torch.max(x, torch.tensor(0.0))
var two = Tensor.From(2);
Console.WriteLine($"relu(x), relu(-x) = {Relu(two)}, {Relu(-two)}");

// 定义模型 (the model)
Tensor Net(Tensor X)
{
    X = X.View(-1, numInputs);
    var H = Relu(X.MatMul(W1) + b1);                                               // relu(torch.matmul(X,W1)+b1)
    return H.MatMul(W2) + b2;
}
var a = Tensor.Ones(2, 3);
var b = Tensor.Ones(3, 4);
Console.WriteLine($"a@b = {a.MatMul(b)}, size {Size(a.MatMul(b))}");

var loss = new MSELoss();                                                          // loss = torch.nn.MSELoss()

void SGD(Tensor[] params_, double lr, int batchSize)                               // def SGD(params, lr, batch_size)
{
    foreach (var param in params_)
        param.Data.Sub_(lr * param.Grad! / batchSize);                             // param.data -= lr * param.grad/batch_size
}

(List<double> TrainLoss, List<double> TestLoss) Train(Func<Tensor, Tensor> net, DataLoader trainIter, DataLoader testIter, MSELoss loss,
    int numEpochs, int batchSize, Tensor[] params_, double lr)
{
    var trainLoss = new List<double>();
    var testLoss = new List<double>();
    for (int epoch = 0; epoch < numEpochs; epoch++)
    {
        foreach (var (X, y) in trainIter)
        {
            var yHat = net(X);
            var l = loss.Forward(yHat, y);
            if (params_[0].Grad is not null)
                foreach (var param in params_) param.Grad!.Zero_();                // param.grad.data.zero_()
            l.Backward();
            SGD(params_, lr, batchSize);
        }
        using (Tensor.NoGrad())
        {
            trainLoss.Add(loss.Forward(net(trainfeatures), trainlabels.View(-1, 1)).Item());
            testLoss.Add(loss.Forward(net(testfeatures), testlabels.View(-1, 1)).Item());
        }
        Console.WriteLine($"epoch {epoch + 1},train_loss {trainLoss[epoch]:F6},test_loss {testLoss[epoch]:F6}");
    }
    return (trainLoss, testLoss);
}

// 开始训练模型 (training)
double lr = 0.01;
int numEpochs = 100;
var (trainLoss, testLoss) = Train(Net, trainIter, testIter, loss, numEpochs, batchSize, params_, lr);

// 绘制loss曲线 (plt.plot(x, train_loss, label="train_loss") ... plt.show(): an SVG file instead)
Directory.CreateDirectory("runs/examples");
new LineChart { Title = "Regression", XLabel = "epoch", YLabel = "loss" }
    .Add(trainLoss.ToArray(), "train_loss").Add(testLoss.ToArray(), "test_loss")
    .Save("runs/examples/regression_loss.svg");
Console.WriteLine("loss curve: runs/examples/regression_loss.svg");
