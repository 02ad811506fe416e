// Port of course 004 (第4关 评分预测 — 平均绝对误差和均方根误差): comp_mae(pred, actual) = sum(|pred - actual|) / n and
// comp_rmse. The course's comp_rmse computes np.sqrt(error.dot(error.T)) / count, which is not the root mean squared
// error: it divides the root by n instead of taking the root of the mean (so it is sqrt(n) times too small). Both
// are printed here, with SharpGrad.Training.Metrics.RMSE (the true sqrt(mean(e^2))) next to them. The course's test
// data (random 1 x n rating vectors) is not in the text, so ratings are drawn here with a fixed seed.
// The CLI does the same for lists you give: dotnet run -c Release --project src/SharpGrad.Cli -- metrics --actual 1,2,3 --predicted 1.1,2.2,2.7
// Run from the repository root: dotnet run -c Release examples/mae_rmse.cs
#:project ../src/SharpGrad/SharpGrad.csproj
#:property PublishAot=false
// (PublishAot=false: file-based programs default to native AOT, which this program does not need.)

using SharpGrad;
using SharpGrad.Training;

double CompMae(Tensor pred, Tensor actual)
{
    var error = (pred - actual).Abs();                                         // error = np.abs(pred - actual)
    int count = error.Shape[0];                                                // count = error.shape[0]
    var mae = error.Sum() / count;                                             // MAE = np.sum(error) / count
    return mae.Item();
}

double CompRmseAsTheCourse(Tensor pred, Tensor actual)
{
    var error = pred - actual;
    int count = error.Shape[0];
    var rmse = error.Dot(error).Sqrt() / count;                                // RMSE = np.sqrt(error.dot(error.T)) / count  (the slip)
    return rmse.Item();
}

double CompRmse(Tensor pred, Tensor actual)
{
    var error = pred - actual;
    int count = error.Shape[0];
    var rmse = (error.Dot(error) / count).Sqrt();                              // sqrt(e . e / n): the root mean squared error
    return rmse.Item();
}

var gen = new Generator(0);
for (int sample = 0; sample < 5; sample++)
{
    int n = 10 + 5 * sample;
    var actual = Tensor.Randint(1, 6, [n], gen).Double();                     // integer ratings 1..5
    var pred = (actual + Tensor.Normal(0, 1.5, [n], gen, DType.Float64)).Clamp(1, 5);
    Console.WriteLine($"样例{sample}: MAE {CompMae(pred, actual)}, RMSE {CompRmse(pred, actual)} " +
                      $"(Metrics.RMSE {Metrics.RMSE(pred, actual)}; the course's formula gives {CompRmseAsTheCourse(pred, actual)})");
}
