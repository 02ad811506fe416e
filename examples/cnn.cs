// Port of course 003 ("Chapter 4 神经网络训练", section 构建神经网络全过程): the CIFAR-shaped CNN
// Conv2d(3,32,5,1,2) MaxPool2d(2) Conv2d(32,32,5,1,2) MaxPool2d(2) Conv2d(32,64,5,1,2) MaxPool2d(2) Flatten
// Linear(64*4*4, 64) Linear(64, 10), trained with MSELoss and RMSprop(lr=1e-4) for 100 periods to output
// [1, 2, ..., 10]. No CIFAR data is needed: like the course, the input is a single all-ones 1x3x32x32 image
// (torch.ones), so the network learns to map that one image to the target. The weights start random, so the
// printed losses differ from the course's (38.6425, 34.2981, ... 0.1051), but they fall the same way.
// Run from the repository root: dotnet run -c Release examples/cnn.cs
#:project ../src/SharpGrad/SharpGrad.csproj
#:property PublishAot=false
// (PublishAot=false: file-based programs default to native AOT, which this program does not need.)

using SharpGrad;
using SharpGrad.NN;
using SharpGrad.Optim;

Tensor.ManualSeed(0);

// 2.得到数据集
var input = Tensor.Ones([1, 3, 32, 32], DType.Float32);                      // torch.ones(size=(1,3,32,32),dtype=torch.float32)
var y = Tensor.From(new float[,] { { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 } });      // torch.tensor([[1,...,10]],dtype=torch.float32)
// 3.调用模型得到输出
var mynn = new Mynetwork();
var lossFn = new MSELoss(reduction: "mean");                                 // 损失函数
var optimiser = new RMSprop(mynn.Model.Parameters(), lr: 1e-4);              // 定义优化器

Tensor yPred = input;
for (int period = 0; period < 100; period++)
{
    Console.WriteLine($"this is period {period + 1}:");
    for (int data = 0; data < 1; data++)
    {
        yPred = mynn.Forward(input);                                         // 导入模型
        var loss = lossFn.Forward(yPred, y);                                 // 4.计算真实值与输出值之间的偏差loss
        optimiser.ZeroGrad();                                                // 7.迭代一次后 梯度置零
        loss.Backward();                                                     // 5.计算各参量的梯度值
        optimiser.Step();                                                    // 6.用优化器更新参数
        if (data % 10 == 0)
            Console.WriteLine(loss);
    }
}
Console.WriteLine($"The final outcome is {yPred}");

class Mynetwork : Module
{
    private readonly Sequential model;

    public Mynetwork()
    {
        model = new Sequential(new Conv2d(3, 32, 5, 1, 2), new MaxPool2d(2),
            new Conv2d(32, 32, 5, 1, 2), new MaxPool2d(2),
            new Conv2d(32, 64, 5, 1, 2), new MaxPool2d(2),
            new Flatten(), new Linear(64 * 4 * 4, 64), new Linear(64, 10));
        RegisterComponents();
    }

    public Sequential Model => model;

    public override Tensor Forward(Tensor data)                              // 前向驱动函数
    {
        var output = model.Forward(data);
        return output;
    }
}
