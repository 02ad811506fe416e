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
        var state = StateDict();
        var meta = new Dictionary<string, string> { [ParamGroupsMetadataKey] = JsonSerializer.Serialize(state.ParamGroups, s_json) };
        SafeTensors.Save(path, state.ToTensors(), meta);
    }

    /// <summary>Restores the state written by <see cref="Save"/> into this optimizer (same parameter layout) through <see cref="LoadStateDict"/>.</summary>
    public void Load(string path)
    {
        var (tensors, metadata) = SafeTensors.LoadWithMetadata(path);
        if (metadata is null || !metadata.TryGetValue(ParamGroupsMetadataKey, out var json))
            throw new FormatException($"{GetType().Name}.Load: '{path}' has no '{ParamGroupsMetadataKey}' metadata; it is not an optimizer checkpoint");
        List<ParamGroupState> groups;
        try
        {
            groups = JsonSerializer.Deserialize<List<ParamGroupState>>(json, s_json)
                ?? throw new FormatException($"{GetType().Name}.Load: '{path}' has empty parameter groups");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{GetType().Name}.Load: the parameter groups in '{path}' are not valid JSON: {e.Message}", e);
        }
        LoadStateDict(OptimizerState.FromTensors(tensors, groups));
    }
}
