using SharpGrad.Graph;
using SharpGrad.NN;

namespace SharpGrad.Distributed;

/// <summary>
/// Data-parallel training across the ranks of the process group (PyTorch
/// <c>torch.nn.parallel.DistributedDataParallel</c>). Every rank holds a replica of <see cref="Module"/> and trains it on
/// its own share of each batch (a <see cref="DistributedSampler"/> hands it out); during <c>loss.Backward()</c> the
/// gradients are averaged across ranks, so after backward every replica holds the gradient of the whole batch and the
/// optimizers take identical steps.
/// </summary>
/// <remarks>
/// At construction rank 0's parameters and buffers are broadcast to every rank. The parameters are grouped into
/// buckets of about <c>bucketCapMb</c> megabytes (the first one 1 MB, so that communication starts early), in the
/// reverse of <c>Parameters()</c> order, which is roughly the order backward produces their gradients. A hook on each
/// parameter's gradient accumulation copies the gradient into its bucket; when a bucket is full its all-reduce starts on
/// the MPI thread while backward goes on, and backward returns once every bucket is averaged and written back to
/// <c>Grad</c>. Buckets start in the same order on every rank. A parameter that got no gradient in a pass contributes
/// zeros (its averaged gradient is then materialised). Inside <see cref="NoSync"/> gradients accumulate locally; the
/// first backward after it averages the accumulated gradients.
/// </remarks>
public sealed class DistributedDataParallel : Module
{
    private readonly GradBucket[] _buckets;
    private readonly RemovableHandle[] _hooks;
    private readonly bool _broadcastBuffers;
    private readonly int _worldSize;
    private bool _requireSync = true;
    private bool _syncThisPass, _callbackQueued;
    private int _nextToLaunch;

    /// <summary>Bytes of the first bucket (PyTorch's <c>_DEFAULT_FIRST_BUCKET_BYTES</c>).</summary>
    public const long FirstBucketBytes = 1 << 20;

    /// <summary>Wraps <paramref name="module"/> (<c>DistributedDataParallel(module, broadcast_buffers=True, bucket_cap_mb=25)</c>).</summary>
    /// <param name="module">The model; every rank must build the same architecture.</param>
    /// <param name="bucketCapMb">Megabytes (2^20 bytes) of gradient per all-reduce, 25 as PyTorch.</param>
    /// <param name="broadcastBuffers">Copy rank 0's buffers (batch-norm statistics) to every rank at each training forward.</param>
    /// <param name="gradientAsBucketView">
    /// After averaging, make each <c>Grad</c> a view of its bucket instead of copying the average into it
    /// (<c>gradient_as_bucket_view</c>): saves two copies of every gradient per step when gradients are zeroed in place
    /// (<c>ZeroGrad(setToNone: false)</c>, backward then accumulates straight into the buckets) and one otherwise. A
    /// <c>Grad</c> tensor kept from before the step then no longer receives the average.
    /// </param>
    /// <exception cref="InvalidOperationException">The process group is not initialised.</exception>
    /// <exception cref="ArgumentException">A bucket cap that is not positive, or a parameter that is not float32/float64.</exception>
    public DistributedDataParallel(Module module, double bucketCapMb = 25, bool broadcastBuffers = true, bool gradientAsBucketView = false)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (!(bucketCapMb > 0)) throw new ArgumentException($"DistributedDataParallel: bucket_cap_mb must be positive, got {bucketCapMb}");
        _worldSize = Dist.Group("DistributedDataParallel").Size;
        Module = module;
        RegisterModule("module", module);
        _broadcastBuffers = broadcastBuffers;

        foreach (var p in module.Parameters()) Dist.Broadcast(p, 0);
        foreach (var b in module.Buffers()) Dist.Broadcast(b, 0);

        _buckets = AssignBuckets([.. module.Parameters().Where(p => p.RequiresGrad).Reverse()], (long)(bucketCapMb * (1 << 20)), gradientAsBucketView);
        var hooks = new List<RemovableHandle>();
        foreach (var bucket in _buckets)
            for (int slot = 0; slot < bucket.Parameters.Length; slot++)
            {
                var (b, s) = (bucket, slot);
                hooks.Add(bucket.Parameters[slot].RegisterPostAccumulateGradHook(_ => OnGradientReady(b, s)));
            }
        _hooks = [.. hooks];
    }

    /// <summary>The wrapped model (<c>ddp.module</c>): save and load its state dict, not the wrapper's, for checkpoints without the <c>module.</c> prefix.</summary>
    public Module Module { get; }

    /// <summary>Bytes of gradient in each bucket, in launch order.</summary>
    public IReadOnlyList<long> BucketBytes => [.. _buckets.Select(b => b.Bytes)];

    /// <summary>Runs the wrapped module and prepares the gradient averaging of the backward pass that follows (<c>ddp(x)</c>).</summary>
    public override Tensor Forward(Tensor input)
    {
        foreach (var bucket in _buckets) bucket.Reset();
        _nextToLaunch = 0;
        _callbackQueued = false;
        _syncThisPass = _requireSync && GradMode.IsEnabled;
        if (_broadcastBuffers && Training && _worldSize > 1)
            foreach (var b in Module.Buffers()) Dist.Broadcast(b, 0);
        return Module.Forward(input);
    }

    /// <summary>
    /// A scope in which backward passes accumulate gradients locally without averaging them (<c>with ddp.no_sync():</c>),
    /// for gradient accumulation: the first backward after the scope averages everything accumulated.
    /// </summary>
    public IDisposable NoSync()
    {
        bool previous = _requireSync;
        _requireSync = false;
        return new RemovableHandle(() => _requireSync = previous);
    }

    /// <summary>Unregisters the gradient hooks from the wrapped module's parameters (the module can be used alone again).</summary>
    public void RemoveHooks()
    {
        foreach (var h in _hooks) h.Remove();
    }

    private void OnGradientReady(GradBucket bucket, int slot)
    {
        if (!_syncThisPass) return;
        if (!_callbackQueued)
        {
            Engine.QueueCallback(FinishReduction);
            _callbackQueued = true;
        }
        if (bucket.MarkReady(slot)) LaunchReadyBuckets();
    }

    /// <summary>Starts every full bucket whose predecessors have started: the same order on every rank.</summary>
    private void LaunchReadyBuckets()
    {
        while (_nextToLaunch < _buckets.Length && _buckets[_nextToLaunch].Pending == 0)
            _buckets[_nextToLaunch++].Launch();
    }

    /// <summary>At the end of backward: starts the buckets still waiting (unused parameters count as zeros), then averages.</summary>
    private void FinishReduction()
    {
        _syncThisPass = false;
        for (; _nextToLaunch < _buckets.Length; _nextToLaunch++)
        {
            _buckets[_nextToLaunch].MarkRemaining();
            _buckets[_nextToLaunch].Launch();
        }
        foreach (var bucket in _buckets) bucket.Finish(_worldSize);
    }

    private static GradBucket[] AssignBuckets(Parameter[] parameters, long capBytes, bool asView)
    {
        var buckets = new List<GradBucket>();
        foreach (var group in parameters.GroupBy(p => p.DType))
        {
            if (!group.Key.IsFloatingPoint())
                throw new ArgumentException($"DistributedDataParallel: parameters must be float32 or float64, got {group.Key.TorchName()}");
            var current = new List<Parameter>();
            long bytes = 0;
            foreach (var p in group)
            {
                current.Add(p);
                bytes += (long)p.Numel() * p.DType.ItemSize();
                long cap = buckets.Count == 0 ? Math.Min(FirstBucketBytes, capBytes) : capBytes;
                if (bytes >= cap)
                {
                    buckets.Add(new GradBucket(buckets.Count, [.. current], asView));
                    current.Clear();
                    bytes = 0;
                }
            }
            if (current.Count > 0) buckets.Add(new GradBucket(buckets.Count, [.. current], asView));
        }
        return [.. buckets];
    }
}
