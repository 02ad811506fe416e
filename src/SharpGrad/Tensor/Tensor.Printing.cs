using System.Globalization;
using System.Text;

namespace SharpGrad;

public partial class Tensor
{
    private static volatile PrintOptions s_printOptions = PrintOptions.Default;
    private static readonly object s_printOptionsLock = new();

    /// <summary>
    /// Sets how tensors print (<c>torch.set_printoptions</c>). A <paramref name="profile"/> ("default", "short" or
    /// "full") first resets precision, threshold, edge items and line width; the other arguments then override it.
    /// As in PyTorch, <paramref name="sciMode"/> is always assigned: leaving it null returns to the automatic choice.
    /// The options are global; the whole set is replaced at once, so concurrent prints see a consistent set.
    /// </summary>
    /// <param name="precision">Digits after the decimal point of floats (default 4).</param>
    /// <param name="threshold">Element count above which a tensor is summarised with <c>...</c> (default 1000).</param>
    /// <param name="edgeItems">Items shown at the start and end of each summarised dimension (default 3).</param>
    /// <param name="lineWidth">Characters per line before a row wraps (default 80).</param>
    /// <param name="profile">"default", "short" (precision 2, edge items 2) or "full" (never summarise), or null.</param>
    /// <param name="sciMode">True forces scientific notation, false forbids it, null chooses from the values.</param>
    public static void SetPrintOptions(int? precision = null, int? threshold = null, int? edgeItems = null,
        int? lineWidth = null, string? profile = null, bool? sciMode = null)
    {
        if (precision < 0)
            throw new ArgumentOutOfRangeException(nameof(precision), precision, $"set_printoptions: precision must be >= 0, got {precision}");
        if (edgeItems < 1)
            throw new ArgumentOutOfRangeException(nameof(edgeItems), edgeItems, $"set_printoptions: edgeitems must be >= 1, got {edgeItems}");
        PrintOptions? fromProfile = profile switch
        {
            null => null,
            "default" => PrintOptions.Default,
            "short" => PrintOptions.Default with { Precision = 2, EdgeItems = 2 },
            "full" => PrintOptions.Default with { Threshold = int.MaxValue },
            _ => throw new ArgumentException($"set_printoptions: unknown profile '{profile}'; expected 'default', 'short' or 'full'", nameof(profile)),
        };
        lock (s_printOptionsLock)
        {
            var o = fromProfile ?? s_printOptions;
            s_printOptions = new PrintOptions(
                precision ?? o.Precision, threshold ?? o.Threshold, edgeItems ?? o.EdgeItems, lineWidth ?? o.LineWidth, sciMode);
        }
    }

    /// <summary>
    /// The tensor as PyTorch prints it (<c>repr(tensor)</c>), e.g. <c>tensor([[1., 2.],\n        [3., 4.]])</c> or
    /// <c>tensor(38.6425, grad_fn=&lt;MseLossBackward0&gt;)</c>, following <see cref="SetPrintOptions"/>.
    /// </summary>
    public override string ToString()
    {
        var options = s_printOptions;
        const string prefix = "tensor(";
        int indent = prefix.Length;
        var suffixes = new List<string>();
        string body;
        if (Numel() == 0)
        {
            if (NDim != 1) suffixes.Add("size=" + PythonTuple(Layout.Sizes));
            if (!Device.IsCpu) suffixes.Add($"device='{Device}'");
            // An empty tensor has no values to show what kind it is, so every non-default dtype is named.
            if (DType != DType.Float32) suffixes.Add("dtype=" + DType.TorchName());
            body = "[]";
        }
        else
        {
            if (!Device.IsCpu) suffixes.Add($"device='{Device}'");
            if (DType == DType.Float64) suffixes.Add("dtype=" + DType.TorchName());
            // Device values are copied to the host for printing, as PyTorch's repr does.
            body = (Device.IsCpu ? this : Detach().Cpu()).FormatValues(options, indent);
        }
        if (GradFn is not null) suffixes.Add($"grad_fn=<{GradFn.Name}>");
        else if (RequiresGrad) suffixes.Add("requires_grad=True");
        return AddSuffixes(prefix + body, suffixes, indent, options.LineWidth);
    }

    /// <summary>The bracketed values (PyTorch <c>_tensor_str</c>) of a non-empty tensor.</summary>
    private string FormatValues(PrintOptions options, int indent)
    {
        int rank = NDim, edge = options.EdgeItems;
        bool summarize = Numel() > options.Threshold;
        var sizes = Layout.Sizes;

        // Which indices of each dimension are shown: all of them, or the first and last edge items
        // when summarising (PyTorch get_summarized_data); the formatter sees only the shown values.
        var cut = new bool[rank];
        var shownSizes = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            cut[d] = summarize && sizes[d] > 2L * edge;
            shownSizes[d] = cut[d] ? 2 * edge : sizes[d];
        }
        int count = Core.Shape.Numel(shownSizes);
        var storageIndex = new int[count];
        var pos = new int[rank];
        for (int k = 0; k < count; k++)
        {
            int s = Layout.Offset;
            for (int d = 0; d < rank; d++)
            {
                int i = cut[d] && pos[d] >= edge ? sizes[d] - 2 * edge + pos[d] : pos[d];
                s += i * Layout.Strides[d];
            }
            storageIndex[k] = s;
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++pos[d] < shownSizes[d]) break;
                pos[d] = 0;
            }
        }

        TensorFormatter formatter;
        Func<int, string> element;
        switch (Storage)
        {
            case Core.Storage<float> f:
            {
                var values = new double[count];
                for (int k = 0; k < count; k++) values[k] = f.Data[storageIndex[k]];
                formatter = new TensorFormatter(options, values, null, null);
                element = k => formatter.Format(values[k]);
                break;
            }
            case Core.Storage<double> f:
            {
                var values = new double[count];
                for (int k = 0; k < count; k++) values[k] = f.Data[storageIndex[k]];
                formatter = new TensorFormatter(options, values, null, null);
                element = k => formatter.Format(values[k]);
                break;
            }
            case Core.Storage<long> l:
            {
                var values = new long[count];
                for (int k = 0; k < count; k++) values[k] = l.Data[storageIndex[k]];
                formatter = new TensorFormatter(options, null, values, null);
                element = k => formatter.Format(values[k]);
                break;
            }
            default:
            {
                var data = ((Core.Storage<bool>)Storage).Data;
                var values = new bool[count];
                for (int k = 0; k < count; k++) values[k] = data[storageIndex[k]];
                formatter = new TensorFormatter(options, null, null, values);
                element = k => formatter.Format(values[k]);
                break;
            }
        }

        if (rank == 0) return element(0);
        var shownStrides = Core.Shape.ContiguousStrides(shownSizes);
        var sb = new StringBuilder();
        AppendBlock(sb, 0, 0, indent);
        return sb.ToString();

        // One sub-tensor starting at shown element `first`, its rows indented by indent + 1 (PyTorch _tensor_str_with_formatter).
        void AppendBlock(StringBuilder sb, int d, int first, int indent)
        {
            if (d == rank - 1)
            {
                AppendVector(sb, d, first, indent);
                return;
            }
            string separator = "," + new string('\n', rank - d - 1) + new string(' ', indent + 1);
            sb.Append('[');
            for (int i = 0; i < shownSizes[d]; i++)
            {
                if (i > 0) sb.Append(separator);
                if (cut[d] && i == edge) sb.Append("...").Append(separator);
                AppendBlock(sb, d + 1, first + i * shownStrides[d], indent + 1);
            }
            sb.Append(']');
        }

        // The last dimension, wrapped after as many elements as fit in the line width (PyTorch _vector_str).
        void AppendVector(StringBuilder sb, int d, int first, int indent)
        {
            int elementLength = formatter.Width + 2;
            int perLine = Math.Max(1, (int)Math.Floor((double)(options.LineWidth - indent) / elementLength));
            var items = new List<string>(shownSizes[d] + 1);
            for (int i = 0; i < shownSizes[d]; i++)
            {
                if (cut[d] && i == edge) items.Add(" ...");
                items.Add(element(first + i));
            }
            sb.Append('[');
            for (int i = 0; i < items.Count; i++)
            {
                if (i > 0) sb.Append(i % perLine == 0 ? ",\n" + new string(' ', indent + 1) : ", ");
                sb.Append(items[i]);
            }
            sb.Append(']');
        }
    }

    /// <summary>
    /// Appends ", suffix" for each suffix, starting a new line indented by <paramref name="indent"/> when the current
    /// line would pass the line width (PyTorch <c>_add_suffixes</c>, including its count of the last line's length).
    /// </summary>
    private static string AddSuffixes(string text, List<string> suffixes, int indent, int lineWidth)
    {
        var sb = new StringBuilder(text);
        int lastLineLength = text.Length - text.LastIndexOf('\n') + 1;
        foreach (var suffix in suffixes)
        {
            if (lastLineLength + suffix.Length + 2 > lineWidth)
            {
                sb.Append(",\n").Append(' ', indent).Append(suffix);
                lastLineLength = indent + suffix.Length;
            }
            else
            {
                sb.Append(", ").Append(suffix);
                lastLineLength += suffix.Length + 2;
            }
        }
        return sb.Append(')').ToString();
    }

    /// <summary>Python's <c>str(tuple(sizes))</c>: <c>(0, 3)</c>, <c>(0,)</c>.</summary>
    private static string PythonTuple(int[] sizes)
        => "(" + string.Join(", ", sizes.Select(s => s.ToString(CultureInfo.InvariantCulture))) + (sizes.Length == 1 ? ",)" : ")");
}
