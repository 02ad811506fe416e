using SharpGrad;
using SharpGrad.NN;
using SharpGrad.Optim;

namespace SharpGrad.Tests;

public class OptimizerCheckpointTests
{
    private static (Sequential Model, Adam Optimizer) TrainedPair(int steps)
    {
        Tensor.ManualSeed(8);
        var model = new Sequential(new Linear(3, 4), new Tanh(), new Linear(4, 1));
        var optimizer = new Adam(model.Parameters(), lr: 0.01, weightDecay: 0.002, amsgrad: true);
        for (int i = 0; i < steps; i++) Step(model, optimizer, i);
        return (model, optimizer);
    }

    private static void Step(Module model, Optimizer optimizer, int seed)
    {
        var x = Tensor.Randn([5, 3], new Generator((ulong)seed));
        optimizer.ZeroGrad();
        model.Forward(x).Square().Mean().Backward();
        optimizer.Step();
    }

    [Fact]
    public void SaveAndLoad_ContinueTrainingBitIdentically()
    {
        var dir = Directory.CreateTempSubdirectory("sharpgrad-optim");
        try
        {
            var (model, optimizer) = TrainedPair(3);
            string modelPath = Path.Combine(dir.FullName, "model.safetensors"), optimPath = Path.Combine(dir.FullName, "optim.safetensors");
            model.Save(modelPath);
            optimizer.Save(optimPath);

            var (model2, optimizer2) = TrainedPair(0);
            model2.Load(modelPath);
            optimizer2.Load(optimPath);
            for (int i = 3; i < 6; i++)
            {
                Step(model, optimizer, i);
                Step(model2, optimizer2, i);
            }
            foreach (var (name, t) in model.StateDict())
                Assert.Equal(t.ToArray<double>(), model2.StateDict()[name].ToArray<double>());
            Assert.Equal(optimizer.ToString(), optimizer2.ToString());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Load_RejectsAFileWithoutParameterGroups()
    {
        var dir = Directory.CreateTempSubdirectory("sharpgrad-optim");
        try
        {
            var (model, optimizer) = TrainedPair(1);
            var path = Path.Combine(dir.FullName, "model.safetensors");
            model.Save(path);
            Check.Throws<FormatException>(() => optimizer.Load(path), "param_groups", "not an optimizer checkpoint");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
