#!/usr/bin/env python3
"""Writes TorchReference.cs: inputs, parameters and outputs of PyTorch layers, in float64, for the layer tests.

Run with Debian's python3-torch 1.13 from this folder:

    /usr/bin/python3 make_torch_reference.py > TorchReference.cs

Every array is row-major; each case draws its inputs from torch.manual_seed(case seed).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
out = []


def emit(name, t):
    if isinstance(t, (list, tuple)):
        values = list(t)
        out.append("    public static readonly int[] %s = [%s];" % (name, ", ".join(str(int(v)) for v in values)))
        return
    t = t.detach().contiguous()
    if t.dtype == torch.int64:
        out.append("    public static readonly long[] %s = [%s];" % (name, ", ".join(str(v) for v in t.reshape(-1).tolist())))
    else:
        out.append("    public static readonly double[] %s = [%s];" % (name, ", ".join(repr(float(v)) for v in t.reshape(-1).tolist())))
    out.append("    public static readonly int[] %sShape = [%s];" % (name, ", ".join(str(s) for s in t.shape)))


def comment(text):
    out.append("")
    out.append("    // " + text)


def params(name, module):
    """Every parameter under its PyTorch name, in named_parameters() order: name -> (values, shape)."""
    out.append("    public static readonly (string Name, double[] Values, int[] Shape)[] %s =" % name)
    out.append("    [")
    for pname, p in module.named_parameters():
        values = ", ".join(repr(float(v)) for v in p.detach().reshape(-1).tolist())
        out.append('        ("%s", [%s], [%s]),' % (pname, values, ", ".join(str(s) for s in p.shape)))
    out.append("    ];")


# LayerNorm
torch.manual_seed(1)
comment("nn.LayerNorm((3, 4)) with random weight and bias on x [2, 3, 4]; and nn.LayerNorm(5, elementwise_affine=False) on [2, 5]")
x = torch.randn(2, 3, 4)
ln = nn.LayerNorm((3, 4))
with torch.no_grad():
    ln.weight.copy_(torch.randn(3, 4))
    ln.bias.copy_(torch.randn(3, 4))
emit("LayerNormX", x); emit("LayerNormWeight", ln.weight); emit("LayerNormBias", ln.bias); emit("LayerNormY", ln(x))
x2 = torch.randn(2, 5) * 3 + 1
emit("LayerNormPlainX", x2); emit("LayerNormPlainY", nn.LayerNorm(5, elementwise_affine=False)(x2))

# Embedding
torch.manual_seed(2)
comment("nn.Embedding(5, 3, padding_idx=2) on [[0, 2], [4, 2]]; weight gradient of (y * g).sum()")
emb = nn.Embedding(5, 3, padding_idx=2)
idx = torch.tensor([[0, 2], [4, 2]])
y = emb(idx)
g = torch.randn(2, 2, 3)
(y * g).sum().backward()
emit("EmbeddingWeight", emb.weight); emit("EmbeddingIndex", idx); emit("EmbeddingY", y); emit("EmbeddingG", g)
emit("EmbeddingWeightGrad", emb.weight.grad)

# AdaptiveAvgPool2d
torch.manual_seed(3)
comment("nn.AdaptiveAvgPool2d((3, 4)) on [1, 2, 5, 7] (windows overlap) and (2, 3) on [2, 1, 4, 6] (divisible)")
x = torch.randn(1, 2, 5, 7)
emit("AdaptivePoolX", x); emit("AdaptivePoolY", nn.AdaptiveAvgPool2d((3, 4))(x))
x = torch.randn(2, 1, 4, 6)
emit("AdaptivePoolEvenX", x); emit("AdaptivePoolEvenY", nn.AdaptiveAvgPool2d((2, 3))(x))

# LSTM
torch.manual_seed(4)
comment("nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True) on x [2, 5, 3] with h0, c0 [4, 2, 4]")
lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)
x = torch.randn(2, 5, 3); h0 = torch.randn(4, 2, 4); c0 = torch.randn(4, 2, 4)
o, (hn, cn) = lstm(x, (h0, c0))
params("LstmParameters", lstm)
emit("LstmX", x); emit("LstmH0", h0); emit("LstmC0", c0); emit("LstmOutput", o); emit("LstmHn", hn); emit("LstmCn", cn)
o0, (hn0, cn0) = lstm(x)
emit("LstmOutputNoState", o0); emit("LstmHnNoState", hn0)

# GRU
torch.manual_seed(5)
comment("nn.GRU(3, 4, bidirectional=True) on x [5, 2, 3] (sequence first) with h0 [2, 2, 4]")
gru = nn.GRU(3, 4, bidirectional=True)
x = torch.randn(5, 2, 3); h0 = torch.randn(2, 2, 4)
o, hn = gru(x, h0)
params("GruParameters", gru)
emit("GruX", x); emit("GruH0", h0); emit("GruOutput", o); emit("GruHn", hn)

# Conv1d
torch.manual_seed(6)
comment("nn.Conv1d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2) on x [2, 4, 9]")
conv = nn.Conv1d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2)
x = torch.randn(2, 4, 9)
emit("Conv1dX", x); emit("Conv1dWeight", conv.weight); emit("Conv1dBias", conv.bias); emit("Conv1dY", conv(x))

# F.pad
torch.manual_seed(7)
comment("F.pad on x [1, 2, 3, 4]: constant (1, 2, 2, 1) value 0.5, reflect (2, 1, 1, 2), replicate (3, 1, 0, 2), "
        "circular (1, 2, 2, 1), constant (-1, 2); reflect (2, 3) on [2, 3, 4]")
x = torch.randn(1, 2, 3, 4)
emit("PadX", x)
emit("PadConstant", F.pad(x, (1, 2, 2, 1), value=0.5))
emit("PadReflect", F.pad(x, (2, 1, 1, 2), mode="reflect"))
emit("PadReplicate", F.pad(x, (3, 1, 0, 2), mode="replicate"))
emit("PadCircular", F.pad(x, (1, 2, 2, 1), mode="circular"))
emit("PadNegative", F.pad(x, (-1, 2)))
x3 = torch.randn(2, 3, 4)
emit("Pad1dX", x3); emit("Pad1dReflect", F.pad(x3, (2, 3), mode="reflect"))

# GroupNorm
torch.manual_seed(8)
comment("nn.GroupNorm(3, 6) with random weight and bias on x [2, 6, 3, 2]")
gn = nn.GroupNorm(3, 6)
with torch.no_grad():
    gn.weight.copy_(torch.randn(6)); gn.bias.copy_(torch.randn(6))
x = torch.randn(2, 6, 3, 2) * 2 + 0.5
emit("GroupNormX", x); emit("GroupNormWeight", gn.weight); emit("GroupNormBias", gn.bias); emit("GroupNormY", gn(x))

# F.interpolate
torch.manual_seed(9)
comment("F.interpolate on x [1, 2, 3, 4]: nearest size (5, 7), nearest scale 1.5, nearest size (2, 3), bilinear size (5, 7), "
        "bilinear size (2, 3), bilinear align_corners size (5, 7), bilinear scale 2")
x = torch.randn(1, 2, 3, 4)
emit("InterpX", x)
emit("InterpNearestUp", F.interpolate(x, size=(5, 7), mode="nearest"))
emit("InterpNearestScale", F.interpolate(x, scale_factor=1.5, mode="nearest"))
emit("InterpNearestDown", F.interpolate(x, size=(2, 3), mode="nearest"))
emit("InterpBilinearUp", F.interpolate(x, size=(5, 7), mode="bilinear", align_corners=False))
emit("InterpBilinearDown", F.interpolate(x, size=(2, 3), mode="bilinear", align_corners=False))
emit("InterpBilinearCorners", F.interpolate(x, size=(5, 7), mode="bilinear", align_corners=True))
emit("InterpBilinearScale", F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False))

# ConvTranspose2d
torch.manual_seed(10)
comment("nn.ConvTranspose2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 0), output_padding=(1, 0), groups=2, dilation=(1, 2)) "
        "on x [2, 4, 3, 5]; nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1, bias=False) on [1, 3, 2, 2]")
ct = nn.ConvTranspose2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 0), output_padding=(1, 0), groups=2, dilation=(1, 2))
x = torch.randn(2, 4, 3, 5)
emit("ConvTX", x); emit("ConvTWeight", ct.weight); emit("ConvTBias", ct.bias); emit("ConvTY", ct(x))
ct2 = nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1, bias=False)
x = torch.randn(1, 3, 2, 2)
emit("ConvTSimpleX", x); emit("ConvTSimpleWeight", ct2.weight); emit("ConvTSimpleY", ct2(x))

# ConvTranspose1d
torch.manual_seed(12)
comment("nn.ConvTranspose1d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2, dilation=2) on x [2, 4, 5]")
ct1 = nn.ConvTranspose1d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2, dilation=2)
x = torch.randn(2, 4, 5)
emit("ConvT1dX", x); emit("ConvT1dWeight", ct1.weight); emit("ConvT1dBias", ct1.bias); emit("ConvT1dY", ct1(x))
print(ct1, file=__import__("sys").stderr)

# LSTMCell, GRUCell
torch.manual_seed(11)
comment("nn.LSTMCell(3, 4) and nn.GRUCell(3, 4) on x [2, 3] with states [2, 4]")
lc = nn.LSTMCell(3, 4)
gc = nn.GRUCell(3, 4)
x = torch.randn(2, 3); h = torch.randn(2, 4); c = torch.randn(2, 4)
hl, cl = lc(x, (h, c))
params("LstmCellParameters", lc); params("GruCellParameters", gc)
emit("CellX", x); emit("CellH", h); emit("CellC", c); emit("LstmCellH", hl); emit("LstmCellC", cl); emit("GruCellH", gc(x, h))

print("// <auto-generated>")
print("// Written by make_torch_reference.py in this folder with Debian's python3-torch " + torch.__version__ + ":")
print("//     /usr/bin/python3 make_torch_reference.py > TorchReference.cs")
print("// Do not edit by hand; rerun the script.")
print("// </auto-generated>")
print("namespace SharpGrad.Tests;")
print("")
print("/// <summary>PyTorch 1.13 reference values (float64) for the layer tests; see make_torch_reference.py.</summary>")
print("internal static partial class TorchReference")
print("{")
print("\n".join(out[1:]))
print("}")
