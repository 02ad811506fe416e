// Port of course 001 ("7、神经网络的全连接", section 交叉熵, the entropy demo "演示代码"):
// the entropy -(p * log2 p).sum() of three distributions over four outcomes. The more certain the
// distribution, the lower the entropy. Expected output: 2.0000, 1.3568, 0.0313 (PyTorch prints
// tensor(2.), tensor(1.3568), tensor(0.0313)).
// Run from the repository root: dotnet run examples/entropy.cs
#:project ../src/SharpGrad/SharpGrad.csproj
#:property PublishAot=false
// (PublishAot=false: file-based programs default to native AOT, which this program does not need.)

using SharpGrad;

var x1 = Tensor.Full([4], 1 / 4.0);                               // x1 = torch.full([4], 1 / 4.0)
var y1 = -(x1 * x1.Log2()).Sum();                                 // y1 = -(x1 * torch.log2(x1)).sum()
var x2 = Tensor.From(new[] { 0.1f, 0.1f, 0.1f, 0.7f });           // x2 = torch.tensor([0.1, 0.1, 0.1, 0.7])
var y2 = -(x2 * x2.Log2()).Sum();
var x3 = Tensor.From(new[] { 0.001f, 0.001f, 0.001f, 0.999f });   // x3 = torch.tensor([0.001, 0.001, 0.001, 0.999])
var y3 = -(x3 * x3.Log2()).Sum();
Console.WriteLine($"{y1.Item():F4}");                             // print(y1)
Console.WriteLine($"{y2.Item():F4}");
Console.WriteLine($"{y3.Item():F4}");
