using System.Text;
using SharpGrad.Graph;

namespace SharpGrad;

/// <summary>Functions of the autograd engine (PyTorch <c>torch.autograd</c>): gradients on demand and numerical gradient checks.</summary>
public static class Autograd
{
    /// <summary>
    /// Gradients of <paramref name="output"/> with respect to <paramref name="inputs"/>, returned
    /// rather than accumulated into <c>Grad</c> (<c>torch.autograd.grad</c>). An input that the output
    /// does not depend on gives null when <paramref name="allowUnused"/> is true, an error otherwise.
    /// </summary>
    public static Tensor?[] Grad(Tensor output, Tensor[] inputs, Tensor? gradOutput = null, bool retainGraph = false,
        bool createGraph = false, bool allowUnused = false)
    {
        if (!output.RequiresGrad)
            throw new InvalidOperationException(
                $"grad: the output (shape {Core.Shape.Format(output.Shape)}) does not require grad and does not have a grad_fn");
        if (gradOutput is null)
        {
            if (output.Numel() != 1)
                throw new InvalidOperationException(
                    $"grad: grad can be implicitly created only for scalar outputs, but the output has shape {Core.Shape.Format(output.Shape)}");
            gradOutput = Tensor.OnesLike(output);
        }
        else if (!gradOutput.Layout.Sizes.AsSpan().SequenceEqual(output.Layout.Sizes))
            throw new ArgumentException(
                $"grad: gradOutput has shape {Core.Shape.Format(gradOutput.Layout.Sizes)} but the output has shape {Core.Shape.Format(output.Layout.Sizes)}");
        else if (gradOutput.DType != output.DType)
            gradOutput = gradOutput.To(output.DType);
        var grads = Engine.Grad(output, gradOutput, inputs, retainGraph || createGraph, createGraph);
        for (int i = 0; i < grads.Length; i++)
            if (grads[i] is null && !allowUnused)
                throw new InvalidOperationException(
                    $"grad: one of the differentiated tensors (input {i}, shape {Core.Shape.Format(inputs[i].Shape)}) appears to not have been used in the graph; " +
                    "pass allowUnused: true if this is the desired behavior");
        return grads;
    }

    /// <summary>
    /// The autograd graph behind <paramref name="output"/> (torchviz's <c>make_dot(output)</c>): its backward functions
    /// with PyTorch's names and saved-tensor shapes, and the leaves that require grad. Draw it with <c>ToDot()</c>, or
    /// with <c>SharpGrad.Plotting.GraphDrawing.ToSvg</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The output does not require grad.</exception>
    public static AutogradGraph Graph(Tensor output) => AutogradGraph.Build(output, null);

    /// <summary>
    /// <see cref="Graph(Tensor)"/> with leaves named from <paramref name="names"/> (torchviz's
    /// <c>params=dict(model.named_parameters())</c>): pass <c>module.NamedParameters()</c>, or pairs such as <c>[("a", a), ("b", b)]</c>.
    /// </summary>
    public static AutogradGraph Graph<T>(Tensor output, IEnumerable<(string Name, T Tensor)> names) where T : Tensor
    {
        ArgumentNullException.ThrowIfNull(names);
        return AutogradGraph.Build(output, names.Select(p => (p.Name, (Tensor)p.Tensor)));
    }

    /// <summary>
    /// Runs <c>output.Backward()</c> and records it node by node: for each node in the order the engine ran it, the
    /// gradient that reached it, its local-gradient rule in words, and the gradients it sent on. The gradients are the
    /// ones the engine computed (copies), so they equal the leaves' <c>Grad</c> bit for bit when those started empty.
    /// There is no PyTorch equivalent; the graph is that of <see cref="Graph(Tensor)"/>, drawn before the pass.
    /// </summary>
    /// <param name="output">A scalar (usually the loss), or any tensor with <paramref name="gradient"/>.</param>
    /// <param name="gradient">The gradient of the output; ones for a scalar when null.</param>
    /// <param name="retainGraph">Keep the saved tensors (as <c>backward(retain_graph=True)</c>).</param>
    /// <exception cref="ArgumentException">The output does not require grad.</exception>
    public static BackwardTrace Trace(Tensor output, Tensor? gradient = null, bool retainGraph = false) =>
        TraceCore(AutogradGraph.Build(output, null), output, gradient, retainGraph);

    /// <summary><see cref="Trace(Tensor, Tensor?, bool)"/> with leaves named from <paramref name="names"/> (<c>module.NamedParameters()</c>, or pairs).</summary>
    public static BackwardTrace Trace<T>(Tensor output, IEnumerable<(string Name, T Tensor)> names, Tensor? gradient = null, bool retainGraph = false)
        where T : Tensor => TraceCore(Graph(output, names), output, gradient, retainGraph);

    private static BackwardTrace TraceCore(AutogradGraph graph, Tensor output, Tensor? gradient, bool retainGraph)
    {
        var recorder = new TraceRecorder(graph);
        Engine.Backward(output, gradient, retainGraph, createGraph: false, recorder);
        return recorder.Result();
    }

    /// <summary>
    /// Compares the gradients that backward computes for <paramref name="function"/> with central
    /// finite differences (<c>torch.autograd.gradcheck</c>, same defaults). Inputs that require grad must
    /// be float64 and must not have overlapping elements (no expanded views). Throws with the
    /// mismatching Jacobian entries when <paramref name="raiseException"/>, else returns false.
    /// </summary>
    public static bool GradCheck(Func<Tensor[], Tensor> function, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5,
        double rtol = 1e-3, bool raiseException = true)
    {
        var diffIndices = new List<int>();
        for (int i = 0; i < inputs.Length; i++)
        {
            if (!inputs[i].RequiresGrad) continue;
            if (inputs[i].DType != DType.Float64)
                throw new ArgumentException($"gradcheck: input {i} requires grad but is {inputs[i].DType.TorchName()}; use float64 inputs for a meaningful check");
            if (HasOverlap(inputs[i].Layout))
                throw new ArgumentException($"gradcheck: input {i} has overlapping memory (stride 0 or aliasing views); pass a contiguous copy");
            diffIndices.Add(i);
        }
        if (diffIndices.Count == 0) throw new ArgumentException("gradcheck: no input requires grad; call RequiresGrad_() on at least one input");

        var output = function(inputs);
        if (!output.RequiresGrad) throw new ArgumentException("gradcheck: the function's output does not require grad; it does not depend on any input that does");
        int nOut = output.Numel();

        var report = new StringBuilder();
        foreach (int i in diffIndices)
        {
            var x = inputs[i];
            int nIn = x.Numel();
            var numerical = NumericalJacobian(function, inputs, x, nIn, nOut, eps);
            var analytical = AnalyticalJacobian(function, inputs, x, nIn, nOut);
            for (int j = 0; j < nIn; j++)
                for (int k = 0; k < nOut; k++)
                {
                    double n = numerical[j, k], a = analytical[j, k];
                    if (!(Math.Abs(a - n) <= atol + rtol * Math.Abs(n)))
                    {
                        report.AppendLine($"  input {i} element {j}, output element {k}: numerical {n:G10}, analytical {a:G10}");
                        if (report.Length > 4000) goto Done;
                    }
                }
        }
    Done:
        if (report.Length == 0) return true;
        if (raiseException)
            throw new GradCheckException($"gradcheck: Jacobian mismatch (atol {atol}, rtol {rtol}):\n{report}");
        return false;
    }

    /// <summary><see cref="GradCheck(Func{Tensor[], Tensor}, Tensor[], double, double, double, bool)"/> for a function of one tensor.</summary>
    public static bool GradCheck(Func<Tensor, Tensor> function, Tensor input, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3, bool raiseException = true)
        => GradCheck(xs => function(xs[0]), [input], eps, atol, rtol, raiseException);

    private static double[,] NumericalJacobian(Func<Tensor[], Tensor> function, Tensor[] inputs, Tensor x, int nIn, int nOut, double eps)
    {
        var jac = new double[nIn, nOut];
        var data = x.Buffer<double>();
        // Evaluated in the caller's grad mode (as PyTorch does), so a function that itself calls
        // Autograd.Grad, as a gradgradcheck does, works; the perturbation bypasses the version counter.
        for (int j = 0; j < nIn; j++)
        {
            int at = StorageIndex(x.Layout, j);
            double orig = data[at];
            data[at] = orig + eps;
            var plus = function(inputs).Double().ToArray<double>();
            data[at] = orig - eps;
            var minus = function(inputs).Double().ToArray<double>();
            data[at] = orig;
            for (int k = 0; k < nOut; k++) jac[j, k] = (plus[k] - minus[k]) / (2 * eps);
        }
        return jac;
    }

    private static double[,] AnalyticalJacobian(Func<Tensor[], Tensor> function, Tensor[] inputs, Tensor x, int nIn, int nOut)
    {
        var jac = new double[nIn, nOut];
        var output = function(inputs);
        for (int k = 0; k < nOut; k++)
        {
            var onehot = Tensor.ZerosLike(output);
            using (Tensor.NoGrad()) onehot.Reshape(-1).Select(0, k).Fill_(1);
            var g = Grad(output, [x], onehot, retainGraph: true, allowUnused: true)[0];
            if (g is null) continue;
            var values = g.Double().ToArray<double>();
            for (int j = 0; j < nIn; j++) jac[j, k] = values[j];
        }
        return jac;
    }

    /// <summary>Storage index of the element with row-major position <paramref name="flat"/>.</summary>
    private static int StorageIndex(Core.Layout layout, int flat)
    {
        int at = layout.Offset;
        for (int d = layout.Rank - 1; d >= 0; d--)
        {
            int size = layout.Sizes[d];
            at += flat % size * layout.Strides[d];
            flat /= size;
        }
        return at;
    }

    private static bool HasOverlap(Core.Layout layout)
    {
        var seen = new HashSet<int>();
        for (int j = 0; j < layout.Numel; j++)
            if (!seen.Add(StorageIndex(layout, j))) return true;
        return false;
    }
}

/// <summary>Thrown by <see cref="Autograd.GradCheck(Func{Tensor[], Tensor}, Tensor[], double, double, double, bool)"/> when gradients disagree (<c>torch.autograd.GradcheckError</c>).</summary>
public sealed class GradCheckException(string message) : Exception(message);
