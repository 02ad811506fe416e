using System.Reflection;
using System.Text;

namespace SharpGrad.NN;

/// <summary>
/// Base class of every layer and model (PyTorch <c>nn.Module</c>): holds named parameters, buffers
/// and child modules in registration order, switches train/eval mode, and prints as a tree.
/// Subclasses create their layers in the constructor, then call <see cref="RegisterComponents"/>
/// (or the explicit <c>Register*</c> methods), and override <see cref="Forward(Tensor)"/>.
/// </summary>
public abstract partial class Module
{
    private readonly List<(string Name, Parameter? Value)> _parameters = [];
    private readonly List<(string Name, Tensor? Value, bool Persistent)> _buffers = [];
    private readonly List<(string Name, Module Value)> _modules = [];

    /// <summary>True in training mode (the default), false after <see cref="Eval"/> (<c>module.training</c>).</summary>
    public bool Training { get; private set; } = true;

    /// <summary>The computation of the module (<c>module.forward</c>, called as <c>net(x)</c> in PyTorch).</summary>
    public virtual Tensor Forward(Tensor input)
        => throw new InvalidOperationException($"{GetType().Name}: this module does not define Forward(Tensor); override it in the subclass");

    /// <summary>Adds or replaces a parameter under <paramref name="name"/> (<c>module.register_parameter</c>).</summary>
    public void RegisterParameter(string name, Parameter? parameter) => Put(_parameters, CheckName(name, "parameter"), parameter);

    /// <summary>Adds or replaces a buffer: state that is saved but not trained, e.g. running means (<c>module.register_buffer</c>).</summary>
    public void RegisterBuffer(string name, Tensor? tensor, bool persistent = true)
    {
        CheckName(name, "buffer");
        int i = _buffers.FindIndex(b => b.Name == name);
        if (i >= 0) _buffers[i] = (name, tensor, persistent);
        else _buffers.Add((name, tensor, persistent));
    }

    /// <summary>Adds or replaces a child module (<c>module.register_module</c> / <c>add_module</c>).</summary>
    public void RegisterModule(string name, Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        Put(_modules, CheckName(name, "module"), module);
    }

    /// <summary>
    /// Registers every field and property of this class (and its base classes up to Module) whose value
    /// is a <see cref="Parameter"/> or a <see cref="Module"/>, under its member name, in declaration order.
    /// This is what assigning <c>self.hidden = nn.Linear(...)</c> does in PyTorch.
    /// </summary>
    protected void RegisterComponents()
    {
        var chain = new Stack<Type>();
        for (var t = GetType(); t is not null && t != typeof(Module); t = t.BaseType) chain.Push(t);
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        foreach (var type in chain)
        {
            var members = new List<(int Order, string Name, object? Value)>();
            foreach (var field in type.GetFields(flags))
            {
                string name = field.Name;
                // An auto-property's backing field is named <Name>k__BackingField: register it under the property's name.
                if (name.StartsWith('<')) name = name[1..name.IndexOf('>')];
                members.Add((field.MetadataToken, name, field.GetValue(this)));
            }
            foreach (var (_, name, value) in members.OrderBy(m => m.Order))
            {
                switch (value)
                {
                    case Parameter p: if (!Has(_parameters, name)) RegisterParameter(name, p); break;
                    case Module m: if (!Has(_modules, name)) RegisterModule(name, m); break;
                }
            }
        }
    }

    /// <summary>The parameters of this module and (when <paramref name="recurse"/>) its descendants, each once (<c>module.parameters()</c>).</summary>
    public IEnumerable<Parameter> Parameters(bool recurse = true) => NamedParameters(recurse: recurse).Select(p => p.Parameter);

    /// <summary>Parameters with dotted names such as <c>hidden.weight</c> (<c>module.named_parameters()</c>).</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters(string prefix = "", bool recurse = true)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (path, module) in recurse ? NamedModules(prefix) : [(prefix, this)])
            foreach (var (name, p) in module._parameters)
                if (p is not null && seen.Add(p)) yield return (Join(path, name), p);
    }

    /// <summary>The buffers of this module and its descendants (<c>module.buffers()</c>).</summary>
    public IEnumerable<Tensor> Buffers(bool recurse = true) => NamedBuffers(recurse: recurse).Select(b => b.Buffer);

    /// <summary>Buffers with dotted names such as <c>bn.running_mean</c> (<c>module.named_buffers()</c>).</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(string prefix = "", bool recurse = true)
    {
        foreach (var (path, module) in recurse ? NamedModules(prefix) : [(prefix, this)])
            foreach (var (name, b, _) in module._buffers)
                if (b is not null) yield return (Join(path, name), b);
    }

    /// <summary>The direct children (<c>module.children()</c>).</summary>
    public IEnumerable<Module> Children() => _modules.Select(m => m.Value);

    /// <summary>The direct children with their names (<c>module.named_children()</c>).</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => _modules.Select(m => (m.Name, m.Value));

    /// <summary>This module and all descendants, depth first (<c>module.modules()</c>).</summary>
    public IEnumerable<Module> Modules() => NamedModules().Select(m => m.Module);

    /// <summary>This module (named <paramref name="prefix"/>) and all descendants with dotted names, each once (<c>module.named_modules()</c>).</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(string, Module)>();
        stack.Push((prefix, this));
        while (stack.TryPop(out var item))
        {
            if (!seen.Add(item.Item2)) continue;
            yield return item;
            var children = item.Item2._modules;
            for (int i = children.Count - 1; i >= 0; i--) stack.Push((Join(item.Item1, children[i].Name), children[i].Value));
        }
    }

    /// <summary>Sets training mode on this module and its descendants (<c>module.train(mode)</c>).</summary>
    public Module Train(bool mode = true)
    {
        foreach (var m in Modules()) m.Training = mode;
        return this;
    }

    /// <summary>Sets evaluation mode: dropout off, batch norm uses running statistics (<c>module.eval()</c>).</summary>
    public Module Eval() => Train(false);

    /// <summary>Clears the gradients of all parameters; to null by default, as PyTorch 2 does (<c>module.zero_grad(set_to_none)</c>).</summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var p in Parameters())
        {
            if (p.Grad is null) continue;
            if (setToNone) p.Grad = null;
            else using (Tensor.NoGrad()) p.Grad.Zero_();
        }
    }

    /// <summary>Calls <paramref name="fn"/> on every descendant and then on this module (<c>module.apply(fn)</c>), e.g. for custom initialisation.</summary>
    public Module Apply(Action<Module> fn)
    {
        foreach (var (_, child) in _modules) child.Apply(fn);
        fn(this);
        return this;
    }

    /// <summary>Converts every floating-point parameter and buffer to <paramref name="dtype"/> in place (<c>module.to(dtype)</c>).</summary>
    public Module To(DType dtype)
    {
        if (!dtype.IsFloatingPoint()) throw new ArgumentException($"module.to: nn.Module.to only accepts floating point dtypes, but got {dtype.TorchName()}");
        foreach (var m in Modules())
        {
            foreach (var (_, p) in m._parameters)
                if (p is not null && p.IsFloatingPoint()) ConvertInPlace(p, dtype);
            for (int i = 0; i < m._buffers.Count; i++)
            {
                var (name, b, persistent) = m._buffers[i];
                if (b is not null && b.IsFloatingPoint()) m._buffers[i] = (name, b.To(dtype), persistent);
            }
        }
        return this;
    }

    /// <summary>
    /// Moves every parameter and buffer to <paramref name="device"/> in place (<c>module.to(device)</c>): the
    /// <see cref="Parameter"/> objects stay the same (an optimizer built before the move keeps working), their data and
    /// gradients are copied to the device.
    /// </summary>
    /// <exception cref="InvalidOperationException">A CUDA device without an NVIDIA driver, or an index past the devices present.</exception>
    public Module To(Device device)
    {
        foreach (var m in Modules())
        {
            foreach (var (_, p) in m._parameters)
            {
                if (p is null || p.Device == device) continue;
                var grad = p.Grad;
                p.Grad = null;
                p.Data = p.Detach().To(device);
                if (grad is not null) p.Grad = grad.To(device);
            }
            for (int i = 0; i < m._buffers.Count; i++)
            {
                var (name, b, persistent) = m._buffers[i];
                if (b is not null) m._buffers[i] = (name, b.To(device), persistent);
            }
        }
        return this;
    }

    /// <summary>Moves the parameters and buffers to main memory (<c>module.cpu()</c>).</summary>
    public Module Cpu() => To(Device.Cpu);

    /// <summary>Moves the parameters and buffers to CUDA GPU <paramref name="index"/> (<c>module.cuda()</c>).</summary>
    public Module Cuda(int index = 0) => To(Device.Cuda(index));

    /// <summary>Converts to float64 (<c>module.double()</c>).</summary>
    public Module Double() => To(DType.Float64);

    /// <summary>Converts to float32 (<c>module.float()</c>).</summary>
    public Module Float() => To(DType.Float32);

    /// <summary>The text between the parentheses of this module's line when printed (<c>module.extra_repr()</c>).</summary>
    public virtual string ExtraRepr() => "";

    /// <summary>The module tree exactly as PyTorch prints it.</summary>
    public override string ToString()
    {
        var lines = new List<string>();
        string extra = ExtraRepr();
        if (extra.Length > 0) lines.AddRange(extra.Split('\n'));
        foreach (var (name, child) in _modules)
            lines.Add($"({name}): " + Indent(child.ToString(), 2));
        var sb = new StringBuilder(GetType().Name).Append('(');
        if (lines.Count > 0)
        {
            if (_modules.Count == 0 && lines.Count == 1) sb.Append(lines[0]);
            else
            {
                sb.Append('\n');
                foreach (var line in lines) sb.Append("  ").Append(line).Append('\n');
            }
        }
        return sb.Append(')').ToString();
    }

    /// <summary>Looks up a direct child by name, or null.</summary>
    protected Module? GetChild(string name) => _modules.Find(m => m.Name == name).Value;

    /// <summary>Replaces the tensor of a registered buffer (e.g. after a running-statistics update).</summary>
    protected void SetBuffer(string name, Tensor value)
    {
        int i = _buffers.FindIndex(b => b.Name == name);
        if (i < 0) throw new ArgumentException($"{GetType().Name}: no buffer named '{name}'");
        _buffers[i] = (name, value, _buffers[i].Persistent);
    }

    /// <summary>The current tensor of a registered buffer.</summary>
    protected Tensor? GetBuffer(string name) => _buffers.Find(b => b.Name == name).Value;

    private static void ConvertInPlace(Parameter p, DType dtype)
    {
        if (p.DType == dtype) return;
        var grad = p.Grad;
        p.Grad = null;
        p.Data = p.Detach().To(dtype);
        if (grad is not null) p.Grad = grad.To(dtype);
    }

    private static string Indent(string text, int spaces)
    {
        var lines = text.Split('\n');
        if (lines.Length == 1) return text;
        var pad = new string(' ', spaces);
        return lines[0] + "\n" + string.Join("\n", lines.Skip(1).Select(l => pad + l));
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    private static bool Has<T>(List<(string Name, T Value)> list, string name) => list.Exists(e => e.Name == name);

    private static void Put<T>(List<(string Name, T Value)> list, string name, T value)
    {
        int i = list.FindIndex(e => e.Name == name);
        if (i >= 0) list[i] = (name, value);
        else list.Add((name, value));
    }

    private string CheckName(string name, string kind)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"{GetType().Name}: {kind} name can't be empty or contain \".\", got \"{name}\"");
        bool taken = kind switch
        {
            "parameter" => Has(_modules, name) || _buffers.Exists(b => b.Name == name),
            "buffer" => Has(_modules, name) || Has(_parameters, name),
            _ => Has(_parameters, name) || _buffers.Exists(b => b.Name == name),
        };
        if (taken) throw new ArgumentException($"{GetType().Name}: attribute '{name}' already exists as another kind of member; cannot register a {kind} under it");
        return name;
    }
}
