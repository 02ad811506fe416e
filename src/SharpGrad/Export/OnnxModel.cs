using System.Runtime.InteropServices;

namespace SharpGrad.Export;

/// <summary>One ONNX node: <c>outputs = opType(inputs; attributes)</c> ("" stands for an omitted optional input).</summary>
internal sealed record OnnxNode(string OpType, string Name, string[] Inputs, string[] Outputs, (string Name, object Value)[] Attributes);

/// <summary>A graph input or output: name, element type and dims (a fixed size, or a symbolic name for a dynamic axis).</summary>
internal sealed record OnnxValueInfo(string Name, DType DType, int[] Sizes, Dictionary<int, string>? DynamicAxes);

/// <summary>
/// The ONNX graph an export produces and its serialisation as a ModelProto (onnx.proto: field numbers and enums
/// as the ONNX IR specification defines them).
/// </summary>
internal sealed class OnnxModel
{
    /// <summary>Nodes in execution order.</summary>
    public List<OnnxNode> Nodes { get; } = [];

    /// <summary>Weights and constants, by name.</summary>
    public List<(string Name, Tensor Value)> Initializers { get; } = [];

    /// <summary>Graph inputs.</summary>
    public List<OnnxValueInfo> Inputs { get; } = [];

    /// <summary>Graph outputs.</summary>
    public List<OnnxValueInfo> Outputs { get; } = [];

    /// <summary>The default-domain opset the nodes follow.</summary>
    public int Opset { get; init; } = 17;

    /// <summary>The graph's name.</summary>
    public string GraphName { get; init; } = "main_graph";

    /// <summary>The IR version that goes with <see cref="Opset"/> (ONNX's release table: opset 13 came with IR 7, 14-18 with IR 8, ...).</summary>
    public static long IrVersionFor(int opset) => opset switch
    {
        <= 13 => 7,
        <= 18 => 8,
        <= 20 => 9,
        _ => 10,
    };

    /// <summary>The ONNX TensorProto.DataType of a dtype.</summary>
    public static int DataType(DType dtype) => dtype switch
    {
        DType.Float32 => 1,
        DType.Int64 => 7,
        DType.Bool => 9,
        DType.Float64 => 11,
        _ => throw new ArgumentException($"onnx export: dtype {dtype.TorchName()} has no ONNX element type"),
    };

    /// <summary>The serialised ModelProto.</summary>
    public byte[] ToBytes()
    {
        var model = new ProtoWriter();
        model.Int64(1, IrVersionFor(Opset));                                   // ir_version
        model.String(2, "SharpGrad");                                          // producer_name
        model.String(3, typeof(OnnxModel).Assembly.GetName().Version?.ToString() ?? "0"); // producer_version
        model.Message(7, WriteGraph);                                          // graph
        model.Message(8, opset => { opset.String(1, ""); opset.Int64(2, Opset); }); // opset_import
        return model.Written.ToArray();
    }

    private void WriteGraph(ProtoWriter g)
    {
        foreach (var node in Nodes) g.Message(1, w => WriteNode(w, node));     // node
        g.String(2, GraphName);                                                // name
        foreach (var (name, value) in Initializers) g.Message(5, w => WriteTensor(w, name, value)); // initializer
        foreach (var input in Inputs) g.Message(11, w => WriteValueInfo(w, input));  // input
        foreach (var output in Outputs) g.Message(12, w => WriteValueInfo(w, output)); // output
    }

    private static void WriteNode(ProtoWriter w, OnnxNode node)
    {
        foreach (var input in node.Inputs) w.String(1, input);
        foreach (var output in node.Outputs) w.String(2, output);
        w.String(3, node.Name);
        w.String(4, node.OpType);
        foreach (var (name, value) in node.Attributes) w.Message(5, a => WriteAttribute(a, name, value));
    }

    private static void WriteAttribute(ProtoWriter a, string name, object value)
    {
        const int Float = 1, Int = 2, String = 3, Ints = 7;
        a.String(1, name);
        switch (value)
        {
            case float f: a.Float(2, f); a.Int64(20, Float); break;
            case double d: a.Float(2, (float)d); a.Int64(20, Float); break;
            case int i: a.Int64(3, i); a.Int64(20, Int); break;
            case long l: a.Int64(3, l); a.Int64(20, Int); break;
            case bool b: a.Int64(3, b ? 1 : 0); a.Int64(20, Int); break;
            case string s: a.String(4, s); a.Int64(20, String); break;
            case int[] ints:
                foreach (var i in ints) a.Int64(8, i);
                a.Int64(20, Ints);
                break;
            case long[] longs:
                foreach (var l in longs) a.Int64(8, l);
                a.Int64(20, Ints);
                break;
            default: throw new ArgumentException($"onnx export: attribute '{name}' has an unsupported value type {value.GetType().Name}");
        }
    }

    private static void WriteTensor(ProtoWriter w, string name, Tensor value)
    {
        foreach (var size in value.Shape) w.Int64(1, size);                     // dims
        w.Int64(2, DataType(value.DType));                                     // data_type
        w.String(8, name);                                                     // name
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("onnx export: raw tensor data is little-endian; this machine is big-endian");
        var contiguous = value.Detach().Contiguous();
        byte[] raw = value.DType switch
        {
            DType.Float32 => MemoryMarshal.AsBytes<float>(contiguous.ToArray<float>()).ToArray(),
            DType.Float64 => MemoryMarshal.AsBytes<double>(contiguous.ToArray<double>()).ToArray(),
            DType.Int64 => MemoryMarshal.AsBytes<long>(contiguous.ToArray<long>()).ToArray(),
            DType.Bool => contiguous.ToArray<bool>().Select(b => b ? (byte)1 : (byte)0).ToArray(),
            _ => throw new ArgumentException($"onnx export: initializer '{name}' has dtype {value.DType.TorchName()}, which ONNX export does not write"),
        };
        w.Bytes(9, raw);                                                       // raw_data
    }

    private static void WriteValueInfo(ProtoWriter w, OnnxValueInfo info)
    {
        w.String(1, info.Name);                                                // name
        w.Message(2, type => type.Message(1, tensor =>                        // type.tensor_type
        {
            tensor.Int64(1, DataType(info.DType));                             // elem_type
            tensor.Message(2, shape =>                                         // shape
            {
                for (int d = 0; d < info.Sizes.Length; d++)
                {
                    int axis = d;
                    shape.Message(1, dim =>                                    // dim
                    {
                        if (info.DynamicAxes is not null && info.DynamicAxes.TryGetValue(axis, out var symbol)) dim.String(2, symbol); // dim_param
                        else dim.Int64(1, info.Sizes[axis]);                   // dim_value
                    });
                }
            });
        }));
    }
}
