using System.Text.Json;
using System.Text.Json.Serialization;
using SharpGrad.IO;

namespace SharpGrad.Optim;

public abstract partial class Optimizer
{
    /// <summary>The safetensors metadata key that holds the parameter groups as JSON.</summary>
    public const string ParamGroupsMetadataKey = "param_groups";

    private static readonly JsonSerializerOptions s_json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>
    /// Writes <see cref="StateDict"/> to a safetensors file, atomically: the state tensors under their
    /// "state.{index}.{name}" names and the parameter groups as JSON in the metadata (as
    /// <c>torch.save(optimizer.state_dict())</c> keeps them, in a format PyTorch's safetensors reader opens).
    /// </summary>
    public void Save(string path)
    {
        var (tensors, groupsJson) = ToCheckpoint();
        SafeTensors.Save(path, tensors, new Dictionary<string, string> { [ParamGroupsMetadataKey] = groupsJson });
    }

    /// <summary>Restores the state written by <see cref="Save"/> into this optimizer (same parameter layout) through <see cref="LoadStateDict"/>.</summary>
    /// <exception cref="FormatException">The file is not an optimizer checkpoint.</exception>
    public void Load(string path)
    {
        var (tensors, metadata) = SafeTensors.LoadWithMetadata(path);
        if (metadata is null || !metadata.TryGetValue(ParamGroupsMetadataKey, out var json))
            throw new FormatException($"{GetType().Name}.Load: '{path}' has no '{ParamGroupsMetadataKey}' metadata; it is not an optimizer checkpoint");
        LoadStateDict(FromCheckpoint(tensors, json, path));
    }

    /// <summary>The state as safetensors tensors ("state.{index}.{name}") plus the parameter groups as JSON.</summary>
    internal (Dictionary<string, Tensor> Tensors, string ParamGroupsJson) ToCheckpoint()
    {
        var state = StateDict();
        return (state.ToTensors(), JsonSerializer.Serialize(state.ParamGroups, s_json));
    }

    /// <summary>Reads what <see cref="ToCheckpoint"/> wrote; <paramref name="source"/> names the file in messages.</summary>
    internal OptimizerState FromCheckpoint(IReadOnlyDictionary<string, Tensor> tensors, string paramGroupsJson, string source)
    {
        List<ParamGroupState> groups;
        try
        {
            groups = JsonSerializer.Deserialize<List<ParamGroupState>>(paramGroupsJson, s_json)
                ?? throw new FormatException($"{GetType().Name}.Load: '{source}' has empty parameter groups");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{GetType().Name}.Load: the parameter groups in '{source}' are not valid JSON: {e.Message}", e);
        }
        return OptimizerState.FromTensors(tensors, groups);
    }
}
