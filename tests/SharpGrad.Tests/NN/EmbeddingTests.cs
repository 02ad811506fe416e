using SharpGrad.NN;
using F = SharpGrad.NN.Functional;
using R = SharpGrad.Tests.TorchReference;

namespace SharpGrad.Tests;

public class EmbeddingTests
{
    [Fact]
    public void Embedding_MatchesPyTorch_AndPaddingRowGetsNoGradient()
    {
        var emb = new Embedding(5, 3, paddingIdx: 2, dtype: DType.Float64);
        emb.Weight.Data = R.T(R.EmbeddingWeight, R.EmbeddingWeightShape);
        var y = emb.Forward(R.T(R.EmbeddingIndex, R.EmbeddingIndexShape));
        Check.Close(y, R.EmbeddingYShape, R.EmbeddingY, 1e-15);
        Assert.Equal("EmbeddingBackward0", y.GradFn!.Name);
        (y * R.T(R.EmbeddingG, R.EmbeddingGShape)).Sum().Backward();
        Check.Close(emb.Weight.Grad!, R.EmbeddingWeightGradShape, R.EmbeddingWeightGrad, 1e-15);
    }

    [Fact]
    public void Embedding_PaddingRowStartsAtZero_AndNegativePaddingIdxCountsFromTheEnd()
    {
        var emb = new Embedding(4, 3, paddingIdx: -1, generator: new Generator(3));
        Assert.Equal(3, emb.PaddingIdx);
        Check.Close(emb.Weight[3], [0, 0, 0]);
        Assert.True(emb.Weight[0].Abs().Sum().Item() > 0);
        Assert.Equal("Embedding(4, 3, padding_idx=3)", emb.ToString());
        Assert.Equal("Embedding(10, 3, max_norm=1.0, norm_type=1.0)", new Embedding(10, 3, maxNorm: 1, normType: 1).ToString());
    }

    [Fact]
    public void Embedding_IsIndexSelect_OnStridedIndicesAndWeight()
    {
        var w = R.Strided(Check.Input(1, 6, 4).Detach());
        var idx = Tensor.From(new long[,] { { 5, 0, 3 }, { 1, 1, 4 } }).T; // [3, 2], not contiguous
        var y = F.Embedding(idx, w);
        Assert.Equal([3, 2, 4], y.Shape);
        Check.Close(y, w.IndexSelect(0, idx.Reshape(-1)).ToArray<double>(), 0);
    }

    [Fact]
    public void Embedding_GradCheck()
    {
        var idx = Tensor.From(new long[,] { { 0, 3 }, { 3, 1 } });
        Check.Gradients(t => F.Embedding(idx, t[0]), Check.Input(2, 4, 3));
        // Without the padding row's entries the lookup is an ordinary function of the other rows.
        Check.Gradients(t => F.Embedding(idx, t[0], paddingIdx: 2), Check.Input(3, 4, 3));
    }

    [Fact]
    public void Embedding_MaxNormRescalesOnlyLookedUpRowsAboveTheLimit()
    {
        var w = Tensor.From(new double[,] { { 3, 4 }, { 0.3, 0.4 }, { 6, 8 } });
        var y = F.Embedding(Tensor.From(new long[] { 0, 1, 0 }), w, maxNorm: 1.0);
        double s = 1 / (5 + 1e-7);
        Check.Close(w, [3 * s, 4 * s, 0.3, 0.4, 6, 8], 1e-12);
        Check.Close(y, [3 * s, 4 * s, 0.3, 0.4, 3 * s, 4 * s], 1e-12);
    }

    [Fact]
    public void Embedding_MaxNormOnATrainedWeight_RenormsThenBackpropagates()
    {
        var emb = new Embedding(4, 3, maxNorm: 0.5, dtype: DType.Float64, generator: new Generator(2));
        var idx = Tensor.From(new long[] { 1, 3, 1 });
        emb.Weight.Data = Tensor.From(new double[,] { { 3, 0, 4 }, { 3, 0, 4 }, { 0.1, 0, 0 }, { 0, 1, 0 } });
        var y = emb.Forward(idx);
        foreach (int row in new[] { 1, 3 }) Assert.True(emb.Weight[row].Square().Sum().Sqrt().Item() <= 0.5 + 1e-9);
        Check.Close(emb.Weight[0], [3, 0, 4]); // not looked up: untouched
        y.Sum().Backward();
        Check.Close(emb.Weight.Grad!, [0, 0, 0, 2, 2, 2, 0, 0, 0, 1, 1, 1]);
    }

    [Fact]
    public void FromPretrained_SharesTheTable_AndFreezesByDefault()
    {
        var table = Tensor.From(new float[,] { { 1, 2 }, { 3, 4 } });
        var frozen = Embedding.FromPretrained(table);
        Assert.False(frozen.Weight.RequiresGrad);
        Check.Close(frozen.Forward(Tensor.From(new long[] { 1 })), [1, 2], [3, 4]);
        Assert.True(Embedding.FromPretrained(table, freeze: false).Weight.RequiresGrad);
        var padded = Embedding.FromPretrained(table, paddingIdx: 0);
        Check.Close(padded.Weight[0], [1, 2]);
    }

    [Fact]
    public void Embedding_RejectsBadIndices()
    {
        var emb = new Embedding(5, 3);
        Check.Throws<ArgumentException>(() => emb.Forward(Tensor.From(new long[] { 1, 5 })), "embedding", "index 5", "5 embeddings");
        Check.Throws<ArgumentException>(() => emb.Forward(Tensor.From(new long[] { -1 })), "embedding", "index -1");
        Check.Throws<ArgumentException>(() => emb.Forward(Tensor.Zeros(2)), "embedding", "int64", "torch.float32");
        Check.Throws<ArgumentException>(() => new Embedding(5, 3, paddingIdx: 5), "Embedding", "paddingIdx (5)", "5");
        Check.Throws<ArgumentException>(() => F.Embedding(Tensor.From(new long[] { 0 }), Tensor.Zeros(3)), "embedding", "2-D", "[3]");
        Check.Throws<ArgumentException>(() => Embedding.FromPretrained(Tensor.Zeros(3)), "FromPretrained", "[3]");
    }

    [Fact]
    public void ModuleDict_RegistersInInsertionOrder_AndPrintsLikePyTorch()
    {
        var dict = new ModuleDict([("conv", new Conv2d(1, 2, 3)), ("act", new ReLU())]);
        dict["fc"] = new Linear(2, 1);
        Assert.Equal(["conv", "act", "fc"], dict.Keys);
        Assert.Equal(3, dict.Count);
        Assert.True(dict.ContainsKey("act"));
        Assert.IsType<ReLU>(dict["act"]);
        Assert.Equal(["conv.weight", "conv.bias", "fc.weight", "fc.bias"], dict.NamedParameters().Select(p => p.Name));
        var replacement = new Linear(2, 3);
        dict["fc"] = replacement;
        Assert.Same(replacement, dict.Values.Last());
        Assert.Equal(["conv", "act", "fc"], dict.Select(kv => kv.Key));
        Assert.Equal(
            "ModuleDict(\n" +
            "  (conv): Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1))\n" +
            "  (act): ReLU()\n" +
            "  (fc): Linear(in_features=2, out_features=3, bias=True)\n" +
            ")", dict.ToString());
    }

    [Fact]
    public void ModuleDict_InAModel_IsTrainedAndSaved()
    {
        var dict = new ModuleDict();
        dict.Update([("a", new Linear(2, 2)), ("b", new Linear(2, 1))]);
        var net = new Sequential([("heads", (Module)dict)]);
        Assert.Equal(["heads.a.weight", "heads.a.bias", "heads.b.weight", "heads.b.bias"], net.StateDict().Keys);
        Check.Throws<KeyNotFoundException>(() => _ = dict["c"], "ModuleDict", "'c'", "'a', 'b'");
        Check.Throws<ArgumentException>(() => dict["x.y"] = new ReLU(), "ModuleDict", "x.y");
        Check.Throws<InvalidOperationException>(() => dict.Forward(Tensor.Zeros(1)), "ModuleDict", "Forward");
    }
}
