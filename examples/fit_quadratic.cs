// Port of course 002 ("pytorch 神经网络 关系拟合 (回归)", 完整代码): fitting y = x^2 + 0.2 * rand noise on 100 points
// in [-1, 1] with a 1-10-1 nn.Module (hidden Linear, F.relu, predict Linear), optim.SGD(lr=0.2), MSELoss,
// 100 steps. It prints the net, its parameters and the optimizer as the course does; matplotlib's animation
// (plt.cla / scatter / plot / text 'Loss=%.4f' every 5 steps) becomes a printed loss every 5 steps and an SVG of
// the data with the fitted curve every 25 steps (the last one is the final fit).
// Run from the repository root: dotnet run -c Release examples/fit_quadratic.cs   (writes runs/examples/fit_quadratic_*.svg)
#:project ../src/SharpGrad/SharpGrad.csproj
#:property PublishAot=false
// (PublishAot=false: file-based programs default to native AOT, which this program does not need.)

using SharpGrad;
using SharpGrad.NN;
using SharpGrad.Optim;
using SharpGrad.Plotting;
using F = SharpGrad.NN.Functional;

Tensor.ManualSeed(0);
var x = Tensor.Linspace(-1, 1, 100).Unsqueeze(1);                    // x=torch.unsqueeze(torch.linspace(-1,1,100),dim=1)
var y = x.Pow(2) + 0.2 * Tensor.Rand(x.Shape);                                // y=x.pow(2)+0.2*torch.rand(x.size())

Directory.CreateDirectory("runs/examples");
new ScatterChart { Title = "data", XLabel = "x", YLabel = "y" }.Add(x.Squeeze(1), y.Squeeze(1))   // plt.scatter(x, y); plt.show()
    .Save("runs/examples/fit_quadratic_data.svg");

var net = new Net(1, 10, 1);
Console.WriteLine(net);                                                       // print(net)
var para = net.Parameters().ToList();                                         // para = list(net.parameters())
Console.WriteLine($"[{string.Join(", ", para)}]");                            // print(para)

var optimizer = new SGD(net.Parameters(), lr: 0.2);
Console.WriteLine(optimizer);                                                 // print(optimizer)
var lossFunc = new MSELoss();

Console.WriteLine($"x.shape = [{string.Join(", ", x.Shape)}]");               // the course prints x.shape on every step; once here
for (int t = 0; t < 100; t++)
{
    var prediction = net.Forward(x);                                          // 喂给net训练数据x,输出预测值
    var loss = lossFunc.Forward(prediction, y);                               // 计算两者的误差
    optimizer.ZeroGrad();                                                     // 梯度清0
    loss.Backward();                                                          // 误差反向传播
    optimizer.Step();                                                         // 更新权重参数
    if (t % 5 == 0)
    {
        Console.WriteLine($"t={t,3} Loss={loss.Item():F4}");                  // plt.text(0.5, 0, 'Loss=%.4f' % loss.data.numpy())
        if (t % 25 == 0 || t == 95)
            new ScatterChart { Title = $"t={t} Loss={loss.Item():F4}", XLabel = "x", YLabel = "y" }
                .Add(x.Squeeze(1), y.Squeeze(1), "data")                       // plt.scatter(x.data.numpy(), y.data.numpy())
                .AddLine(x.Squeeze(1), prediction.Detach().Squeeze(1), "prediction") // plt.plot(x, prediction, 'r-', lw=5)
                .Save($"runs/examples/fit_quadratic_t{t:D3}.svg");
    }
}
Console.WriteLine("plots: runs/examples/fit_quadratic_data.svg, runs/examples/fit_quadratic_t000.svg ... t095.svg");

class Net : Module                                                            // class Net(torch.nn.Module)
{
    private readonly Linear hidden;
    private readonly Linear predict;

    public Net(int nFeature, int nHidden, int nOutput)
    {
        hidden = new Linear(nFeature, nHidden);                               // 隐藏层线性输出
        predict = new Linear(nHidden, nOutput);                               // 输出层线性输出
        RegisterComponents();
    }

    public override Tensor Forward(Tensor x)
    {
        x = F.Relu(hidden.Forward(x));                                        // 激励函数(隐藏层的线性值)
        x = predict.Forward(x);                                               // 输出值
        return x;
    }
}
