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
            if (i < 0 || i >= _layers.Count) throw new IndexOutOfRangeException($"Sequential: index {index} is out of range for {_layers.Count} modules");
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
    public override Tensor Forward(Tensor input)
    {
        var x = input;
        for (int i = 0; i < _layers.Count; i++)
        {
            RunningIndex = i;
            x = _layers[i].Forward(x);
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
            if (i < 0 || i >= _items.Count) throw new IndexOutOfRangeException($"ModuleList: index {index} is out of range for {_items.Count} modules");
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
