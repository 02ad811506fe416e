// Port of course 004 (第6关 前向传播, 第7关 反向传播, 第8关 梯度下降训练): TinyNet, a small CNN built from given weights:
// conv1 (6 filters 3x3, stride 1, pad 1) -> ReLU -> max-pool 2x2 stride 2 -> conv2 (12 filters 3x3, stride 1, pad 1)
// -> ReLU -> max-pool 2x2 stride 2 -> fully connected (48 -> 10) -> SoftmaxWithLoss, on input (B, 3, 8, 8).
// forward(x, t) returns the fully connected output and the loss; backward() returns the gradients of W_conv1, b_conv1,
// W_conv2, b_conv2, W_fc, b_fc in that order; train_one_iter does one SGD step and returns the new parameters.
// The course's hand-written layers (Convolution, Relu, MaxPool, FullyConnected, SoftmaxWithLoss with their own
// backward) are SharpGrad ops here (F.Conv2d, F.Relu, F.MaxPool2d, matmul, F.CrossEntropy) and backward() is autograd;
// a finite-difference check (Autograd.GradCheck, float64) confirms the gradients.
// The course's table says padding 0 and a second pool with stride 1; its code and its sizes (8 -> 8 -> 4 -> 4 -> 2)
// mean padding 1 and stride 2, which is what runs here. Its text gives train_one_iter a weight_decay argument
// that its code never uses; here it is an L2 term added to each gradient (0 by default, as the code).
// The platform's random test data is not in the text: x, t and the weights are drawn with a fixed seed.
// Run from the repository root: dotnet run -c Release examples/tinynet.cs
#:project ../src/SharpGrad/SharpGrad.csproj
#:property PublishAot=false
// (PublishAot=false: file-based programs default to native AOT, which this program does not need.)

using SharpGrad;
using F = SharpGrad.NN.Functional;

var gen = new Generator(0);
int B = 4;
var x = Tensor.Randn([B, 3, 8, 8], gen, DType.Float64);
var t = Tensor.Randint(0, 10, [B], gen);                                      // class labels (SoftmaxWithLoss accepts labels)
var W_conv1 = Tensor.Randn([6, 3, 3, 3], gen, DType.Float64) * 0.3;
var b_conv1 = Tensor.Zeros([6], DType.Float64);
var W_conv2 = Tensor.Randn([12, 6, 3, 3], gen, DType.Float64) * 0.2;
var b_conv2 = Tensor.Zeros([12], DType.Float64);
var W_fc = Tensor.Randn([12 * 2 * 2, 10], gen, DType.Float64) * 0.2;          // FullyConnected: out = x.reshape(B, -1) @ W + b
var b_fc = Tensor.Zeros([10], DType.Float64);

// 第6关: forward
var network = new TinyNet(W_conv1, b_conv1, W_conv2, b_conv2, W_fc, b_fc);
var (outp, loss) = network.Forward(x, t);
Console.WriteLine($"out shape [{string.Join(", ", outp.Shape)}], loss {loss.Item():F6}");

// 第7关: backward
var grads = network.Backward();
string[] names = ["dW_conv1", "db_conv1", "dW_conv2", "db_conv2", "dW_fc", "db_fc"];
for (int i = 0; i < grads.Length; i++)
    Console.WriteLine($"{names[i],-9} shape [{string.Join(", ", grads[i].Shape)}], norm {grads[i].Square().Sum().Sqrt().Item():F6}");

// The gradients against finite differences (all six parameters at once).
bool ok = Autograd.GradCheck(p => new TinyNet(p[0], p[1], p[2], p[3], p[4], p[5]).Forward(x, t).Loss,
    [W_conv1.Detach().RequiresGrad_(), b_conv1.Detach().RequiresGrad_(), W_conv2.Detach().RequiresGrad_(),
     b_conv2.Detach().RequiresGrad_(), W_fc.Detach().RequiresGrad_(), b_fc.Detach().RequiresGrad_()]);
Console.WriteLine($"gradcheck (finite differences): {(ok ? "passed" : "FAILED")}");

// 第8关: a few SGD iterations with train_one_iter; the loss on this batch falls.
var p = (W_conv1, b_conv1, W_conv2, b_conv2, W_fc, b_fc);
for (int iter = 0; iter < 20; iter++)
{
    p = TrainOneIter(p.W_conv1, p.b_conv1, p.W_conv2, p.b_conv2, p.W_fc, p.b_fc, x, t, learningRate: 0.1);
    if (iter % 5 == 4)
        Console.WriteLine($"iter {iter + 1,2}: loss {new TinyNet(p.W_conv1, p.b_conv1, p.W_conv2, p.b_conv2, p.W_fc, p.b_fc).Forward(x, t).Loss.Item():F6}");
}

(Tensor W_conv1, Tensor b_conv1, Tensor W_conv2, Tensor b_conv2, Tensor W_fc, Tensor b_fc) TrainOneIter(
    Tensor W_conv1, Tensor b_conv1, Tensor W_conv2, Tensor b_conv2, Tensor W_fc, Tensor b_fc, Tensor x, Tensor t,
    double learningRate, double weightDecay = 0)
{
    var network = new TinyNet(W_conv1, b_conv1, W_conv2, b_conv2, W_fc, b_fc);
    var (_, _) = network.Forward(x, t);
    var g = network.Backward();
    Tensor Update(Tensor w, Tensor dW) => w - (dW + weightDecay * w) * learningRate;   // new_W = W - dW * learning_rate
    return (Update(W_conv1, g[0]), Update(b_conv1, g[1]), Update(W_conv2, g[2]), Update(b_conv2, g[3]),
            Update(W_fc, g[4]), Update(b_fc, g[5]));
}

class TinyNet
{
    private readonly Tensor[] _params;
    private Tensor? _loss;

    public TinyNet(Tensor W_conv1, Tensor b_conv1, Tensor W_conv2, Tensor b_conv2, Tensor W_fc, Tensor b_fc)
    {
        // Leaves that record gradients (the course's layers keep dW, db after backward).
        _params = [.. new[] { W_conv1, b_conv1, W_conv2, b_conv2, W_fc, b_fc }.Select(w => w.RequiresGrad ? w : w.Detach().RequiresGrad_())];
    }

    public (Tensor Out, Tensor Loss) Forward(Tensor x, Tensor t)
    {
        var (W1, b1, W2, b2, Wf, bf) = (_params[0], _params[1], _params[2], _params[3], _params[4], _params[5]);
        x = F.Conv2d(x, W1, b1, stride: 1, padding: 1);                      // self.conv1 = Convolution(W_conv1, b_conv1, stride=1, pad=1)
        x = F.Relu(x);                                                       // self.relu1 = Relu()
        x = F.MaxPool2d(x, 2, stride: 2, padding: 0);                        // self.pool1 = MaxPool(2, 2, stride=2, pad=0)
        x = F.Conv2d(x, W2, b2, stride: 1, padding: 1);                      // self.conv2
        x = F.Relu(x);                                                       // self.relu2
        x = F.MaxPool2d(x, 2, stride: 2, padding: 0);                        // self.pool2
        x = x.Reshape(x.Shape[0], -1).MatMul(Wf) + bf;                       // self.fc = FullyConnected(W_fc, b_fc)
        var loss = F.CrossEntropy(x, t);                                     // self.loss = SoftmaxWithLoss()
        _loss = loss;
        return (x, loss);
    }

    public Tensor[] Backward()
    {
        if (_loss is null) throw new InvalidOperationException("TinyNet.Backward: call Forward first");
        foreach (var p in _params) p.Grad = null;
        _loss.Backward();                                                    // loss -> fc -> pool2 -> relu2 -> conv2 -> pool1 -> relu1 -> conv1
        return [.. _params.Select(p => p.Grad!)];                            // conv1.dW, conv1.db, conv2.dW, conv2.db, fc.dW, fc.db
    }
}
