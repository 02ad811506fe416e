using SharpGrad.NN;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.Cli.Commands.Mnist;

/// <summary>The four networks of <c>sharpgrad mnist --model</c>, each as the course writes it.</summary>
internal static class MnistModels
{
    /// <summary>The accepted <c>--model</c> values.</summary>
    public static readonly string[] Names = ["mlp", "mlp3", "deep", "cnn"];

    /// <summary>Builds the model <paramref name="name"/> with dropout probability <paramref name="dropout"/> (0: none).</summary>
    public static Module Create(string name, double dropout) => name switch
    {
        "mlp" => new RawMlp(dropout),
        "mlp3" => Mlp3(dropout),
        "deep" => new DeepNet(dropout),
        "cnn" => new ConvNet(dropout),
        _ => throw new ArgumentException($"mnist: unknown model '{name}' (expected {string.Join(", ", Names)})"),
    };

    /// <summary>True for the model whose output is already log-probabilities (the loss is then NLL, not cross-entropy).</summary>
    public static bool OutputsLogProbabilities(string name) => name == "deep";

    /// <summary>
    /// Course 001: 784-200-200-10 with Kaiming-normal weights and zero biases, as <c>nn.Sequential</c> under the name
    /// <c>model</c> (its second listing). The course ends with a ReLU on the logits too; that clips every negative score
    /// to 0 and can freeze a class for good, so the logits are left as they are here.
    /// </summary>
    public static Module Mlp3(double dropout)
    {
        var layers = new List<Module>
        {
            new Linear(784, 200), new ReLU(),
        };
        if (dropout > 0) layers.Add(new Dropout(dropout));
        layers.Add(new Linear(200, 200));
        layers.Add(new ReLU());
        if (dropout > 0) layers.Add(new Dropout(dropout));
        layers.Add(new Linear(200, 10));
        var net = new MlpNet(new Sequential([.. layers]));
        foreach (var m in net.Modules())
        {
            if (m is not Linear linear) continue;
            Init.KaimingNormal_(linear.Weight);
            Init.Zeros_(linear.Bias!);
        }
        return net;
    }
}

/// <summary>Course 001's <c>MLP</c>: <c>self.model = nn.Sequential(...)</c>; the input is flattened to 784 first.</summary>
internal sealed class MlpNet : Module
{
    private readonly Sequential model;

    /// <summary>Wraps the layers.</summary>
    public MlpNet(Sequential layers)
    {
        model = layers;
        RegisterComponents();
    }

    /// <summary>Flattens [B, 1, 28, 28] to [B, 784] and runs the layers.</summary>
    public override Tensor Forward(Tensor input) => model.Forward(input.Reshape(-1, 784));
}

/// <summary>
/// Course 000's multi-class network from raw tensors: <c>W1</c> [784, 256] and <c>W2</c> [256, 10] drawn from N(0, 0.01²),
/// biases zero, <c>relu(X @ W1 + b1) @ W2 + b2</c>. The course trains <c>[W1, b2, W2, b2]</c>, leaving b1 out by a slip;
/// here all four are parameters. The course's biases are <c>zeros(1)</c>, one number shared by every unit; here each
/// unit has its own, as the d2l program the course follows has.
/// </summary>
internal sealed class RawMlp : Module
{
    private readonly Parameter W1 = new(Tensor.Randn(784, 256) * 0.01);
    private readonly Parameter b1 = new(Tensor.Zeros(256));
    private readonly Parameter W2 = new(Tensor.Randn(256, 10) * 0.01);
    private readonly Parameter b2 = new(Tensor.Zeros(10));

    /// <summary>Creates the four tensors; <paramref name="dropout"/> &gt; 0 drops hidden units while training.</summary>
    public RawMlp(double dropout)
    {
        DropoutP = dropout;
        RegisterComponents();
    }

    /// <summary>Probability of zeroing a hidden unit while training.</summary>
    public double DropoutP { get; }

    /// <summary><c>net(X)</c>: <c>H = relu(X @ W1 + b1)</c>, then <c>H @ W2 + b2</c>.</summary>
    public override Tensor Forward(Tensor input)
    {
        var x = input.Reshape(-1, 784);
        var h = (x.MatMul(W1) + b1).Relu();
        if (DropoutP > 0) h = F.Dropout(h, DropoutP, Training);
        return h.MatMul(W2) + b2;
    }

    /// <inheritdoc/>
    public override string ExtraRepr() => "W1: [784, 256], b1: [256], W2: [256, 10], b2: [10]" + (DropoutP > 0 ? $", dropout={DropoutP}" : "");
}

/// <summary>
/// Course 004's <c>Net</c>: fc1 784-700, fc2..fc6 700-700, fc7 700-10, ReLU between, <c>log_softmax</c> at the end (so the
/// loss is <c>nll_loss</c>). With dropout, as in the course's dropout exercise, fc5 and fc6 are followed by a dropout.
/// </summary>
internal sealed class DeepNet : Module
{
    private readonly Linear fc1 = new(784, 700), fc2 = new(700, 700), fc3 = new(700, 700), fc4 = new(700, 700),
        fc5 = new(700, 700), fc6 = new(700, 700), fc7 = new(700, 10);
    private readonly Dropout? dropout;

    /// <summary>Creates the seven layers; <paramref name="p"/> &gt; 0 adds the dropout after fc5 and fc6.</summary>
    public DeepNet(double p)
    {
        if (p > 0) dropout = new Dropout(p);
        RegisterComponents();
    }

    /// <summary>The course's forward: <c>x.view(-1, 784)</c>, six ReLU layers, fc7, <c>log_softmax</c>.</summary>
    public override Tensor Forward(Tensor input)
    {
        var x = input.Reshape(-1, 784);
        x = fc1.Forward(x).Relu();
        x = fc2.Forward(x).Relu();
        x = fc3.Forward(x).Relu();
        x = fc4.Forward(x).Relu();
        x = Drop(fc5.Forward(x)).Relu();
        x = Drop(fc6.Forward(x)).Relu();
        return fc7.Forward(x).LogSoftmax(1);
    }

    private Tensor Drop(Tensor x) => dropout is null ? x : dropout.Forward(x);
}

/// <summary>
/// Course 003's convolutional net, made for 3x32x32 CIFAR images, adapted to 1x28x28 digits: one input channel, and
/// the three 2x2 poolings take 28 to 14, 7 and 3, so the first linear layer takes 64*3*3 = 576 features instead of
/// 64*4*4. As in the course there is no activation function: the max-poolings are the only non-linearity. With
/// dropout, a dropout sits before the last linear layer.
/// </summary>
internal sealed class ConvNet : Module
{
    private readonly Sequential model;

    /// <summary>Creates the layers.</summary>
    public ConvNet(double dropout)
    {
        var layers = new List<Module>
        {
            new Conv2d(1, 32, 5, 1, 2), new MaxPool2d(2),
            new Conv2d(32, 32, 5, 1, 2), new MaxPool2d(2),
            new Conv2d(32, 64, 5, 1, 2), new MaxPool2d(2),
            new Flatten(), new Linear(64 * 3 * 3, 64),
        };
        if (dropout > 0) layers.Add(new Dropout(dropout));
        layers.Add(new Linear(64, 10));
        model = new Sequential([.. layers]);
        RegisterComponents();
    }

    /// <summary>Runs the layers on [B, 1, 28, 28] images.</summary>
    public override Tensor Forward(Tensor input) => model.Forward(input);
}
