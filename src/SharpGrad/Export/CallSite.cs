using System.Diagnostics;
using System.Reflection;
using Module = SharpGrad.NN.Module;
using SharpGrad.NN;

namespace SharpGrad.Export;

/// <summary>
/// Where in a module tree a traced tensor op ran, read from the call stack: the chain of <c>Forward</c> frames of
/// <see cref="Module"/> classes, matched against the tree from the root (a <see cref="Sequential"/> says which child
/// is running). A Forward that the JIT inlined has no frame, so the path may then stop at an enclosing module.
/// </summary>
internal static class CallSite
{
    /// <summary>The library op that the code outside the library called (<c>Tensor.Exp</c>, <c>Functional.Elu</c>) and the module path of that call.</summary>
    public static (string Op, string ModulePath) Current(Module root)
    {
        var frames = new StackTrace(1, false).GetFrames();
        return (OpName(frames, out _), ModulePath(frames, root));
    }

    /// <summary>
    /// True when the code outside the library called a static method that takes no tensor (<c>Tensor.From</c>,
    /// <c>Tensor.Zeros</c>): what it makes cannot depend on the traced inputs, so it is a constant, as in PyTorch's tracer.
    /// </summary>
    public static bool IsFactoryCall()
    {
        OpName(new StackTrace(1, false).GetFrames(), out var method);
        return method is { IsStatic: true } && !method.GetParameters().Any(p => MentionsTensor(p.ParameterType));
    }

    private static bool MentionsTensor(Type type)
        => typeof(Tensor).IsAssignableFrom(type) || (type.HasElementType && MentionsTensor(type.GetElementType()!))
           || (type.IsGenericType && type.GetGenericArguments().Any(MentionsTensor));

    /// <summary>The module path of the code running now.</summary>
    public static string CurrentModulePath(Module root) => ModulePath(new StackTrace(1, false).GetFrames(), root);

    private static string OpName(StackFrame[] frames, out MethodBase? called)
    {
        called = null;
        var library = typeof(Tensor).Assembly;
        string? outermostPublic = null, outermost = null;
        foreach (var frame in frames) // innermost first
        {
            var method = frame.GetMethod();
            var type = method?.DeclaringType;
            if (method is null || type is null) continue;
            if (type.Namespace == typeof(CallSite).Namespace || type == typeof(OpTrace)) continue; // the tracer itself
            if (type.Assembly != library || typeof(Module).IsAssignableFrom(type)) break;
            string name = $"{OuterName(type)}.{MemberName(method)}";
            outermost = name;
            if (method.IsPublic && type.IsPublic) (outermostPublic, called) = (name, method);
        }
        return outermostPublic ?? outermost ?? "an op outside SharpGrad";
    }

    private static string OuterName(Type type)
    {
        while (type.DeclaringType is not null) type = type.DeclaringType;
        return type.Name;
    }

    private static string MemberName(MethodBase method) => method.Name switch
    {
        var n when n.StartsWith("get_", StringComparison.Ordinal) => n[4..],
        "op_Addition" => "operator +",
        "op_Subtraction" => "operator -",
        "op_Multiply" => "operator *",
        "op_Division" => "operator /",
        "op_UnaryNegation" => "operator -",
        var n => n,
    };

    private static string ModulePath(StackFrame[] frames, Module root)
    {
        var forwardTypes = new List<Type>();
        for (int i = frames.Length - 1; i >= 0; i--) // outermost first
        {
            var method = frames[i].GetMethod();
            if (method?.Name == "Forward" && method.DeclaringType is { } t && typeof(Module).IsAssignableFrom(t)) forwardTypes.Add(t);
        }
        var current = root;
        string path = "";
        // Frames above the root's own Forward (or all of them, when a forward delegate calls submodules directly).
        int start = forwardTypes.FindIndex(t => t.IsInstanceOfType(root));
        foreach (var type in forwardTypes.Skip(start + 1))
        {
            var children = current.NamedChildren().Where(c => type.IsInstanceOfType(c.Module)).ToList();
            if (children.Count == 0)
                children = current.NamedModules().Skip(1).Where(c => type.IsInstanceOfType(c.Module)).ToList();
            if (children.Count == 0) continue; // a base class's Forward of the same module, or a module outside the tree
            if (children.Count > 1 && current is Sequential seq && seq.RunningIndex >= 0)
                children = children.Where(c => ReferenceEquals(c.Module, seq[seq.RunningIndex])).ToList();
            if (children.Count != 1)
                return Join(path, "{" + string.Join("|", children.Select(c => c.Name)) + "}");
            path = Join(path, children[0].Name);
            current = children[0].Module;
        }
        return path;
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;
}
