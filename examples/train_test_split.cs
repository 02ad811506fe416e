// Port of course 004 (第11关 测试集): the course's train_test_split(dataset, train=0.6): a copy of the list, and random
// items popped from it (randrange) into the training basket until it holds train * len(dataset) items; what is left
// is the test set. Main: seed(666), dataset [[1], [2], ..., [10]], train = 0.8.
// Python's random module is not SharpGrad's generator, so the split differs from Python's for seed 666, but the
// same seed always gives the same split; SharpGrad.Data.Splits.TrainTestSplit is the library version (same result).
// The CLI: dotnet run -c Release --project src/SharpGrad.Cli -- split --seed 666
// Run from the repository root: dotnet run -c Release examples/train_test_split.cs
#:project ../src/SharpGrad/SharpGrad.csproj
#:property PublishAot=false
// (PublishAot=false: file-based programs default to native AOT, which this program does not need.)

using SharpGrad;
using SharpGrad.Data;

Generator random = new(666);                                                  // seed(666)
int Randrange(int n) => (int)random.NextInt64(0, n);                          // randrange(n)

(List<int[]> Train, List<int[]> Test) TrainTestSplit(List<int[]> dataset, double train = 0.6)
{
    var trainBasket = new List<int[]>();                                      // 创建一个空列表用于存放后面划分好的训练集
    double trainSize = train * dataset.Count;                                 // 根据输入的训练集的比例计算出训练集的大小
    var datasetCopy = new List<int[]>(dataset);                               // 复制出一个新的数据集来做切分
    while (trainBasket.Count < trainSize)
    {
        int randomChoose = Randrange(datasetCopy.Count);                      // random_choose = randrange(len(dataset_copy))
        trainBasket.Add(datasetCopy[randomChoose]);                           // train_basket.append(dataset_copy.pop(random_choose))
        datasetCopy.RemoveAt(randomChoose);
    }
    return (trainBasket, datasetCopy);
}

string Show(IEnumerable<int[]> items) => "[" + string.Join(", ", items.Select(i => $"[{string.Join(", ", i)}]")) + "]";

var dataset = Enumerable.Range(1, 10).Select(i => new[] { i }).ToList();     // [[1],[2],...,[10]]
var (trainData, testData) = TrainTestSplit(dataset, train: 0.8);
Console.WriteLine($"划分后的训练集数据为: {Show(trainData)} 划分后的测试集数据为: {Show(testData)}");

// The library's version with the same seed gives the same parts.
var (trainLib, testLib) = Splits.TrainTestSplit(dataset, 0.8, seed: 666);
Console.WriteLine($"Splits.TrainTestSplit(seed 666): train {Show(trainLib)} test {Show(testLib)}");
Console.WriteLine(Show(trainLib) == Show(trainData) && Show(testLib) == Show(testData) ? "same split" : "DIFFERENT split");
