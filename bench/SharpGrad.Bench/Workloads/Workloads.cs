namespace SharpGrad.Bench;

/// <summary>Where the benchmark finds its data, and the device the device-capable workloads run on (<c>--device</c>).</summary>
internal sealed record BenchContext(string FashionMnistDir, Device Device = default);

/// <summary>
/// The benchmark's workloads by name. Each returns the fields of its JSON lines (one line per result;
/// <c>sgemm</c> gives one per matrix shape). bench/README.md describes them; bench/torch_reference.py runs the same in PyTorch.
/// </summary>
internal static class Workloads
{
    public static IReadOnlyDictionary<string, Func<BenchContext, IEnumerable<Dictionary<string, object?>>>> All { get; } =
        new Dictionary<string, Func<BenchContext, IEnumerable<Dictionary<string, object?>>>>
        {
            ["fashion-load"] = FashionLoadWorkload.Run,
            ["sgemm"] = SgemmWorkload.Run,
            ["fit"] = SmallFitWorkloads.Fit,
            ["sine"] = SmallFitWorkloads.Sine,
            ["regression"] = RegressionWorkload.Run,
            ["mlp"] = FashionMlpWorkloads.Mlp,
            ["deep"] = FashionMlpWorkloads.Deep,
            ["cnn"] = CnnWorkload.Run,
            ["ddp"] = DdpWorkload.Run,
        };

    /// <summary>The workloads that take <c>--device</c> (the others need ops without device kernels yet, or time the CPU path on purpose).</summary>
    public static IReadOnlySet<string> DeviceCapable { get; } = new HashSet<string> { "sgemm", "mlp", "deep", "cnn" };
}
