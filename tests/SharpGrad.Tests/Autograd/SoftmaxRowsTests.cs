using SharpGrad;

namespace SharpGrad.Tests;

/// <summary>The row-wise softmax and log-softmax (last dim, contiguous) against the composite formulas, forward and backward.</summary>
public class SoftmaxRowsTests
{
    [Theory]
    [InlineData(DType.Float32, 7, 10, true)]
    [InlineData(DType.Float32, 3, 300, true)]
    [InlineData(DType.Float64, 4, 5, false)]
    [InlineData(DType.Float64, 2, 600, false)]
    // Short rows (up to SoftmaxRows.SmallRow) take the block path; 33 is the first length past it, one row the per-row path.
    [InlineData(DType.Float32, 200, 10, false)]
    [InlineData(DType.Float64, 5, 32, true)]
    [InlineData(DType.Float32, 3, 33, false)]
    [InlineData(DType.Float32, 1, 10, true)]
    public void LastDim_MatchesTheComposite(DType dtype, int rows, int n, bool log)
    {
        var x = (Tensor.Randn([rows, n], new Generator(11), dtype) * 5.0).RequiresGrad_();
        var g = Tensor.Randn([rows, n], new Generator(12), dtype);
        var y = log ? x.LogSoftmax(-1) : x.Softmax(1);
        y.Backward(g);

        var xd = x.Detach();
        var shifted = xd - xd.Max(1, keepDim: true).Values;
        var sum = shifted.Exp().Sum(1, keepDim: true);
        var expectedY = log ? shifted - sum.Log() : shifted.Exp() / sum;
        var yd = expectedY;
        var expectedGrad = log ? g - yd.Exp() * g.Sum(1, keepDim: true) : yd * (g - (g * yd).Sum(1, keepDim: true));
        double tol = dtype == DType.Float32 ? 1e-5 : 1e-12;
        Check.Close(y.Detach(), expectedY.ToArray<double>(), tol);
        Check.Close(x.Grad!, expectedGrad.ToArray<double>(), tol);
    }

    [Fact]
    public void LogSoftmax_OfAnInfiniteLogit_GivesZeroAndMinusInfinity()
    {
        var x = Tensor.From(new double[,] { { double.NegativeInfinity, 0 }, { 1000, 0 } });
        Check.Close(x.LogSoftmax(1), [double.NegativeInfinity, 0, 0, -1000]);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(40)]
    public void ShortAndLongRows_GiveTheSameValuesAndPropagateNaN(int n)
    {
        // The same rows computed once as one [3, n] block and once row by row ([1, n] each, the per-row path).
        var x = Tensor.Randn([3, n], new Generator(5)) * 4.0;
        x[1, 2] = Tensor.Full([], double.NaN);
        foreach (bool log in new[] { true, false })
        {
            var whole = log ? x.LogSoftmax(1) : x.Softmax(1);
            for (int r = 0; r < 3; r++)
            {
                var row = x[r..(r + 1)].Contiguous();
                var single = log ? row.LogSoftmax(1) : row.Softmax(1);
                var expected = single.ToArray<float>();
                var actual = whole[r].ToArray<float>();
                for (int i = 0; i < n; i++)
                {
                    if (r == 1) Assert.True(float.IsNaN(actual[i]), $"row with a NaN, element {i}: {actual[i]}");
                    else Assert.Equal(expected[i], actual[i], 6);
                }
            }
        }
    }
}
