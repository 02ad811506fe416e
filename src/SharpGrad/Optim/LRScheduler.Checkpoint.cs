using System.Text.Json;
using System.Text.Json.Serialization;
using SharpGrad.IO;

namespace SharpGrad.Optim;

public abstract partial class LRScheduler
{
    /// <summary>The safetensors metadata key that holds a scheduler's state as JSON.</summary>
    public const string StateMetadataKey = "scheduler";

    // ReduceLROnPlateau's "best" starts infinite: JSON gets "Infinity".
    private static readonly JsonSerializerOptions s_json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>
    /// Writes <see cref="StateDict"/> to a file, atomically, as <see cref="Optimizer.Save"/> does for an optimizer
    /// (<c>torch.save(scheduler.state_dict(), path)</c>): a safetensors file without tensors whose metadata holds the state as JSON.
    /// </summary>
    /// <param name="path">The file to write; its directory must exist.</param>
    public void Save(string path)
        => SafeTensors.Save(path, new Dictionary<string, Tensor>(), new Dictionary<string, string> { [StateMetadataKey] = ToJson() });

    /// <summary>Restores the state written by <see cref="Save"/> into this scheduler (<c>scheduler.load_state_dict(torch.load(path))</c>).</summary>
    /// <param name="path">A file written by <see cref="Save"/> (or a training <c>Checkpoint</c>, which holds the same key).</param>
    /// <exception cref="FormatException">The file holds no scheduler state, or it is not valid JSON.</exception>
    /// <exception cref="ArgumentException">The state lacks a value this scheduler needs (another kind of scheduler saved it).</exception>
    public void Load(string path)
    {
        var (_, metadata) = SafeTensors.LoadWithMetadata(path);
        if (metadata is null || !metadata.TryGetValue(StateMetadataKey, out var json))
            throw new FormatException($"{GetType().Name}.Load: '{path}' has no '{StateMetadataKey}' metadata; it is not a scheduler checkpoint");
        LoadStateDict(FromJson(json, path));
    }

    /// <summary>The state as JSON (what <see cref="Save"/> stores).</summary>
    internal string ToJson() => JsonSerializer.Serialize(StateDict(), s_json);

    /// <summary>Parses what <see cref="ToJson"/> wrote; <paramref name="source"/> names the file in messages.</summary>
    internal LRSchedulerState FromJson(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<LRSchedulerState>(json, s_json)
                ?? throw new FormatException($"{GetType().Name}.Load: '{source}' has an empty scheduler state");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{GetType().Name}.Load: the scheduler state in '{source}' is not valid JSON: {e.Message}", e);
        }
    }
}
