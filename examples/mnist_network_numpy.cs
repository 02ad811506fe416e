// Port of course 004 (第10关 手写数字识别之搭建向前传播过程): the NumPy class Network(inputnodes, hidnodes, outputnodes,
// learning_rate) with W1 (hid x in), W2 (out x hid), b1, b2 ~ randn * 0.01; predict(X): a1 = X.T, z2 = W1 a1 + b1,
// a2 = relu(z2), z3 = W2 a2 + b2, a3 = relu(z3), p = argmax(a3, axis=0); backward(dAL): the hand-derived gradients and
// the gradient-descent update. Also the exercise's helpers: sigmoid, relu, relu_derivative, cross_entropy and its
// derivative. Everything is written with plain tensors (no autograd), as the NumPy original.
// The course shows no training loop, so a small one drives it: full-batch steps on MNIST.Embedded() (8,000 digits).
// Changes, each needed to run: (1) dAL is a3 - Y, the gradient of 0.5 * ||a3 - Y||^2 with one-hot Y; the course's
// cross_entropy_der(y, a3) divides by ReLU outputs that are 0 (clipped to 1e-10), so its steps would explode;
// (2) db = mean(dZ, axis=1, keepdims=True): without keepdims, b (n x 1) -= lr * db (n,) broadcasts to n x n and
// NumPy refuses the in-place update; (3) m is the number of training samples (the course hard-codes 60000).
// Run from the repository root: dotnet run -c Release examples/mnist_network_numpy.cs
#:project ../src/SharpGrad/SharpGrad.csproj
#:property PublishAot=false
// (PublishAot=false: file-based programs default to native AOT, which this program does not need.)

using SharpGrad;
using SharpGrad.Vision;
using F = SharpGrad.NN.Functional;

Tensor.ManualSeed(0);
var train = MNIST.Embedded(train: true);
var test = MNIST.Embedded(train: false);
var X = train.Data.Reshape(-1, 784).Float() / 255.0;                         // 8000 x 784, in [0, 1]
var labels = train.Targets;
var Y = F.OneHot(labels, 10).Float().T;                                      // 10 x 8000, one column per sample
var Xtest = test.Data.Reshape(-1, 784).Float() / 255.0;

var net = new Network(784, 100, 10, learningRate: 0.5, m: X.Shape[0]);
double Accuracy(Tensor p, Tensor y) => p.Eq(y).Float().Mean().Item();
Console.WriteLine($"before training: train acc {Accuracy(net.Predict(X), labels):F4}");
for (int step = 1; step <= 60; step++)
{
    var p = net.Predict(X);                                                  // forward: also keeps a1, z2, a2, z3, a3
    var dAL = net.A3! - Y;                                                   // d(0.5 ||a3 - Y||^2) / d a3
    net.Backward(dAL);
    if (step % 10 == 0)
        Console.WriteLine($"step {step,3}: loss {0.5 * dAL.Square().Sum().Item() / X.Shape[0]:F4}, train acc {Accuracy(p, labels):F4}");
}
Console.WriteLine($"test acc {Accuracy(net.Predict(Xtest), test.Targets):F4}");
var probe = Tensor.Linspace(0.01, 0.99, 3);
Console.WriteLine($"cross_entropy(1, [0.01, 0.5, 0.99]) = {Helpers.CrossEntropy(Tensor.OnesLike(probe), probe)}; " +
                  $"sigmoid(0) = {Helpers.Sigmoid(Tensor.Zeros(1))}");

static class Helpers
{
    public static Tensor CrossEntropy(Tensor y, Tensor yPredict)                    // 交叉熵损失函数
    {
        yPredict = yPredict.Clamp(1e-10, 1 - 1e-10);                                 // np.clip: no 0*log(0)
        return -(y * yPredict.Log() + (1 - y) * (1 - yPredict).Log());
    }

    public static Tensor CrossEntropyDer(Tensor y, Tensor yPredict) => -y / yPredict + (1 - y) / (1 - yPredict);
    public static Tensor Sigmoid(Tensor x) => 1.0 / (1 + (-x).Exp());
    public static Tensor Relu(Tensor x) => x.ClampMin(0);                            // np.maximum(0,x)
    public static Tensor SigDerivative(Tensor x) { var fx = Sigmoid(x); return fx * (1 - fx); }
    public static Tensor ReluDerivative(Tensor x) => (x >= 0).Float();               // (x>=0).astype(np.float64)
}

class Network
{
    private readonly int innodes, hidnodes, outnodes, m;
    private readonly double lr;
    private Tensor W1, W2, b1, b2;
    private Tensor? a1, z2, a2, z3;
    public Tensor? A3 { get; private set; }

    public Network(int inputnodes, int hidnodes, int outputnodes, double learningRate, int m)
    {
        innodes = inputnodes;
        this.hidnodes = hidnodes;
        outnodes = outputnodes;
        lr = learningRate;
        this.m = m;
        // 各层权重 偏置
        W1 = Tensor.Randn(this.hidnodes, innodes) * 0.01;                           // np.random.randn(self.hidnodes, self.innodes) * 0.01
        W2 = Tensor.Randn(outnodes, this.hidnodes) * 0.01;
        b1 = Tensor.Randn(this.hidnodes, 1) * 0.01;
        b2 = Tensor.Randn(outnodes, 1) * 0.01;
    }

    public Tensor Predict(Tensor X)
    {
        a1 = X.T;                                                                    // self.a1 = X.T
        z2 = W1.MatMul(a1) + b1;                                                     // np.dot(self.W1,self.a1)+self.b1
        a2 = Helpers.Relu(z2);
        z3 = W2.MatMul(a2) + b2;
        A3 = Helpers.Relu(z3);
        var @out = A3;
        var p = @out.Argmax(dim: 0);                                                 // 输出层的最大索引下标即为标签值
        return p;
    }

    public void Backward(Tensor dAL)
    {
        var dZ3 = dAL * Helpers.ReluDerivative(z3!);                                 // np.multiply(dAL, relu_derivative(self.z3))
        var dW2 = dZ3.MatMul(a2!.T) / m;
        var db2 = dZ3.Mean(1, keepDim: true);                                        // course: np.mean(dZ3, axis=1) (see the header)
        var dAL1 = W2.T.MatMul(dZ3);
        var dZ2 = dAL1 * Helpers.ReluDerivative(z2!);
        var dW1 = dZ2.MatMul(a1!.T) / m;
        var db1 = dZ2.Mean(1, keepDim: true);
        // 梯度下降
        W2 = W2 - lr * dW2;
        b2 = b2 - lr * db2;
        W1 = W1 - lr * dW1;
        b1 = b1 - lr * db1;
    }
}
