using System.Globalization;
using System.Text.Json;
using SharpGrad.IO;
using SharpGrad.NN;
using SharpGrad.Optim;

namespace SharpGrad.Training;

/// <summary>What <see cref="Checkpoint.Load"/> read besides the states it restored.</summary>
/// <param name="Epoch">The epoch saved with the checkpoint (the number of finished epochs, by convention).</param>
/// <param name="Extra">The caller's own values saved with it (best accuracy, a run name...).</param>
/// <param name="Keys">The model keys that did not match (empty unless loaded with <c>strict: false</c>).</param>
public sealed record CheckpointInfo(int Epoch, IReadOnlyDictionary<string, string> Extra, IncompatibleKeys Keys);

/// <summary>
/// A whole training state in one file, so that a run can stop and resume bit for bit (PyTorch's
/// <c>torch.save({"model": model.state_dict(), "optimizer": ..., "scheduler": ..., "epoch": epoch}, path)</c>):
/// one safetensors file, written atomically, with the model's tensors under <c>model.</c>, the optimizer's state under
/// <c>optimizer.</c>, and the parameter groups, the scheduler's state, the epoch, the random generators' states and the
/// caller's extra values as JSON in its metadata. PyTorch's <c>safetensors.torch.load_file</c> opens it.
/// </summary>
/// <remarks>
/// Resuming is exact when the program does the same work after <see cref="Load"/> as it would have done without
/// stopping: the default generator (<see cref="Tensor.DefaultGenerator"/>: dropout, shuffling without a generator of its
/// own, initialisation) is saved and restored, and so is every generator passed in <c>generators</c> (for example a
/// <c>DataLoader</c>'s).
/// </remarks>
public static class Checkpoint
{
    private const string ModelPrefix = "model.";
    private const string OptimizerPrefix = "optimizer.";
    private const string FormatKey = "sharpgrad.checkpoint";
    private const string EpochKey = "epoch";
    private const string ExtraKey = "extra";
    private const string GeneratorsKey = "generators";
    private const string DefaultGeneratorName = "default";

    /// <summary>Writes the training state to <paramref name="path"/>, atomically.</summary>
    /// <param name="path">The file to write; its directory must exist.</param>
    /// <param name="model">The model whose parameters and buffers are saved.</param>
    /// <param name="optimizer">The optimizer whose state (moments, step counts) and parameter groups are saved, or null.</param>
    /// <param name="scheduler">The learning-rate scheduler whose state is saved, or null.</param>
    /// <param name="epoch">The epoch to record (usually the number of finished epochs).</param>
    /// <param name="extra">Further values to keep, e.g. the best accuracy so far.</param>
    /// <param name="generators">Named generators besides the default one to save, e.g. a DataLoader's.</param>
    /// <exception cref="ArgumentException">A generator is named "default", or a name is empty.</exception>
    public static void Save(string path, Module model, Optimizer? optimizer = null, LRScheduler? scheduler = null, int epoch = 0,
        IReadOnlyDictionary<string, string>? extra = null, IReadOnlyDictionary<string, Generator>? generators = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (key, t) in model.StateDict()) tensors[ModelPrefix + key] = t;
        var meta = new Dictionary<string, string>
        {
            ["format"] = "pt",
            [FormatKey] = "1",
            [EpochKey] = epoch.ToString(CultureInfo.InvariantCulture),
            [ExtraKey] = JsonSerializer.Serialize(extra ?? new Dictionary<string, string>()),
            [GeneratorsKey] = JsonSerializer.Serialize(GeneratorStates(generators)),
        };
        if (optimizer is not null)
        {
            var (state, groupsJson) = optimizer.ToCheckpoint();
            foreach (var (key, t) in state) tensors[OptimizerPrefix + key] = t;
            meta[Optimizer.ParamGroupsMetadataKey] = groupsJson;
        }
        if (scheduler is not null) meta[LRScheduler.StateMetadataKey] = scheduler.ToJson();
        SafeTensors.Save(path, tensors, meta);
    }

    /// <summary>
    /// Restores a state written by <see cref="Save"/>: the model, and the optimizer, scheduler and generators when given.
    /// Everything is read and checked before anything is changed, except that a model shape mismatch is found by
    /// <see cref="Module.LoadStateDict"/> itself (which changes nothing when it throws).
    /// </summary>
    /// <param name="path">A file written by <see cref="Save"/>.</param>
    /// <param name="model">The model to restore (the same architecture as the saved one).</param>
    /// <param name="optimizer">The optimizer to restore, or null to skip it.</param>
    /// <param name="scheduler">The scheduler to restore, or null to skip it.</param>
    /// <param name="generators">Generators to restore by the names they were saved under; the default generator is always restored.</param>
    /// <param name="strict">Whether model keys must match exactly (<c>load_state_dict(strict=...)</c>).</param>
    /// <returns>The saved epoch and extra values, and the unmatched model keys.</returns>
    /// <exception cref="FormatException">The file is not a training checkpoint, or lacks the optimizer or scheduler state asked for.</exception>
    /// <exception cref="ArgumentException">The model's keys or shapes, or the optimizer's parameter layout, do not match.</exception>
    public static CheckpointInfo Load(string path, Module model, Optimizer? optimizer = null, LRScheduler? scheduler = null,
        IReadOnlyDictionary<string, Generator>? generators = null, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (tensors, meta) = SafeTensors.LoadWithMetadata(path);
        if (meta is null || !meta.ContainsKey(FormatKey))
            throw new FormatException($"Checkpoint.Load: '{path}' is not a training checkpoint (written by Checkpoint.Save); a model file loads with Module.Load");
        var modelState = WithPrefix(tensors, ModelPrefix);
        OptimizerState? optimizerState = null;
        if (optimizer is not null)
        {
            if (!meta.TryGetValue(Optimizer.ParamGroupsMetadataKey, out var groupsJson))
                throw new FormatException($"Checkpoint.Load: '{path}' holds no optimizer state; pass optimizer: null to load the rest");
            optimizerState = optimizer.FromCheckpoint(WithPrefix(tensors, OptimizerPrefix), groupsJson, path);
        }
        LRSchedulerState? schedulerState = null;
        if (scheduler is not null)
        {
            if (!meta.TryGetValue(LRScheduler.StateMetadataKey, out var json))
                throw new FormatException($"Checkpoint.Load: '{path}' holds no scheduler state; pass scheduler: null to load the rest");
            schedulerState = scheduler.FromJson(json, path);
        }
        var savedGenerators = Parse<Dictionary<string, ulong[]>>(meta, GeneratorsKey, path);
        foreach (var name in generators?.Keys ?? [])
            if (!savedGenerators.ContainsKey(name))
                throw new FormatException($"Checkpoint.Load: '{path}' has no generator named '{name}' (it has: {string.Join(", ", savedGenerators.Keys)})");
        int epoch = int.Parse(meta[EpochKey], CultureInfo.InvariantCulture);
        var extra = Parse<Dictionary<string, string>>(meta, ExtraKey, path);

        var keys = model.LoadStateDict(modelState, strict);
        if (optimizerState is not null) optimizer!.LoadStateDict(optimizerState);
        if (schedulerState is not null) scheduler!.LoadStateDict(schedulerState);
        lock (Tensor.DefaultGenerator) Tensor.DefaultGenerator.SetState(savedGenerators[DefaultGeneratorName]);
        foreach (var (name, generator) in generators ?? new Dictionary<string, Generator>()) generator.SetState(savedGenerators[name]);
        return new CheckpointInfo(epoch, extra, keys);
    }

    private static Dictionary<string, ulong[]> GeneratorStates(IReadOnlyDictionary<string, Generator>? generators)
    {
        var states = new Dictionary<string, ulong[]>();
        lock (Tensor.DefaultGenerator) states[DefaultGeneratorName] = Tensor.DefaultGenerator.GetState();
        foreach (var (name, generator) in generators ?? new Dictionary<string, Generator>())
        {
            if (string.IsNullOrEmpty(name) || name == DefaultGeneratorName)
                throw new ArgumentException($"Checkpoint.Save: generator names must be non-empty and not \"{DefaultGeneratorName}\" (the default generator is always saved), got \"{name}\"", nameof(generators));
            states[name] = generator.GetState();
        }
        return states;
    }

    private static Dictionary<string, Tensor> WithPrefix(Dictionary<string, Tensor> tensors, string prefix)
        => tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);

    private static T Parse<T>(Dictionary<string, string> meta, string key, string path) where T : new()
    {
        if (!meta.TryGetValue(key, out var json)) return new T();
        try
        {
            return JsonSerializer.Deserialize<T>(json) ?? new T();
        }
        catch (JsonException e)
        {
            throw new FormatException($"Checkpoint.Load: the '{key}' metadata of '{path}' is not valid JSON: {e.Message}", e);
        }
    }
}
