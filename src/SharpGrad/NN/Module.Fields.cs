using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;

namespace SharpGrad.NN;

public abstract partial class Module
{
    /// <summary>Per module type: the fields that can hold a module or parameter, and those that hold collections of them.</summary>
    private static readonly ConcurrentDictionary<Type, (FieldSlot[] Single, FieldSlot[] Collections)> s_fieldSlots = new();

    /// <summary>Field names whose value was registered from the field itself (re-assigning the field re-registers it).</summary>
    private HashSet<string>? _fieldNames;

    private sealed record FieldSlot(FieldInfo Field, string Name);

    /// <summary>
    /// PyTorch registers a layer when it is assigned (<c>self.fc = nn.Linear(...)</c>). SharpGrad does the same on first
    /// use: every field (or auto-property) of a subclass that holds a <see cref="Module"/> or a <see cref="Parameter"/> is
    /// registered under its name, in declaration order, before <see cref="Parameters"/>, <see cref="NamedModules"/>,
    /// <see cref="StateDict"/>, <see cref="To(DType)"/>, printing and the rest read the registry; a field assigned a new
    /// layer later is re-registered. Values already registered under another name (e.g. <c>Linear.Weight</c> as
    /// <c>weight</c>) are left alone. A field holding an array or list of modules cannot be registered by name: that is
    /// an error saying to use <see cref="ModuleList"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">A field holds a collection of modules or parameters that are not registered.</exception>
    private void SyncFields()
    {
        var (singles, collections) = s_fieldSlots.GetOrAdd(GetType(), FindSlots);
        foreach (var slot in singles)
        {
            switch (slot.Field.GetValue(this))
            {
                case Parameter p: SyncOne(_parameters, slot.Name, p); break;
                case Module m: SyncOne(_modules, slot.Name, m); break;
            }
        }
        foreach (var slot in collections)
            if (slot.Field.GetValue(this) is IEnumerable items)
                CheckCollectionRegistered(slot, items);
    }

    private void SyncOne<T>(List<(string Name, T Value)> list, string name, T value) where T : class?
    {
        int i = list.FindIndex(e => e.Name == name);
        if (i >= 0)
        {
            // Re-assigned field: follow it, as PyTorch's __setattr__ does; a same-named explicit registration of
            // another object is the user's choice and is kept.
            if (!ReferenceEquals(list[i].Value, value) && _fieldNames?.Contains(name) == true) list[i] = (name, value);
            return;
        }
        if (list.Exists(e => ReferenceEquals(e.Value, value))) return;
        if (Has(_modules, name) || Has(_parameters, name) || _buffers.Exists(b => b.Name == name)) return;
        list.Add((name, value));
        (_fieldNames ??= []).Add(name);
    }

    private void CheckCollectionRegistered(FieldSlot slot, IEnumerable items)
    {
        int missing = 0, count = 0;
        foreach (var item in items)
        {
            count++;
            bool registered = item switch
            {
                Module m => _modules.Exists(e => ReferenceEquals(e.Value, m)),
                Parameter p => _parameters.Exists(e => ReferenceEquals(e.Value, p)),
                _ => true,
            };
            if (!registered) missing++;
        }
        if (missing == 0) return;
        string typeName = FriendlyName(slot.Field.FieldType);
        bool modules = slot.Field.FieldType.IsAssignableTo(typeof(IEnumerable<Module>));
        throw new InvalidOperationException(
            $"{GetType().Name}: field '{slot.Name}' ({typeName}) holds {missing} of {count} {(modules ? "modules" : "parameters")} that are not registered, " +
            "so their parameters would be neither trained nor saved (PyTorch has the same rule for Python lists). " +
            (modules
                ? $"Store them in a ModuleList (or Sequential) instead: {slot.Name} = new ModuleList(...), or register each with RegisterModule($\"{slot.Name}{{i}}\", module)."
                : $"Register each with RegisterParameter($\"{slot.Name}{{i}}\", parameter)."));
    }

    /// <summary>This module alone, its fields registered: the non-recursive form of <see cref="NamedModules"/>.</summary>
    private IEnumerable<(string Name, Module Module)> Self(string prefix)
    {
        SyncFields();
        yield return (prefix, this);
    }

    private static (FieldSlot[], FieldSlot[]) FindSlots(Type type)
    {
        var singles = new List<FieldSlot>();
        var collections = new List<FieldSlot>();
        var chain = new Stack<Type>();
        for (var t = type; t is not null && t != typeof(Module); t = t.BaseType) chain.Push(t);
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        foreach (var t in chain)
        {
            foreach (var field in t.GetFields(flags).OrderBy(f => f.MetadataToken))
            {
                var ft = field.FieldType;
                string name = field.Name;
                // An auto-property's backing field is <Name>k__BackingField, a captured primary-constructor parameter <name>P:
                // both are registered under the name the user wrote.
                if (name.StartsWith('<')) name = name[1..name.IndexOf('>')];
                if (ft.IsAssignableTo(typeof(Module)) || ft.IsAssignableTo(typeof(Tensor)) || ft == typeof(object))
                    singles.Add(new FieldSlot(field, name));
                else if (ft.IsAssignableTo(typeof(IEnumerable<Module>)) || ft.IsAssignableTo(typeof(IEnumerable<Parameter>)))
                    collections.Add(new FieldSlot(field, name));
            }
        }
        return (singles.ToArray(), collections.ToArray());
    }

    private static string FriendlyName(Type t)
    {
        if (t.IsArray) return FriendlyName(t.GetElementType()!) + "[]";
        if (!t.IsGenericType) return t.Name;
        return t.Name[..t.Name.IndexOf('`')] + "<" + string.Join(", ", t.GetGenericArguments().Select(FriendlyName)) + ">";
    }
}
