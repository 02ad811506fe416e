namespace SharpGrad.Dashboard.Tests;

public class SeriesBufferTests
{
    [Fact]
    public void ShortSeriesAreKeptExactly()
    {
        var s = new SeriesBuffer(8, envelope: true);
        for (int i = 0; i < 8; i++) s.Add(i, 10 - i);
        var (x, y) = s.Points();
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], x);
        Assert.Equal([10, 9, 8, 7, 6, 5, 4, 3], y);
        Assert.Equal(1, s.BucketSize);
    }

    [Fact]
    public void LongSeriesStayBoundedWithUniformBucketsAndKeepTheirExtremes()
    {
        var s = new SeriesBuffer(1000, envelope: true);
        const int n = 100_000;
        for (int i = 0; i < n; i++) s.Add(i, i == 777 ? -50 : i == 91_234 ? 99 : Math.Sin(i / 1000.0));
        Assert.Equal(n, s.Appended);
        Assert.Equal(128, s.BucketSize); // 100,000 / 128 = 782 buckets <= 1000 < 100,000 / 64
        Assert.Equal((n + 127) / 128, s.Buckets);
        var (x, y) = s.Points();
        Assert.True(x.Length <= 2 * s.Buckets);
        Assert.Equal(-50, y.Min());
        Assert.Equal(99, y.Max());
        Assert.Contains(777.0, x);
        Assert.Contains(91_234.0, x);
        Assert.Equal(0, x[0]);
        Assert.True(x.Zip(x.Skip(1)).All(p => p.First < p.Second), "points stay in arrival order");
        Assert.True(x[^1] >= n - 128, "the last bucket reaches the newest points");
    }

    [Fact]
    public void TheResultDependsOnlyOnTheValues()
    {
        var a = new SeriesBuffer(64, envelope: true);
        var b = new SeriesBuffer(64, envelope: true);
        var rng = new Random(5);
        for (int i = 0; i < 10_000; i++)
        {
            double v = rng.NextDouble();
            a.Add(i, v);
            b.Add(i, v);
        }
        Assert.Equal(a.Points().X, b.Points().X);
        Assert.Equal(a.Points().Y, b.Points().Y);
    }

    [Fact]
    public void NonFiniteValuesLeaveAGap()
    {
        var s = new SeriesBuffer(4, envelope: true);
        s.Add(0, 1);
        s.Add(1, double.NaN);
        s.Add(2, 3);
        var (x, y) = s.Points();
        Assert.Equal([0, 1, 2], x);
        Assert.True(double.IsNaN(y[1]));
        for (int i = 3; i < 100; i++) s.Add(i, double.PositiveInfinity);
        (_, y) = s.Points();
        Assert.True(double.IsNaN(y[^1]));
        Assert.Equal(3, y.Where(double.IsFinite).Max());
    }

    [Fact]
    public void ScatterBucketsKeepAStrideSample()
    {
        var s = new SeriesBuffer(10, envelope: false);
        for (int i = 0; i < 100; i++) s.Add(i, -i);
        var (x, y) = s.Points();
        Assert.Equal(16, s.BucketSize);
        Assert.Equal([0, 16, 32, 48, 64, 80, 96], x);
        Assert.Equal(x.Select(v => -v), y);
    }

    [Fact]
    public void CapacityMustBeEven()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SeriesBuffer(3, envelope: true));
    }
}
