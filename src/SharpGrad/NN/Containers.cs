using System.Collections;

namespace SharpGrad.NN;

/// <summary>Runs its children one after another, each on the previous one's output (<c>nn.Sequential</c>). Children are named "0", "1", ...</summary>
public sealed class Sequential : Module, IEnumerable<Module>
{
    private readonly List<Module> _layers = [];

    /// <summary>A sequence of the given modules (<c>nn.Sequential(m1, m2, ...)</c>).</summary>
    public Sequential(params Module[] modules)
    {
        foreach (var m in modules) Append(m);
    }

    /// <summary>A sequence of named modules (<c>nn.Sequential(OrderedDict([...]))</c>).</summary>
    public Sequential(IEnumerable<(string Name, Module Module)> modules)
    {
        foreach (var (name, m) in modules)
        {
            _layers.Add(m);
            RegisterModule(name, m);
        }
    }

    /// <summary>Number of children (<c>len(seq)</c>).</summary>
    public int Count => _layers.Count;

    /// <summary>The child at <paramref name="index"/>; negative counts from the end (<c>seq[i]</c>).</summary>
    public Module this[int index]
    {
        get
        {
            int i = index < 0 ? index + _layers.Count : index;
            if (i < 0 || i >= _layers.Count) throw new ArgumentOutOfRangeException(null, $"Sequential: index {index} is out of range for {_layers.Count} modules");
            return _layers[i];
        }
    }

    /// <summary>Adds a module at the end, named by its position (<c>seq.append(m)</c>).</summary>
    public Sequential Append(Module module)
    {
        RegisterModule(_layers.Count.ToString(), module);
        _layers.Add(module);
        return this;
    }

    /// <summary>The index of the child whose Forward is running, -1 when none (lets an exporter name the module of an op).</summary>
    internal int RunningIndex { get; private set; } = -1;

    /// <inheritdoc/>
    // Never inlined: the ONNX exporter names a module from the Forward frames on the stack.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public override Tensor Forward(Tensor input)
    {
        var x = input;
        for (int i = 0; i < _layers.Count; i++)
        {
            RunningIndex = i;
            x = _layers[i].Call(x);
        }
        RunningIndex = -1;
        return x;
    }

    /// <inheritdoc/>
    public IEnumerator<Module> GetEnumerator() => _layers.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A list of modules whose parameters are registered, named "0", "1", ... (<c>nn.ModuleList</c>). It has no Forward of its own.</summary>
public sealed class ModuleList : Module, IEnumerable<Module>
{
    private readonly List<Module> _items = [];

    /// <summary>A list holding the given modules (<c>nn.ModuleList([...])</c>).</summary>
    public ModuleList(params Module[] modules)
    {
        foreach (var m in modules) Append(m);
    }

    /// <summary>A list holding the given modules.</summary>
    public ModuleList(IEnumerable<Module> modules) : this(modules.ToArray()) { }

    /// <summary>Number of modules (<c>len(list)</c>).</summary>
    public int Count => _items.Count;

    /// <summary>The module at <paramref name="index"/>; negative counts from the end.</summary>
    public Module this[int index]
    {
        get
        {
            int i = index < 0 ? index + _items.Count : index;
            if (i < 0 || i >= _items.Count) throw new ArgumentOutOfRangeException(null, $"ModuleList: index {index} is out of range for {_items.Count} modules");
            return _items[i];
        }
    }

    /// <summary>Adds a module at the end (<c>list.append(m)</c>).</summary>
    public ModuleList Append(Module module)
    {
        RegisterModule(_items.Count.ToString(), module);
        _items.Add(module);
        return this;
    }

    /// <summary>Adds several modules at the end (<c>list.extend(ms)</c>).</summary>
    public ModuleList Extend(IEnumerable<Module> modules)
    {
        foreach (var m in modules) Append(m);
        return this;
    }

    /// <inheritdoc/>
    public IEnumerator<Module> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// Modules under string keys, registered as children in insertion order (<c>nn.ModuleDict</c>); assigning an existing
/// key replaces that module in place. It has no Forward of its own.
/// </summary>
public sealed class ModuleDict : Module, IReadOnlyDictionary<string, Module>
{
    private readonly Dictionary<string, Module> _items = [];

    /// <summary>An empty dictionary (<c>nn.ModuleDict()</c>).</summary>
    public ModuleDict()
    {
    }

    /// <summary>A dictionary of the given named modules, in order (<c>nn.ModuleDict({'conv': ..., 'pool': ...})</c>).</summary>
    /// <param name="modules">Keys and modules; a repeated key keeps its first position and its last module.</param>
    public ModuleDict(IEnumerable<(string Name, Module Module)> modules) => Update(modules);

    /// <summary>The module under <paramref name="key"/> (<c>dict[key]</c>); setting adds or replaces it (<c>dict[key] = m</c>).</summary>
    /// <param name="key">A non-empty name without ".".</param>
    /// <exception cref="KeyNotFoundException">Getting a key that is not there.</exception>
    public Module this[string key]
    {
        get => _items.TryGetValue(key, out var m) ? m
            : throw new KeyNotFoundException($"ModuleDict: no module under the key '{key}'; the keys are [{string.Join(", ", Keys.Select(k => $"'{k}'"))}]");
        set
        {
            RegisterModule(key, value);
            _items[key] = value;
        }
    }

    /// <summary>Adds or replaces each named module, in order (<c>dict.update(...)</c>).</summary>
    /// <param name="modules">Keys and modules.</param>
    public ModuleDict Update(IEnumerable<(string Name, Module Module)> modules)
    {
        foreach (var (name, m) in modules) this[name] = m;
        return this;
    }

    /// <summary>Number of modules (<c>len(dict)</c>).</summary>
    public int Count => _items.Count;

    /// <summary>The keys in insertion order (<c>dict.keys()</c>).</summary>
    public IEnumerable<string> Keys => NamedChildren().Select(c => c.Name);

    /// <summary>The modules in insertion order (<c>dict.values()</c>).</summary>
    public IEnumerable<Module> Values => Children();

    /// <summary>Whether <paramref name="key"/> is present (<c>key in dict</c>).</summary>
    /// <param name="key">The name to look for.</param>
    public bool ContainsKey(string key) => _items.ContainsKey(key);

    /// <summary>The module under <paramref name="key"/>, if present.</summary>
    /// <param name="key">The name to look for.</param>
    /// <param name="value">The module, or null.</param>
    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Module value) => _items.TryGetValue(key, out value);

    /// <summary>The (key, module) pairs in insertion order (<c>dict.items()</c>).</summary>
    public IEnumerator<KeyValuePair<string, Module>> GetEnumerator()
        => NamedChildren().Select(c => KeyValuePair.Create(c.Name, c.Module)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
