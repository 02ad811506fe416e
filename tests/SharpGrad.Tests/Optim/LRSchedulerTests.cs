using SharpGrad;
using SharpGrad.Optim;

namespace SharpGrad.Tests;

public class LRSchedulerTests
{
    private static SGD MakeOptimizer(double lr = 1.0) => new([OptimTesting.Param(1.0)], lr: lr);

    /// <summary>The learning rate after construction (epoch 0) and after each of <paramref name="steps"/> further steps.</summary>
    private static double[] Lrs(Optimizer opt, LRScheduler scheduler, int steps)
    {
        var lrs = new double[steps + 1];
        lrs[0] = opt.ParamGroups[0].Lr;
        for (int e = 1; e <= steps; e++)
        {
            opt.Step();
            scheduler.Step();
            lrs[e] = opt.ParamGroups[0].Lr;
            Assert.Equal(e, scheduler.LastEpoch);
            Assert.Equal([lrs[e]], scheduler.GetLastLr());
        }
        return lrs;
    }

    [Fact]
    public void StepLR_Epochs0To10_DecayEveryThirdEpoch()
    {
        var opt = MakeOptimizer();
        var lrs = Lrs(opt, new StepLR(opt, stepSize: 3, gamma: 0.1), 10);
        // PyTorch multiplies the current rate, so the values are the chained products 1, 0.1, 0.1·0.1, ...
        double[] expected = [1, 1, 1, 0.1, 0.1, 0.1, 0.1 * 0.1, 0.1 * 0.1, 0.1 * 0.1, 0.1 * 0.1 * 0.1, 0.1 * 0.1 * 0.1];
        Assert.Equal(expected, lrs);
        for (int e = 0; e <= 10; e++) Check.Close(Math.Pow(0.1, e / 3), lrs[e], 1e-14);
    }

    [Fact]
    public void StepLR_Construction_SetsInitialLrAndBaseLrs()
    {
        var opt = MakeOptimizer(0.5);
        var scheduler = new StepLR(opt, 2);
        Assert.Equal(0.5, opt.ParamGroups[0]["initial_lr"]);
        Assert.Equal([0.5], scheduler.BaseLrs);
        Assert.Equal(0, scheduler.LastEpoch);
        Assert.Equal([0.5], scheduler.GetLastLr());
    }

    [Fact]
    public void StepLR_FollowsRatesSetByHand()
    {
        var opt = MakeOptimizer();
        var scheduler = new StepLR(opt, stepSize: 2, gamma: 0.5);
        scheduler.Step();
        opt.ParamGroups[0].Lr = 0.3;
        scheduler.Step();
        Assert.Equal(0.15, opt.ParamGroups[0].Lr);
    }

    [Fact]
    public void StepLR_RejectsNonPositiveStepSize()
    {
        var opt = MakeOptimizer();
        Check.Throws<ArgumentException>(() => new StepLR(opt, 0), "StepLR: stepSize must be a positive number of epochs, got 0");
        Assert.False(opt.ParamGroups[0].ContainsKey("initial_lr"));
    }

    [Fact]
    public void MultiStepLR_DecaysAtMilestones_RepeatedOnesTwice()
    {
        var opt = MakeOptimizer();
        var scheduler = new MultiStepLR(opt, [5, 2, 5], gamma: 0.5);
        Assert.Equal([2, 5, 5], scheduler.Milestones);
        Assert.Equal([1, 1, 0.5, 0.5, 0.5, 0.125, 0.125, 0.125], Lrs(opt, scheduler, 7));
    }

    [Fact]
    public void ExponentialLR_MultipliesEveryEpoch()
    {
        var opt = MakeOptimizer(0.2);
        var lrs = Lrs(opt, new ExponentialLR(opt, gamma: 0.9), 6);
        for (int e = 0; e <= 6; e++) Check.Close(0.2 * Math.Pow(0.9, e), lrs[e], 1e-14);
    }

    [Theory]
    [InlineData(10, 0.001)]
    [InlineData(7, 0.0)]
    [InlineData(1, 0.01)]
    public void CosineAnnealingLR_MatchesClosedForm(int tMax, double etaMin)
    {
        const double baseLr = 0.1;
        var opt = MakeOptimizer(baseLr);
        var lrs = Lrs(opt, new CosineAnnealingLR(opt, tMax, etaMin), 3 * tMax + 2);
        for (int e = 0; e < lrs.Length; e++)
        {
            double closed = etaMin + (baseLr - etaMin) * (1 + Math.Cos(Math.PI * e / tMax)) / 2;
            Assert.True(Math.Abs(closed - lrs[e]) <= 1e-12, $"epoch {e}: closed form {closed:R}, scheduler {lrs[e]:R}");
        }
        Check.Close(etaMin, lrs[tMax], 1e-12);
        Check.Close(baseLr, lrs[2 * tMax], 1e-12);
    }

    [Fact]
    public void CosineAnnealingLR_RejectsNonPositiveTMax()
    {
        Check.Throws<ArgumentException>(() => new CosineAnnealingLR(MakeOptimizer(), 0), "CosineAnnealingLR: T_max must be a positive number of epochs, got 0");
    }

    [Fact]
    public void Scheduler_PerGroupRates()
    {
        var opt = new SGD([new ParamGroup([OptimTesting.Param(1)]), new ParamGroup([OptimTesting.Param(1)]) { ["lr"] = 0.01 }], lr: 1.0);
        var scheduler = new StepLR(opt, 1, 0.5);
        scheduler.Step();
        Assert.Equal([0.5, 0.005], scheduler.GetLastLr());
        Assert.Equal([1.0, 0.01], scheduler.BaseLrs);
    }

    [Fact]
    public void Scheduler_Resuming_NeedsInitialLr()
    {
        Check.Throws<ArgumentException>(() => new StepLR(MakeOptimizer(), 3, lastEpoch: 4),
            "StepLR: param 'initial_lr' is not specified in param_groups[0] when resuming an optimizer");
    }

    [Fact]
    public void Scheduler_Resuming_WithInitialLrContinuesFromLastEpoch()
    {
        var opt = MakeOptimizer(0.01);
        opt.ParamGroups[0]["initial_lr"] = 1.0;
        var scheduler = new StepLR(opt, stepSize: 3, gamma: 0.1, lastEpoch: 5);
        Assert.Equal(6, scheduler.LastEpoch);
        Assert.Equal([1.0], scheduler.BaseLrs);
        Check.Close(0.001, opt.ParamGroups[0].Lr, 1e-15);
    }

    [Fact]
    public void Scheduler_AfterGroupAdded_ReportsMismatch()
    {
        var opt = MakeOptimizer();
        var scheduler = new ExponentialLR(opt, 0.5);
        opt.AddParamGroup(new ParamGroup([OptimTesting.Param(2)]));
        Check.Throws<InvalidOperationException>(() => scheduler.Step(), "ExponentialLR.step: the optimizer has 2 parameter groups, but the scheduler was made for 1");
    }

    [Fact]
    public void StateDict_RoundTrip_RestoresCountersAndSettings()
    {
        var opt = MakeOptimizer();
        var scheduler = new CosineAnnealingLR(opt, tMax: 8, etaMin: 0.05);
        for (int i = 0; i < 3; i++) scheduler.Step();
        var state = scheduler.StateDict();
        Assert.Equal(3, state.Values["last_epoch"]);
        Assert.Equal(4, state.Values["_step_count"]);
        Assert.Equal(8, state.Values["T_max"]);
        Assert.Equal([1.0], state.Lists["base_lrs"]);

        // A resumed run: the optimizer state (with its lr) and the scheduler state are both loaded.
        var opt2 = MakeOptimizer();
        opt2.LoadStateDict(opt.StateDict());
        var resumed = new CosineAnnealingLR(opt2, tMax: 100);
        resumed.LoadStateDict(state);
        Assert.Equal(8, resumed.TMax);
        Assert.Equal(0.05, resumed.EtaMin);
        for (int i = 0; i < 10; i++)
        {
            scheduler.Step();
            resumed.Step();
            Assert.Equal(scheduler.GetLastLr(), resumed.GetLastLr());
        }
    }

    [Fact]
    public void LoadStateDict_ReportsMissingEntries()
    {
        var scheduler = new StepLR(MakeOptimizer(), 2);
        var state = scheduler.StateDict();
        state.Values.Remove("gamma");
        Check.Throws<ArgumentException>(() => scheduler.LoadStateDict(state), "StepLR.load_state_dict: the state has no 'gamma'");
    }

    [Fact]
    public void MultiStepLR_StateDict_RoundTripsMilestones()
    {
        var scheduler = new MultiStepLR(MakeOptimizer(), [3, 1, 3], 0.2);
        var other = new MultiStepLR(MakeOptimizer(), [10]);
        other.LoadStateDict(scheduler.StateDict());
        Assert.Equal([1, 3, 3], other.Milestones);
        Assert.Equal(0.2, other.Gamma);
    }
}
