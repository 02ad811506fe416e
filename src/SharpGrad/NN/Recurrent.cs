namespace SharpGrad.NN;

/// <summary>
/// Shared machinery of the recurrent layers (<c>nn.RNNBase</c>): the parameters weight_ih_l{k}, weight_hh_l{k},
/// bias_ih_l{k}, bias_hh_l{k} (with the suffix _reverse for the backward direction) laid out and initialised as
/// PyTorch does (uniform in ±1/sqrt(hiddenSize)), sequence-first or batch-first input, stacked layers with dropout
/// between them, and both directions. Each step is built from tensor ops: the input projections of all time steps
/// are one GEMM per layer and direction, the hidden projection one small GEMM per step.
/// </summary>
public abstract class RNNBase : Module
{
    private readonly string _name;
    private readonly Parameter?[][] _weights; // per layer * directions + direction: w_ih, w_hh, b_ih, b_hh

    /// <summary>Creates the parameters of a recurrent layer whose cell has <paramref name="gates"/> gate blocks.</summary>
    private protected RNNBase(string name, int gates, int inputSize, int hiddenSize, int numLayers, bool bias, bool batchFirst,
        double dropout, bool bidirectional, DType dtype, Generator? generator)
    {
        if (inputSize <= 0 || hiddenSize <= 0)
            throw new ArgumentException($"{name}: inputSize and hiddenSize must be positive, got {inputSize} and {hiddenSize}");
        if (numLayers <= 0) throw new ArgumentException($"{name}: numLayers must be positive, got {numLayers}");
        if (dropout < 0 || dropout > 1) throw new ArgumentException($"{name}: dropout should be a number in range [0, 1], got {dropout}");
        _name = name;
        (InputSize, HiddenSize, NumLayers, Bias, BatchFirst, Dropout, Bidirectional) = (inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional);
        _weights = new Parameter?[numLayers * Directions][];
        for (int layer = 0; layer < numLayers; layer++)
        {
            int layerInput = layer == 0 ? inputSize : hiddenSize * Directions;
            for (int dir = 0; dir < Directions; dir++)
            {
                string suffix = $"_l{layer}" + (dir == 1 ? "_reverse" : "");
                var w = new Parameter?[4];
                w[0] = new Parameter(Tensor.Empty([gates * hiddenSize, layerInput], dtype));
                w[1] = new Parameter(Tensor.Empty([gates * hiddenSize, hiddenSize], dtype));
                RegisterParameter("weight_ih" + suffix, w[0]);
                RegisterParameter("weight_hh" + suffix, w[1]);
                if (bias)
                {
                    w[2] = new Parameter(Tensor.Empty([gates * hiddenSize], dtype));
                    w[3] = new Parameter(Tensor.Empty([gates * hiddenSize], dtype));
                    RegisterParameter("bias_ih" + suffix, w[2]);
                    RegisterParameter("bias_hh" + suffix, w[3]);
                }
                _weights[layer * Directions + dir] = w;
            }
        }
        ResetParameters(generator);
    }

    /// <summary>Features per input step (<c>input_size</c>).</summary>
    public int InputSize { get; }

    /// <summary>Features of the hidden state (<c>hidden_size</c>).</summary>
    public int HiddenSize { get; }

    /// <summary>Number of stacked layers (<c>num_layers</c>).</summary>
    public int NumLayers { get; }

    /// <summary>Whether the layers have biases (<c>bias</c>).</summary>
    public bool Bias { get; }

    /// <summary>Whether input and output are [batch, seq, feature] instead of [seq, batch, feature] (<c>batch_first</c>).</summary>
    public bool BatchFirst { get; }

    /// <summary>Dropout probability on the outputs of every layer but the last, while training (<c>dropout</c>).</summary>
    public double Dropout { get; }

    /// <summary>Whether each layer also runs backwards in time, its outputs concatenated (<c>bidirectional</c>).</summary>
    public bool Bidirectional { get; }

    /// <summary>1, or 2 when bidirectional.</summary>
    protected int Directions => Bidirectional ? 2 : 1;

    /// <summary>Re-draws every weight and bias uniformly in ±1/sqrt(hiddenSize), as PyTorch does.</summary>
    /// <param name="generator">Random source, or the default generator.</param>
    public void ResetParameters(Generator? generator = null)
    {
        double bound = 1 / Math.Sqrt(HiddenSize);
        foreach (var p in Parameters(recurse: false)) Init.Uniform_(p, -bound, bound, generator);
    }

    /// <summary>The output of the last layer for every step (the state is dropped), so the layer fits a <see cref="Sequential"/>.</summary>
    public override Tensor Forward(Tensor input) => Run(input, null).Output;

    /// <inheritdoc/>
    public override string ExtraRepr()
    {
        var s = $"{InputSize}, {HiddenSize}";
        if (NumLayers != 1) s += $", num_layers={NumLayers}";
        if (!Bias) s += ", bias=False";
        if (BatchFirst) s += ", batch_first=True";
        if (Dropout != 0) s += $", dropout={Repr.Float(Dropout)}";
        if (Bidirectional) s += ", bidirectional=True";
        return s;
    }

    /// <summary>Number of state tensors the cell carries: 1 (h), or 2 for the LSTM (h, c).</summary>
    private protected virtual int StateCount => 1;

    /// <summary>One time step of the cell: the new state (hidden state first) from the input projection and the old state.</summary>
    /// <param name="inputProjection">x_t W_ih^T + b_ih, [B, gates * H].</param>
    /// <param name="state">The state tensors, each [B, H].</param>
    /// <param name="weightHh">W_hh [gates * H, H].</param>
    /// <param name="biasHh">b_hh, or null.</param>
    private protected abstract Tensor[] Step(Tensor inputProjection, Tensor[] state, Tensor weightHh, Tensor? biasHh);

    /// <summary>
    /// Runs all layers and directions. <paramref name="initial"/> holds the initial state tensors ([layers * directions,
    /// B, H] each, or [layers * directions, H] for unbatched input), or null for zeros; the result's state has the same layout.
    /// </summary>
    private protected (Tensor Output, Tensor[] State) Run(Tensor input, Tensor[]? initial)
    {
        int stateCount = StateCount;
        if (input.NDim != 2 && input.NDim != 3)
            throw new ArgumentException($"{_name}: expected input to be 2D (unbatched) or 3D, but got input of shape {Core.Shape.Format(input.Shape)}");
        if (input.Size(-1) != InputSize)
            throw new ArgumentException($"{_name}: expected input with {InputSize} features in the last dim (inputSize), but got input of shape {Core.Shape.Format(input.Shape)}");
        bool batched = input.NDim == 3;
        // Internally [T, B, features].
        var x = !batched ? input.Unsqueeze(1) : BatchFirst ? input.Transpose(0, 1) : input;
        int steps = x.Size(0), batch = x.Size(1), slots = NumLayers * Directions;
        int[] stateShape = batched ? [slots, batch, HiddenSize] : [slots, HiddenSize];
        var h0 = new Tensor[stateCount];
        for (int s = 0; s < stateCount; s++)
        {
            if (initial is null) h0[s] = Tensor.Zeros([slots, batch, HiddenSize], input.DType);
            else
            {
                if (!initial[s].Shape.AsSpan().SequenceEqual(stateShape))
                    throw new ArgumentException(
                        $"{_name}: expected initial state {(s == 0 ? "h0" : "c0")} of shape {Core.Shape.Format(stateShape)}, but got {Core.Shape.Format(initial[s].Shape)} " +
                        $"for input of shape {Core.Shape.Format(input.Shape)}");
                h0[s] = batched ? initial[s] : initial[s].Unsqueeze(1);
            }
        }

        var finalStates = new Tensor[stateCount][];
        for (int s = 0; s < stateCount; s++) finalStates[s] = new Tensor[slots];
        for (int layer = 0; layer < NumLayers; layer++)
        {
            if (layer > 0 && Dropout > 0 && Training) x = Functional.Dropout(x, Dropout, training: true);
            var outputs = new Tensor[Directions];
            for (int dir = 0; dir < Directions; dir++)
            {
                int slot = layer * Directions + dir;
                var w = _weights[slot];
                var projected = Functional.Linear(x, w[0]!, w[2]);
                var state = new Tensor[stateCount];
                for (int s = 0; s < stateCount; s++) state[s] = h0[s][slot];
                var hs = new Tensor[steps];
                for (int i = 0; i < steps; i++)
                {
                    int t = dir == 0 ? i : steps - 1 - i;
                    state = Step(projected[t], state, w[1]!, w[3]);
                    hs[t] = state[0];
                }
                outputs[dir] = steps > 0 ? Tensor.Stack(hs, 0) : Tensor.Zeros([0, batch, HiddenSize], input.DType);
                for (int s = 0; s < stateCount; s++) finalStates[s][slot] = state[s];
            }
            x = Directions == 1 ? outputs[0] : Tensor.Cat(outputs, 2);
        }
        var output = !batched ? x.Squeeze(1) : BatchFirst ? x.Transpose(0, 1) : x;
        var result = new Tensor[stateCount];
        for (int s = 0; s < stateCount; s++)
        {
            var stacked = Tensor.Stack(finalStates[s], 0);
            result[s] = batched ? stacked : stacked.Squeeze(1);
        }
        return (output, result);
    }
}

/// <summary>
/// Elman recurrent layer (<c>nn.RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True,
/// batch_first=False, dropout=0.0, bidirectional=False)</c>): h_t = act(x_t W_ih^T + b_ih + h_(t-1) W_hh^T + b_hh).
/// </summary>
public sealed class RNN : RNNBase
{
    /// <summary>Creates the layer.</summary>
    /// <param name="inputSize">Features per input step.</param>
    /// <param name="hiddenSize">Features of the hidden state.</param>
    /// <param name="numLayers">Number of stacked layers.</param>
    /// <param name="nonlinearity">"tanh" or "relu".</param>
    /// <param name="bias">Whether to use biases.</param>
    /// <param name="batchFirst">Input and output as [batch, seq, feature].</param>
    /// <param name="dropout">Dropout on the outputs of every layer but the last, while training.</param>
    /// <param name="bidirectional">Also run backwards in time.</param>
    /// <param name="dtype">Dtype of the parameters.</param>
    /// <param name="generator">Random source for the initial parameters.</param>
    /// <exception cref="ArgumentException">A size is not positive, dropout is outside [0, 1], or the nonlinearity is unknown.</exception>
    public RNN(int inputSize, int hiddenSize, int numLayers = 1, string nonlinearity = "tanh", bool bias = true, bool batchFirst = false,
        double dropout = 0, bool bidirectional = false, DType dtype = DType.Float32, Generator? generator = null)
        : base("RNN", 1, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, dtype, generator)
        => Nonlinearity = nonlinearity is "tanh" or "relu" ? nonlinearity
            : throw new ArgumentException($"RNN: unknown nonlinearity '{nonlinearity}'; use 'tanh' or 'relu'");

    /// <summary>"tanh" or "relu".</summary>
    public string Nonlinearity { get; }

    /// <summary>
    /// Runs the layer (<c>output, h_n = rnn(input, h_0)</c>): input [L, N, inputSize] ([N, L, inputSize] batch-first, or
    /// unbatched [L, inputSize]); output [L, N, directions * hiddenSize]; h_n [numLayers * directions, N, hiddenSize].
    /// </summary>
    /// <param name="input">The sequence.</param>
    /// <param name="h0">Initial hidden state, or null for zeros.</param>
    /// <exception cref="ArgumentException">The input's rank or feature count, or h0's shape, is wrong.</exception>
    public (Tensor Output, Tensor H) Forward(Tensor input, Tensor? h0 = null)
    {
        var (output, state) = Run(input, h0 is null ? null : [h0]);
        return (output, state[0]);
    }

    private protected override Tensor[] Step(Tensor inputProjection, Tensor[] state, Tensor weightHh, Tensor? biasHh)
        => [CellStep(inputProjection, state[0], weightHh, biasHh, Nonlinearity)];

    /// <summary>h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh), given the input projection.</summary>
    internal static Tensor CellStep(Tensor inputProjection, Tensor h, Tensor weightHh, Tensor? biasHh, string nonlinearity)
    {
        var pre = inputProjection + Functional.Linear(h, weightHh, biasHh);
        return nonlinearity == "tanh" ? pre.Tanh() : pre.Relu();
    }
}

/// <summary>
/// Long short-term memory layer (<c>nn.LSTM(input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
/// dropout=0.0, bidirectional=False)</c>), with PyTorch's gate order (input, forget, cell, output) in the rows of
/// W_ih and W_hh: i, f, o = σ(..), g = tanh(..), c_t = f c_(t-1) + i g, h_t = o tanh(c_t).
/// </summary>
public sealed class LSTM : RNNBase
{
    /// <summary>Creates the layer.</summary>
    /// <param name="inputSize">Features per input step.</param>
    /// <param name="hiddenSize">Features of the hidden and cell state.</param>
    /// <param name="numLayers">Number of stacked layers.</param>
    /// <param name="bias">Whether to use biases.</param>
    /// <param name="batchFirst">Input and output as [batch, seq, feature].</param>
    /// <param name="dropout">Dropout on the outputs of every layer but the last, while training.</param>
    /// <param name="bidirectional">Also run backwards in time.</param>
    /// <param name="dtype">Dtype of the parameters.</param>
    /// <param name="generator">Random source for the initial parameters.</param>
    /// <exception cref="ArgumentException">A size is not positive or dropout is outside [0, 1].</exception>
    public LSTM(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false, double dropout = 0,
        bool bidirectional = false, DType dtype = DType.Float32, Generator? generator = null)
        : base("LSTM", 4, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, dtype, generator)
    {
    }

    private protected override int StateCount => 2;

    /// <summary>
    /// Runs the layer (<c>output, (h_n, c_n) = lstm(input, (h_0, c_0))</c>): input [L, N, inputSize] ([N, L, inputSize]
    /// batch-first, or unbatched [L, inputSize]); output [L, N, directions * hiddenSize]; h_n and c_n
    /// [numLayers * directions, N, hiddenSize].
    /// </summary>
    /// <param name="input">The sequence.</param>
    /// <param name="hx">Initial (h_0, c_0), or null for zeros.</param>
    /// <exception cref="ArgumentException">The input's rank or feature count, or a state's shape, is wrong.</exception>
    public (Tensor Output, (Tensor H, Tensor C) State) Forward(Tensor input, (Tensor H, Tensor C)? hx = null)
    {
        var (output, state) = Run(input, hx is { } s ? [s.H, s.C] : null);
        return (output, (state[0], state[1]));
    }

    private protected override Tensor[] Step(Tensor inputProjection, Tensor[] state, Tensor weightHh, Tensor? biasHh)
    {
        var (h, c) = CellStep(inputProjection, state[0], state[1], weightHh, biasHh);
        return [h, c];
    }

    /// <summary>One LSTM step from the input projection: gates i, f, g, o; c' = f c + i g; h' = o tanh(c').</summary>
    internal static (Tensor H, Tensor C) CellStep(Tensor inputProjection, Tensor h, Tensor c, Tensor weightHh, Tensor? biasHh)
    {
        var g = (inputProjection + Functional.Linear(h, weightHh, biasHh)).Chunk(4, -1);
        var next = g[1].Sigmoid() * c + g[0].Sigmoid() * g[2].Tanh();
        return (g[3].Sigmoid() * next.Tanh(), next);
    }
}

/// <summary>
/// Gated recurrent unit layer (<c>nn.GRU(input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
/// dropout=0.0, bidirectional=False)</c>), with PyTorch's gate order (reset, update, new): r, z = σ(..),
/// n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn)), h_t = (1 - z) n + z h_(t-1).
/// </summary>
public sealed class GRU : RNNBase
{
    /// <summary>Creates the layer.</summary>
    /// <param name="inputSize">Features per input step.</param>
    /// <param name="hiddenSize">Features of the hidden state.</param>
    /// <param name="numLayers">Number of stacked layers.</param>
    /// <param name="bias">Whether to use biases.</param>
    /// <param name="batchFirst">Input and output as [batch, seq, feature].</param>
    /// <param name="dropout">Dropout on the outputs of every layer but the last, while training.</param>
    /// <param name="bidirectional">Also run backwards in time.</param>
    /// <param name="dtype">Dtype of the parameters.</param>
    /// <param name="generator">Random source for the initial parameters.</param>
    /// <exception cref="ArgumentException">A size is not positive or dropout is outside [0, 1].</exception>
    public GRU(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false, double dropout = 0,
        bool bidirectional = false, DType dtype = DType.Float32, Generator? generator = null)
        : base("GRU", 3, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, dtype, generator)
    {
    }

    /// <summary>
    /// Runs the layer (<c>output, h_n = gru(input, h_0)</c>): input [L, N, inputSize] ([N, L, inputSize] batch-first, or
    /// unbatched [L, inputSize]); output [L, N, directions * hiddenSize]; h_n [numLayers * directions, N, hiddenSize].
    /// </summary>
    /// <param name="input">The sequence.</param>
    /// <param name="h0">Initial hidden state, or null for zeros.</param>
    /// <exception cref="ArgumentException">The input's rank or feature count, or h0's shape, is wrong.</exception>
    public (Tensor Output, Tensor H) Forward(Tensor input, Tensor? h0 = null)
    {
        var (output, state) = Run(input, h0 is null ? null : [h0]);
        return (output, state[0]);
    }

    private protected override Tensor[] Step(Tensor inputProjection, Tensor[] state, Tensor weightHh, Tensor? biasHh)
        => [CellStep(inputProjection, state[0], weightHh, biasHh)];

    /// <summary>One GRU step from the input projection: gates r, z, n with the reset gate applied to the hidden projection of n.</summary>
    internal static Tensor CellStep(Tensor inputProjection, Tensor h, Tensor weightHh, Tensor? biasHh)
    {
        var xg = inputProjection.Chunk(3, -1);
        var hg = Functional.Linear(h, weightHh, biasHh).Chunk(3, -1);
        var r = (xg[0] + hg[0]).Sigmoid();
        var z = (xg[1] + hg[1]).Sigmoid();
        var n = (xg[2] + r * hg[2]).Tanh();
        return n + z * (h - n);
    }
}
