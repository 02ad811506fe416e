namespace SharpGrad.NN;

/// <summary>
/// Shared part of the single-step recurrent cells (<c>nn.RNNCellBase</c>): parameters weight_ih [gates * H, I],
/// weight_hh [gates * H, H], bias_ih and bias_hh [gates * H], initialised uniformly in ±1/sqrt(hiddenSize) as PyTorch does.
/// </summary>
public abstract class RNNCellBase : Module
{
    private readonly string _name;

    private protected RNNCellBase(string name, int gates, int inputSize, int hiddenSize, bool bias, DType dtype, Generator? generator)
    {
        if (inputSize <= 0 || hiddenSize <= 0)
            throw new ArgumentException($"{name}: inputSize and hiddenSize must be positive, got {inputSize} and {hiddenSize}");
        (_name, InputSize, HiddenSize, Bias) = (name, inputSize, hiddenSize, bias);
        WeightIh = new Parameter(Tensor.Empty([gates * hiddenSize, inputSize], dtype));
        WeightHh = new Parameter(Tensor.Empty([gates * hiddenSize, hiddenSize], dtype));
        RegisterParameter("weight_ih", WeightIh);
        RegisterParameter("weight_hh", WeightHh);
        if (bias)
        {
            BiasIh = new Parameter(Tensor.Empty([gates * hiddenSize], dtype));
            BiasHh = new Parameter(Tensor.Empty([gates * hiddenSize], dtype));
        }
        RegisterParameter("bias_ih", BiasIh);
        RegisterParameter("bias_hh", BiasHh);
        ResetParameters(generator);
    }

    /// <summary>Features of the input (<c>input_size</c>).</summary>
    public int InputSize { get; }

    /// <summary>Features of the hidden state (<c>hidden_size</c>).</summary>
    public int HiddenSize { get; }

    /// <summary>Whether the cell has biases (<c>bias</c>).</summary>
    public bool Bias { get; }

    /// <summary>Input-to-hidden weights (<c>cell.weight_ih</c>).</summary>
    public Parameter WeightIh { get; }

    /// <summary>Hidden-to-hidden weights (<c>cell.weight_hh</c>).</summary>
    public Parameter WeightHh { get; }

    /// <summary>Input-to-hidden bias (<c>cell.bias_ih</c>), or null.</summary>
    public Parameter? BiasIh { get; }

    /// <summary>Hidden-to-hidden bias (<c>cell.bias_hh</c>), or null.</summary>
    public Parameter? BiasHh { get; }

    /// <summary>Re-draws every weight and bias uniformly in ±1/sqrt(hiddenSize).</summary>
    /// <param name="generator">Random source, or the default generator.</param>
    public void ResetParameters(Generator? generator = null)
    {
        double bound = 1 / Math.Sqrt(HiddenSize);
        foreach (var p in Parameters(recurse: false)) Init.Uniform_(p, -bound, bound, generator);
    }

    /// <inheritdoc/>
    public override string ExtraRepr() => $"{InputSize}, {HiddenSize}" + (Bias ? "" : ", bias=False");

    /// <summary>
    /// Checks the input ([B, inputSize] or unbatched [inputSize]) and a state ([B, hiddenSize] or [hiddenSize]); returns
    /// the batched input projection x W_ih^T + b_ih and the batched state (zeros when none is given).
    /// </summary>
    private protected (Tensor Projection, bool Batched) Project(Tensor input)
    {
        if (input.NDim is not (1 or 2) || input.Size(-1) != InputSize)
            throw new ArgumentException(
                $"{_name}: expected input of shape [batch, {InputSize}] or [{InputSize}], but got input of shape {Core.Shape.Format(input.Shape)}");
        bool batched = input.NDim == 2;
        return (Functional.Linear(batched ? input : input.Unsqueeze(0), WeightIh, BiasIh), batched);
    }

    /// <summary>The state batched like the input (zeros when null), checked against [B, hiddenSize].</summary>
    private protected Tensor State(Tensor? state, string name, Tensor input, bool batched)
    {
        int batch = batched ? input.Size(0) : 1;
        if (state is null) return Tensor.Zeros([batch, HiddenSize], input.DType);
        int[] expected = batched ? [batch, HiddenSize] : [HiddenSize];
        if (!state.Shape.AsSpan().SequenceEqual(expected))
            throw new ArgumentException(
                $"{_name}: expected {name} of shape {Core.Shape.Format(expected)}, but got {Core.Shape.Format(state.Shape)} for input of shape {Core.Shape.Format(input.Shape)}");
        return batched ? state : state.Unsqueeze(0);
    }

    private protected static Tensor Unbatch(Tensor t, bool batched) => batched ? t : t.Squeeze(0);
}

/// <summary>One step of an Elman RNN (<c>nn.RNNCell(input_size, hidden_size, bias=True, nonlinearity='tanh')</c>): h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh).</summary>
public sealed class RNNCell : RNNCellBase
{
    /// <summary>Creates the cell.</summary>
    /// <param name="inputSize">Features of the input.</param>
    /// <param name="hiddenSize">Features of the hidden state.</param>
    /// <param name="bias">Whether to use biases.</param>
    /// <param name="nonlinearity">"tanh" or "relu".</param>
    /// <param name="dtype">Dtype of the parameters.</param>
    /// <param name="generator">Random source for the initial parameters.</param>
    /// <exception cref="ArgumentException">A size is not positive or the nonlinearity is unknown.</exception>
    public RNNCell(int inputSize, int hiddenSize, bool bias = true, string nonlinearity = "tanh", DType dtype = DType.Float32, Generator? generator = null)
        : base("RNNCell", 1, inputSize, hiddenSize, bias, dtype, generator)
        => Nonlinearity = nonlinearity is "tanh" or "relu" ? nonlinearity
            : throw new ArgumentException($"RNNCell: unknown nonlinearity '{nonlinearity}'; use 'tanh' or 'relu'");

    /// <summary>"tanh" or "relu".</summary>
    public string Nonlinearity { get; }

    /// <summary>The next hidden state (<c>h' = cell(input, h)</c>); h null means zeros.</summary>
    /// <param name="input">[B, inputSize] or [inputSize].</param>
    /// <param name="h">[B, hiddenSize] or [hiddenSize], or null.</param>
    public Tensor Forward(Tensor input, Tensor? h = null)
    {
        var (projection, batched) = Project(input);
        return Unbatch(RNN.CellStep(projection, State(h, "hx", input, batched), WeightHh, BiasHh, Nonlinearity), batched);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <inheritdoc/>
    public override string ExtraRepr() => base.ExtraRepr() + (Nonlinearity == "tanh" ? "" : $", nonlinearity={Nonlinearity}");
}

/// <summary>One LSTM step (<c>nn.LSTMCell(input_size, hidden_size, bias=True)</c>), gates in PyTorch's order i, f, g, o.</summary>
public sealed class LSTMCell : RNNCellBase
{
    /// <summary>Creates the cell.</summary>
    /// <param name="inputSize">Features of the input.</param>
    /// <param name="hiddenSize">Features of the hidden and cell state.</param>
    /// <param name="bias">Whether to use biases.</param>
    /// <param name="dtype">Dtype of the parameters.</param>
    /// <param name="generator">Random source for the initial parameters.</param>
    /// <exception cref="ArgumentException">A size is not positive.</exception>
    public LSTMCell(int inputSize, int hiddenSize, bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
        : base("LSTMCell", 4, inputSize, hiddenSize, bias, dtype, generator)
    {
    }

    /// <summary>The next (h, c) (<c>h', c' = cell(input, (h, c))</c>); a null state means zeros.</summary>
    /// <param name="input">[B, inputSize] or [inputSize].</param>
    /// <param name="hx">(h, c), each [B, hiddenSize] or [hiddenSize], or null.</param>
    public (Tensor H, Tensor C) Forward(Tensor input, (Tensor H, Tensor C)? hx = null)
    {
        var (projection, batched) = Project(input);
        var (h, c) = LSTM.CellStep(projection, State(hx?.H, "h", input, batched), State(hx?.C, "c", input, batched), WeightHh, BiasHh);
        return (Unbatch(h, batched), Unbatch(c, batched));
    }

    /// <summary>The next hidden state from a zero state (the cell state is dropped), so the cell fits a <see cref="Sequential"/>.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null).H;
}

/// <summary>One GRU step (<c>nn.GRUCell(input_size, hidden_size, bias=True)</c>), gates in PyTorch's order r, z, n.</summary>
public sealed class GRUCell : RNNCellBase
{
    /// <summary>Creates the cell.</summary>
    /// <param name="inputSize">Features of the input.</param>
    /// <param name="hiddenSize">Features of the hidden state.</param>
    /// <param name="bias">Whether to use biases.</param>
    /// <param name="dtype">Dtype of the parameters.</param>
    /// <param name="generator">Random source for the initial parameters.</param>
    /// <exception cref="ArgumentException">A size is not positive.</exception>
    public GRUCell(int inputSize, int hiddenSize, bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
        : base("GRUCell", 3, inputSize, hiddenSize, bias, dtype, generator)
    {
    }

    /// <summary>The next hidden state (<c>h' = cell(input, h)</c>); h null means zeros.</summary>
    /// <param name="input">[B, inputSize] or [inputSize].</param>
    /// <param name="h">[B, hiddenSize] or [hiddenSize], or null.</param>
    public Tensor Forward(Tensor input, Tensor? h = null)
    {
        var (projection, batched) = Project(input);
        return Unbatch(GRU.CellStep(projection, State(h, "hx", input, batched), WeightHh, BiasHh), batched);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Forward(input, null);
}
