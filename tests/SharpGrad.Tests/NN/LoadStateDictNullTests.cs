using SharpGrad.NN;

namespace SharpGrad.Tests;

/// <summary>load_state_dict with null arguments or null values names what is null and changes nothing.</summary>
public sealed class LoadStateDictNullTests
{
    [Fact]
    public void LoadStateDict_RejectsNullAndNullValuesNamingTheKey()
    {
        var net = new Linear(2, 1);
        var before = net.Weight.ToArray<float>();
        var ex = Check.Throws<ArgumentNullException>(() => net.LoadStateDict(null!), "stateDict");
        var state = new Dictionary<string, Tensor> { ["weight"] = Tensor.Ones(1, 2), ["bias"] = null! };
        ex = Check.Throws<ArgumentNullException>(() => net.LoadStateDict(state), "load_state_dict", "\"bias\"");
        Assert.Equal(before, net.Weight.ToArray<float>());
        Check.Throws<ArgumentNullException>(() => net.LoadStateDict(state, strict: false), "\"bias\"");
        Assert.Equal(before, net.Weight.ToArray<float>());
    }
}
