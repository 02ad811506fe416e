using SharpGrad.Export;
using SharpGrad.NN;

namespace SharpGrad.Tests.Export;

/// <summary>The protobuf wire format, against the encodings the protobuf documentation works out by hand.</summary>
public class ProtoWriterTests
{
    private static string Hex(ProtoWriter w) => Convert.ToHexString(w.Written).ToLowerInvariant();

    [Fact]
    public void Varint_150_InField1_Is_08_96_01()
    {
        var w = new ProtoWriter();
        w.Int64(1, 150);
        Assert.Equal("089601", Hex(w));
    }

    [Fact]
    public void String_Testing_InField2()
    {
        var w = new ProtoWriter();
        w.String(2, "testing");
        Assert.Equal("120774657374696e67", Hex(w));
    }

    [Fact]
    public void EmbeddedMessage_InField3()
    {
        var w = new ProtoWriter();
        w.Message(3, m => m.Int64(1, 150));
        Assert.Equal("1a03089601", Hex(w));
    }

    [Fact]
    public void NegativeInt64_TakesTenBytes_AndFloatIsLittleEndianFixed32()
    {
        var w = new ProtoWriter();
        w.Int64(1, -1);
        w.Float(2, 1.0f);
        Assert.Equal("08ffffffffffffffffff01" + "150000803f", Hex(w));
    }

    [Fact]
    public void LargeFieldNumbers_AndLongPayloads_GrowTheBuffer()
    {
        var w = new ProtoWriter();
        w.Int64(20, 3);
        w.Bytes(9, new byte[300]);
        var bytes = w.Written.ToArray();
        Assert.Equal([0xa0, 0x01, 0x03, 0x4a, 0xac, 0x02], bytes[..6]);
        Assert.Equal(6 + 300, bytes.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => w.Int64(0, 1));
    }

    /// <summary>Reads (field, wire type, payload) triples of one message; enough to look inside an exported model.</summary>
    private static IEnumerable<(int Field, byte[] Payload, ulong Value)> Fields(byte[] message)
    {
        int i = 0;
        ulong Varint()
        {
            ulong v = 0;
            for (int shift = 0; ; shift += 7)
            {
                byte b = message[i++];
                v |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80) return v;
            }
        }
        while (i < message.Length)
        {
            ulong tag = Varint();
            int field = (int)(tag >> 3), wire = (int)(tag & 7);
            switch (wire)
            {
                case 0: yield return (field, [], Varint()); break;
                case 5: i += 4; yield return (field, message[(i - 4)..i], 0); break;
                case 2:
                    int length = (int)Varint();
                    i += length;
                    yield return (field, message[(i - length)..i], 0);
                    break;
                default: throw new InvalidDataException($"wire type {wire}");
            }
        }
    }

    [Fact]
    public void ExportedModel_HasIrVersionOpsetAndInitializersNamedAsNamedParameters()
    {
        var net = new Sequential(new Linear(3, 4), new ReLU(), new BatchNorm1d(4), new Linear(4, 2));
        var bytes = Onnx.ExportToBytes(net, [Tensor.Randn(2, 3)], x => [net.Forward(x[0])], opsetVersion: 17);
        var model = Fields(bytes).ToList();
        Assert.Equal(8UL, model.Single(f => f.Field == 1).Value);                    // ir_version 8 goes with opset 17
        var opset = Fields(model.Single(f => f.Field == 8).Payload).ToList();
        Assert.Equal(17UL, opset.Single(f => f.Field == 2).Value);
        var graph = Fields(model.Single(f => f.Field == 7).Payload).ToList();
        var initializerNames = graph.Where(f => f.Field == 5)
            .Select(t => System.Text.Encoding.UTF8.GetString(Fields(t.Payload).Single(f => f.Field == 8).Payload)).ToList();
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "2.running_mean", "2.running_var", "3.weight", "3.bias"], initializerNames);
        var nodeTypes = graph.Where(f => f.Field == 1)
            .Select(n => System.Text.Encoding.UTF8.GetString(Fields(n.Payload).Single(f => f.Field == 4).Payload)).ToList();
        Assert.Equal(["Gemm", "Relu", "BatchNormalization", "Gemm"], nodeTypes);
        var nodeNames = graph.Where(f => f.Field == 1)
            .Select(n => System.Text.Encoding.UTF8.GetString(Fields(n.Payload).Single(f => f.Field == 3).Payload)).ToList();
        Assert.Equal(["/0/Gemm", "/1/Relu", "/2/BatchNormalization", "/3/Gemm"], nodeNames);
    }
}
