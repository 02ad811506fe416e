namespace SharpGrad.Bench;

/// <summary>
/// <c>sgemm</c>: float32 matrix products through <c>Tensor.Mm</c>, in GFLOPS (2mnk / best time), one line per shape.
/// Square n = 128..2048, and the products of training a Linear layer: Y = X Wᵀ, dX = dY W, dW = dYᵀ X,
/// with transposed operands passed as views, as autograd does.
/// </summary>
internal static class SgemmWorkload
{
    /// <summary>One product: A [m, k] times B [k, n]; transposed operands are built as views of the stored matrix.</summary>
    private sealed record Case(string Shape, int M, int K, int N, bool TransA, bool TransB);

    private static IEnumerable<Case> Cases()
    {
        foreach (int n in new[] { 128, 256, 512, 1024, 2048 }) yield return new Case($"{n}", n, n, n, false, false);
        foreach (var (batch, inputs, outputs) in new[] { (200, 784, 200), (64, 700, 700) })
        {
            // Y = X W^T with X [batch, inputs], W [outputs, inputs].
            yield return new Case($"{batch}x{inputs}*({outputs}x{inputs})^T fwd", batch, inputs, outputs, false, true);
            // dX = dY W: [batch, outputs] x [outputs, inputs].
            yield return new Case($"{batch}x{outputs}*{outputs}x{inputs} dX", batch, outputs, inputs, false, false);
            // dW = dY^T X: [batch, outputs]^T x [batch, inputs].
            yield return new Case($"({batch}x{outputs})^T*{batch}x{inputs} dW", outputs, batch, inputs, true, false);
        }
    }

    public static IEnumerable<Dictionary<string, object?>> Run(BenchContext context)
    {
        var generator = new Generator(1);
        foreach (var c in Cases())
        {
            var a = (c.TransA ? Tensor.Randn([c.K, c.M], generator).T : Tensor.Randn([c.M, c.K], generator)).To(context.Device);
            var b = (c.TransB ? Tensor.Randn([c.N, c.K], generator).T : Tensor.Randn([c.K, c.N], generator)).To(context.Device);
            double flops = 2.0 * c.M * c.N * c.K;

            // Warm up (JIT, caches), then size one repetition to at least 50 ms.
            // Device products are queued: each measured region ends by waiting for the device (Cuda.Synchronize).
            var first = Meter.Measure(() => { a.Mm(b); Cuda.Synchronize(); });
            int iterations = (int)Math.Clamp(0.05 / Math.Max(first.Seconds, 1e-7), 1, 100_000);
            for (int i = 0; i < Math.Min(iterations, 10); i++) a.Mm(b);

            Cost best = new(double.MaxValue, 0, 0, 0);
            for (int rep = 0; rep < 5; rep++)
            {
                var cost = Meter.Measure(() =>
                {
                    for (int i = 0; i < iterations; i++) a.Mm(b);
                    Cuda.Synchronize();
                });
                if (cost.Seconds < best.Seconds) best = cost;
            }
            var result = best.PerUnit(iterations, "product");
            result["shape"] = c.Shape;
            result["m"] = c.M;
            result["k"] = c.K;
            result["n"] = c.N;
            result["gflops"] = Math.Round(flops / (best.Seconds / iterations) / 1e9, 2);
            yield return result;
        }
    }
}
