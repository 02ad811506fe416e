using SharpGrad;
using SharpGrad.Training;

namespace SharpGrad.Tests;

public class ConfusionMatrixTests
{
    // true:      0 0 0 1 1 2 2 2 2
    // predicted: 0 0 1 1 2 2 2 0 2
    private static ConfusionMatrix Sample()
    {
        var m = new ConfusionMatrix(3);
        m.Update(new long[] { 0, 0, 1, 1 }, new long[] { 0, 0, 0, 1 });
        m.Update(Tensor.From(new[] { 2, 2, 2, 0, 2 }), Tensor.From(new[] { 1, 2, 2, 2, 2 }));
        return m;
    }

    [Fact]
    public void Update_AccumulatesCountsWithTrueClassesAsRows()
    {
        var m = Sample();
        Check.Close(m.ToTensor(), [3, 3], [2, 1, 0, 0, 1, 1, 1, 0, 3], 0);
        Assert.Equal(DType.Int64, m.ToTensor().DType);
        Assert.Equal(1, m[2, 0]);
        Assert.Equal(9, m.Total);
    }

    [Fact]
    public void PrecisionRecallF1_MatchHandCountedValues()
    {
        var m = Sample();
        Assert.Equal(2.0 / 3, m.Precision(0), 15); // column 0: 2, 0, 1
        Assert.Equal(1.0 / 2, m.Precision(1), 15); // column 1: 1, 1, 0
        Assert.Equal(3.0 / 4, m.Precision(2), 15); // column 2: 0, 1, 3
        Assert.Equal(2.0 / 3, m.Recall(0), 15);
        Assert.Equal(1.0 / 2, m.Recall(1), 15);
        Assert.Equal(3.0 / 4, m.Recall(2), 15);
        Assert.Equal(2.0 / 3, m.F1(0), 15);
        Assert.Equal(6.0 / 9, m.Accuracy, 15);
    }

    [Fact]
    public void Metrics_AreZeroWhereUndefined()
    {
        var m = new ConfusionMatrix(3);
        Assert.Equal(0, m.Accuracy);
        m.Update(new long[] { 0, 0 }, new long[] { 0, 1 });
        Assert.Equal(0, m.Precision(2)); // never predicted
        Assert.Equal(0, m.Recall(2));    // never occurred
        Assert.Equal(0, m.F1(2));
        Assert.Equal(0, m.F1(1));        // occurred, never right
    }

    [Fact]
    public void Update_WithLogits_UsesArgmax_AndChecksClassCount()
    {
        var m = new ConfusionMatrix(2);
        m.Update(Tensor.From(new float[,] { { 0, 1 }, { 2, 1 }, { 0, 3 } }), Tensor.From(new[] { 1, 1, 0 }));
        Check.Close(m.ToTensor(), [2, 2], [0, 1, 1, 1], 0);
        Check.Throws<ArgumentException>(() => m.Update(Tensor.Zeros(2, 3), Tensor.From(new[] { 1, 1 })), "ConfusionMatrix.update", "[2, 3]", "2 classes");
    }

    [Fact]
    public void Update_RejectsOutOfRangeClassesWithoutCountingAnything()
    {
        var m = new ConfusionMatrix(3);
        Check.Throws<ArgumentException>(() => m.Update(new long[] { 0, 3 }, new long[] { 0, 1 }), "predicted class 3", "position 1", "[0, 3)");
        Check.Throws<ArgumentException>(() => m.Update(new long[] { 0, 1 }, new long[] { -1, 1 }), "target class -1");
        Check.Throws<ArgumentException>(() => m.Update(new long[] { 0 }, new long[] { 0, 1 }), "1 predictions but 2 targets");
        Assert.Equal(0, m.Total);
        Check.Throws<ArgumentOutOfRangeException>(() => _ = m[0, 3], "predicted class 3");
        Check.Throws<ArgumentException>(() => new ConfusionMatrix(0), "numClasses", "0");
    }

    [Fact]
    public void Reset_ClearsCounts()
    {
        var m = Sample();
        m.Reset();
        Assert.Equal(0, m.Total);
        Check.Close(m.ToTensor(), [3, 3], new double[9], 0);
    }

    [Fact]
    public void ToString_IsARightAlignedTable()
    {
        var m = Sample();
        m.Update(Enumerable.Repeat(1L, 10), Enumerable.Repeat(1L, 10));
        Assert.Equal(
            "true\\pred   0   1   2\n" +
            "        0   2   1   0\n" +
            "        1   0  11   1\n" +
            "        2   1   0   3", m.ToString());
        var named = new ConfusionMatrix(2, ["cat", "horse"]);
        named.Update(new long[] { 1 }, new long[] { 0 });
        Assert.Equal(
            "true\\pred    cat  horse\n" +
            "      cat      0      1\n" +
            "    horse      0      0", named.ToString());
    }
}
