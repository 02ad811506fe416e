using SharpGrad.Core;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace SharpGrad.Optim;

/// <summary>
/// One parameter group of an optimizer (an entry of PyTorch's <c>optimizer.param_groups</c>): the parameters
/// plus their hyper-parameters, keyed by PyTorch's names ("lr", "momentum", "weight_decay", "betas", ...).
/// Values the group sets override the optimizer's defaults; the optimizer fills in the others when the group is added.
/// </summary>
/// <example>
/// PyTorch's <c>optim.SGD([{'params': base}, {'params': head, 'lr': 1e-3}], lr=1e-2)</c> is
/// <c>new SGD([new ParamGroup(base), new ParamGroup(head) { ["lr"] = 1e-3 }], lr: 1e-2)</c>, and
/// <c>optimizer.param_groups[0]['lr'] = 0.05</c> is <c>optimizer.ParamGroups[0]["lr"] = 0.05</c>.
/// </example>
/// <remarks>
/// Values are stored as <see cref="double"/> (any .NET number), <see cref="bool"/>, <see langword="null"/> (Python None),
/// <see cref="string"/>, or <c>double[]</c> (any sequence or tuple of numbers, e.g. Adam's betas); JSON elements are
/// converted the same way, so a group read back from JSON behaves like the original.
/// </remarks>
public sealed class ParamGroup
{
    private readonly List<Tensor> _params;
    private readonly Dictionary<string, object?> _options = new(StringComparer.Ordinal);

    /// <summary>A group of the given parameters with no hyper-parameters of its own (the optimizer's defaults apply).</summary>
    public ParamGroup(IEnumerable<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _params = [];
        foreach (var p in parameters)
        {
            if (p is null) throw new ArgumentException("param_groups: optimizer can only optimize Tensors, but one of the params is null");
            _params.Add(p);
        }
    }

    /// <summary>A group of the given parameters with its own hyper-parameters (<c>{'params': ..., 'lr': ...}</c>).</summary>
    public ParamGroup(IEnumerable<Tensor> parameters, IEnumerable<KeyValuePair<string, object?>> options) : this(parameters)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (key, value) in options) this[key] = value;
    }

    /// <summary>The parameters of this group, in order (<c>group['params']</c>).</summary>
    public IReadOnlyList<Tensor> Params => _params;

    /// <summary>The hyper-parameters by name, without "params".</summary>
    public IReadOnlyDictionary<string, object?> Options => _options;

    /// <summary>
    /// A hyper-parameter by its PyTorch name (<c>group['lr']</c>); "params" reads <see cref="Params"/>.
    /// Setting converts numbers to double and numeric sequences to <c>double[]</c>.
    /// </summary>
    public object? this[string key]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(key);
            if (key == "params") return _params;
            if (_options.TryGetValue(key, out var value)) return value;
            throw new KeyNotFoundException(
                $"param_groups: no hyper-parameter '{key}' in this group (it has: {string.Join(", ", _options.Keys.Order(StringComparer.Ordinal))})");
        }
        set
        {
            ArgumentNullException.ThrowIfNull(key);
            if (key == "params")
                throw new ArgumentException("param_groups: 'params' cannot be assigned; make a new ParamGroup and add it with AddParamGroup");
            _options[key] = Normalize(key, value);
        }
    }

    /// <summary>The learning rate of this group (<c>group['lr']</c>), the value schedulers change.</summary>
    public double Lr
    {
        get => GetDouble("lr");
        set => _options["lr"] = value;
    }

    /// <summary>True when the group has a hyper-parameter of that name (<c>'lr' in group</c>).</summary>
    public bool ContainsKey(string key) => key == "params" || _options.ContainsKey(key);

    /// <summary>A numeric hyper-parameter; throws when it is missing or not a number.</summary>
    public double GetDouble(string key) => this[key] switch
    {
        double d => d,
        var other => throw new InvalidOperationException($"param_groups: hyper-parameter '{key}' must be a number, but it is {PyFormat.Value(other)}"),
    };

    /// <summary>A boolean hyper-parameter; throws when it is missing or not a bool.</summary>
    public bool GetBool(string key) => this[key] switch
    {
        bool b => b,
        var other => throw new InvalidOperationException($"param_groups: hyper-parameter '{key}' must be True or False, but it is {PyFormat.Value(other)}"),
    };

    /// <summary>A hyper-parameter that is a sequence of numbers (e.g. Adam's "betas"), as a fresh array.</summary>
    public double[] GetDoubles(string key) => this[key] switch
    {
        double[] a => (double[])a.Clone(),
        var other => throw new InvalidOperationException($"param_groups: hyper-parameter '{key}' must be a sequence of numbers, but it is {PyFormat.Value(other)}"),
    };

    /// <summary>Sets a value only when the group does not have one (Python's <c>dict.setdefault</c>).</summary>
    internal void SetDefault(string key, object? value)
    {
        if (!_options.ContainsKey(key)) _options[key] = Normalize(key, value);
    }

    /// <summary>Replaces all hyper-parameters (loading a state dict); the parameters stay.</summary>
    internal void ReplaceOptions(IReadOnlyDictionary<string, object?> options)
    {
        _options.Clear();
        foreach (var (key, value) in options) if (key != "params") _options[key] = Normalize(key, value);
    }

    /// <summary>Converts a hyper-parameter value to its stored form (double, bool, null, string or double[]).</summary>
    internal static object? Normalize(string key, object? value) => value switch
    {
        null => null,
        bool b => b,
        double d => d,
        float or decimal or sbyte or byte or short or ushort or int or uint or long or ulong => Convert.ToDouble(value, CultureInfo.InvariantCulture),
        string s => s,
        double[] a => (double[])a.Clone(),
        JsonElement json => FromJson(key, json),
        ITuple tuple => FromSequence(key, Enumerable.Range(0, tuple.Length).Select(i => tuple[i])),
        System.Collections.IEnumerable seq => FromSequence(key, seq.Cast<object?>()),
        _ => throw Unsupported(key, value.GetType().Name),
    };

    private static double[] FromSequence(string key, IEnumerable<object?> items) => items.Select(item => Normalize(key, item) switch
    {
        double d => d,
        var other => throw Unsupported(key, $"a sequence holding {PyFormat.Value(other)}"),
    }).ToArray();

    private static object? FromJson(string key, JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => json.GetDouble(),
        JsonValueKind.String => NamedFloat(json.GetString()!),
        JsonValueKind.Array => FromSequence(key, json.EnumerateArray().Select(e => (object?)e)),
        _ => throw Unsupported(key, "a JSON object"),
    };

    // System.Text.Json writes non-finite doubles as the strings "NaN", "Infinity", "-Infinity" when allowed to.
    private static object NamedFloat(string s) => s switch
    {
        "NaN" => double.NaN,
        "Infinity" => double.PositiveInfinity,
        "-Infinity" => double.NegativeInfinity,
        _ => s,
    };

    private static ArgumentException Unsupported(string key, string what) => new(
        $"param_groups: hyper-parameter '{key}' has unsupported type {what}; use a number, bool, null, string or a sequence of numbers");
}
