using SharpGrad;

namespace SharpGrad.Tests;

/// <summary>
/// Random expression graphs over three leaves (shared subexpressions, views, expands, clones, leaves used several
/// times): the gradients accumulated by backward (where leaves take the engine's buffers and pending sums add in
/// place) equal those of Autograd.Grad with createGraph (where nothing is reused), over two passes.
/// </summary>
public class ReviewOwnershipFuzzTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void BackwardWithBufferReuse_EqualsGradWithoutIt(int seed)
    {
        var rng = new Random(seed);
        var gen = new Generator((ulong)seed);
        for (int trial = 0; trial < 40; trial++)
        {
            var leaves = Enumerable.Range(0, 3).Select(_ => Tensor.Randn([4, 4], gen, DType.Float64).RequiresGrad_()).ToArray();
            var idx = Tensor.From(new long[] { 2, 0, 2, 1 });
            Tensor Build()
            {
                var pool = new List<Tensor>(leaves);
                for (int step = 0; step < 8; step++)
                {
                    var a = pool[rng.Next(pool.Count)];
                    var b = pool[rng.Next(pool.Count)];
                    pool.Add(rng.Next(11) switch
                    {
                        0 => a + b,
                        1 => a - b.T,
                        2 => a * b,
                        3 => a.Reshape(16).Reshape(4, 4),
                        4 => a.Clone() + a,
                        5 => a.Sum(1, keepDim: true).Expand(4, 4) * b,
                        6 => a.Relu() + b.T.Contiguous(),
                        7 => a.Softmax(1) * b,
                        8 => a.IndexSelect(0, idx) + b,
                        9 => a.Mm(b),
                        _ => a.T + a,
                    });
                }
                var outSum = pool[^1];
                for (int i = 3; i < pool.Count - 1; i++) if (rng.Next(2) == 0) outSum = outSum + pool[i];
                return (outSum * outSum).Sum();
            }
            int state = rng.Next();
            rng = new Random(state);
            var loss = Build();
            var expected = Autograd.Grad(loss, leaves, retainGraph: true, createGraph: true, allowUnused: true);
            loss.Backward(retainGraph: true);
            loss.Backward();
            for (int i = 0; i < 3; i++)
            {
                var e = expected[i] is null ? new double[16] : (expected[i]!.Detach() * 2).ToArray<double>();
                if (expected[i] is null) { Assert.Null(leaves[i].Grad); continue; }
                Check.Close(leaves[i].Grad!, e, 1e-9);
            }
        }
    }
}
