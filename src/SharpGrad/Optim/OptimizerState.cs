using System.Globalization;
using System.Text.Json.Serialization;

namespace SharpGrad.Optim;

/// <summary>
/// A snapshot of an optimizer (PyTorch's <c>optimizer.state_dict()</c>): the per-parameter state tensors keyed by the
/// parameter's index over all groups in order, plus each group's hyper-parameters and parameter indices.
/// </summary>
/// <remarks>
/// A checkpoint writer saves <see cref="ToTensors"/> as named tensors ("state.0.exp_avg", "state.0.step", ...) and
/// <see cref="ParamGroups"/> as JSON (System.Text.Json writes each group as PyTorch's dict:
/// <c>{"params": [0, 1], "lr": 0.01, "betas": [0.9, 0.999], ...}</c>); <see cref="FromTensors"/> puts the two back together.
/// </remarks>
public sealed class OptimizerState
{
    /// <summary>State tensors by parameter index, then by name ("momentum_buffer", "exp_avg", "step", ...).</summary>
    public Dictionary<int, Dictionary<string, Tensor>> State { get; init; } = [];

    /// <summary>Each group's hyper-parameters and the indices of its parameters (<c>state_dict['param_groups']</c>).</summary>
    public List<ParamGroupState> ParamGroups { get; init; } = [];

    /// <summary>The state tensors flattened to names "state.{index}.{name}", the tensors themselves (not copies).</summary>
    public Dictionary<string, Tensor> ToTensors()
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (index, entries) in State.OrderBy(e => e.Key))
            foreach (var (name, tensor) in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
                result[string.Create(CultureInfo.InvariantCulture, $"state.{index}.{name}")] = tensor;
        return result;
    }

    /// <summary>Rebuilds a snapshot from tensors named as <see cref="ToTensors"/> names them and the saved groups.</summary>
    public static OptimizerState FromTensors(IReadOnlyDictionary<string, Tensor> tensors, IEnumerable<ParamGroupState> paramGroups)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(paramGroups);
        var result = new OptimizerState { ParamGroups = paramGroups.ToList() };
        foreach (var (key, tensor) in tensors)
        {
            string[] parts = key.Split('.', 3);
            if (parts.Length != 3 || parts[0] != "state" || parts[2].Length == 0
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int index))
                throw new ArgumentException($"optimizer state: tensor name '{key}' is not of the form 'state.<parameter index>.<name>'");
            if (!result.State.TryGetValue(index, out var entries))
                result.State[index] = entries = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            entries[parts[2]] = tensor;
        }
        return result;
    }
}

/// <summary>
/// One parameter group in an <see cref="OptimizerState"/>: its hyper-parameters (numbers, bools, nulls, strings and
/// number arrays, so it serializes to JSON as is) and the indices of its parameters.
/// </summary>
public sealed class ParamGroupState
{
    /// <summary>An empty group state (for deserializers).</summary>
    public ParamGroupState() { }

    /// <summary>A group state holding copies of the hyper-parameters and the parameter indices.</summary>
    public ParamGroupState(IReadOnlyDictionary<string, object?> options, IEnumerable<int> parameterIndices)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(parameterIndices);
        foreach (var (key, value) in options) Options[key] = value is double[] a ? (double[])a.Clone() : value;
        Params = parameterIndices.ToList();
    }

    /// <summary>Indices of the group's parameters, counted over all groups in order (<c>group['params']</c> in a state dict).</summary>
    [JsonPropertyName("params")]
    public List<int> Params { get; set; } = [];

    /// <summary>The hyper-parameters by PyTorch name; in JSON they sit beside "params" as in PyTorch's dict.</summary>
    [JsonExtensionData]
    public Dictionary<string, object?> Options { get; set; } = new(StringComparer.Ordinal);
}
