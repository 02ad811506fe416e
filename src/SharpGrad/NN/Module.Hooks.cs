namespace SharpGrad.NN;

public abstract partial class Module
{
    private List<Func<Module, Tensor, Tensor?>>? _forwardPreHooks;
    private List<Func<Module, Tensor, Tensor, Tensor?>>? _forwardHooks;
    private List<Func<Module, Tensor?, Tensor, Tensor?>>? _backwardHooks;

    /// <summary>
    /// Runs the module as PyTorch's <c>net(x)</c> does: the forward pre-hooks, <see cref="Forward(Tensor)"/>, the forward
    /// hooks, and arranges for the full backward hooks to run when gradients flow back. Without hooks it is exactly
    /// <see cref="Forward(Tensor)"/>.
    /// </summary>
    /// <param name="input">The module's input.</param>
    /// <returns>The output of <see cref="Forward(Tensor)"/>, or what a forward hook replaced it with.</returns>
    public Tensor Call(Tensor input)
    {
        if (_forwardPreHooks is null && _forwardHooks is null && _backwardHooks is null) return Forward(input);
        foreach (var hook in Snapshot(_forwardPreHooks)) input = hook(this, input) ?? input;
        var backward = _backwardHooks is { Count: > 0 } && Tensor.IsGradEnabled ? new BackwardHookCall(this) : null;
        if (backward is not null && input.RequiresGrad) input = backward.HookInput(input);
        var output = Forward(input);
        foreach (var hook in Snapshot(_forwardHooks)) output = hook(this, input, output) ?? output;
        if (backward is not null) output = Tensor.WithBackwardHook(output, backward.OnOutputGradient);
        return output;
    }

    /// <summary>Adds a hook run before <see cref="Forward(Tensor)"/> by <see cref="Call"/> (<c>module.register_forward_pre_hook</c>).</summary>
    /// <param name="hook">Called with the module and its input; a non-null result replaces the input.</param>
    /// <returns>A handle whose <see cref="RemovableHandle.Remove"/> removes the hook.</returns>
    public RemovableHandle RegisterForwardPreHook(Func<Module, Tensor, Tensor?> hook) => Add(ref _forwardPreHooks, hook);

    /// <summary>Adds a hook run after <see cref="Forward(Tensor)"/> by <see cref="Call"/> (<c>module.register_forward_hook</c>).</summary>
    /// <param name="hook">Called with the module, its input and its output; a non-null result replaces the output.</param>
    /// <returns>A handle whose <see cref="RemovableHandle.Remove"/> removes the hook.</returns>
    public RemovableHandle RegisterForwardHook(Func<Module, Tensor, Tensor, Tensor?> hook) => Add(ref _forwardHooks, hook);

    /// <summary>Adds a forward hook that only looks (records activations, prints shapes): see the other overload.</summary>
    /// <param name="hook">Called with the module, its input and its output.</param>
    /// <returns>A handle whose <see cref="RemovableHandle.Remove"/> removes the hook.</returns>
    public RemovableHandle RegisterForwardHook(Action<Module, Tensor, Tensor> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return RegisterForwardHook((m, i, o) => { hook(m, i, o); return null; });
    }

    /// <summary>
    /// Adds a hook run during backward once the gradient with respect to the module's input is known
    /// (<c>module.register_full_backward_hook</c>); only calls through <see cref="Call"/> are hooked.
    /// </summary>
    /// <param name="hook">Called with the module, the gradient of the input (null when the input needs none; the hook then runs as
    /// soon as the output's gradient is known) and the gradient of the output; a non-null result replaces the input's gradient.</param>
    /// <returns>A handle whose <see cref="RemovableHandle.Remove"/> removes the hook.</returns>
    public RemovableHandle RegisterFullBackwardHook(Func<Module, Tensor?, Tensor, Tensor?> hook) => Add(ref _backwardHooks, hook);

    /// <summary>Adds a backward hook that only looks (gradient norms, logging): see the other overload.</summary>
    /// <param name="hook">Called with the module, the gradient of the input (or null) and the gradient of the output.</param>
    /// <returns>A handle whose <see cref="RemovableHandle.Remove"/> removes the hook.</returns>
    public RemovableHandle RegisterFullBackwardHook(Action<Module, Tensor?, Tensor> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return RegisterFullBackwardHook((m, gi, go) => { hook(m, gi, go); return null; });
    }

    private static RemovableHandle Add<T>(ref List<T>? hooks, T hook) where T : Delegate
    {
        ArgumentNullException.ThrowIfNull(hook);
        var list = hooks ??= [];
        list.Add(hook);
        return new RemovableHandle(() => list.Remove(hook));
    }

    /// <summary>A copy, so that a hook may remove itself (or add others) while the hooks run.</summary>
    private static T[] Snapshot<T>(List<T>? hooks) => hooks is null ? [] : [.. hooks];

    /// <summary>One hooked call's backward: the output's gradient arrives first, then the input's.</summary>
    private sealed class BackwardHookCall(Module module)
    {
        private Tensor? _gradOutput;
        private bool _inputHooked;

        public Tensor HookInput(Tensor input)
        {
            _inputHooked = true;
            return Tensor.WithBackwardHook(input, OnInputGradient);
        }

        public Tensor OnOutputGradient(Tensor gradOutput)
        {
            _gradOutput = gradOutput;
            // Without a hooked input no input gradient will come: run the hooks now, as PyTorch does (grad_input = None).
            if (!_inputHooked) Run(null);
            return gradOutput;
        }

        private Tensor OnInputGradient(Tensor gradInput) => Run(gradInput) ?? gradInput;

        private Tensor? Run(Tensor? gradInput)
        {
            var result = gradInput;
            foreach (var hook in Snapshot(module._backwardHooks))
                result = hook(module, result, _gradOutput!) ?? result;
            return result;
        }
    }
}
