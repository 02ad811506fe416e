using System.Runtime.CompilerServices;

namespace SharpGrad;

/// <summary>
/// Receives the tensor ops of one forward pass while an exporter traces it (see <see cref="OpTrace"/>).
/// Only the outermost traced op is reported: the ops a traced op runs internally are its own business.
/// </summary>
internal interface ITensorOpRecorder
{
    /// <summary>An op that exporters understand ran: <paramref name="output"/> = <paramref name="op"/>(<paramref name="inputs"/>; <paramref name="attributes"/>).</summary>
    void Op(string op, Tensor output, Tensor?[] inputs, (string Name, object Value)[] attributes);

    /// <summary>An op that exporters understand overwrote <paramref name="target"/> with <paramref name="op"/>(<paramref name="target"/>; <paramref name="attributes"/>).</summary>
    void InPlaceOp(string op, Tensor target, (string Name, object Value)[] attributes);

    /// <summary>A tensor was created outside every traced op: by an op that is not traced, or by a factory.</summary>
    void Created(Tensor tensor);

    /// <summary>A scalar constant was created for an operator with a number operand (<c>x * 2</c>).</summary>
    void Constant(Tensor tensor);

    /// <summary>A tensor's storage was written in place outside every traced op.</summary>
    void Mutated(Tensor tensor);
}

/// <summary>
/// The tracing mode of the tensor ops (what <c>torch.jit.trace</c> hooks into): while a recorder is installed on this
/// thread, the ops an exporter can map report themselves with their inputs and attributes, and every other tensor
/// creation or in-place write is reported too, so an exporter can refuse what it cannot reproduce instead of baking a
/// computed value into the file as a constant. Off (one thread-static read per op) unless an exporter runs.
/// </summary>
internal static class OpTrace
{
    [ThreadStatic] private static ITensorOpRecorder? t_recorder;
    [ThreadStatic] private static int t_depth;

    /// <summary>True while a recorder is installed on this thread.</summary>
    internal static bool IsTracing
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => t_recorder is not null;
    }

    /// <summary>True when no traced op is in progress (after a forward pass: none threw and was caught half-way).</summary>
    internal static bool AtTopLevel => t_depth == 0;

    /// <summary>Installs <paramref name="recorder"/> on this thread until the returned scope is disposed.</summary>
    internal static Session Start(ITensorOpRecorder recorder)
    {
        if (t_recorder is not null) throw new InvalidOperationException("trace: a trace is already running on this thread (exports cannot nest)");
        t_recorder = recorder;
        t_depth = 0;
        return new Session();
    }

    /// <summary>Marks the start of a traced op: ops it runs internally are not reported.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Scope Enter() => t_recorder is null ? default : new Scope(t_depth++);

    /// <summary>Reports an op; call only when <see cref="Scope.Exit"/> returned true.</summary>
    internal static void Record(string op, Tensor output, Tensor?[] inputs, params (string Name, object Value)[] attributes)
        => t_recorder?.Op(op, output, inputs, attributes);

    /// <summary>Reports an in-place op (<c>F.relu(x, inplace=True)</c>); call only when <see cref="Scope.Exit"/> returned true.</summary>
    internal static void RecordInPlace(string op, Tensor target, params (string Name, object Value)[] attributes)
        => t_recorder?.InPlaceOp(op, target, attributes);

    /// <summary>Reports a tensor created outside every traced op.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void OnCreated(Tensor tensor)
    {
        if (t_depth == 0) t_recorder?.Created(tensor);
    }

    /// <summary>Reports a scalar constant made for an operator with a number operand.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void OnConstant(Tensor tensor)
    {
        if (t_depth == 0) t_recorder?.Constant(tensor);
    }

    /// <summary>Reports an in-place write outside every traced op.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void OnMutated(Tensor tensor)
    {
        if (t_depth == 0) t_recorder?.Mutated(tensor);
    }

    /// <summary>The installed recorder's lifetime: disposing it uninstalls the recorder.</summary>
    internal readonly struct Session : IDisposable
    {
        /// <summary>Uninstalls the recorder (also after an exception left traced ops unfinished).</summary>
        public void Dispose()
        {
            t_recorder = null;
            t_depth = 0;
        }
    }

    /// <summary>One traced op in progress.</summary>
    internal readonly struct Scope
    {
        private readonly int _outerDepth;
        private readonly bool _active;

        internal Scope(int outerDepth)
        {
            _outerDepth = outerDepth;
            _active = true;
        }

        /// <summary>Ends the op; true when it is the outermost traced op and must be recorded.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal bool Exit()
        {
            if (!_active) return false;
            t_depth = _outerDepth;
            return _outerDepth == 0 && t_recorder is not null;
        }
    }
}
