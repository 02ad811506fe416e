// Port of course 002 (the second listing, "基于PyTorch的BP神经网络序列回归代码示例"): the same y = x^2 + noise data,
// a Net with fc1 = Linear(1, 10), nn.ReLU, fc2 = Linear(10, 1), MSELoss, optim.SGD(lr=0.01), 1000 epochs, the
// loss every 100 epochs, then the data ('ro') and the fitted line (an SVG instead of plt.show()).
// Run from the repository root: dotnet run -c Release examples/fit_quadratic_bp.cs   (writes runs/examples/fit_quadratic_bp.svg)
#:project ../src/SharpGrad/SharpGrad.csproj
#:property PublishAot=false
// (PublishAot=false: file-based programs default to native AOT, which this program does not need.)

using SharpGrad;
using SharpGrad.NN;
using SharpGrad.Optim;
using SharpGrad.Plotting;

Tensor.ManualSeed(0);

// 定义超参数
int inputSize = 1;
int hiddenSize = 10;
int outputSize = 1;
int numEpochs = 1000;
double learningRate = 0.01;

// 创建模型和损失函数
var net = new Net(inputSize, hiddenSize, outputSize);
var criterion = new MSELoss();
var optimizer = new SGD(net.Parameters(), lr: learningRate);

// 生成数据集
var x = Tensor.Linspace(-1, 1, 100).Unsqueeze(1);     
var y = x.Pow(2) + 0.2 * Tensor.Rand(x.Shape);

// 训练模型
for (int epoch = 0; epoch < numEpochs; epoch++)
{
    var inputs = x;
    var targets = y;
    var outputs = net.Forward(inputs);                                        // 前向传播
    var loss = criterion.Forward(outputs, targets);
    optimizer.ZeroGrad();                                                     // 反向传播和优化
    loss.Backward();
    optimizer.Step();
    if ((epoch + 1) % 100 == 0)
        Console.WriteLine($"Epoch [{epoch + 1}/{numEpochs}], Loss: {loss.Item():F4}");
}

// 绘制回归图
Directory.CreateDirectory("runs/examples");
new ScatterChart { Title = "BP regression", XLabel = "x", YLabel = "y" }
    .Add(x.Squeeze(1), y.Squeeze(1), "Original data")                         // plt.plot(x, y, 'ro', label='Original data')
    .AddLine(x.Squeeze(1), net.Forward(x).Detach().Squeeze(1), "Fitted line") // plt.plot(x, net(x).detach().numpy(), label='Fitted line')
    .Save("runs/examples/fit_quadratic_bp.svg");
Console.WriteLine("plot: runs/examples/fit_quadratic_bp.svg");

class Net : Module
{
    private readonly Linear fc1;
    private readonly ReLU relu;
    private readonly Linear fc2;

    public Net(int inputSize, int hiddenSize, int outputSize)
    {
        fc1 = new Linear(inputSize, hiddenSize);
        relu = new ReLU();
        fc2 = new Linear(hiddenSize, outputSize);
        RegisterComponents();
    }

    public override Tensor Forward(Tensor x)
    {
        var @out = fc1.Forward(x);
        @out = relu.Forward(@out);
        @out = fc2.Forward(@out);
        return @out;
    }
}
