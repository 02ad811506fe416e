// Port of course 003 ("Chapter 4 神经网络训练", section 高阶函数构造 sin(x), program 3 "optimiser.step()"):
// the cubic fit of sin(x) as a network: the inputs x, x^2, x^3 (x.unsqueeze(-1).pow(p) with p = [1, 2, 3]) go
// through nn.Sequential(nn.Linear(3, 1), nn.Flatten(0, 1)); MSELoss, optim.RMSprop(lr=1e-4), 2000 epochs,
// the loss printed every 10 epochs as PyTorch prints it (tensor(..., grad_fn=<MseLossBackward0>)).
// Run from the repository root: dotnet run -c Release examples/sine_rmsprop.cs
#:project ../src/SharpGrad/SharpGrad.csproj
#:property PublishAot=false
// (PublishAot=false: file-based programs default to native AOT, which this program does not need.)

using SharpGrad;
using SharpGrad.NN;
using SharpGrad.Optim;

Tensor.ManualSeed(0);
var x = Tensor.Linspace(-Math.PI, Math.PI, 2_000);
var y = x.Sin();

// x^1,x^2,x^3
var mynn = new Liner();
var p = Tensor.From(new[] { 1, 2, 3 });                                      // p = torch.tensor([1,2,3])
var input = x.Unsqueeze(-1).Pow(p);                                          // input = x.unsqueeze(-1).pow(p)
double learningRate = 1e-4;
var optimiser = new RMSprop(mynn.Model.Parameters(), lr: learningRate);     // torch.optim.RMSprop(params=mynn.model.parameters(),lr=learning_rate)
var lossFn = new MSELoss();                                                  // 代替square平方求和
for (int epoch = 0; epoch < 2_000; epoch++)
{
    var yPre = mynn.Forward(input);
    var loss = lossFn.Forward(yPre, y);
    var layerLiner = (Linear)mynn.Model[0];                                  // layer_liner = mynn.model[0]
    var layerFlatten = (Flatten)mynn.Model[1];                               // layer_flatten = mynn.model[1]
    optimiser.ZeroGrad();                                                    // 用于将模型参数的梯度归零
    loss.Backward();                                                         // 反向更新参数
    optimiser.Step();                                                        // 优化器,代替-=的过程
    if (epoch % 10 == 0)
        Console.WriteLine(loss);                                             // print(loss)
}

var linear = (Linear)mynn.Model[0];
var w = linear.Weight.ToArray();
Console.WriteLine($"y_pred = {linear.Bias!.Item<float>()} + {w[0]}*x + {w[1]}*x^2 + {w[2]}*x^3");

class Liner : Module
{
    private readonly Sequential model;

    public Liner()
    {
        model = new Sequential(new Linear(3, 1), new Flatten(0, 1));
        RegisterComponents();
    }

    public Sequential Model => model;                                        // mynn.model

    public override Tensor Forward(Tensor data)
    {
        var output = model.Forward(data);
        return output;
    }
}
