using SharpGrad.Distributed;

namespace SharpGrad.MpiWorker;

/// <summary>Every collective on every dtype, with values that differ per rank so that each op gives a different answer.</summary>
internal static class CollectiveChecks
{
    private static readonly DType[] DTypes = [DType.Float32, DType.Float64, DType.Int64];

    public static string Run()
    {
        int rank = Dist.GetRank(), size = Dist.GetWorldSize();
        int checks = 0;
        foreach (var dtype in DTypes)
        {
            foreach (var op in new[] { ReduceOp.Sum, ReduceOp.Avg, ReduceOp.Max, ReduceOp.Min })
            {
                // Rank r holds (r + 1) * [1, -2, 3, -4, 5, 7]: max and min differ in sign per element, and the int64
                // average of 3 * [...] / 2 rounds toward zero.
                var local = Values(rank).Select(v => v * (rank + 1)).ToArray();
                var t = Tensor.FromBuffer(local.ToArray(), 2, 3).To(dtype);
                Dist.AllReduce(t, op);
                Expect(t, Reduce(op, dtype, size), $"all_reduce {op} {dtype.TorchName()}");
                checks++;

                // The same through a non-contiguous view (a transpose), which must be written back in place.
                var baseTensor = Tensor.FromBuffer(local.ToArray(), 2, 3).To(dtype);
                var view = baseTensor.T;
                Dist.AllReduce(view, op);
                Expect(baseTensor, Reduce(op, dtype, size), $"all_reduce {op} {dtype.TorchName()} on a transposed view");
                checks++;
            }

            // A large buffer (1.2 MB in float32, an odd count): other protocols and algorithms than the small ones.
            const int n = 300_001;
            var large = (Tensor.Arange(n).To(DType.Float64) * (rank + 1)).To(dtype);
            Dist.AllReduce(large, ReduceOp.Sum);
            double factor = size * (size + 1) / 2.0;
            Expect(large, [.. Enumerable.Range(0, n).Select(i => i * factor)], $"all_reduce Sum {dtype.TorchName()} of {n} elements");
            checks++;

            var b = Tensor.Full([4], rank * 10 + 3, dtype);
            int src = size - 1;
            Dist.Broadcast(b, src);
            Expect(b, [.. Enumerable.Repeat(src * 10.0 + 3, 4)], $"broadcast {dtype.TorchName()} from {src}");
            checks++;

            var mine = (Tensor.Arange(3).To(DType.Float64) + 100.0 * rank).To(dtype);
            var gathered = Enumerable.Range(0, size).Select(_ => Tensor.Zeros([3], dtype)).ToList();
            Dist.AllGather(gathered, mine);
            for (int r = 0; r < size; r++) Expect(gathered[r], [100.0 * r, 100.0 * r + 1, 100.0 * r + 2], $"all_gather {dtype.TorchName()} from rank {r}");
            checks++;
        }
        Dist.Barrier();
        ExpectThrows<ArgumentException>(() => Dist.AllReduce(Tensor.Zeros([2], DType.Bool)), "dtype torch.bool");
        ExpectThrows<ArgumentException>(() => Dist.Broadcast(Tensor.Zeros(2), size), $"src {size}");
        ExpectThrows<ArgumentException>(() => Dist.AllGather([Tensor.Zeros(2)], Tensor.Zeros(2)), "world size");
        return $"{checks} collective checks";
    }

    private static double[] Values(int rank) => [1, -2, 3, -4, 5, 7];

    /// <summary>The expected result of <paramref name="op"/> over ranks 0..size-1, computed here element by element.</summary>
    private static double[] Reduce(ReduceOp op, DType dtype, int size)
    {
        var result = new double[6];
        for (int i = 0; i < 6; i++)
        {
            var perRank = Enumerable.Range(0, size).Select(r => Values(r)[i] * (r + 1)).ToArray();
            result[i] = op switch
            {
                ReduceOp.Sum => perRank.Sum(),
                ReduceOp.Max => perRank.Max(),
                ReduceOp.Min => perRank.Min(),
                _ => dtype == DType.Int64 ? Math.Truncate(perRank.Sum() / size) : perRank.Sum() / size,
            };
        }
        return result;
    }

    private static void Expect(Tensor t, double[] expected, string what)
    {
        var actual = t.Contiguous().To(DType.Float64).ToArray<double>();
        if (!actual.SequenceEqual(expected))
            throw new InvalidOperationException($"{what}: got [{string.Join(", ", actual)}], expected [{string.Join(", ", expected)}]");
    }

    internal static void ExpectThrows<T>(Action action, string mustMention) where T : Exception
    {
        try { action(); }
        catch (T e) when (e.Message.Contains(mustMention, StringComparison.Ordinal)) { return; }
        throw new InvalidOperationException($"expected {typeof(T).Name} mentioning '{mustMention}'");
    }
}
