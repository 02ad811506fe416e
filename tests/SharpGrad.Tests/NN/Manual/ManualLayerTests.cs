using SharpGrad;
using SharpGrad.NN.Manual;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.Tests.NN.Manual;

/// <summary>
/// The hand-written layers against SharpGrad autograd in float64: the same forward values, and Backward equal to
/// the gradients autograd finds for sum(out * dout) with a random dout.
/// </summary>
public class ManualLayerTests
{
    private const double Tight = 1e-10;

    private static Tensor Randn(int seed, params int[] shape) => Tensor.Randn(shape, new Generator((ulong)seed), DType.Float64);

    /// <summary>Gradients of sum(f(inputs) * dout) by autograd, for leaves made from <paramref name="values"/>.</summary>
    private static (Tensor Output, Tensor[] Grads) Reference(Func<Tensor[], Tensor> f, Tensor dout, params Tensor[] values)
    {
        var leaves = values.Select(v => v.Clone().RequiresGrad_()).ToArray();
        var output = f(leaves);
        var grads = Autograd.Grad((output * dout).Sum(), leaves);
        return (output.Detach(), grads.Select(g => g!).ToArray());
    }

    private static void Same(Tensor expected, Tensor actual, double tol = Tight)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        double diff = (expected - actual).Abs().Max().Item();
        Assert.True(diff < tol, $"max difference {diff}");
    }

    [Theory]
    [InlineData(1, 1, 5, 5, 1, 3, 3, 1, 0)]
    [InlineData(2, 3, 8, 8, 6, 3, 3, 1, 1)]
    [InlineData(3, 2, 7, 6, 4, 3, 2, 2, 1)]
    [InlineData(2, 3, 9, 9, 5, 5, 5, 3, 2)]
    [InlineData(2, 2, 4, 4, 3, 1, 1, 1, 0)]
    public void Convolution_BackwardMatchesAutograd(int n, int c, int h, int w, int fn, int fh, int fw, int stride, int pad)
    {
        var x = Randn(1, n, c, h, w);
        var weight = Randn(2, fn, c, fh, fw);
        var bias = Randn(3, fn);
        var layer = new Convolution(weight, bias, stride, pad);
        var output = layer.Forward(x);
        var dout = Randn(4, output.Shape);
        var dx = layer.Backward(dout);

        var (expected, grads) = Reference(p => Tensor.Conv2d(p[0], p[1], p[2], stride, pad), dout, x, weight, bias);
        Same(expected, output);
        Same(grads[0], dx);
        Same(grads[1], layer.DW!);
        Same(grads[2], layer.DB!);
    }

    [Fact]
    public void Relu_BackwardMatchesAutograd()
    {
        var x = Randn(5, 3, 4, 5);
        var layer = new Relu();
        var output = layer.Forward(x);
        var dout = Randn(6, 3, 4, 5);
        var (expected, grads) = Reference(p => F.Relu(p[0]), dout, x);
        Same(expected, output);
        Same(grads[0], layer.Backward(dout));
    }

    [Theory]
    [InlineData(2, 3, 8, 8, 2, 2, 2, 0)]
    [InlineData(2, 2, 7, 7, 3, 3, 2, 1)]
    [InlineData(1, 3, 6, 5, 2, 3, 1, 1)]
    [InlineData(3, 1, 5, 5, 3, 3, 1, 0)]
    public void MaxPool_BackwardMatchesAutograd(int n, int c, int h, int w, int ph, int pw, int stride, int pad)
    {
        var x = Randn(7, n, c, h, w);
        var layer = new MaxPool(ph, pw, stride, pad);
        var output = layer.Forward(x);
        var dout = Randn(8, output.Shape);
        var (expected, grads) = Reference(p => Tensor.MaxPool2d(p[0], (ph, pw), (stride, stride), (pad, pad)), dout, x);
        Same(expected, output);
        Same(grads[0], layer.Backward(dout));
    }

    [Fact]
    public void MaxPool_PadsWithMinusInfinityLikePyTorch()
    {
        // All values negative: a zero padding (the book's) would win at the border; -infinity does not.
        var x = -Randn(9, 1, 1, 4, 4).Abs() - 1;
        var output = new MaxPool(3, 3, stride: 2, pad: 1).Forward(x);
        Same(Tensor.MaxPool2d(x, (3, 3), (2, 2), (1, 1)), output);
        Assert.True(output.Max().Item() < 0);
    }

    [Theory]
    [InlineData(new[] { 4, 12, 2, 2 })]
    [InlineData(new[] { 3, 7 })]
    public void FullyConnected_BackwardMatchesAutograd(int[] inputShape)
    {
        int features = inputShape.Skip(1).Aggregate(1, (a, b) => a * b);
        var x = Randn(10, inputShape);
        var weight = Randn(11, features, 5);
        var bias = Randn(12, 5);
        var layer = new FullyConnected(weight, bias);
        var output = layer.Forward(x);
        var dout = Randn(13, inputShape[0], 5);
        // PyTorch's linear stores the transpose of the course's W.
        var (expected, grads) = Reference(p => F.Linear(p[0].Flatten(1), p[1].T, p[2]), dout, x, weight, bias);
        Same(expected, output);
        Same(grads[0], layer.Backward(dout));
        Same(grads[1], layer.DW!);
        Same(grads[2], layer.DB!);
    }

    [Fact]
    public void SoftmaxWithLoss_MatchesCrossEntropyWithIndicesAndOneHot()
    {
        var x = Randn(14, 5, 4);
        var labels = Tensor.From(new long[] { 3, 0, 1, 3, 2 });
        var oneHot = F.OneHot(labels, 4).Double();
        foreach (var target in new[] { labels, oneHot })
        {
            var layer = new SoftmaxWithLoss();
            double loss = layer.Forward(x, target);
            var leaf = x.Clone().RequiresGrad_();
            var reference = F.CrossEntropy(leaf, labels);
            Check.Close(reference.Item(), loss, 1e-12);
            Same(Autograd.Grad(reference, [leaf])[0]!, layer.Backward());
            // backward(dout) scales the gradient: the loss times dout.
            Same(Autograd.Grad(F.CrossEntropy(leaf, labels) * 2.5, [leaf])[0]!, layer.Backward(2.5));
        }
    }

    [Fact]
    public void Columns_Im2ColLaysWindowsOutAsTheBookDoes()
    {
        // One 3x3 image, 2x2 windows, stride 1: rows are the windows in row-major order.
        var x = Tensor.Arange(1.0, 10.0, 1.0, DType.Float64).View(1, 1, 3, 3);
        var col = Columns.Im2Col(x, 2, 2);
        Check.Close(col, [4, 4], [1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9], 0);
    }

    [Fact]
    public void Columns_Col2ImIsTheAdjointOfIm2Col()
    {
        // <im2col(x), c> = <x, col2im(c)> for every x and c.
        var x = Randn(15, 2, 3, 7, 6);
        var col = Columns.Im2Col(x, 3, 2, stride: 2, pad: 1);
        var c = Randn(16, col.Shape);
        double left = (col * c).Sum().Item();
        double right = (x * Columns.Col2Im(c, x.Shape, 3, 2, stride: 2, pad: 1)).Sum().Item();
        Check.Close(left, right, 1e-12);
    }

    [Fact]
    public void Layers_WorkInFloat32()
    {
        var x = Tensor.Randn([2, 3, 6, 6], new Generator(17));
        var weight = Tensor.Randn([4, 3, 3, 3], new Generator(18));
        var bias = Tensor.Randn([4], new Generator(19));
        var output = new Convolution(weight, bias, 1, 1).Forward(x);
        Assert.Equal(DType.Float32, output.DType);
        Same(Tensor.Conv2d(x, weight, bias, 1, 1), output, 1e-4);
    }

    [Fact]
    public void Layers_DoNotRecordAutogradGraphs()
    {
        var weight = Randn(20, 2, 1, 3, 3).RequiresGrad_();
        var output = new Convolution(weight, Randn(21, 2), 1, 1).Forward(Randn(22, 1, 1, 4, 4));
        Assert.False(output.RequiresGrad);
    }
}
