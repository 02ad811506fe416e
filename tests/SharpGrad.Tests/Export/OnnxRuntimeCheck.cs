using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace SharpGrad.Tests.Export;

/// <summary>Runs exported models in ONNX Runtime and collects what its loader logs at warning level or above for each session.</summary>
internal static class OnnxRuntimeCheck
{
    private static readonly object s_lock = new();
    private static readonly List<(string LogId, string Message)> s_log = [];
    private static readonly DOrtLoggingFunction s_logger = Log; // kept alive: native code calls it
    private static int s_sessions;

    static OnnxRuntimeCheck()
    {
        if (OrtEnv.IsCreated)
            throw new InvalidOperationException("ONNX Runtime's environment was created before the warning logger: call OnnxRuntimeCheck.EnsureEnvironment() first");
        var options = new EnvironmentCreationOptions
        {
            logId = "sharpgrad-tests",
            logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
            loggingFunction = s_logger,
        };
        OrtEnv.CreateInstanceWithOptions(ref options);
    }

    /// <summary>Creates ONNX Runtime's environment with the logger that <see cref="Run"/> reads (any session made later logs there).</summary>
    public static void EnsureEnvironment() { }

    private static void Log(IntPtr param, OrtLoggingLevel severity, string category, string logId, string codeLocation, string message)
    {
        lock (s_lock) s_log.Add((logId, $"[{severity}] {category} {codeLocation}: {message}"));
    }

    /// <summary>Loads <paramref name="model"/>, asserts the loader logged no warning, runs it and returns each output's values and shape.</summary>
    public static (float[] Values, int[] Shape)[] Run(byte[] model, params (string Name, Tensor Value)[] inputs)
    {
        string logId = $"export-test-{Interlocked.Increment(ref s_sessions)}";
        using var options = new SessionOptions { LogId = logId, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING };
        using var session = new InferenceSession(model, options);
        var feeds = inputs.Select(i => NamedOnnxValue.CreateFromTensor(i.Name, new DenseTensor<float>(i.Value.Contiguous().ToArray<float>(), i.Value.Shape))).ToList();
        using var results = session.Run(feeds);
        var outputs = results.Select(r =>
        {
            var t = r.AsTensor<float>();
            return (t.ToArray(), t.Dimensions.ToArray());
        }).ToArray();
        lock (s_lock)
        {
            var warnings = s_log.Where(l => l.LogId == logId).Select(l => l.Message).ToList();
            Assert.True(warnings.Count == 0, "ONNX Runtime warned: " + string.Join("\n", warnings));
        }
        return outputs;
    }

    /// <summary>Asserts ONNX Runtime's result equals SharpGrad's within 1e-5 of the largest |y| (float32).</summary>
    public static void AssertClose(Tensor expected, (float[] Values, int[] Shape) actual)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.Contiguous().ToArray<float>();
        double scale = Math.Max(e.Length == 0 ? 0 : e.Max(v => Math.Abs((double)v)), 1e-30);
        double worst = 0;
        for (int i = 0; i < e.Length; i++) worst = Math.Max(worst, Math.Abs(e[i] - (double)actual.Values[i]));
        Assert.True(worst <= 1e-5 * scale, $"max |SharpGrad - ONNX Runtime| = {worst:G4}, above 1e-5 * max|y| = {1e-5 * scale:G4}");
    }

    /// <summary>Exports <paramref name="module"/> (eval mode), runs it in ONNX Runtime on <paramref name="run"/> (default: the example) and compares with SharpGrad.</summary>
    public static byte[] ExportAndCompare(SharpGrad.NN.Module module, Tensor example, Tensor? run = null, Dictionary<string, Dictionary<int, string>>? dynamicAxes = null, int opset = 17)
    {
        var bytes = SharpGrad.Export.Onnx.ExportToBytes(module, [example], x => [module.Forward(x[0])], dynamicAxes: dynamicAxes, opsetVersion: opset);
        var input = run ?? example;
        module.Eval();
        Tensor expected;
        using (Tensor.NoGrad()) expected = module.Forward(input);
        AssertClose(expected, Run(bytes, ("input", input))[0]);
        return bytes;
    }
}
