namespace SharpGrad.Bench;

/// <summary>
/// What the matrix products of an MLP's training alone take at the GEMM rate this machine reaches: for each
/// Linear layer of a batch, Y = X Wᵀ, dW = dYᵀ X and (except for the first layer, whose input needs no
/// gradient) dX = dY W, with transposed operands as views as autograd passes them. The issue asks that
/// <c>deep</c> take at most 1.5 times this.
/// </summary>
internal static class GemmBound
{
    /// <summary>Seconds for <paramref name="steps"/> steps' products (best of 5 timed repetitions of one step's set, after warm-up).</summary>
    public static double Seconds(int batch, int[] widths, int steps)
    {
        var generator = new Generator(7);
        var products = new List<(Tensor A, Tensor B)>();
        for (int layer = 0; layer + 1 < widths.Length; layer++)
        {
            int inputs = widths[layer], outputs = widths[layer + 1];
            var x = Tensor.Randn([batch, inputs], generator);
            var w = Tensor.Randn([outputs, inputs], generator);
            var dy = Tensor.Randn([batch, outputs], generator);
            products.Add((x, w.T));             // forward
            products.Add((dy.T, x));            // weight gradient
            if (layer > 0) products.Add((dy, w)); // input gradient
        }
        void Step()
        {
            foreach (var (a, b) in products) a.Mm(b);
        }
        for (int i = 0; i < 5; i++) Step();
        double best = double.MaxValue;
        for (int rep = 0; rep < 5; rep++)
        {
            const int repeats = 20;
            var cost = Meter.Measure(() =>
            {
                for (int i = 0; i < repeats; i++) Step();
            });
            best = Math.Min(best, cost.Seconds / repeats);
        }
        return best * steps;
    }
}
