using SharpGrad;
using SharpGrad.Training;

namespace SharpGrad.Tests;

public class MetricsTests
{
    [Fact]
    public void RMSE_IsRootOfMeanSquaredError_NotTheCoursesSlip()
    {
        // errors 0, 0, 2: mean square 4/3; the course's sqrt(e.e)/n would give 2/3.
        double rmse = Metrics.RMSE(new[] { 1.0, 2, 3 }, new[] { 1.0, 2, 5 });
        Assert.Equal(Math.Sqrt(4.0 / 3), rmse, 15);
        Assert.Equal(Math.Sqrt(4.0 / 3), Metrics.RMSE(Tensor.From(new[] { 1.0, 2, 3 }), Tensor.From(new[] { 1.0, 2, 5 })), 15);
    }

    [Fact]
    public void MAE_IsMeanAbsoluteError_ForArraysEnumerablesAndTensors()
    {
        Assert.Equal(2.0 / 3, Metrics.MAE(new[] { 1.0, 2, 3 }, new[] { 1.0, 2, 5 }), 15);
        Assert.Equal(2.5, Metrics.MAE(Enumerable.Range(0, 2).Select(i => (double)i), new List<double> { 2, -2 }), 15); // |0-2| = 2, |1+2| = 3
        // A 1 x n float32 row, as in the course; transposed (non-contiguous) views read in logical order.
        var p = Tensor.From(new float[,] { { 1, 4 }, { 2, 6 } }).T;
        var t = Tensor.From(new float[,] { { 1, 2 }, { 4, 6 } });
        Assert.Equal(0.0, Metrics.MAE(p, t), 15);
        Assert.Equal(Math.Sqrt((0 + 4 + 4 + 0) / 4.0), Metrics.RMSE(p.Contiguous(), t.T), 12);
    }

    [Fact]
    public void RegressionMetrics_RejectMismatchedOrEmptyInputs()
    {
        Check.Throws<ArgumentException>(() => Metrics.RMSE(Tensor.Zeros(3), Tensor.Zeros(1, 3)), "rmse", "[3]", "[1, 3]");
        Check.Throws<ArgumentException>(() => Metrics.MAE(new[] { 1.0 }, new[] { 1.0, 2 }), "mae", "1 predictions", "2 targets");
        Check.Throws<ArgumentException>(() => Metrics.MAE(Array.Empty<double>(), Array.Empty<double>()), "mae", "no samples");
    }

    [Fact]
    public void Accuracy_TakesArgmaxOfLogitsOverDimensionOne()
    {
        var logits = Tensor.From(new float[,] { { 0.1f, 2, -1 }, { 3, 0, 0 }, { 0, 0, 5 }, { 1, 2, 0 } });
        var targets = Tensor.From(new[] { 1, 0, 1, 1 });
        Assert.Equal(0.75, Metrics.Accuracy(logits, targets));
        // Class indices given directly, as int64 or integral floats; and through the long overload.
        Assert.Equal(0.5, Metrics.Accuracy(Tensor.From(new[] { 1, 0, 2, 2 }), targets));
        Assert.Equal(0.5, Metrics.Accuracy(Tensor.From(new[] { 1.0, 0, 2, 2 }), targets));
        Assert.Equal(0.25, Metrics.Accuracy(new long[] { 0, 0, 0, 0 }, new long[] { 0, 1, 2, 3 }));
    }

    [Fact]
    public void Accuracy_RejectsWrongShapes()
    {
        Check.Throws<ArgumentException>(() => Metrics.Accuracy(Tensor.Zeros(4, 3), Tensor.From(new[] { 1, 0 })), "accuracy", "[4]", "[2]");
        Check.Throws<ArgumentException>(() => Metrics.Accuracy(Tensor.Zeros(2, 3, 4), Tensor.From(new[] { 1, 0 })), "accuracy", "[2, 3, 4]");
        Check.Throws<ArgumentException>(() => Metrics.Accuracy(Tensor.From(new[] { 0.5, 1 }), Tensor.From(new[] { 1, 0 })), "accuracy", "0.5");
        Check.Throws<ArgumentException>(() => Metrics.Accuracy(Tensor.Zeros(0, 3), Tensor.Zeros([0], DType.Int64)), "accuracy", "no samples");
    }
}
