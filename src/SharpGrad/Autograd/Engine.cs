using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;

namespace SharpGrad.Graph;

/// <summary>Watches a backward pass node by node (<see cref="Autograd.Trace"/>); the engine calls it only when one is given.</summary>
internal interface IBackwardObserver
{
    /// <summary>Node <paramref name="node"/> is about to run with the summed gradient <paramref name="grad"/> of its output.</summary>
    void Running(Node node, Tensor grad);

    /// <summary>Node <paramref name="node"/> returned <paramref name="inputGrads"/> (one per input, null where none; empty for AccumulateGrad).</summary>
    void Ran(Node node, Tensor?[] inputGrads);
}

/// <summary>
/// Runs backward passes: walks the graph from a root without recursion, in a deterministic order
/// (a node runs once all its consumers have run; among ready nodes the most recently created goes first),
/// sums the gradients that reach a node from several consumers, and frees the graph unless asked to retain it.
/// </summary>
internal static class Engine
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(Tensor root, Tensor? gradient, bool retainGraph, bool createGraph, IBackwardObserver? observer = null)
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
        Run(rootNode, gradient, retainGraph, createGraph, null, observer);
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
        Run(output.GradFn ?? output.GradAccumulator, gradOutput, retainGraph, createGraph, captured, null);
        var result = new Tensor?[inputs.Length];
        for (int i = 0; i < inputs.Length; i++) result[i] = captured[targets[i]];
        return result;
    }

    /// <summary>The collections one backward pass works in, kept per thread between passes so a pass allocates none.</summary>
    private sealed class Workspace
    {
        public readonly Dictionary<Node, int> Counts = new(ReferenceEqualityComparer.Instance);
        public readonly HashSet<Node> Seen = new(ReferenceEqualityComparer.Instance);
        public readonly Stack<Node> Stack = new();
        public readonly Dictionary<Node, Tensor> Pending = new(ReferenceEqualityComparer.Instance);
        public readonly ReadyQueue Ready = new();
        public List<Action>? Callbacks; // queued by QueueCallback during the pass; null until first used

        public void Clear()
        {
            Callbacks?.Clear();
            Counts.Clear();
            Seen.Clear();
            Stack.Clear();
            Pending.Clear();
            Ready.Clear();
        }
    }

    /// <summary>
    /// The nodes whose consumers have all run, most recently created (highest <see cref="Node.Sequence"/>) first: a
    /// binary max-heap. (PriorityQueue would do the same, but its instantiation for nodes is not precompiled, and
    /// a short program would run it as unoptimised tier-0 code.) Sequences are unique, so the order is fixed.
    /// </summary>
    private sealed class ReadyQueue
    {
        private Node[] _heap = new Node[16];
        private int _count;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Enqueue(Node node)
        {
            if (_count == _heap.Length) Array.Resize(ref _heap, _count * 2);
            int i = _count++;
            long key = node.Sequence;
            while (i > 0)
            {
                int parent = (i - 1) >> 1;
                if (_heap[parent].Sequence >= key) break;
                _heap[i] = _heap[parent];
                i = parent;
            }
            _heap[i] = node;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public bool TryDequeue([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Node? node)
        {
            if (_count == 0) { node = null; return false; }
            node = _heap[0];
            var last = _heap[--_count];
            _heap[_count] = null!;
            if (_count == 0) return true;
            long key = last.Sequence;
            int i = 0;
            while (true)
            {
                int child = 2 * i + 1;
                if (child >= _count) break;
                if (child + 1 < _count && _heap[child + 1].Sequence > _heap[child].Sequence) child++;
                if (_heap[child].Sequence <= key) break;
                _heap[i] = _heap[child];
                i = child;
            }
            _heap[i] = last;
            return true;
        }

        public void Clear()
        {
            Array.Clear(_heap, 0, _count);
            _count = 0;
        }
    }

    // Taken (set to null) while a pass runs, so a nested pass on the same thread gets its own.
    [ThreadStatic] private static Workspace? t_workspace;

    private static void Run(Node rootNode, Tensor rootGrad, bool retainGraph, bool createGraph, Dictionary<Node, Tensor>? capture,
        IBackwardObserver? observer)
    {
        var workspace = t_workspace ?? new Workspace();
        t_workspace = null;
        try
        {
            Run(rootNode, rootGrad, retainGraph, createGraph, capture, observer, workspace);
        }
        finally
        {
            workspace.Clear();
            t_workspace = workspace;
        }
    }

    // The pass running on this thread when it accumulates into leaves' Grad (no createGraph, not Autograd.Grad), else null.
    [ThreadStatic] private static Workspace? t_accumulating;

    /// <summary>
    /// The existing <c>Grad</c> of the leaf behind <paramref name="child"/>, when the node now running may add its
    /// gradient for that edge straight into it (as <c>AccumulateGrad</c> would, <c>grad += g</c> in place) instead of
    /// returning it: the pass accumulates into leaves (no createGraph, not <c>torch.autograd.grad</c>), this is the
    /// leaf's only remaining edge and no other gradient for it is pending (so the sum is the same one), and the
    /// gradient is a contiguous float tensor of the leaf's shape and <paramref name="dtype"/>, not part of a graph.
    /// A node that writes into it returns null for that input. Otherwise null.
    /// </summary>
    internal static Tensor? LeafGradToAccumulateInto(Node? child, DType dtype)
    {
        var pass = t_accumulating;
        if (pass is null || child is not AccumulateGrad acc) return null;
        var leaf = acc.Variable;
        var grad = leaf.Grad;
        if (grad is null || grad.GradFn is not null || grad.RequiresGrad || grad.DType != dtype || leaf.DType != dtype
            || !dtype.IsFloatingPoint() || !grad.Layout.IsContiguous
            || !grad.Layout.Sizes.AsSpan().SequenceEqual(leaf.Layout.Sizes)
            || pass.Counts.GetValueOrDefault(acc) != 1 || pass.Pending.ContainsKey(acc))
            return null;
        return grad;
    }

    // The pass running on this thread (any kind), for QueueCallback.
    [ThreadStatic] private static Workspace? t_pass;

    /// <summary>
    /// Runs <paramref name="callback"/> once the backward pass now running on this thread has finished (PyTorch's
    /// <c>Variable._execution_engine.queue_callback</c>); DistributedDataParallel waits for its gradient buckets there.
    /// Dropped if the pass fails.
    /// </summary>
    /// <exception cref="InvalidOperationException">No backward pass is running on this thread.</exception>
    internal static void QueueCallback(Action callback)
    {
        var pass = t_pass ?? throw new InvalidOperationException("queue_callback: no backward pass is running on this thread");
        (pass.Callbacks ??= []).Add(callback);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run(Node rootNode, Tensor rootGrad, bool retainGraph, bool createGraph, Dictionary<Node, Tensor>? capture,
        IBackwardObserver? observer, Workspace workspace)
    {
        var outer = t_accumulating;
        var outerPass = t_pass;
        // An observed pass sends every gradient through the edges (no writing into a leaf's Grad from inside a node),
        // so that the observer sees each one. Into a leaf without a Grad yet the bits are the same; into an existing
        // Grad the separate add can round differently from a GEMM that accumulates in place.
        t_accumulating = capture is null && !createGraph && observer is null ? workspace : null;
        t_pass = workspace;
        try
        {
            RunPass(rootNode, rootGrad, retainGraph, createGraph, capture, observer, workspace);
            // Callbacks may queue more callbacks: index, not foreach.
            if (workspace.Callbacks is { } callbacks)
                for (int i = 0; i < callbacks.Count; i++) callbacks[i]();
        }
        finally
        {
            t_accumulating = outer;
            t_pass = outerPass;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunPass(Node rootNode, Tensor rootGrad, bool retainGraph, bool createGraph, Dictionary<Node, Tensor>? capture,
        IBackwardObserver? observer, Workspace workspace)
    {
        var (dependencies, parents) = CountDependencies(rootNode, capture is not null, workspace);
        // For Autograd.Grad, only the nodes on a path to a requested input run (as PyTorch's exec_info).
        var needed = capture is null ? null : NodesLeadingTo(capture.Keys, parents!);
        var pending = workspace.Pending;
        pending[rootNode] = rootGrad;
        using var owners = new Ownership(createGraph);
        owners.Hold(rootGrad);
        var ready = workspace.Ready;
        ready.Enqueue(rootNode);

        using var mode = GradMode.Set(createGraph);
        while (ready.TryDequeue(out var node))
        {
            if (needed is not null && !needed.Contains(node)) continue;
            Tensor?[] inputGrads = [];
            if (pending.Remove(node, out var grad))
            {
                if (capture is not null && capture.ContainsKey(node)) { capture[node] = grad; owners.GiveAway(grad); }
                if (needed is null || HasNeededChild(node, needed))
                {
                    node.ThrowIfReleased();
                    observer?.Running(node, grad);
                    if (node is AccumulateGrad accumulate)
                    {
                        bool owned = owners.IsSoleOwner(grad);
                        if (owned) owners.GiveAway(grad); else owners.Drop(grad);
                        accumulate.Variable.AccumulateGradient(grad, owned);
                        if (accumulate.PostHooks is not null) accumulate.RunPostHooks();
                    }
                    else
                    {
                        owners.Drop(grad);
                        inputGrads = node.Backward(grad);
                        if (!retainGraph) node.Release();
                    }
                    observer?.Ran(node, inputGrads);
                }
            }
            // A node that added its gradient straight into the leaf's Grad (LeafGradToAccumulateInto) left nothing pending.
            else if (node is AccumulateGrad { PostHooks: not null } direct && capture is null && direct.Variable.Grad is not null)
                direct.RunPostHooks();
            var next = node.NextFunctions;
            for (int i = 0; i < next.Length; i++)
            {
                var child = next[i];
                if (child is null) continue;
                var g = i < inputGrads.Length ? inputGrads[i] : null;
                if (g is not null)
                {
                    g = Validate(node, i, g);
                    if (!pending.TryGetValue(child, out var sum)) { pending[child] = g; owners.Hold(g); }
                    else if (owners.CanAddInto(sum, g)) sum.AddRaw(g);
                    else
                    {
                        owners.Drop(sum);
                        pending[child] = sum = sum + g;
                        owners.Hold(sum);
                    }
                }
                if (--CollectionsMarshal.GetValueRefOrNullRef(dependencies, child) == 0)
                    ready.Enqueue(child);
            }
        }
    }

    /// <summary>
    /// Which gradient buffers the engine may reuse: a buffer allocated during this pass, covered exactly by one
    /// contiguous tensor and held by one pending gradient only, is handed to a leaf's <c>Grad</c> without a copy and
    /// accumulates further contributions in place. Anything older (the caller's gradient, tensors saved in the forward
    /// pass), shared (AddBackward hands one tensor to both inputs), a view of a larger buffer, or recorded for
    /// createGraph is copied as before. Buffers once given away keep their count, so they are never reused again.
    /// </summary>
    private sealed class Ownership(bool createGraph) : IDisposable
    {
        // The counts dictionary is kept per thread between passes (taken while a pass runs, so a nested pass gets its own).
        [ThreadStatic] private static Dictionary<Core.Storage, int>? t_spare;

        private readonly long _firstId = Core.Storage.LastId + 1;
        private readonly Dictionary<Core.Storage, int> _holders = TakeSpare();

        private static Dictionary<Core.Storage, int> TakeSpare()
        {
            var spare = t_spare ?? new(ReferenceEqualityComparer.Instance);
            t_spare = null;
            return spare;
        }

        public void Dispose()
        {
            _holders.Clear();
            t_spare = _holders;
        }

        public void Hold(Tensor t) => _holders[t.Storage] = _holders.GetValueOrDefault(t.Storage) + 1;

        public void Drop(Tensor t)
        {
            if (_holders.TryGetValue(t.Storage, out int n)) _holders[t.Storage] = n - 1;
        }

        /// <summary>Marks a buffer as owned elsewhere from now on (a leaf's gradient, a returned gradient).</summary>
        public void GiveAway(Tensor t) => _holders[t.Storage] = int.MaxValue / 2;

        /// <summary>True when <paramref name="t"/> is the only reference the pass made to a buffer it allocated itself.</summary>
        public bool IsSoleOwner(Tensor t) =>
            !createGraph && t.GradFn is null && t.Storage.Id >= _firstId && _holders.GetValueOrDefault(t.Storage) == 1
            && t.Layout.IsContiguous && t.Layout.Offset == 0 && t.Layout.Numel == t.Storage.Length;

        /// <summary>True when <paramref name="g"/> may be added into the pending sum in place.</summary>
        public bool CanAddInto(Tensor sum, Tensor g) =>
            IsSoleOwner(sum) && !ReferenceEquals(sum.Storage, g.Storage) && sum.DType == g.DType;
    }

    /// <summary>Checks a gradient returned by a node against its input's shape, and converts it to the input's dtype.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Tensor Validate(Node node, int input, Tensor g)
    {
        if (input >= node.InputMeta.Length) return g;
        var (sizes, dtype) = node.InputMeta[input];
        if (!g.Layout.Sizes.AsSpan().SequenceEqual(sizes))
            throw new InvalidOperationException(
                $"backward: {node.Name} returned a gradient of shape {Core.Shape.Format(g.Layout.Sizes)} for input {input}, " +
                $"which has shape {Core.Shape.Format(sizes)}");
        return g.DType == dtype || !dtype.IsFloatingPoint() ? g : g.To(dtype);
    }

    private static bool HasNeededChild(Node node, HashSet<Node> needed)
    {
        foreach (var child in node.NextFunctions)
            if (child is not null && needed.Contains(child)) return true;
        return false;
    }

    /// <summary>The targets and every node from which a target can be reached, walking the parent links upward.</summary>
    private static HashSet<Node> NodesLeadingTo(IEnumerable<Node> targets, Dictionary<Node, List<Node>> parents)
    {
        var needed = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Node>();
        foreach (var t in targets)
            if (needed.Add(t)) stack.Push(t);
        while (stack.TryPop(out var node))
            if (parents.TryGetValue(node, out var list))
                foreach (var p in list)
                    if (needed.Add(p)) stack.Push(p);
        return needed;
    }

    /// <summary>For every node reachable from the root: how many edges enter it, and (when asked) which nodes those edges come from.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (Dictionary<Node, int> Counts, Dictionary<Node, List<Node>>? Parents) CountDependencies(Node root, bool withParents, Workspace workspace)
    {
        var counts = workspace.Counts;
        var parents = withParents ? new Dictionary<Node, List<Node>>(ReferenceEqualityComparer.Instance) : null;
        var seen = workspace.Seen;
        seen.Add(root);
        var stack = workspace.Stack;
        stack.Push(root);
        while (stack.TryPop(out var node))
        {
            foreach (var child in node.NextFunctions)
            {
                if (child is null) continue;
                CollectionsMarshal.GetValueRefOrAddDefault(counts, child, out _)++;
                if (parents is not null)
                {
                    if (!parents.TryGetValue(child, out var list)) parents[child] = list = [];
                    list.Add(node);
                }
                if (seen.Add(child)) stack.Push(child);
            }
        }
        return (counts, parents);
    }
}
