using SharpGrad.Core;

namespace SharpGrad.NN.Manual;

/// <summary>
/// The course's TinyNet (exercises 6-8 of document 004), built from the hand-written layers: on (B, 3, 8, 8) input,
/// conv 3->6 3x3 pad 1 (B, 6, 8, 8), ReLU, max-pool 2/2 (B, 6, 4, 4), conv 6->12 3x3 pad 1 (B, 12, 4, 4), ReLU,
/// max-pool 2/2 (B, 12, 2, 2), fully connected 48->10, SoftmaxWithLoss. The course's table says padding 0 and a
/// second pool of stride 1; its code and its sizes say padding 1 and stride 2, which is what is built here.
/// The PyTorch equivalent is a module of <c>nn.Conv2d</c>, <c>nn.ReLU</c>, <c>nn.MaxPool2d</c>, <c>nn.Linear</c> trained
/// with <c>F.cross_entropy</c> and <c>optim.SGD(lr, weight_decay)</c>; here every gradient is written by hand.
/// </summary>
public sealed class TinyNet
{
    /// <summary>The parameter names in the course's order (the order of <see cref="Parameters"/> and of <see cref="Backward"/>'s result).</summary>
    public static IReadOnlyList<string> ParameterNames { get; } = ["W_conv1", "b_conv1", "W_conv2", "b_conv2", "W_fc", "b_fc"];

    /// <summary>
    /// Creates the net from its six parameters (course: <c>TinyNet(W_conv1, b_conv1, W_conv2, b_conv2, W_fc, b_fc)</c>):
    /// conv filters [6, 3, 3, 3] and [12, 6, 3, 3], biases [6] and [12], W_fc [48, 10] (in, out) and b_fc [10].
    /// Other channel counts and class counts work as long as the shapes agree with each other.
    /// </summary>
    public TinyNet(Tensor wConv1, Tensor bConv1, Tensor wConv2, Tensor bConv2, Tensor wFc, Tensor bFc)
    {
        Conv1 = new Convolution(wConv1, bConv1, stride: 1, pad: 1);
        Pool1 = new MaxPool(2, 2, stride: 2, pad: 0);
        Conv2 = new Convolution(wConv2, bConv2, stride: 1, pad: 1);
        Pool2 = new MaxPool(2, 2, stride: 2, pad: 0);
        Fc = new FullyConnected(wFc, bFc);
        if (wConv2.Shape[1] != wConv1.Shape[0])
            throw new ArgumentException(
                $"TinyNet: W_conv2 {Shape.Format(wConv2.Shape)} expects {wConv2.Shape[1]} input channels but W_conv1 {Shape.Format(wConv1.Shape)} makes {wConv1.Shape[0]}");
        if (wConv2.DType != wConv1.DType || wFc.DType != wConv1.DType)
            throw new ArgumentException($"TinyNet: the parameters must share one dtype, got {wConv1.DType.TorchName()}, {wConv2.DType.TorchName()} and {wFc.DType.TorchName()}");
    }

    /// <summary>
    /// A TinyNet with random parameters, as the course's platform generates them: He-normal filters and weights
    /// (std sqrt(2 / fan_in)) and small normal biases (std 0.1).
    /// </summary>
    public static TinyNet Random(DType dtype = DType.Float32, Generator? generator = null, int inChannels = 3, int classes = 10)
    {
        Tensor He(int[] shape, int fanIn) => Tensor.Randn(shape, generator, dtype) * Math.Sqrt(2.0 / fanIn);
        Tensor Bias(int size) => Tensor.Randn([size], generator, dtype) * 0.1;
        return new TinyNet(He([6, inChannels, 3, 3], inChannels * 9), Bias(6), He([12, 6, 3, 3], 54), Bias(12), He([48, classes], 48), Bias(classes));
    }

    /// <summary>Layer 1: conv, pad 1 (course: <c>self.conv1</c>).</summary>
    public Convolution Conv1 { get; private set; }

    /// <summary>Layer 2 (course: <c>self.relu1</c>).</summary>
    public Relu Relu1 { get; } = new();

    /// <summary>Layer 3: 2x2 max-pool, stride 2 (course: <c>self.pool1</c>).</summary>
    public MaxPool Pool1 { get; }

    /// <summary>Layer 4: conv, pad 1 (course: <c>self.conv2</c>).</summary>
    public Convolution Conv2 { get; private set; }

    /// <summary>Layer 5 (course: <c>self.relu2</c>).</summary>
    public Relu Relu2 { get; } = new();

    /// <summary>Layer 6: 2x2 max-pool, stride 2 (course: <c>self.pool2</c>).</summary>
    public MaxPool Pool2 { get; }

    /// <summary>Layer 7: fully connected (course: <c>self.fc</c>).</summary>
    public FullyConnected Fc { get; private set; }

    /// <summary>The loss (course: <c>self.loss</c>).</summary>
    public SoftmaxWithLoss LossLayer { get; } = new();

    /// <summary>The six parameters in the course's order: W_conv1, b_conv1, W_conv2, b_conv2, W_fc, b_fc.</summary>
    public Tensor[] Parameters => [Conv1.W, Conv1.B, Conv2.W, Conv2.B, Fc.W, Fc.B];

    /// <summary>
    /// Runs the seven layers and the loss (course: <c>forward(x, t)</c>); returns the fully connected layer's output
    /// [B, classes] and the loss. <paramref name="t"/> holds class indices (int64 [B]) or one-hot rows.
    /// </summary>
    public (Tensor Output, double Loss) Forward(Tensor x, Tensor t)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckInput(x);
        var h = Pool1.Forward(Relu1.Forward(Conv1.Forward(x)));
        h = Pool2.Forward(Relu2.Forward(Conv2.Forward(h)));
        var output = Fc.Forward(h);
        return (output, LossLayer.Forward(output, t));
    }

    /// <summary>
    /// Back-propagates the last <see cref="Forward"/> through the layers in reverse order and returns the gradients
    /// of the six parameters in the course's order (course: <c>backward()</c>).
    /// </summary>
    public Tensor[] Backward()
    {
        var d = LossLayer.Backward();
        d = Fc.Backward(d);
        d = Conv2.Backward(Relu2.Backward(Pool2.Backward(d)));
        Conv1.Backward(Relu1.Backward(Pool1.Backward(d)));
        return [Conv1.DW!, Conv1.DB!, Conv2.DW!, Conv2.DB!, Fc.DW!, Fc.DB!];
    }

    /// <summary>The loss on (<paramref name="x"/>, <paramref name="t"/>).</summary>
    public double Loss(Tensor x, Tensor t) => Forward(x, t).Loss;

    /// <summary>The gradients of the loss on (<paramref name="x"/>, <paramref name="t"/>) with respect to the six parameters: Forward then Backward.</summary>
    public Tensor[] Gradient(Tensor x, Tensor t)
    {
        Forward(x, t);
        return Backward();
    }

    /// <summary>
    /// One step of stochastic gradient descent with L2 regularisation (course: <c>train_one_iter(..., x, t, learning_rate,
    /// weight_decay)</c>; PyTorch <c>optim.SGD(params, lr, weight_decay=...)</c>): for every parameter p,
    /// p &lt;- p - learningRate * (dL/dp + weightDecay * p), the weight-decay term being the gradient of
    /// weightDecay / 2 * |p|^2. The parameters are replaced by new tensors (tensors obtained from <see cref="Parameters"/>
    /// before keep the old values, as the course's function returns new arrays). Returns the loss before the step.
    /// </summary>
    public double TrainOneIter(Tensor x, Tensor t, double learningRate, double weightDecay = 0)
    {
        if (!(learningRate > 0) || !double.IsFinite(learningRate))
            throw new ArgumentException($"TinyNet.TrainOneIter: the learning rate must be a positive number, got {learningRate}");
        if (!(weightDecay >= 0) || !double.IsFinite(weightDecay))
            throw new ArgumentException($"TinyNet.TrainOneIter: the weight decay must be at least 0, got {weightDecay}");
        double loss = Forward(x, t).Loss;
        var grads = Backward();
        var p = Parameters;
        var updated = new Tensor[p.Length];
        using (Tensor.NoGrad())
            for (int i = 0; i < p.Length; i++)
                updated[i] = p[i] - learningRate * (grads[i] + weightDecay * p[i]);
        Conv1 = new Convolution(updated[0], updated[1], Conv1.Stride, Conv1.Pad);
        Conv2 = new Convolution(updated[2], updated[3], Conv2.Stride, Conv2.Pad);
        Fc = new FullyConnected(updated[4], updated[5]);
        return loss;
    }

    private void CheckInput(Tensor x)
    {
        int inChannels = Conv1.W.Shape[1];
        if (x.NDim != 4 || x.Shape[1] != inChannels)
            throw new ArgumentException($"TinyNet.Forward: expected input (B, {inChannels}, H, W), got shape {Shape.Format(x.Shape)}");
        const string op = "TinyNet.Forward";
        int h = x.Shape[2], w = x.Shape[3];
        foreach (var (conv, pool) in new[] { (Conv1, Pool1), (Conv2, Pool2) })
        {
            h = Columns.OutputSize(op, "height", h, conv.W.Shape[2], conv.Stride, conv.Pad);
            w = Columns.OutputSize(op, "width", w, conv.W.Shape[3], conv.Stride, conv.Pad);
            h = Columns.OutputSize(op, "height", h, pool.PoolH, pool.Stride, pool.Pad);
            w = Columns.OutputSize(op, "width", w, pool.PoolW, pool.Stride, pool.Pad);
        }
        int features = Conv2.W.Shape[0] * h * w;
        if (features != Fc.W.Shape[0])
            throw new ArgumentException(
                $"TinyNet.Forward: input {Shape.Format(x.Shape)} gives {Conv2.W.Shape[0]}x{h}x{w} = {features} features after the second pool " +
                $"but W_fc {Shape.Format(Fc.W.Shape)} expects {Fc.W.Shape[0]} (the course's net takes (B, {inChannels}, 8, 8))");
    }
}
