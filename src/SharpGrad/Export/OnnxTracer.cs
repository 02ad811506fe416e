using SharpGrad.NN;

namespace SharpGrad.Export;

/// <summary>What a traced op reads: a graph value (a graph input or an earlier op's output), a weight, or a constant.</summary>
internal sealed record TracedInput(string Name, DType DType, int[] Sizes, Tensor? Weight, bool IsConstant);

/// <summary>One recorded op: <see cref="Output"/> = <see cref="Op"/>(<see cref="Inputs"/>) at <see cref="ModulePath"/>.</summary>
internal sealed record TracedOp(string Op, string Output, DType OutputDType, int[] OutputSizes, TracedInput?[] Inputs,
    (string Name, object Value)[] Attributes, string ModulePath);

/// <summary>
/// Records one forward pass for ONNX export: the ops the tensor layer reports, named values for their outputs,
/// parameters and buffers as weights under their <c>NamedParameters()</c> / <c>NamedBuffers()</c> names, and tensors
/// made before the trace as constants. A tensor made during the trace by an op that is not recorded, or an in-place
/// write into a traced tensor, ends the export with an <see cref="OnnxExportException"/> naming the op and module.
/// </summary>
internal sealed class OnnxTracer : ITensorOpRecorder
{
    private readonly Module _root;
    private readonly Dictionary<Tensor, TracedInput> _values = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Tensor, string> _weights = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<object> _weightStorages = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<object> _valueStorages = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Tensor, (string Op, string ModulePath)> _unrecorded = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Tensor, TracedInput> _constants = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Tensor, (string Op, string ModulePath)> _overwritten = new(ReferenceEqualityComparer.Instance);

    /// <summary>Starts a trace of <paramref name="root"/>'s forward pass.</summary>
    public OnnxTracer(Module root)
    {
        _root = root;
        foreach (var (name, p) in root.NamedParameters()) AddWeight(name, p);
        foreach (var (name, b) in root.NamedBuffers()) AddWeight(name, b);
    }

    /// <summary>The recorded ops, in execution order.</summary>
    public List<TracedOp> Ops { get; } = [];

    /// <summary>Declares <paramref name="tensor"/> a graph input named <paramref name="name"/>.</summary>
    public void AddInput(Tensor tensor, string name) => AddValue(tensor, name);

    /// <summary>The graph value <paramref name="tensor"/> holds, or null when no traced op (or input) produced it.</summary>
    public TracedInput? ValueOf(Tensor tensor) => _values.GetValueOrDefault(tensor);

    /// <summary>Where an output that is not a traced value came from, for the error message.</summary>
    public (string Op, string ModulePath)? UnrecordedOrigin(Tensor tensor) => _unrecorded.TryGetValue(tensor, out var o) ? o : null;

    /// <inheritdoc/>
    public void Op(string op, Tensor output, Tensor?[] inputs, (string Name, object Value)[] attributes)
    {
        var resolved = new TracedInput?[inputs.Length];
        string? weightPath = null;
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is not { } t) continue;
            resolved[i] = Resolve(op, t);
            if (weightPath is null && resolved[i]!.Weight is not null && !resolved[i]!.IsConstant)
                weightPath = resolved[i]!.Name.Contains('.') ? resolved[i]!.Name[..resolved[i]!.Name.LastIndexOf('.')] : "";
        }
        if (inputs.Any(t => ReferenceEquals(t, output))) return; // the op returned its input: nothing to record
        string path = weightPath ?? CallSite.CurrentModulePath(_root);
        var value = AddValue(output, $"%{Ops.Count}");
        Ops.Add(new TracedOp(op, value.Name, output.DType, output.Shape, resolved, attributes, path));
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The target's value becomes the op's output. Other traced tensors on the same storage (views of the target, or the
    /// tensor it views) now hold changed elements that the graph has no value for: using one later is an error.
    /// </remarks>
    public void InPlaceOp(string op, Tensor target, (string Name, object Value)[] attributes)
    {
        if (!_values.TryGetValue(target, out var before))
        {
            if (_weightStorages.Contains(target.Storage)) Mutated(target);
            return; // a tensor the graph does not use: nothing to record
        }
        string path = CallSite.CurrentModulePath(_root);
        foreach (var other in _values.Keys.Where(t => !ReferenceEquals(t, target) && ReferenceEquals(t.Storage, target.Storage)).ToList())
        {
            _values.Remove(other);
            _overwritten[other] = ($"{op} (in place)", path);
        }
        var value = AddValue(target, $"%{Ops.Count}");
        Ops.Add(new TracedOp(op, value.Name, target.DType, target.Shape, [before], attributes, path));
    }

    /// <inheritdoc/>
    public void Created(Tensor tensor)
    {
        if (!CallSite.IsFactoryCall()) _unrecorded[tensor] = CallSite.Current(_root);
    }

    /// <inheritdoc/>
    public void Constant(Tensor tensor) => _unrecorded.Remove(tensor);

    /// <inheritdoc/>
    public void Mutated(Tensor tensor)
    {
        bool value = _valueStorages.Contains(tensor.Storage), weight = _weightStorages.Contains(tensor.Storage);
        if (!value && !weight) return;
        var (op, path) = CallSite.Current(_root);
        throw new OnnxExportException(op, path,
            $"onnx export: {op} {OnnxExportException.Where(path)} writes in place into {(value ? "a tensor computed from the inputs" : "a parameter or buffer")}; " +
            "an ONNX graph has no in-place ops: use the out-of-place form (Relu() instead of Relu_(), inplace: false)");
    }

    private TracedInput Resolve(string op, Tensor t)
    {
        if (_values.TryGetValue(t, out var value)) return value;
        if (_weights.TryGetValue(t, out var name)) return new TracedInput(name, t.DType, t.Shape, t, false);
        if (_overwritten.TryGetValue(t, out var writer))
            throw new OnnxExportException(writer.Op, writer.ModulePath,
                $"onnx export: {writer.Op} {OnnxExportException.Where(writer.ModulePath)} changed a tensor that shares its storage with an input of {op}; " +
                "the ONNX graph has no value for that: use the out-of-place op (inplace: false)");
        if (_unrecorded.TryGetValue(t, out var origin))
            throw new OnnxExportException(origin.Op, origin.ModulePath,
                $"onnx export: {origin.Op} {OnnxExportException.Where(origin.ModulePath)} has no ONNX mapping (its result feeds {op}); " +
                $"supported ops: {Onnx.SupportedOps}");
        if (!_constants.TryGetValue(t, out var constant))
        {
            constant = new TracedInput($"onnx::Constant_{_constants.Count}", t.DType, t.Shape, t, true);
            _constants[t] = constant;
        }
        return constant;
    }

    private TracedInput AddValue(Tensor tensor, string name)
    {
        var value = new TracedInput(name, tensor.DType, tensor.Shape, null, false);
        _values[tensor] = value;
        _valueStorages.Add(tensor.Storage);
        return value;
    }

    private void AddWeight(string name, Tensor tensor)
    {
        _weights.TryAdd(tensor, name);
        _weightStorages.Add(tensor.Storage);
    }
}
