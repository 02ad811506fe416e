using System.Numerics;
using SharpGrad.Data;

namespace SharpGrad.Tests;

/// <summary>
/// CPython's random module reproduced bit for bit. Expected values printed by CPython 3.11.2 (/usr/bin/python3):
///   random.seed(666); [random.getrandbits(32) for _ in range(4)] -> [1959018967, 4216997439, 3879743412, 1619311080]
///   random.seed(666); x = list(range(1, 21)); random.shuffle(x) -> [5, 8, 20, 17, 7, 11, 4, 3, 16, 2, 6, 12, 18, 9, 19, 1, 10, 14, 13, 15]
///   random.seed(2**40 + 12345); [random.getrandbits(32) for _ in range(3)], random.random()
///       -> [1332995613, 1500173691, 493462063], 0.0038972760260037598
///   random.seed(0); [random.randrange(1000) for _ in range(5)], random.getrandbits(7) -> [864, 394, 776, 911, 430], 5
///   random.seed(-5); random.getrandbits(32) -> 2675342405
///   the course's train_test_split after random.seed(666), dataset [[1]..[10]], train=0.8
///       -> train [[8], [7], [9], [3], [6], [1], [5], [2]], test [[4], [10]]
/// </summary>
public class PythonRandomTests
{
    [Fact]
    public void GetRandBits_MatchesCPython()
    {
        var r = new PythonRandom(666);
        Assert.Equal([1959018967UL, 4216997439, 3879743412, 1619311080], Enumerable.Range(0, 4).Select(_ => r.GetRandBits(32)));
        Assert.Equal(2675342405UL, new PythonRandom(-5).GetRandBits(32));
    }

    [Fact]
    public void MultiWordSeedAndRandom_MatchCPython()
    {
        var r = new PythonRandom(BigInteger.Pow(2, 40) + 12345);
        Assert.Equal([1332995613UL, 1500173691, 493462063], Enumerable.Range(0, 3).Select(_ => r.GetRandBits(32)));
        Assert.Equal(0.0038972760260037598, r.Random());
    }

    [Fact]
    public void RandRangeAndShuffle_MatchCPython()
    {
        var r = new PythonRandom(0);
        Assert.Equal([864L, 394, 776, 911, 430], Enumerable.Range(0, 5).Select(_ => r.RandRange(1000)));
        Assert.Equal(5UL, r.GetRandBits(7));
        var x = Enumerable.Range(1, 20).ToList();
        new PythonRandom(666).Shuffle(x);
        Assert.Equal([5, 8, 20, 17, 7, 11, 4, 3, 16, 2, 6, 12, 18, 9, 19, 1, 10, 14, 13, 15], x);
        Assert.Throws<ArgumentOutOfRangeException>(() => r.RandRange(0));
    }

    [Fact]
    public void CourseTrainTestSplit_IsThePythonOutput()
    {
        var (train, test) = Splits.TrainTestSplit(Enumerable.Range(1, 10).ToList(), 0.8, new PythonRandom(666));
        Assert.Equal([8, 7, 9, 3, 6, 1, 5, 2], train);
        Assert.Equal([4, 10], test);
    }
}
