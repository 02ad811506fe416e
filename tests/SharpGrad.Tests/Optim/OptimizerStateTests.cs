using System.Text.Json;
using SharpGrad;
using SharpGrad.Optim;

namespace SharpGrad.Tests;

public class OptimizerStateTests
{
    private static readonly double[][] Grads = [[0.5, -1.0], [0.25, 2.0], [-1.5, 0.75], [1.0, 1.0], [-0.5, 0.25]];

    private static void Apply(Optimizer opt, Tensor p, int t)
    {
        p.Grad = Tensor.From(Grads[t]);
        opt.Step();
    }

    public static TheoryData<string> OptimizerNames => ["sgd", "adam", "adamw", "rmsprop", "adagrad"];

    private static Optimizer Make(string name, Tensor p) => name switch
    {
        "sgd" => new SGD([p], lr: 0.1, momentum: 0.9, nesterov: true),
        "adam" => new Adam([p], lr: 0.1, amsgrad: true),
        "adamw" => new AdamW([p], lr: 0.1),
        "rmsprop" => new RMSprop([p], lr: 0.01, momentum: 0.5, centered: true),
        _ => new Adagrad([p], lr: 0.1, lrDecay: 0.1),
    };

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void LoadStateDict_IntoFreshOptimizer_ContinuesIdentically(string name)
    {
        var p = OptimTesting.Param(1.0, -2.0);
        var opt = Make(name, p);
        Apply(opt, p, 0);
        Apply(opt, p, 1);
        var saved = opt.StateDict();
        var q = OptimTesting.Param(p.ToArray<double>());
        var resumed = Make(name, q);
        resumed.LoadStateDict(saved);
        for (int t = 2; t < Grads.Length; t++)
        {
            Apply(opt, p, t);
            Apply(resumed, q, t);
            Assert.Equal(p.ToArray<double>(), q.ToArray<double>());
        }
    }

    [Fact]
    public void StateDict_IsASnapshot()
    {
        var p = OptimTesting.Param(1.0, -2.0);
        var opt = new SGD([p], lr: 0.1, momentum: 0.9);
        Apply(opt, p, 0);
        var saved = opt.StateDict();
        Apply(opt, p, 1);
        Check.Close(saved.State[0]["momentum_buffer"], [0.5, -1.0], 0);
        Assert.NotSame(opt.State[p]["momentum_buffer"], saved.State[0]["momentum_buffer"]);
    }

    [Fact]
    public void StateDict_IndexesParametersAcrossGroups()
    {
        var a = OptimTesting.Param(1.0);
        var b = OptimTesting.Param(2.0);
        var c = OptimTesting.Param(3.0);
        var opt = new Adam([new ParamGroup([a, b]), new ParamGroup([c]) { ["lr"] = 0.5 }]);
        c.Grad = Tensor.From(new[] { 1.0 });
        opt.Step();
        var saved = opt.StateDict();
        Assert.Equal([0, 1], saved.ParamGroups[0].Params);
        Assert.Equal([2], saved.ParamGroups[1].Params);
        Assert.Equal([2], saved.State.Keys);
        Assert.Equal(0.5, saved.ParamGroups[1].Options["lr"]);
        Assert.Equal(["state.2.exp_avg", "state.2.exp_avg_sq", "state.2.step"], saved.ToTensors().Keys);
    }

    [Fact]
    public void ToTensorsAndJson_RoundTripThroughACheckpointFormat()
    {
        var p = OptimTesting.Param(1.0, -2.0);
        var opt = new Adam([p], lr: 0.1, betas: (0.8, 0.7), amsgrad: true);
        Apply(opt, p, 0);
        Apply(opt, p, 1);
        var saved = opt.StateDict();
        var tensors = saved.ToTensors();
        string json = JsonSerializer.Serialize(saved.ParamGroups);
        Assert.Contains("\"params\":[0]", json);
        Assert.Contains("\"betas\":[0.8,0.7]", json);
        Assert.Contains("\"foreach\":null", json);

        var groups = JsonSerializer.Deserialize<List<ParamGroupState>>(json)!;
        var restored = OptimizerState.FromTensors(tensors, groups);
        var q = OptimTesting.Param(p.ToArray<double>());
        var resumed = new Adam([q]);
        resumed.LoadStateDict(restored);
        Assert.Equal(opt.ToString(), resumed.ToString());
        for (int t = 2; t < Grads.Length; t++)
        {
            Apply(opt, p, t);
            Apply(resumed, q, t);
            Assert.Equal(p.ToArray<double>(), q.ToArray<double>());
        }
    }

    [Fact]
    public void LoadStateDict_TakesSavedHyperParameters()
    {
        var p = OptimTesting.Param(1.0);
        var opt = new SGD([p], lr: 0.1, momentum: 0.9);
        opt.ParamGroups[0].Lr = 0.05;
        var other = new SGD([OptimTesting.Param(1.0)], lr: 0.3);
        other.LoadStateDict(opt.StateDict());
        Assert.Equal(0.05, other.ParamGroups[0].Lr);
        Assert.Equal(0.9, other.ParamGroups[0]["momentum"]);
    }

    [Fact]
    public void LoadStateDict_ConvertsStateToParameterDtype()
    {
        var p = OptimTesting.Param(1.0, 2.0);
        var opt = new Adam([p]);
        Apply(opt, p, 0);
        var q = Tensor.From(new[] { 1f, 2f }).RequiresGrad_();
        var other = new Adam([q]);
        other.LoadStateDict(opt.StateDict());
        Assert.Equal(DType.Float32, other.State[q]["exp_avg"].DType);
        Assert.Equal(DType.Float32, other.State[q]["step"].DType);
    }

    [Fact]
    public void LoadStateDict_RejectsDifferentNumberOfGroups()
    {
        var opt = new SGD([OptimTesting.Param(1.0)], lr: 0.1);
        var two = new SGD([new ParamGroup([OptimTesting.Param(1.0)]), new ParamGroup([OptimTesting.Param(1.0)])], lr: 0.1);
        Check.Throws<ArgumentException>(() => opt.LoadStateDict(two.StateDict()),
            "SGD.load_state_dict: loaded state dict has a different number of parameter groups (2) than the optimizer (1)");
    }

    [Fact]
    public void LoadStateDict_RejectsGroupOfDifferentSize()
    {
        var opt = new SGD([OptimTesting.Param(1.0)], lr: 0.1);
        var bigger = new SGD([OptimTesting.Param(1.0), OptimTesting.Param(2.0)], lr: 0.1);
        Check.Throws<ArgumentException>(() => opt.LoadStateDict(bigger.StateDict()),
            "doesn't match the size of optimizer's group (group 0: 2 saved parameters, 1 here)");
    }

    [Fact]
    public void LoadStateDict_RejectsStateOfWrongShape_AndKeepsOldState()
    {
        var p = OptimTesting.Param(1.0, 2.0);
        var opt = new SGD([p], lr: 0.1, momentum: 0.9);
        Apply(opt, p, 0);
        var wrong = opt.StateDict();
        wrong.State[0]["momentum_buffer"] = Tensor.From(new[] { 1.0, 2.0, 3.0 });
        wrong.ParamGroups[0].Options["lr"] = 7.0;
        Check.Throws<ArgumentException>(() => opt.LoadStateDict(wrong),
            "state 'momentum_buffer' of parameter 0 has shape [3], but the parameter has shape [2]");
        Assert.Equal(0.1, opt.ParamGroups[0].Lr);
        Check.Close(opt.State[p]["momentum_buffer"], [0.5, -1.0], 0);
    }

    [Fact]
    public void LoadStateDict_RejectsInvalidSavedHyperParameters()
    {
        var opt = new SGD([OptimTesting.Param(1.0)], lr: 0.1);
        var saved = opt.StateDict();
        saved.ParamGroups[0].Options["momentum"] = -1.0;
        Check.Throws<ArgumentException>(() => opt.LoadStateDict(saved), "Invalid momentum value: -1");
    }

    [Fact]
    public void FromTensors_RejectsBadNames()
    {
        Check.Throws<ArgumentException>(() => OptimizerState.FromTensors(
            new Dictionary<string, Tensor> { ["weight"] = Tensor.Zeros(1) }, []), "tensor name 'weight' is not of the form 'state.<parameter index>.<name>'");
        Check.Throws<ArgumentException>(() => OptimizerState.FromTensors(
            new Dictionary<string, Tensor> { ["state.x.step"] = Tensor.Zeros(1) }, []), "'state.x.step'");
    }
}
