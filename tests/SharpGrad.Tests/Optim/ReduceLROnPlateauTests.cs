using SharpGrad;
using SharpGrad.Optim;

namespace SharpGrad.Tests;

public class ReduceLROnPlateauTests
{
    private static SGD MakeOptimizer(double lr = 1.0) => new([OptimTesting.Param(1.0)], lr: lr);

    private static double[] Run(ReduceLROnPlateau scheduler, params double[] metrics)
    {
        var lrs = new double[metrics.Length];
        for (int i = 0; i < metrics.Length; i++)
        {
            scheduler.Step(metrics[i]);
            lrs[i] = scheduler.Optimizer.ParamGroups[0].Lr;
        }
        return lrs;
    }

    [Fact]
    public void Step_ReducesAfterMoreThanPatienceBadEpochs()
    {
        var scheduler = new ReduceLROnPlateau(MakeOptimizer(), factor: 0.5, patience: 2);
        // 1.0 best; 0.9 better; then 0.95, 0.92, 0.91 do not beat 0.9: the third bad epoch (> patience 2) halves the rate.
        // Counting restarts: 0.93, 0.94 bad, 0.5 better, then three bad epochs halve again.
        var lrs = Run(scheduler, 1.0, 0.9, 0.95, 0.92, 0.91, 0.93, 0.94, 0.5, 0.6, 0.6, 0.6);
        Assert.Equal([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25], lrs);
        Assert.Equal(0.5, scheduler.Best);
        Assert.Equal(11, scheduler.LastEpoch);
        Assert.Equal([0.25], scheduler.GetLastLr());
    }

    [Fact]
    public void Step_RelativeThreshold_SmallImprovementsAreBad()
    {
        var scheduler = new ReduceLROnPlateau(MakeOptimizer(), patience: 0, threshold: 0.1);
        // 0.95 is not below 1·(1 − 0.1): bad, and patience 0 reduces at once.
        Assert.Equal([1, 0.1, 0.1], Run(scheduler, 1.0, 0.95, 0.5));
        Assert.Equal(0.5, scheduler.Best);
    }

    [Fact]
    public void Step_Cooldown_IgnoresBadEpochsAfterAReduction()
    {
        var scheduler = new ReduceLROnPlateau(MakeOptimizer(), factor: 0.5, patience: 1, cooldown: 2);
        // epoch 1 best; 2 bad (1); 3 bad (2 > 1): reduce, cooldown 2; 4, 5 in cooldown; 6 bad (1); 7 bad (2): reduce.
        Assert.Equal([1, 1, 0.5, 0.5, 0.5, 0.5, 0.25], Run(scheduler, 1, 2, 2, 2, 2, 2, 2));
        Assert.Equal(2, scheduler.CooldownCounter);
        Assert.True(scheduler.InCooldown);
    }

    [Fact]
    public void Step_NeverGoesBelowMinLr()
    {
        var scheduler = new ReduceLROnPlateau(MakeOptimizer(), factor: 0.1, patience: 0, minLr: 0.05);
        Assert.Equal([1, 0.1, 0.05, 0.05], Run(scheduler, 1, 1, 1, 1));
    }

    [Fact]
    public void Step_SkipsReductionsSmallerThanEps()
    {
        var scheduler = new ReduceLROnPlateau(MakeOptimizer(1e-7), factor: 0.5, patience: 0, eps: 1e-7);
        Assert.Equal([1e-7, 1e-7], Run(scheduler, 1, 1));
    }

    [Fact]
    public void Step_PerGroupMinLrs()
    {
        var opt = new SGD([new ParamGroup([OptimTesting.Param(1)]), new ParamGroup([OptimTesting.Param(1)]) { ["lr"] = 0.1 }], lr: 1.0);
        var scheduler = new ReduceLROnPlateau(opt, [0.5, 0.0], factor: 0.1, patience: 0);
        scheduler.Step(1.0);
        scheduler.Step(1.0);
        Check.Close(0.5, opt.ParamGroups[0].Lr, 0);
        Check.Close(0.01, opt.ParamGroups[1].Lr, 1e-15);
    }

    [Fact]
    public void Step_MaxModeAbsoluteThreshold()
    {
        var scheduler = new ReduceLROnPlateau(MakeOptimizer(), mode: "max", factor: 0.5, patience: 1, threshold: 0.05, thresholdMode: "abs");
        // 0.5 best; 0.54 not above 0.55: bad; 0.56 better; 0.6 not above 0.61: bad; 0.58 bad (2 > 1): reduce.
        Assert.Equal([1, 1, 1, 1, 0.5], Run(scheduler, 0.5, 0.54, 0.56, 0.6, 0.58));
        Assert.Equal(0.56, scheduler.Best);
    }

    [Fact]
    public void Step_AcceptsTensorMetric()
    {
        var scheduler = new ReduceLROnPlateau(MakeOptimizer(), patience: 0);
        scheduler.Step(Tensor.From(2.0));
        scheduler.Step(Tensor.From(3.0));
        Assert.Equal(2.0, scheduler.Best);
        Check.Close(0.1, scheduler.Optimizer.ParamGroups[0].Lr, 1e-15);
    }

    [Fact]
    public void Step_WithoutMetric_Throws()
    {
        var scheduler = new ReduceLROnPlateau(MakeOptimizer());
        Check.Throws<InvalidOperationException>(() => scheduler.Step(), "ReduceLROnPlateau.step: needs the monitored metric");
    }

    [Fact]
    public void Constructor_RejectsBadArguments()
    {
        Check.Throws<ArgumentException>(() => new ReduceLROnPlateau(MakeOptimizer(), factor: 1.0), "Factor should be < 1.0, got 1");
        Check.Throws<ArgumentException>(() => new ReduceLROnPlateau(MakeOptimizer(), mode: "lowest"), "mode lowest is unknown!");
        Check.Throws<ArgumentException>(() => new ReduceLROnPlateau(MakeOptimizer(), thresholdMode: "pct"), "threshold mode pct is unknown!");
        Check.Throws<ArgumentException>(() => new ReduceLROnPlateau(MakeOptimizer(), [0.1, 0.2]), "expected 1 minLrs, got 2");
    }

    [Fact]
    public void Construction_DoesNotTouchTheOptimizer()
    {
        var opt = MakeOptimizer(0.3);
        var scheduler = new ReduceLROnPlateau(opt);
        Assert.Equal(0, scheduler.LastEpoch);
        Assert.False(opt.ParamGroups[0].ContainsKey("initial_lr"));
        Assert.Equal([0.3], scheduler.GetLastLr());
        Assert.Equal(double.PositiveInfinity, scheduler.Best);
    }

    [Fact]
    public void StateDict_RoundTrip_ContinuesIdentically()
    {
        var opt = MakeOptimizer();
        var scheduler = new ReduceLROnPlateau(opt, factor: 0.5, patience: 1, cooldown: 1);
        Run(scheduler, 1, 2, 2);
        var state = scheduler.StateDict();
        Assert.Equal("min", state.Strings["mode"]);
        Assert.Equal(1.0, state.Values["cooldown_counter"]);

        var opt2 = MakeOptimizer();
        opt2.LoadStateDict(opt.StateDict());
        var resumed = new ReduceLROnPlateau(opt2, mode: "max");
        resumed.LoadStateDict(state);
        Assert.Equal("min", resumed.Mode);
        double[] metrics = [2, 2, 2, 0.5, 3, 3];
        Assert.Equal(Run(scheduler, metrics), Run(resumed, metrics));
    }
}
