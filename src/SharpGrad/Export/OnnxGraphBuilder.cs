namespace SharpGrad.Export;

/// <summary>
/// Turns the traced ops into ONNX nodes (one mapping per op, opset 13 or later semantics), names nodes and values
/// after their modules as PyTorch's exporter does (<c>/fc1/Gemm</c>, <c>/fc1/Gemm_output_0</c>), and keeps only the
/// nodes, weights and constants that the graph outputs depend on.
/// </summary>
internal sealed class OnnxGraphBuilder(OnnxModel model)
{
    private readonly Dictionary<string, string> _names = []; // traced value name -> ONNX value name
    private readonly HashSet<string> _usedNodeNames = [];
    private readonly HashSet<string> _initializerNames = [];
    private TracedOp _op = null!;

    /// <summary>The ONNX ops each traced op can become.</summary>
    public static readonly string[] Supported =
    [
        "linear", "conv2d", "max_pool2d", "avg_pool2d", "batch_norm", "relu", "leaky_relu", "sigmoid", "tanh", "softmax",
        "log_softmax", "add", "sub", "mul", "div", "pow", "matmul", "maximum", "minimum", "neg", "abs", "exp", "log", "sqrt",
        "sin", "cos", "sign", "reshape", "flatten", "unsqueeze", "squeeze", "permute", "clone", "detach",
    ];

    /// <summary>Declares a graph input: its traced value keeps the user's name.</summary>
    public void NameInput(string tracedName, string name) => _names[tracedName] = name;

    /// <summary>Adds the nodes of <paramref name="ops"/> that <paramref name="outputs"/> depend on.</summary>
    public void Build(IReadOnlyList<TracedOp> ops, IEnumerable<string> outputs)
    {
        var needed = new HashSet<string>(outputs);
        var keep = new bool[ops.Count];
        for (int i = ops.Count - 1; i >= 0; i--)
        {
            if (!needed.Contains(ops[i].Output)) continue;
            keep[i] = true;
            foreach (var input in ops[i].Inputs) if (input is not null) needed.Add(input.Name);
        }
        for (int i = 0; i < ops.Count; i++)
            if (keep[i]) Map(ops[i]);
    }

    /// <summary>The ONNX name of a traced value.</summary>
    public string NameOf(string tracedName) => _names.GetValueOrDefault(tracedName, tracedName);

    /// <summary>Adds <c>Identity</c> from a value to a graph output name.</summary>
    public void Identity(string from, string to)
        => model.Nodes.Add(new OnnxNode("Identity", UniqueNodeName($"/{to}/Identity"), [from], [to], []));

    /// <summary>Renames the ONNX value <paramref name="from"/> (a node output) to <paramref name="to"/> everywhere.</summary>
    public void Rename(string from, string to)
    {
        for (int i = 0; i < model.Nodes.Count; i++)
        {
            var n = model.Nodes[i];
            if (n.Outputs.Contains(from) || n.Inputs.Contains(from))
                model.Nodes[i] = n with { Inputs = n.Inputs.Select(s => s == from ? to : s).ToArray(), Outputs = n.Outputs.Select(s => s == from ? to : s).ToArray() };
        }
        foreach (var key in _names.Where(kv => kv.Value == from).Select(kv => kv.Key).ToList()) _names[key] = to;
    }

    private void Map(TracedOp op)
    {
        _op = op;
        var x = op.Inputs;
        switch (op.Op)
        {
            case "linear": Linear(x[0]!, x[1]!, x[2]); break;
            case "conv2d":
                Batched(x[0]!, input => Node("Conv", [input, Input(x[1]!), .. x[2] is null ? Array.Empty<string>() : [Input(x[2]!)]],
                    ("kernel_shape", x[1]!.Sizes[2..]), ("strides", Attr<int[]>("stride")), ("pads", Pads()), ("dilations", Attr<int[]>("dilation")),
                    ("group", Attr<int>("groups"))));
                break;
            case "max_pool2d":
                Batched(x[0]!, input => Node("MaxPool", [input], ("kernel_shape", Attr<int[]>("kernel")), ("strides", Attr<int[]>("stride")),
                    ("pads", PoolPads(x[0]!, Attr<int[]>("dilation"))), ("dilations", Attr<int[]>("dilation"))));
                break;
            case "avg_pool2d":
            {
                // Padding counted in the divisor stops at the padded input in PyTorch, so ceil mode cannot become extra
                // end padding there: ONNX's own ceil mode is used, where its output size agrees with PyTorch's.
                bool includePad = Attr<bool>("count_include_pad"), ceil = Attr<bool>("ceil_mode") && includePad;
                if (ceil && !OnnxCeilSizesMatch(x[0]!))
                    throw new OnnxExportException(op.Op, op.ModulePath,
                        $"onnx export: avg_pool2d {OnnxExportException.Where(op.ModulePath)} with ceil_mode and count_include_pad on input " +
                        $"{Core.Shape.Format(x[0]!.Sizes)} drops a last window that ONNX's AveragePool keeps; use count_include_pad: false or ceil_mode: false");
                Batched(x[0]!, input => Node("AveragePool", [input], ("kernel_shape", Attr<int[]>("kernel")), ("strides", Attr<int[]>("stride")),
                    ("pads", ceil ? Pads() : PoolPads(x[0]!, [1, 1])), ("ceil_mode", ceil ? 1 : 0), ("count_include_pad", includePad ? 1 : 0)));
                break;
            }
            case "batch_norm":
            {
                int channels = x[0]!.Sizes[1];
                string scale = x[3] is null ? Constant(Tensor.Ones([channels], x[0]!.DType)) : Input(x[3]!);
                string bias = x[4] is null ? Constant(Tensor.Zeros([channels], x[0]!.DType)) : Input(x[4]!);
                Output(Node("BatchNormalization", [Input(x[0]!), scale, bias, Input(x[1]!), Input(x[2]!)], ("epsilon", (float)Attr<double>("eps"))));
                break;
            }
            case "leaky_relu": Output(Node("LeakyRelu", [Input(x[0]!)], ("alpha", (float)Attr<double>("negative_slope")))); break;
            case "softmax": Output(Node("Softmax", [Input(x[0]!)], ("axis", Attr<int>("dim")))); break;
            case "log_softmax": Output(Node("LogSoftmax", [Input(x[0]!)], ("axis", Attr<int>("dim")))); break;
            case "add" or "sub" or "mul" or "div" or "pow" or "maximum" or "minimum":
            {
                string type = op.Op switch { "maximum" => "Max", "minimum" => "Min", var o => char.ToUpperInvariant(o[0]) + o[1..] };
                Output(Node(type, [SameType(x[0]!), SameType(x[1]!)]));
                break;
            }
            case "matmul": Output(Node("MatMul", [SameType(x[0]!), SameType(x[1]!)])); break;
            case "relu" or "sigmoid" or "tanh" or "neg" or "abs" or "exp" or "log" or "sqrt" or "sin" or "cos" or "sign":
                Output(Node(char.ToUpperInvariant(op.Op[0]) + op.Op[1..], [SameType(x[0]!)]));
                break;
            case "reshape":
            {
                var shape = Attr<int[]>("shape");
                bool zero = shape.Contains(0);
                Output(zero
                    ? Node("Reshape", [Input(x[0]!), Ints(shape)], ("allowzero", 1))
                    : Node("Reshape", [Input(x[0]!), Ints(shape)]));
                break;
            }
            case "flatten":
            {
                int start = Attr<int>("start"), end = Attr<int>("end");
                var sizes = x[0]!.Sizes;
                var shape = Enumerable.Repeat(0, start).Append(-1).Concat(sizes[(end + 1)..]).ToArray();
                Output(Node("Reshape", [Input(x[0]!), Ints(shape)]));
                break;
            }
            case "unsqueeze": Output(Node("Unsqueeze", [Input(x[0]!), Ints(Attr<int[]>("dims"))])); break;
            case "squeeze": Output(Node("Squeeze", [Input(x[0]!), Ints(Attr<int[]>("dims"))])); break;
            case "clone" or "detach": Output(Node("Identity", [Input(x[0]!)])); break;
            case "permute": Output(Node("Transpose", [Input(x[0]!)], ("perm", Attr<int[]>("order")))); break;
            default:
                throw new OnnxExportException(op.Op, op.ModulePath,
                    $"onnx export: {op.Op} {OnnxExportException.Where(op.ModulePath)} has no ONNX mapping; supported ops: {Onnx.SupportedOps}");
        }
    }

    private void Linear(TracedInput x, TracedInput w, TracedInput? b)
    {
        if (x.Sizes.Length == 2)
        {
            Output(Node("Gemm", [Input(x), Input(w), .. b is null ? Array.Empty<string>() : [Input(b)]], ("transB", 1)));
            return;
        }
        string product = Node("MatMul", [Input(x), Node("Transpose", [Input(w)], ("perm", new[] { 1, 0 }))]);
        Output(b is null ? product : Node("Add", [product, Input(b)]));
    }

    /// <summary>Runs a 4-D op on a [C, H, W] input by adding and removing the batch dim.</summary>
    private void Batched(TracedInput x, Func<string, string> op)
    {
        if (x.Sizes.Length == 4) { Output(op(Input(x))); return; }
        var batched = Node("Unsqueeze", [Input(x), Ints([0])]);
        Output(Node("Squeeze", [op(batched), Ints([0])]));
    }

    /// <summary>
    /// Pads that give PyTorch's pooled sizes with ONNX's floor rounding: ceil mode's extra window becomes extra end padding
    /// (max pooling pads with -inf, and average pooling without count_include_pad does not count it), and a last window
    /// that PyTorch drops because it would start in the right padding is not produced.
    /// </summary>
    private int[] PoolPads(TracedInput x, int[] dilation)
    {
        var (k, s, p) = (Attr<int[]>("kernel"), Attr<int[]>("stride"), Attr<int[]>("padding"));
        var end = new int[2];
        for (int a = 0; a < 2; a++)
        {
            int length = x.Sizes[^(2 - a)], outSize = _op.OutputSizes[^(2 - a)];
            end[a] = Math.Max(p[a], (outSize - 1) * s[a] + dilation[a] * (k[a] - 1) + 1 - length - p[a]);
        }
        return [p[0], p[1], end[0], end[1]];
    }

    private bool OnnxCeilSizesMatch(TracedInput x)
    {
        var (k, s, p) = (Attr<int[]>("kernel"), Attr<int[]>("stride"), Attr<int[]>("padding"));
        for (int a = 0; a < 2; a++)
        {
            int span = x.Sizes[^(2 - a)] + 2 * p[a] - k[a];
            if ((span + s[a] - 1) / s[a] + 1 != _op.OutputSizes[^(2 - a)]) return false;
        }
        return true;
    }

    private int[] Pads()
    {
        var p = Attr<int[]>("padding");
        return [p[0], p[1], p[0], p[1]];
    }

    private T Attr<T>(string name) => (T)_op.Attributes.First(a => a.Name == name).Value;

    /// <summary>The name of an input, converted to the op's dtype first when a mixed-dtype op promoted it (ONNX ops take one type).</summary>
    private string SameType(TracedInput input)
    {
        if (input.DType == _op.OutputDType) return Input(input);
        if (input.IsConstant) return Constant(input.Weight!.To(_op.OutputDType));
        return Node("Cast", [Input(input)], ("to", OnnxModel.DataType(_op.OutputDType)));
    }

    private string Input(TracedInput input)
    {
        if (input.Weight is null) return NameOf(input.Name);
        if (_initializerNames.Add(input.Name)) model.Initializers.Add((input.Name, input.Weight));
        return input.Name;
    }

    private string Constant(Tensor value)
    {
        string name = UniqueNodeName(Scope() + "Constant") + "_output_0";
        _initializerNames.Add(name);
        model.Initializers.Add((name, value));
        return name;
    }

    private string Ints(int[] values) => Constant(Tensor.From(values.Select(v => (long)v).ToArray()));

    /// <summary>Adds a node with one output and returns that output's name.</summary>
    private string Node(string opType, string[] inputs, params (string Name, object Value)[] attributes)
    {
        string name = UniqueNodeName(Scope() + opType);
        string output = name + "_output_0";
        model.Nodes.Add(new OnnxNode(opType, name, inputs, [output], attributes));
        return output;
    }

    /// <summary>Binds the traced op's output to the ONNX value <paramref name="name"/>.</summary>
    private void Output(string name) => _names[_op.Output] = name;

    /// <summary>PyTorch's scope prefix: <c>/fc1/</c>, <c>/model/model.0/</c>.</summary>
    private string Scope()
    {
        if (_op.ModulePath.Length == 0) return "/";
        var parts = _op.ModulePath.Split('.');
        return "/" + string.Join("/", Enumerable.Range(1, parts.Length).Select(n => string.Join(".", parts[..n]))) + "/";
    }

    private string UniqueNodeName(string name)
    {
        if (_usedNodeNames.Add(name)) return name;
        for (int i = 1; ; i++)
            if (_usedNodeNames.Add($"{name}_{i}")) return $"{name}_{i}";
    }
}
