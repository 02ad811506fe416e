namespace SharpGrad.Tests;

public class GeneratorTests
{
    [Fact]
    public void SameSeed_GivesTheSameSequence()
    {
        var a = new Generator(42);
        var b = new Generator(42);
        for (int i = 0; i < 100; i++) Assert.Equal(a.NextUInt64(), b.NextUInt64());
    }

    [Fact]
    public void DifferentSeeds_GiveDifferentSequences()
    {
        var a = new Generator(1);
        var b = new Generator(2);
        int same = 0;
        for (int i = 0; i < 100; i++) if (a.NextUInt64() == b.NextUInt64()) same++;
        Assert.Equal(0, same);
    }

    [Fact]
    public void ManualSeed_RestartsTheSequenceAndRecordsTheSeed()
    {
        var g = new Generator(7);
        var first = new[] { g.NextUInt64(), g.NextUInt64() };
        g.NextNormal();
        Assert.Same(g, g.ManualSeed(7));
        Assert.Equal(7UL, g.InitialSeed);
        Assert.Equal(first, new[] { g.NextUInt64(), g.NextUInt64() });
    }

    [Fact]
    public void DefaultConstructor_UsesPyTorchsDefaultSeed()
        => Assert.Equal(67280421310721UL, new Generator().InitialSeed);

    [Fact]
    public void ManualSeed_ClearsAPendingNormal()
    {
        var g = new Generator(3);
        double n0 = g.NextNormal();
        g.ManualSeed(3);
        Assert.Equal(n0, g.NextNormal());
    }

    [Fact]
    public void NextDoubleAndNextSingle_LieInUnitInterval_WithMeanOneHalf()
    {
        var g = new Generator(5);
        double sumD = 0, sumF = 0;
        const int n = 100_000;
        for (int i = 0; i < n; i++)
        {
            double d = g.NextDouble();
            float f = g.NextSingle();
            Assert.InRange(d, 0.0, 1.0);
            Assert.True(d < 1.0);
            Assert.InRange(f, 0f, 1f);
            Assert.True(f < 1f);
            sumD += d;
            sumF += f;
        }
        Assert.InRange(sumD / n, 0.495, 0.505);
        Assert.InRange(sumF / n, 0.495, 0.505);
    }

    [Fact]
    public void NextNormal_HasMeanZeroAndVarianceOne()
    {
        var g = new Generator(11);
        double sum = 0, sumSq = 0;
        const int n = 100_000;
        for (int i = 0; i < n; i++)
        {
            double x = g.NextNormal();
            Assert.True(double.IsFinite(x));
            sum += x;
            sumSq += x * x;
        }
        double mean = sum / n;
        Assert.InRange(mean, -0.02, 0.02);
        Assert.InRange(sumSq / n - mean * mean, 0.97, 1.03);
    }

    [Fact]
    public void NextInt64_StaysInRange_AndHitsEveryValueEvenly()
    {
        var g = new Generator(9);
        var counts = new int[7];
        const int n = 70_000;
        for (int i = 0; i < n; i++)
        {
            long v = g.NextInt64(-3, 4);
            Assert.InRange(v, -3L, 3L);
            counts[v + 3]++;
        }
        foreach (int c in counts) Assert.InRange(c, 9_400, 10_600);
    }

    [Fact]
    public void NextInt64_HandlesTheFullRange()
    {
        var g = new Generator(9);
        bool negative = false, positive = false;
        for (int i = 0; i < 64; i++)
        {
            long v = g.NextInt64(long.MinValue / 2, long.MaxValue / 2);
            negative |= v < 0;
            positive |= v > 0;
        }
        Assert.True(negative && positive);
    }

    [Fact]
    public void NextInt64_RejectsEmptyRange()
        => Check.Throws<ArgumentException>(() => new Generator().NextInt64(5, 5), "randint", "5");

    [Fact]
    public void GetStateSetState_ReplaysTheStream()
    {
        var g = new Generator(13);
        g.NextUInt64();
        var state = g.GetState();
        var expected = new[] { g.NextDouble(), g.NextDouble(), g.NextNormal(), g.NextNormal(), g.NextNormal() };
        var h = new Generator(0);
        h.SetState(state);
        Assert.Equal(13UL, h.InitialSeed);
        Assert.Equal(expected, new[] { h.NextDouble(), h.NextDouble(), h.NextNormal(), h.NextNormal(), h.NextNormal() });
    }

    [Fact]
    public void GetStateSetState_ReplaysAPendingNormal()
    {
        // Box-Muller makes normals in pairs; a state saved between the two must replay the second one.
        var g = new Generator(17);
        g.NextNormal();
        var state = g.GetState();
        var expected = new[] { g.NextNormal(), g.NextNormal(), g.NextNormal() };
        g.SetState(state);
        Assert.Equal(expected, new[] { g.NextNormal(), g.NextNormal(), g.NextNormal() });
    }

    [Fact]
    public void SetState_RejectsWrongLength()
        => Check.Throws<ArgumentException>(() => new Generator().SetState([1, 2, 3]), "SetState", "got 3");
}
