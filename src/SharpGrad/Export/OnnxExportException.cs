namespace SharpGrad.Export;

/// <summary>
/// Thrown by <see cref="Onnx.Export(NN.Module, Tensor, string, string[], string[], Dictionary{string, Dictionary{int, string}}, int)"/>
/// when the traced forward pass uses something ONNX export cannot reproduce: an op without an ONNX mapping, an
/// in-place write into a traced tensor, or an output that does not come from the inputs (PyTorch raises
/// <c>torch.onnx.errors.UnsupportedOperatorError</c> for the first).
/// </summary>
public sealed class OnnxExportException : Exception
{
    /// <summary>Creates the exception for <paramref name="op"/> at <paramref name="modulePath"/>.</summary>
    public OnnxExportException(string op, string modulePath, string message) : base(message)
    {
        Op = op;
        ModulePath = modulePath;
    }

    /// <summary>The op that cannot be exported, e.g. <c>Tensor.Cumsum</c> or <c>log2</c>.</summary>
    public string Op { get; }

    /// <summary>The dotted path of the module whose Forward ran the op (as in <c>NamedModules()</c>; "" for the exported module itself).</summary>
    public string ModulePath { get; }

    internal static string Where(string modulePath) => modulePath.Length == 0 ? "in the exported module's Forward" : $"in module '{modulePath}'";
}
