using SharpGrad.NN;
using R = SharpGrad.Tests.TorchReference;

namespace SharpGrad.Tests;

public class RecurrentTests
{
    /// <summary>Copies PyTorch's parameters into <paramref name="module"/> by name, checking that the names and order agree.</summary>
    private static void Load(Module module, (string Name, double[] Values, int[] Shape)[] parameters)
    {
        Assert.Equal(parameters.Select(p => p.Name), module.NamedParameters().Select(p => p.Name));
        var byName = module.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var (name, values, shape) in parameters)
        {
            Assert.Equal(shape, byName[name].Shape);
            byName[name].Data = R.T(values, shape);
        }
    }

    private static LSTM ReferenceLstm()
    {
        var lstm = new LSTM(3, 4, numLayers: 2, batchFirst: true, bidirectional: true, dtype: DType.Float64);
        Load(lstm, R.LstmParameters);
        return lstm;
    }

    private static GRU ReferenceGru()
    {
        var gru = new GRU(3, 4, bidirectional: true, dtype: DType.Float64);
        Load(gru, R.GruParameters);
        return gru;
    }

    [Fact]
    public void Lstm_TwoLayersBidirectionalBatchFirst_MatchesPyTorch()
    {
        var lstm = ReferenceLstm();
        var x = R.T(R.LstmX, R.LstmXShape);
        var (output, (h, c)) = lstm.Forward(x, (R.T(R.LstmH0, R.LstmH0Shape), R.T(R.LstmC0, R.LstmC0Shape)));
        Check.Close(output, R.LstmOutputShape, R.LstmOutput, 1e-12);
        Check.Close(h, R.LstmHnShape, R.LstmHn, 1e-12);
        Check.Close(c, R.LstmCnShape, R.LstmCn, 1e-12);
        var (zeroStart, (h0, _)) = lstm.Forward(R.Strided(x));
        Check.Close(zeroStart, R.LstmOutputNoStateShape, R.LstmOutputNoState, 1e-12);
        Check.Close(h0, R.LstmHnNoStateShape, R.LstmHnNoState, 1e-12);
        // As a Module (e.g. inside a Sequential) the layer returns the output alone.
        Check.Close(((Module)lstm).Forward(x), R.LstmOutputNoState, 1e-12);
    }

    [Fact]
    public void Gru_BidirectionalSequenceFirst_MatchesPyTorch()
    {
        var gru = ReferenceGru();
        var x = R.T(R.GruX, R.GruXShape);
        var h0 = R.T(R.GruH0, R.GruH0Shape);
        var (output, h) = gru.Forward(x, h0);
        Check.Close(output, R.GruOutputShape, R.GruOutput, 1e-12);
        Check.Close(h, R.GruHnShape, R.GruHn, 1e-12);
        var (strided, _) = gru.Forward(R.Strided(x), R.Strided(h0));
        Check.Close(strided, R.GruOutput, 1e-12);
    }

    [Fact]
    public void Rnn_MatchesItsRecurrenceWrittenOut()
    {
        var rnn = new RNN(2, 3, nonlinearity: "relu", dtype: DType.Float64, generator: new Generator(4));
        var x = Check.Input(1, 4, 2, 2).Detach();
        var (output, hn) = rnn.Forward(x);
        var p = rnn.NamedParameters().ToDictionary(q => q.Name, q => q.Parameter);
        var h = Tensor.Zeros([2, 3], DType.Float64);
        for (int t = 0; t < 4; t++)
        {
            h = (x[t].MatMul(p["weight_ih_l0"].T) + p["bias_ih_l0"] + h.MatMul(p["weight_hh_l0"].T) + p["bias_hh_l0"]).Relu();
            Check.Close(output[t], h.ToArray<double>(), 1e-13);
        }
        Check.Close(hn, [1, 2, 3], h.ToArray<double>(), 1e-13);
    }

    [Fact]
    public void Unbatched_IsTheBatchOfOne()
    {
        var lstm = ReferenceLstm();
        var x = R.T(R.LstmX, R.LstmXShape)[0];
        var (single, (h, c)) = lstm.Forward(x);
        var (batch, (hb, cb)) = lstm.Forward(x.Unsqueeze(0));
        Check.Close(single, [5, 8], batch[0].ToArray<double>(), 1e-13);
        Check.Close(h, [4, 4], hb.Select(1, 0).ToArray<double>(), 1e-13);
        Check.Close(c, [4, 4], cb.Select(1, 0).ToArray<double>(), 1e-13);
        var (gruSingle, gruH) = ReferenceGru().Forward(x, Tensor.Zeros([2, 4], DType.Float64));
        Assert.Equal([5, 8], gruSingle.Shape);
        Assert.Equal([2, 4], gruH.Shape);
    }

    [Fact]
    public void Lstm_GradCheck_ThroughInputStateAndWeights()
    {
        var lstm = new LSTM(2, 2, numLayers: 2, bidirectional: true, batchFirst: true, dtype: DType.Float64, generator: new Generator(5));
        var x = Check.Input(2, 2, 3, 2);
        var h0 = R.Strided(Check.Input(3, 4, 2, 2));
        var c0 = Check.Input(4, 4, 2, 2);
        Check.Gradients(t =>
        {
            var (o, (h, c)) = lstm.Forward(t[0], (t[1], t[2]));
            return Tensor.Cat([o.Reshape(-1), h.Reshape(-1), c.Reshape(-1)]);
        }, x, h0, c0);
        var w = lstm.NamedParameters().First(p => p.Name == "weight_hh_l1_reverse").Parameter;
        Check.Gradients(t => lstm.Forward(x.Detach()).Output * 1.0, w);
    }

    [Fact]
    public void Gru_GradCheck_ThroughInputStateAndWeights()
    {
        var gru = new GRU(2, 3, numLayers: 2, dtype: DType.Float64, generator: new Generator(6));
        var x = R.Strided(Check.Input(7, 3, 2, 2));
        Check.Gradients(t =>
        {
            var (o, h) = gru.Forward(t[0], t[1]);
            return Tensor.Cat([o.Reshape(-1), h.Reshape(-1)]);
        }, x, Check.Input(8, 2, 2, 3));
        var bias = gru.NamedParameters().First(p => p.Name == "bias_hh_l0").Parameter;
        Check.Gradients(t => gru.Forward(x.Detach()).H * 1.0, bias);
    }

    [Fact]
    public void Parameters_AreNamedShapedAndInitialisedAsPyTorch()
    {
        var gru = new GRU(5, 6, numLayers: 2, bias: false, bidirectional: true);
        Assert.Equal(["weight_ih_l0", "weight_hh_l0", "weight_ih_l0_reverse", "weight_hh_l0_reverse",
            "weight_ih_l1", "weight_hh_l1", "weight_ih_l1_reverse", "weight_hh_l1_reverse"], gru.NamedParameters().Select(p => p.Name));
        Assert.Equal([18, 5], gru.NamedParameters().First().Parameter.Shape);
        Assert.Equal([18, 12], gru.NamedParameters().First(p => p.Name == "weight_ih_l1").Parameter.Shape);
        double bound = 1 / Math.Sqrt(6);
        foreach (var p in gru.Parameters()) Assert.True(p.Abs().Max().Item() <= bound);
    }

    [Fact]
    public void Dropout_BetweenLayersOnlyWhileTraining()
    {
        var lstm = new LSTM(2, 3, numLayers: 2, dropout: 0.5, dtype: DType.Float64, generator: new Generator(1));
        var x = Check.Input(9, 4, 1, 2).Detach();
        lstm.Eval();
        var a = lstm.Forward(x).Output;
        Check.Close(lstm.Forward(x).Output, a.ToArray<double>(), 0);
        lstm.Train();
        Tensor.ManualSeed(3);
        var trained = lstm.Forward(x).Output;
        Assert.True((trained - a).Abs().Max().Item() > 1e-6);
    }

    [Fact]
    public void Recurrent_PrintsLikePyTorch()
    {
        Assert.Equal("LSTM(3, 4)", new LSTM(3, 4).ToString());
        Assert.Equal("GRU(3, 4, num_layers=2, dropout=0.25)", new GRU(3, 4, numLayers: 2, dropout: 0.25).ToString());
        Assert.Equal("RNN(3, 4, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True)",
            new RNN(3, 4, numLayers: 2, nonlinearity: "relu", bias: false, batchFirst: true, dropout: 0.5, bidirectional: true).ToString());
    }

    [Fact]
    public void Recurrent_RejectsBadShapes()
    {
        var lstm = new LSTM(3, 4, numLayers: 2);
        Check.Throws<ArgumentException>(() => lstm.Forward(Tensor.Zeros(5, 2, 6)), "LSTM", "3 features", "[5, 2, 6]");
        Check.Throws<ArgumentException>(() => lstm.Forward(Tensor.Zeros(3)), "LSTM", "2D", "3D", "[3]");
        Check.Throws<ArgumentException>(() => lstm.Forward(Tensor.Zeros(5, 2, 3), (Tensor.Zeros(2, 2, 4), Tensor.Zeros(1, 2, 4))),
            "LSTM", "c0", "[2, 2, 4]", "[1, 2, 4]");
        Check.Throws<ArgumentException>(() => new GRU(3, 4).Forward(Tensor.Zeros(5, 2, 3), Tensor.Zeros(1, 4)), "GRU", "h0", "[1, 2, 4]", "[1, 4]");
        Check.Throws<ArgumentException>(() => new RNN(3, 4, nonlinearity: "sigmoid"), "RNN", "'sigmoid'");
        Check.Throws<ArgumentException>(() => new GRU(3, 0), "GRU", "hiddenSize");
        Check.Throws<ArgumentException>(() => new LSTM(3, 4, dropout: 1.5), "LSTM", "dropout", "1.5");
    }
}
