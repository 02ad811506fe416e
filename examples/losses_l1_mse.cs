// Port of course 003 ("Chapter 4 神经网络训练", section 损失函数与优化器, "损失函数的使用"): L1Loss and MSELoss with
// reduction="sum" of y_pred = [1, 2, 3] against y = [1, 2, 5]. Expected output: tensor(2.) and tensor(4.).
// Run from the repository root: dotnet run -c Release examples/losses_l1_mse.cs
#:project ../src/SharpGrad/SharpGrad.csproj
#:property PublishAot=false
// (PublishAot=false: file-based programs default to native AOT, which this program does not need.)

using SharpGrad;
using SharpGrad.NN;

var yPred = Tensor.From(new[] { 1, 2, 3 }, DType.Float32);                   // torch.tensor([1,2,3],dtype=torch.float32)
var y = Tensor.From(new[] { 1, 2, 5 }, DType.Float32);

// 2.损失函数选择L1Loss(): |P1-E1| + |P2-E2| + ... (reduction="sum"; "mean" divides by N)
var lossL1 = new L1Loss(reduction: "sum");
var result1 = lossL1.Forward(yPred, y);
Console.WriteLine(result1);

// 3.损失函数选择MSELoss(): (P1-E1)^2 + (P2-E2)^2 + ... (reduction="sum")
var lossMse = new MSELoss(reduction: "sum");
var result2 = lossMse.Forward(yPred, y);
Console.WriteLine(result2);
