using SharpGrad.IO;
using SharpGrad.NN;

namespace SharpGrad.Export;

/// <summary>
/// ONNX export (PyTorch <c>torch.onnx.export</c>): runs one forward pass of a module in eval mode under a trace of the
/// tensor ops and writes the ops as an ONNX model, with the parameters and buffers as initializers named as in
/// <see cref="Module.NamedParameters"/>. ONNX Runtime, ML.NET and every other ONNX consumer can then run the model.
/// </summary>
public static class Onnx
{
    /// <summary>The lowest and highest default-domain opset the exporter writes.</summary>
    public const int MinOpset = 13, MaxOpset = 21;

    /// <summary>The traced ops that have an ONNX mapping (the layers built from them export too).</summary>
    public static string SupportedOps => string.Join(", ", OnnxGraphBuilder.Supported);

    /// <summary>
    /// Exports <paramref name="module"/> applied to <paramref name="exampleInput"/> to an ONNX file
    /// (<c>torch.onnx.export(model, x, path, input_names=..., output_names=..., dynamic_axes=..., opset_version=17)</c>).
    /// </summary>
    /// <param name="module">The model; it runs in eval mode (dropout off, batch norm with running statistics) and its mode is restored afterwards.</param>
    /// <param name="exampleInput">An input of the shape and dtype the model will get; its values do not matter.</param>
    /// <param name="path">The .onnx file to write (atomically).</param>
    /// <param name="inputNames">The graph input's name; default <c>input</c>.</param>
    /// <param name="outputNames">The graph output's name; default <c>output</c>.</param>
    /// <param name="dynamicAxes">Axes whose size may change, per input or output name: <c>{ ["input"] = { [0] = "batch" } }</c>.</param>
    /// <param name="opsetVersion">The ONNX opset, <see cref="MinOpset"/> to <see cref="MaxOpset"/>.</param>
    /// <exception cref="OnnxExportException">The forward pass uses an op that has no ONNX mapping (the message names the op and the module path), writes into a traced tensor in place, or returns a tensor that does not come from the input.</exception>
    /// <exception cref="ArgumentException">Names, dynamic axes or opset are invalid.</exception>
    public static void Export(Module module, Tensor exampleInput, string path, string[]? inputNames = null, string[]? outputNames = null,
        Dictionary<string, Dictionary<int, string>>? dynamicAxes = null, int opsetVersion = 17)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(exampleInput);
        Export(module, [exampleInput], inputs => [module.Forward(inputs[0])], path, inputNames, outputNames, dynamicAxes, opsetVersion);
    }

    /// <summary>
    /// Exports a forward pass with several inputs or outputs (<c>torch.onnx.export(model, (x, y), ...)</c>):
    /// <paramref name="forward"/> computes the outputs from the inputs with <paramref name="module"/>'s layers.
    /// </summary>
    /// <param name="module">The model whose parameters and buffers become initializers; it runs in eval mode.</param>
    /// <param name="exampleInputs">One example tensor per graph input.</param>
    /// <param name="forward">The computation to trace.</param>
    /// <param name="path">The .onnx file to write (atomically).</param>
    /// <param name="inputNames">Graph input names; default <c>input</c> for one input, <c>input_0</c>, <c>input_1</c>, ... for several.</param>
    /// <param name="outputNames">Graph output names; default <c>output</c> for one output, <c>output_0</c>, ... for several.</param>
    /// <param name="dynamicAxes">Axes whose size may change, per input or output name.</param>
    /// <param name="opsetVersion">The ONNX opset, <see cref="MinOpset"/> to <see cref="MaxOpset"/>.</param>
    /// <exception cref="OnnxExportException">The forward pass cannot be exported; the message names the op and the module path.</exception>
    /// <exception cref="ArgumentException">Names, dynamic axes or opset are invalid.</exception>
    public static void Export(Module module, Tensor[] exampleInputs, Func<Tensor[], Tensor[]> forward, string path, string[]? inputNames = null,
        string[]? outputNames = null, Dictionary<string, Dictionary<int, string>>? dynamicAxes = null, int opsetVersion = 17)
    {
        var bytes = ExportToBytes(module, exampleInputs, forward, inputNames, outputNames, dynamicAxes, opsetVersion);
        AtomicFile.WriteAllBytes(path, bytes);
    }

    /// <summary>The serialised ONNX ModelProto that <see cref="Export(Module, Tensor[], Func{Tensor[], Tensor[]}, string, string[], string[], Dictionary{string, Dictionary{int, string}}, int)"/> writes.</summary>
    /// <param name="module">The model; it runs in eval mode.</param>
    /// <param name="exampleInputs">One example tensor per graph input.</param>
    /// <param name="forward">The computation to trace.</param>
    /// <param name="inputNames">Graph input names.</param>
    /// <param name="outputNames">Graph output names.</param>
    /// <param name="dynamicAxes">Axes whose size may change, per input or output name.</param>
    /// <param name="opsetVersion">The ONNX opset.</param>
    public static byte[] ExportToBytes(Module module, Tensor[] exampleInputs, Func<Tensor[], Tensor[]> forward, string[]? inputNames = null,
        string[]? outputNames = null, Dictionary<string, Dictionary<int, string>>? dynamicAxes = null, int opsetVersion = 17)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(exampleInputs);
        ArgumentNullException.ThrowIfNull(forward);
        if (opsetVersion < MinOpset || opsetVersion > MaxOpset)
            throw new ArgumentException($"onnx export: opset_version {opsetVersion} is not supported; use {MinOpset} to {MaxOpset}", nameof(opsetVersion));
        if (exampleInputs.Length == 0) throw new ArgumentException("onnx export: at least one example input is needed", nameof(exampleInputs));
        var inNames = Names(inputNames, exampleInputs.Length, "input", nameof(inputNames));

        var tracer = new OnnxTracer(module);
        for (int i = 0; i < exampleInputs.Length; i++) tracer.AddInput(exampleInputs[i], inNames[i]);
        var outputs = Trace(module, exampleInputs, forward, tracer);
        var outNames = Names(outputNames, outputs.Length, "output", nameof(outputNames));
        CheckDynamicAxes(dynamicAxes, inNames, exampleInputs, outNames, outputs);

        var model = new OnnxModel { Opset = opsetVersion };
        var builder = new OnnxGraphBuilder(model);
        for (int i = 0; i < exampleInputs.Length; i++)
        {
            builder.NameInput(inNames[i], inNames[i]);
            model.Inputs.Add(new OnnxValueInfo(inNames[i], exampleInputs[i].DType, exampleInputs[i].Shape, dynamicAxes?.GetValueOrDefault(inNames[i])));
        }
        var outputValues = outputs.Select(o => OutputValue(tracer, o)).ToArray();
        builder.Build(tracer.Ops, outputValues);
        var taken = new HashSet<string>(inNames);
        for (int i = 0; i < outputs.Length; i++)
        {
            string current = builder.NameOf(outputValues[i]);
            bool producedByNode = model.Nodes.Any(n => n.Outputs.Contains(current));
            if (producedByNode && taken.Add(current)) builder.Rename(current, outNames[i]);
            else builder.Identity(current, outNames[i]);
            taken.Add(outNames[i]);
            var axes = dynamicAxes?.GetValueOrDefault(outNames[i]) ?? FollowingAxes(dynamicAxes, inNames, exampleInputs, outNames[i], outputs[i]);
            model.Outputs.Add(new OnnxValueInfo(outNames[i], outputs[i].DType, outputs[i].Shape, axes));
        }
        return model.ToBytes();
    }

    private static Tensor[] Trace(Module module, Tensor[] inputs, Func<Tensor[], Tensor[]> forward, OnnxTracer tracer)
    {
        var modes = module.NamedModules().Select(m => (m.Module, m.Module.Training)).ToList();
        module.Eval();
        try
        {
            using var noGrad = Tensor.NoGrad();
            using var session = OpTrace.Start(tracer);
            var outputs = forward(inputs) ?? throw new ArgumentException("onnx export: forward returned null");
            if (OpTrace.AtTopLevel) return outputs;
            throw new OnnxExportException("forward", "",
                "onnx export: an op threw inside the traced forward pass and the exception was caught there; the trace is incomplete");
        }
        finally
        {
            foreach (var (m, training) in modes) m.Train(training); // outer modules first, so each keeps its own mode
        }
    }

    private static string OutputValue(OnnxTracer tracer, Tensor output)
    {
        if (tracer.ValueOf(output) is { } value) return value.Name;
        if (tracer.UnrecordedOrigin(output) is { } origin)
            throw new OnnxExportException(origin.Op, origin.ModulePath,
                $"onnx export: {origin.Op} {OnnxExportException.Where(origin.ModulePath)} has no ONNX mapping (it computes an output); supported ops: {SupportedOps}");
        throw new OnnxExportException("output", "", "onnx export: an output of the forward pass does not depend on the inputs (a constant or a parameter); ONNX export traces only computations on the inputs");
    }

    /// <summary>
    /// Symbolic dims for an output that dynamic_axes does not list: each dim as large as a dynamic input axis was in the
    /// example may follow it, so it is left symbolic (named as PyTorch names them) rather than fixed to the example's size.
    /// </summary>
    private static Dictionary<int, string>? FollowingAxes(Dictionary<string, Dictionary<int, string>>? dynamicAxes, string[] inNames, Tensor[] inputs, string name, Tensor output)
    {
        if (dynamicAxes is null) return null;
        var dynamicSizes = new HashSet<int>();
        for (int i = 0; i < inNames.Length; i++)
            if (dynamicAxes.TryGetValue(inNames[i], out var axes))
                foreach (var axis in axes.Keys) dynamicSizes.Add(inputs[i].Size(axis));
        var result = new Dictionary<int, string>();
        for (int d = 0; d < output.NDim; d++)
            if (dynamicSizes.Contains(output.Size(d))) result[d] = $"{name}_dim_{d}";
        return result;
    }

    private static string[] Names(string[]? names, int count, string stem, string parameter)
    {
        if (names is null) return count == 1 ? [stem] : Enumerable.Range(0, count).Select(i => $"{stem}_{i}").ToArray();
        if (names.Length != count)
            throw new ArgumentException($"onnx export: {count} {stem}(s) but {names.Length} {stem} name(s) [{string.Join(", ", names)}]", parameter);
        if (names.Any(string.IsNullOrEmpty) || names.Distinct().Count() != names.Length)
            throw new ArgumentException($"onnx export: {stem} names must be non-empty and distinct, got [{string.Join(", ", names)}]", parameter);
        return names;
    }

    private static void CheckDynamicAxes(Dictionary<string, Dictionary<int, string>>? dynamicAxes, string[] inNames, Tensor[] inputs, string[] outNames, Tensor[] outputs)
    {
        if (inNames.Intersect(outNames).Any())
            throw new ArgumentException($"onnx export: input and output names overlap: {string.Join(", ", inNames.Intersect(outNames))}", "outputNames");
        if (dynamicAxes is null) return;
        foreach (var (name, axes) in dynamicAxes)
        {
            int i = Array.IndexOf(inNames, name), o = Array.IndexOf(outNames, name);
            if (i < 0 && o < 0)
                throw new ArgumentException($"onnx export: dynamic_axes names '{name}', which is neither an input ({string.Join(", ", inNames)}) nor an output ({string.Join(", ", outNames)})", nameof(dynamicAxes));
            int rank = i >= 0 ? inputs[i].NDim : outputs[o].NDim;
            foreach (var (axis, symbol) in axes)
                if (axis < 0 || axis >= rank || string.IsNullOrEmpty(symbol))
                    throw new ArgumentException($"onnx export: dynamic axis {axis} ('{symbol}') of '{name}' is not an axis of its {rank}-d tensor, or has no name", nameof(dynamicAxes));
        }
    }
}
