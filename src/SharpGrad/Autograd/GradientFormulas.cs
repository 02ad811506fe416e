namespace SharpGrad.Graph;

/// <summary>
/// Each backward function's local gradients in words, as a learner derives them by hand: for an op with inputs a, b
/// (or x) and upstream gradient <c>grad</c>, what each input receives. Inputs that were broadcast get the gradient
/// summed back to their own shape (said once, in <see cref="BroadcastNote"/>).
/// </summary>
public static class GradientFormulas
{
    /// <summary>The remark that applies to every element-wise op with broadcast inputs.</summary>
    public const string BroadcastNote = "an input that was broadcast gets its gradient summed back to its own shape";

    private static readonly Dictionary<string, string[]> s_rules = new()
    {
        ["AccumulateGrad"] = ["x.grad += grad"],
        ["AddBackward0"] = ["grad_a = grad", "grad_b = grad"],
        ["SubBackward0"] = ["grad_a = grad", "grad_b = -grad"],
        ["MulBackward0"] = ["grad_a = grad * b", "grad_b = grad * a"],
        ["DivBackward0"] = ["grad_a = grad / b", "grad_b = -grad * a / b²"],
        ["PowBackward0"] = ["grad_x = grad * n * x^(n-1)"],
        ["PowBackward1"] = ["grad_x = grad * e * x^(e-1)", "grad_e = grad * x^e * ln(x)"],
        ["NegBackward0"] = ["grad_x = -grad"],
        ["ExpBackward0"] = ["grad_x = grad * exp(x)"],
        ["LogBackward0"] = ["grad_x = grad / x"],
        ["Log2Backward0"] = ["grad_x = grad / (x * ln 2)"],
        ["SqrtBackward0"] = ["grad_x = grad / (2 * sqrt(x))"],
        ["AbsBackward0"] = ["grad_x = grad * sign(x)"],
        ["SignBackward0"] = ["grad_x = 0"],
        ["SinBackward0"] = ["grad_x = grad * cos(x)"],
        ["CosBackward0"] = ["grad_x = -grad * sin(x)"],
        ["TanhBackward0"] = ["grad_x = grad * (1 - tanh(x)²)"],
        ["SigmoidBackward0"] = ["grad_x = grad * s * (1 - s), s = sigmoid(x)"],
        ["ReluBackward0"] = ["grad_x = grad * (x > 0)"],
        ["LeakyReluBackward0"] = ["grad_x = grad * (x > 0 ? 1 : negative_slope)"],
        ["EluBackward0"] = ["grad_x = grad * (x > 0 ? 1 : alpha * exp(x))"],
        ["GeluBackward0"] = ["grad_x = grad * (Φ(x) + x * φ(x))"],
        ["HardtanhBackward0"] = ["grad_x = grad * (min_val < x < max_val)"],
        ["ClampBackward1"] = ["grad_x = grad * (min <= x <= max)"],
        ["MaximumBackward0"] = ["grad_a = grad * (a > b), half of it where a = b", "grad_b = grad * (b > a), half of it where a = b"],
        ["MinimumBackward0"] = ["grad_a = grad * (a < b), half of it where a = b", "grad_b = grad * (b < a), half of it where a = b"],
        ["WhereBackward0"] = ["grad_a = grad where condition, else 0", "grad_b = grad where not condition, else 0"],
        ["SumBackward0"] = ["grad_x = grad copied to every element of x"],
        ["SumBackward1"] = ["grad_x = grad copied along the summed dimensions"],
        ["MeanBackward0"] = ["grad_x = grad / n for every element of x (n = x.numel())"],
        ["MeanBackward1"] = ["grad_x = grad / n copied along the averaged dimensions (n = their size)"],
        ["MaxBackward0"] = ["grad_x = grad at the maximum, 0 elsewhere (shared evenly on ties)"],
        ["MaxBackward1"] = ["grad_x = grad at each maximum along the dimension, 0 elsewhere"],
        ["MinBackward0"] = ["grad_x = grad at the minimum, 0 elsewhere (shared evenly on ties)"],
        ["MinBackward1"] = ["grad_x = grad at each minimum along the dimension, 0 elsewhere"],
        ["ProdBackward0"] = ["grad_x = grad * (product of the other elements)"],
        ["ProdBackward1"] = ["grad_x = grad * (product of the other elements along the dimension)"],
        ["MmBackward0"] = ["grad_a = grad @ bᵀ", "grad_b = aᵀ @ grad"],
        ["BmmBackward0"] = ["grad_a = grad @ bᵀ (per batch)", "grad_b = aᵀ @ grad (per batch)"],
        ["AddmmBackward0"] = ["grad_x = grad @ W", "grad_W = gradᵀ @ x", "grad_b = grad summed over the rows"],
        ["ConvolutionBackward0"] =
        [
            "grad_x = grad convolved back through the flipped kernels W (transposed convolution)",
            "grad_W = correlation of x with grad, summed over the batch",
            "grad_b = grad summed over batch, height and width",
        ],
        ["MaxPool2DWithIndicesBackward0"] = ["grad_x = each window's grad sent to the position of its maximum, 0 elsewhere"],
        ["AvgPool2DBackward0"] = ["grad_x = each window's grad spread evenly over its k×k inputs (grad / k²)"],
        ["SoftmaxBackward0"] = ["grad_x = y * (grad - sum(grad * y, dim)), y = softmax(x)"],
        ["LogSoftmaxBackward0"] = ["grad_x = grad - softmax(x) * sum(grad, dim)"],
        ["NllLossBackward0"] = ["grad_x = -grad / N at each row's target class, 0 elsewhere (N rows, mean reduction)"],
        ["CrossEntropyLossBackward0"] = ["grad_x = grad * (softmax(x) - onehot(target)) / N"],
        ["MseLossBackward0"] = ["grad_a = grad * 2 * (a - b) / n", "grad_b = -grad * 2 * (a - b) / n"],
        ["L1LossBackward0"] = ["grad_a = grad * sign(a - b) / n", "grad_b = -grad * sign(a - b) / n"],
        ["HuberLossBackward0"] = ["grad_a = grad * clamp(a - b, -delta, delta) / n", "grad_b = -grad_a"],
        ["SmoothL1LossBackward0"] = ["grad_a = grad * clamp((a - b) / beta, -1, 1) / n", "grad_b = -grad_a"],
        ["BinaryCrossEntropyBackward0"] = ["grad_p = grad * (p - y) / (p * (1 - p)) / n"],
        ["BinaryCrossEntropyWithLogitsBackward0"] = ["grad_x = grad * (sigmoid(x) - y) / n"],
        ["ViewBackward0"] = ["grad_x = grad reshaped to x's shape"],
        ["AliasBackward0"] = ["grad_x = grad"],
        ["CloneBackward0"] = ["grad_x = grad"],
        ["ToCopyBackward0"] = ["grad_x = grad converted back to x's dtype"],
        ["PermuteBackward0"] = ["grad_x = grad with the dimensions permuted back"],
        ["TransposeBackward0"] = ["grad_x = grad transposed back"],
        ["ExpandBackward0"] = ["grad_x = grad summed over the expanded dimensions"],
        ["SqueezeBackward0"] = ["grad_x = grad with the removed size-1 dimensions put back"],
        ["SqueezeBackward1"] = ["grad_x = grad with the removed size-1 dimension put back"],
        ["UnsqueezeBackward0"] = ["grad_x = grad with the added dimension removed"],
        ["SelectBackward0"] = ["grad_x = zeros of x's shape, grad written at the selected index"],
        ["SliceBackward0"] = ["grad_x = zeros of x's shape, grad written into the slice"],
        ["CatBackward0"] = ["grad_i = the slice of grad that input i filled"],
        ["StackBackward0"] = ["grad_i = grad[i] along the stacked dimension"],
        ["IndexSelectBackward0"] = ["grad_x = zeros of x's shape, grad added at the selected indices"],
        ["GatherBackward0"] = ["grad_x = zeros of x's shape, grad added at the gathered positions"],
        ["ScatterAddBackward0"] = ["grad_x = grad", "grad_src = grad gathered at the index"],
        ["ScatterBackward0"] = ["grad_x = grad, 0 where overwritten", "grad_src = grad gathered at the index"],
        ["ScatterBackward1"] = ["grad_x = grad, 0 where overwritten"],
        ["IndexAddBackward0"] = ["grad_x = grad", "grad_src = grad selected at the index"],
        ["MaskedSelectBackward0"] = ["grad_x = zeros of x's shape, grad written where the mask is true"],
        ["CopySlices"] = ["grad_x = grad, 0 in the region overwritten in place", "grad_src = grad of the overwritten region"],
    };

    /// <summary>
    /// The local-gradient rules of backward function <paramref name="name"/>, one per input
    /// (e.g. <c>["grad_a = grad * b", "grad_b = grad * a"]</c> for <c>MulBackward0</c>); a generic line for a name without one.
    /// </summary>
    public static IReadOnlyList<string> For(string name) =>
        s_rules.TryGetValue(name, out var rules) ? rules : [$"the gradients of its inputs, computed from grad by {name}'s own rule"];

    /// <summary>
    /// The rules of <paramref name="node"/>: those of its name, except for a loss that SharpGrad composes from smaller ops
    /// and only names after PyTorch's node: that node passes grad on unchanged and the ops it is made of do the work.
    /// </summary>
    internal static IReadOnlyList<string> For(Node node) =>
        node is Tensor.PassBackward && !s_rules.ContainsKey(node.Name) || node is Tensor.PassBackward && node.Name.EndsWith("LossBackward0", StringComparison.Ordinal)
            ? ["grad_x = grad (this node names the loss; the ops it is composed of, drawn above it, compute its gradient)"]
            : For(node.Name);

    /// <summary>All rules of <paramref name="name"/> on one line: <c>"MulBackward0: grad_a = grad * b; grad_b = grad * a"</c>.</summary>
    public static string Describe(string name) => $"{name}: {string.Join("; ", For(name))}";
}
