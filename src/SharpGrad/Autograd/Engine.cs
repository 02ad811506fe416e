namespace SharpGrad.Graph;

/// <summary>
/// Runs backward passes: walks the graph from a root without recursion, in a deterministic order
/// (a node runs once all its consumers have run; among ready nodes the most recently created goes first),
/// sums the gradients that reach a node from several consumers, and frees the graph unless asked to retain it.
/// </summary>
internal static class Engine
{
    public static void Backward(Tensor root, Tensor? gradient, bool retainGraph, bool createGraph)
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException(
                "backward: element 0 of tensors does not require grad and does not have a grad_fn " +
                $"(shape {Core.Shape.Format(root.Shape)}); call RequiresGrad_() on a leaf before computing from it");
        if (gradient is null)
        {
            if (root.Numel() != 1)
                throw new InvalidOperationException(
                    $"backward: grad can be implicitly created only for scalar outputs, but the output has shape {Core.Shape.Format(root.Shape)}; " +
                    "pass a gradient of the same shape: Backward(gradient)");
            gradient = Tensor.OnesLike(root);
        }
        else if (!gradient.Shape.AsSpan().SequenceEqual(root.Shape))
            throw new ArgumentException(
                $"backward: gradient has shape {Core.Shape.Format(gradient.Shape)} but the output has shape {Core.Shape.Format(root.Shape)}");
        else if (gradient.DType != root.DType)
            gradient = gradient.To(root.DType);

        Node rootNode = root.GradFn ?? root.GradAccumulator;
        Run(rootNode, gradient, retainGraph, createGraph, null);
    }

    /// <summary>
    /// Gradients of <paramref name="output"/> with respect to <paramref name="inputs"/>, returned
    /// instead of accumulated into <c>Grad</c> (the engine half of <c>torch.autograd.grad</c>).
    /// </summary>
    public static Tensor?[] Grad(Tensor output, Tensor gradOutput, Tensor[] inputs, bool retainGraph, bool createGraph)
    {
        var targets = new Node[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            if (!inputs[i].RequiresGrad)
                throw new ArgumentException($"grad: input {i} (shape {Core.Shape.Format(inputs[i].Shape)}) does not require grad");
            targets[i] = inputs[i].GradFn ?? inputs[i].GradAccumulator;
        }
        var captured = new Dictionary<Node, Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var t in targets) captured[t] = null!;
        Run(output.GradFn ?? output.GradAccumulator, gradOutput, retainGraph, createGraph, captured);
        var result = new Tensor?[inputs.Length];
        for (int i = 0; i < inputs.Length; i++) result[i] = captured[targets[i]];
        return result;
    }

    private static void Run(Node rootNode, Tensor rootGrad, bool retainGraph, bool createGraph, Dictionary<Node, Tensor>? capture)
    {
        var dependencies = CountDependencies(rootNode);
        var pending = new Dictionary<Node, Tensor>(ReferenceEqualityComparer.Instance) { [rootNode] = rootGrad };
        var ready = new PriorityQueue<Node, long>();
        ready.Enqueue(rootNode, -rootNode.Sequence);

        using var mode = GradMode.Set(createGraph);
        while (ready.TryDequeue(out var node, out _))
        {
            Tensor?[] inputGrads = [];
            if (pending.Remove(node, out var grad))
            {
                if (capture is not null)
                {
                    if (capture.ContainsKey(node)) capture[node] = grad;
                    if (node is AccumulateGrad) continue;
                }
                node.ThrowIfReleased();
                inputGrads = node.Backward(grad);
                if (!retainGraph && node is not AccumulateGrad) node.Release();
            }
            var next = node.NextFunctions;
            for (int i = 0; i < next.Length; i++)
            {
                var child = next[i];
                if (child is null) continue;
                var g = i < inputGrads.Length ? inputGrads[i] : null;
                if (g is not null)
                    pending[child] = pending.TryGetValue(child, out var sum) ? sum + g : g;
                if (--dependencies[child] == 0)
                    ready.Enqueue(child, -child.Sequence);
            }
        }
    }

    private static Dictionary<Node, int> CountDependencies(Node root)
    {
        var counts = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance) { root };
        var stack = new Stack<Node>();
        stack.Push(root);
        while (stack.TryPop(out var node))
        {
            foreach (var child in node.NextFunctions)
            {
                if (child is null) continue;
                counts[child] = counts.GetValueOrDefault(child) + 1;
                if (seen.Add(child)) stack.Push(child);
            }
        }
        return counts;
    }
}
