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

public class RecurrentCellTests
{
    private static T Loaded<T>(T cell, (string Name, double[] Values, int[] Shape)[] parameters) where T : Module
    {
        Assert.Equal(parameters.Select(p => p.Name), cell.NamedParameters().Select(p => p.Name));
        var byName = cell.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var (name, values, shape) in parameters) byName[name].Data = R.T(values, shape);
        return cell;
    }

    [Fact]
    public void Cells_MatchPyTorch()
    {
        var x = R.T(R.CellX, R.CellXShape);
        var h = R.T(R.CellH, R.CellHShape);
        var c = R.T(R.CellC, R.CellCShape);
        var lstm = Loaded(new LSTMCell(3, 4, dtype: DType.Float64), R.LstmCellParameters);
        var (h1, c1) = lstm.Forward(x, (h, c));
        Check.Close(h1, R.LstmCellHShape, R.LstmCellH, 1e-12);
        Check.Close(c1, R.LstmCellCShape, R.LstmCellC, 1e-12);
        var gru = Loaded(new GRUCell(3, 4, dtype: DType.Float64), R.GruCellParameters);
        Check.Close(gru.Forward(R.Strided(x), R.Strided(h)), R.GruCellHShape, R.GruCellH, 1e-12);
        Check.Close(gru.Forward(x[1], h[1]), [4], R.GruCellH[4..], 1e-12);
    }

    [Fact]
    public void Cells_AreOneStepOfTheirLayers()
    {
        var layer = new LSTM(3, 4, dtype: DType.Float64, generator: new Generator(2));
        var cell = new LSTMCell(3, 4, dtype: DType.Float64);
        var weights = layer.Parameters().ToArray();
        var cellWeights = cell.Parameters().ToArray();
        for (int i = 0; i < 4; i++) cellWeights[i].Data = weights[i].Detach().Clone();
        var x = Check.Input(1, 3, 2, 3).Detach();
        var (output, _) = layer.Forward(x);
        (Tensor H, Tensor C)? state = null;
        for (int t = 0; t < 3; t++)
        {
            state = cell.Forward(x[t], state);
            Check.Close(state.Value.H, output[t].ToArray<double>(), 1e-13);
        }
        var rnn = new RNN(3, 4, nonlinearity: "relu", dtype: DType.Float64, generator: new Generator(3));
        var rnnCell = new RNNCell(3, 4, nonlinearity: "relu", dtype: DType.Float64);
        foreach (var (a, b) in rnn.Parameters().Zip(rnnCell.Parameters())) b.Data = a.Detach().Clone();
        Check.Close(rnnCell.Forward(x[0]), rnn.Forward(x[..1]).Output[0].ToArray<double>(), 1e-13);
    }

    [Fact]
    public void Cells_GradCheck()
    {
        var lstm = new LSTMCell(2, 3, dtype: DType.Float64, generator: new Generator(4));
        Check.Gradients(t =>
        {
            var (h, c) = lstm.Forward(t[0], (t[1], t[2]));
            return Tensor.Cat([h.Reshape(-1), c.Reshape(-1)]);
        }, Check.Input(1, 2, 2), Check.Input(2, 2, 3), R.Strided(Check.Input(3, 2, 3)));
        var gru = new GRUCell(2, 3, dtype: DType.Float64, generator: new Generator(5));
        Check.Gradients(t => gru.Forward(t[0], t[1]), Check.Input(4, 2, 2), Check.Input(5, 2, 3));
        Check.Gradients(t => gru.Forward(Check.Input(6, 2, 2).Detach()) * 1.0, gru.WeightIh, gru.BiasHh!);
    }

    [Fact]
    public void Cells_PrintAndRejectLikePyTorch()
    {
        Assert.Equal("LSTMCell(3, 4)", new LSTMCell(3, 4).ToString());
        Assert.Equal("GRUCell(3, 4, bias=False)", new GRUCell(3, 4, bias: false).ToString());
        Assert.Equal("RNNCell(3, 4, nonlinearity=relu)", new RNNCell(3, 4, nonlinearity: "relu").ToString());
        Assert.Equal(["weight_ih", "weight_hh"], new GRUCell(3, 4, bias: false).NamedParameters().Select(p => p.Name));
        Check.Throws<ArgumentException>(() => new LSTMCell(3, 4).Forward(Tensor.Zeros(2, 5)), "LSTMCell", "[batch, 3]", "[2, 5]");
        Check.Throws<ArgumentException>(() => new GRUCell(3, 4).Forward(Tensor.Zeros(2, 3), Tensor.Zeros(3, 4)), "GRUCell", "hx", "[2, 4]", "[3, 4]");
        Check.Throws<ArgumentException>(() => new RNNCell(3, 4, nonlinearity: "gelu"), "RNNCell", "'gelu'");
    }
}

public class RecurrentTrainingTests
{
    /// <summary>Embedding -> LSTM -> LayerNorm -> Linear, the shape of a small sequence classifier.</summary>
    private sealed class TinyTagger : Module
    {
        public Embedding Embed { get; } = new(6, 8, paddingIdx: 0, generator: new Generator(1));
        public LSTM Lstm { get; } = new(8, 16, batchFirst: true, generator: new Generator(2));
        public LayerNorm Norm { get; } = new(16);
        public Linear Head { get; } = new(16, 2, generator: new Generator(3));

        public TinyTagger() => RegisterComponents();

        public override Tensor Forward(Tensor tokens)
        {
            var (output, _) = Lstm.Forward(Embed.Forward(tokens));
            return Head.Forward(Norm.Forward(output[.., -1]));
        }
    }

    [Fact]
    public void SequenceClassifier_LearnsWhetherToken5Appears_AndSavesUnderPyTorchNames()
    {
        var g = new Generator(4);
        var tokens = Tensor.Randint(1, 5, [32, 6], g);
        var labels = Tensor.Randint(0, 2, [32], g);
        // Put token 5 somewhere in the sequences labelled 1.
        for (int i = 0; i < 32; i++)
            if (labels[i].Item<long>() == 1) tokens[i, (int)(i % 6)] = Tensor.From(5L);
        var net = new TinyTagger();
        var optimizer = new SharpGrad.Optim.Adam(net.Parameters(), lr: 0.02);
        double first = 0, last = 0;
        for (int step = 0; step < 25; step++)
        {
            var loss = SharpGrad.NN.Functional.CrossEntropy(net.Forward(tokens), labels);
            if (step == 0) first = loss.Item();
            last = loss.Item();
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
        }
        Assert.True(last < first * 0.3, $"loss {first} -> {last}");
        Assert.Equal(0.0, net.Embed.Weight[0].Abs().Sum().Item()); // the padding row never trained
        Assert.Contains("Lstm.weight_ih_l0", net.StateDict().Keys);
        Assert.Contains("Norm.weight", net.StateDict().Keys);
    }
}
