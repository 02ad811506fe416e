using SharpGrad;
using SharpGrad.NN;
using SharpGrad.Training;

namespace SharpGrad.Tests;

public class EarlyStoppingTests
{
    private static bool[] Run(EarlyStopping stop, params double[] values) => values.Select(v => stop.Step(v)).ToArray();

    [Fact]
    public void MinMode_StopsAfterPatienceStepsWithoutImprovement()
    {
        var stop = new EarlyStopping(patience: 2);
        Assert.Equal([false, false, false, true, true], Run(stop, 1.0, 0.8, 0.9, 0.85, 0.81));
        Assert.Equal(0.8, stop.BestValue);
        Assert.Equal(2, stop.BestEpoch);
        Assert.Equal(3, stop.Counter);
        Assert.True(stop.ShouldStop);
    }

    [Fact]
    public void MaxMode_AsInTheCourse_StopsAfterThreeWorseAccuracies()
    {
        // The course: EarlyStopping(mode='max', patience=3) fed the test accuracy each epoch.
        var stop = new EarlyStopping(mode: "max", patience: 3);
        Assert.Equal([false, false, false, false, false, false, true], Run(stop, 88.0, 91, 90, 92, 91.5, 90, 89));
        Assert.Equal(92, stop.BestValue);
        Assert.Equal(4, stop.BestEpoch);
        Assert.Equal(double.NegativeInfinity, new EarlyStopping(mode: "max").BestValue);
    }

    [Fact]
    public void RepeatedValue_IsNotAnImprovement_SoAFlatMetricStops()
    {
        var stop = new EarlyStopping(patience: 3);
        Assert.Equal([false, false, false, true], Run(stop, 0.5, 0.5, 0.5, 0.5));
        Assert.Equal(1, stop.BestEpoch);
    }

    [Fact]
    public void MinDelta_RequiresImprovementsLargerThanIt()
    {
        var stop = new EarlyStopping(patience: 2, minDelta: 0.1);
        Assert.Equal([false, false, false, false, true], Run(stop, 1.0, 0.95, 0.89, 0.85, 0.8));
        Assert.Equal(0.89, stop.BestValue); // 0.95 was within min_delta of 1.0, 0.89 is not; 0.85 is within 0.1 of 0.89
        var max = new EarlyStopping(mode: "max", patience: 1, minDelta: 0.5);
        Assert.Equal([false, true], Run(max, 1.0, 1.5));
        Assert.False(max.Step(1.6));
    }

    [Fact]
    public void NaN_CountsAsNoImprovement()
    {
        var stop = new EarlyStopping(patience: 1);
        Assert.Equal([false, true], Run(stop, 1.0, double.NaN));
    }

    [Fact]
    public void Reset_SetsCounterToZero_KeepingTheBest()
    {
        var stop = new EarlyStopping(patience: 2);
        Run(stop, 1.0, 2.0, 3.0);
        Assert.True(stop.ShouldStop);
        stop.Reset();
        Assert.Equal(0, stop.Counter); // the course's second listing sets 1: a slip
        Assert.False(stop.ShouldStop);
        Assert.Equal(1.0, stop.BestValue);
        Assert.Equal([false, true], Run(stop, 1.5, 1.2));
    }

    [Fact]
    public void StepWithMetrics_ReadsTheMonitoredKey_OrNamesTheAvailableOnes()
    {
        var stop = new EarlyStopping(monitor: "val_acc", mode: "max", patience: 1);
        Assert.False(stop.Step(new Dictionary<string, double> { ["val_loss"] = 9, ["val_acc"] = 0.5 }));
        Assert.True(stop.Step(new Dictionary<string, double> { ["val_loss"] = 0, ["val_acc"] = 0.4 }));
        Check.Throws<ArgumentException>(() => stop.Step(new Dictionary<string, double> { ["train_loss"] = 1, ["val_loss"] = 2 }),
            "'val_acc'", "available: train_loss, val_loss");
    }

    [Fact]
    public void Constructor_RejectsBadSettings()
    {
        Check.Throws<ArgumentException>(() => new EarlyStopping(mode: "avg"), "EarlyStopping", "'avg'", "'min' or 'max'");
        Check.Throws<ArgumentException>(() => new EarlyStopping(patience: 0), "patience", "0");
        Check.Throws<ArgumentException>(() => new EarlyStopping(minDelta: -0.1), "minDelta", "-0.1");
        Check.Throws<ArgumentException>(() => new EarlyStopping(monitor: ""), "monitor");
    }

    [Fact]
    public void StateDict_RoundTrip_ContinuesWhereItStopped()
    {
        var a = new EarlyStopping(monitor: "val_acc", mode: "max", patience: 3, minDelta: 0.01);
        Run(a, 0.5, 0.7, 0.69);
        var state = a.StateDict();
        Assert.Equal(("val_acc", "max", 3, 0.7, 1, 2, 3), (state.Monitor, state.Mode, state.Patience, state.Value, state.Times, state.BestEpoch, state.Epoch));
        var json = System.Text.Json.JsonSerializer.Serialize(state);
        var b = new EarlyStopping();
        b.LoadStateDict(System.Text.Json.JsonSerializer.Deserialize<EarlyStoppingState>(json)!);
        Assert.Equal(("val_acc", "max", 3, 0.01, 0.7, 1, 2), (b.Monitor, b.Mode, b.Patience, b.MinDelta, b.BestValue, b.Counter, b.BestEpoch));
        Assert.Equal(Run(a, 0.705, 0.8, 0.1, 0.1, 0.1), Run(b, 0.705, 0.8, 0.1, 0.1, 0.1));
        Assert.Equal(a.BestEpoch, b.BestEpoch);
        // A fresh state's infinite best value must survive too.
        var fresh = new EarlyStopping().StateDict();
        Assert.Equal(double.PositiveInfinity, fresh.Value);
        state.Mode = "up";
        Check.Throws<ArgumentException>(() => b.LoadStateDict(state), "'up'");
        Assert.Equal("max", b.Mode);
    }

    [Fact]
    public void RestoreBestWeights_LoadsTheStateOfTheBestEpoch()
    {
        var model = new Linear(2, 1);
        var stop = new EarlyStopping(patience: 2, restoreBestWeights: true);
        using (Tensor.NoGrad()) model.Weight.Fill_(1);
        stop.Step(0.5, model);
        using (Tensor.NoGrad()) model.Weight.Fill_(2);
        stop.Step(0.4, model); // best
        using (Tensor.NoGrad()) model.Weight.Fill_(3);
        stop.Step(0.6, model);
        using (Tensor.NoGrad()) model.Weight.Fill_(4);
        Assert.True(stop.Step(0.7, model));
        stop.RestoreBest(model);
        Check.Close(model.Weight, [2, 2]);
        Check.Throws<InvalidOperationException>(() => new EarlyStopping().RestoreBest(model), "restoreBestWeights: true");
        Check.Throws<InvalidOperationException>(() => new EarlyStopping(restoreBestWeights: true).RestoreBest(model), "no best weights recorded");
    }
}
