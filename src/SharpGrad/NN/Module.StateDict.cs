namespace SharpGrad.NN;

/// <summary>Keys that did not match when loading a state dict (<c>torch.nn.modules.module._IncompatibleKeys</c>).</summary>
/// <param name="MissingKeys">Keys the module has but the state dict lacks.</param>
/// <param name="UnexpectedKeys">Keys the state dict has but the module lacks.</param>
public sealed record IncompatibleKeys(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);

public abstract partial class Module
{
    /// <summary>
    /// Parameters and persistent buffers by dotted name, detached and sharing storage with the module
    /// (<c>module.state_dict()</c>). Insertion order is registration order.
    /// </summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var dict = new Dictionary<string, Tensor>();
        foreach (var (path, module) in NamedModules())
        {
            foreach (var (name, p) in module._parameters)
                if (p is not null) dict.TryAdd(Join(path, name), p.Detach());
            foreach (var (name, b, persistent) in module._buffers)
                if (b is not null && persistent) dict.TryAdd(Join(path, name), b.Detach());
        }
        return dict;
    }

    /// <summary>
    /// Copies values from <paramref name="stateDict"/> into this module's parameters and buffers
    /// (<c>module.load_state_dict(state_dict, strict)</c>). With <paramref name="strict"/>, missing or unexpected keys are an
    /// error listing them; a shape mismatch is always an error. Nothing is modified when an error is thrown.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="stateDict"/> is null, or holds null for one of this module's keys.</exception>
    public IncompatibleKeys LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var own = StateDict();
        foreach (var key in own.Keys)
            if (stateDict.TryGetValue(key, out var value) && value is null)
                throw new ArgumentNullException(nameof(stateDict), $"load_state_dict for {GetType().Name}: the value of key \"{key}\" is null");
        var missing = own.Keys.Where(k => !stateDict.ContainsKey(k)).ToList();
        var unexpected = stateDict.Keys.Where(k => !own.ContainsKey(k)).ToList();
        var errors = new List<string>();
        if (strict && unexpected.Count > 0)
            errors.Add("Unexpected key(s) in state_dict: " + string.Join(", ", unexpected.Select(k => $"\"{k}\"")) + ".");
        if (strict && missing.Count > 0)
            errors.Add("Missing key(s) in state_dict: " + string.Join(", ", missing.Select(k => $"\"{k}\"")) + ".");
        foreach (var (key, target) in own)
        {
            if (!stateDict.TryGetValue(key, out var source)) continue;
            if (!source.Shape.AsSpan().SequenceEqual(target.Shape))
                errors.Add($"size mismatch for {key}: copying a param with shape {Core.Shape.Format(source.Shape)} from checkpoint, " +
                           $"the shape in current model is {Core.Shape.Format(target.Shape)}.");
        }
        if (errors.Count > 0)
            throw new ArgumentException($"Error(s) in loading state_dict for {GetType().Name}:\n\t" + string.Join("\n\t", errors));
        using (Tensor.NoGrad())
            foreach (var (key, target) in own)
                if (stateDict.TryGetValue(key, out var source)) target.Copy_(source);
        return new IncompatibleKeys(missing, unexpected);
    }
}
