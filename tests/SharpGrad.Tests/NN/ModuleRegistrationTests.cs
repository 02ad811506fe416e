using SharpGrad;
using SharpGrad.NN;
using SharpGrad.Optim;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.Tests;

/// <summary>Layers are registered as PyTorch registers them on assignment, with or without RegisterComponents().</summary>
public class ModuleRegistrationTests
{
    /// <summary>Mistake 1: RegisterComponents() is never called.</summary>
    private sealed class NoRegisterCall : Module
    {
        private readonly Linear hidden = new(2, 3);
        private readonly Linear predict = new(3, 1);

        public override Tensor Forward(Tensor x) => predict.Forward(F.Relu(hidden.Forward(x)));
    }

    /// <summary>Mistake 2: a layer is assigned after RegisterComponents().</summary>
    private sealed class LateLayer : Module
    {
        private readonly Linear first;
        private readonly Linear second;

        public LateLayer()
        {
            first = new Linear(2, 3);
            RegisterComponents();
            second = new Linear(3, 1);
        }

        public override Tensor Forward(Tensor x) => second.Forward(first.Forward(x));
    }

    private sealed class WithParameterAndProperty : Module
    {
        public Parameter Scale { get; } = new(Tensor.Ones(3));
        public Linear Head { get; set; } = new(3, 1);

        public override Tensor Forward(Tensor x) => Head.Forward(x * Scale);
    }

    private sealed class PlainList : Module
    {
        private readonly List<Linear> layers = [new Linear(2, 2), new Linear(2, 2)];

        public override Tensor Forward(Tensor x) => layers.Aggregate(x, (h, l) => l.Forward(h));
    }

    private sealed class WithModuleList : Module
    {
        private readonly ModuleList layers = new(new Linear(2, 2), new Linear(2, 2));

        public override Tensor Forward(Tensor x) => layers.Aggregate(x, (h, l) => l.Forward(h));
    }

    [Fact]
    public void Fields_AreRegisteredWithoutRegisterComponents_InDeclarationOrder()
    {
        var net = new NoRegisterCall();
        Assert.Equal(["hidden.weight", "hidden.bias", "predict.weight", "predict.bias"], net.NamedParameters().Select(p => p.Name));
        Assert.Equal(4, new SGD(net.Parameters(), lr: 0.1).ParamGroups[0].Params.Count);
        Assert.Contains("(predict): Linear(in_features=3, out_features=1, bias=True)", net.ToString());
    }

    [Fact]
    public void LayerAssignedAfterRegisterComponents_IsRegisteredAndTrained()
    {
        var net = new LateLayer();
        Assert.Equal(["first", "second"], net.NamedChildren().Select(c => c.Name));
        var before = net.StateDict()["second.weight"].Clone();
        var optimizer = new SGD(net.Parameters(), lr: 0.5);
        net.Forward(Tensor.Ones(4, 2)).Sum().Backward();
        optimizer.Step();
        Assert.NotEqual(before.ToArray<float>(), net.StateDict()["second.weight"].ToArray<float>());
    }

    [Fact]
    public void ParameterFieldsAndReassignedProperties_Follow()
    {
        var net = new WithParameterAndProperty();
        Assert.Equal(["Scale", "Head.weight", "Head.bias"], net.NamedParameters().Select(p => p.Name));
        var replacement = new Linear(3, 1);
        net.Head = replacement;
        Assert.Same(replacement.Weight, net.NamedParameters().Single(p => p.Name == "Head.weight").Parameter);
        Assert.Equal(3, net.Parameters().Count());
    }

    [Fact]
    public void RegisteredUnderAnotherName_IsNotRegisteredTwice()
    {
        // Linear keeps Weight in a property and registers it as "weight": no "Weight" entry appears.
        var linear = new Linear(2, 3);
        Assert.Equal(["weight", "bias"], linear.StateDict().Keys);
    }

    [Fact]
    public void PlainListOfModules_IsAnErrorThatSaysUseModuleList()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new PlainList().Parameters().ToList());
        Assert.Contains("PlainList: field 'layers' (List<Linear>) holds 2 of 2 modules that are not registered", ex.Message);
        Assert.Contains("ModuleList", ex.Message);
        Assert.Equal(4, new WithModuleList().Parameters().Count());
    }
}
