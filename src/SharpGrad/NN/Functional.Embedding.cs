namespace SharpGrad.NN;

public static partial class Functional
{
    /// <summary>
    /// Looks up rows of <paramref name="weight"/> by int64 indices (<c>F.embedding(input, weight, padding_idx, max_norm,
    /// norm_type)</c>): the result has shape [*input.shape, embeddingDim]. The row at <paramref name="paddingIdx"/> gets
    /// no gradient. With <paramref name="maxNorm"/>, every row that is looked up and whose p-norm exceeds it is first
    /// rescaled in place to norm <paramref name="maxNorm"/>, as PyTorch does.
    /// </summary>
    /// <param name="input">int64 indices of any shape, each in [0, numEmbeddings).</param>
    /// <param name="weight">The table [numEmbeddings, embeddingDim].</param>
    /// <param name="paddingIdx">A row that receives no gradient (negative counts from the end), or null.</param>
    /// <param name="maxNorm">Largest allowed norm of a looked-up row, or null.</param>
    /// <param name="normType">The p of the p-norm used with <paramref name="maxNorm"/>.</param>
    /// <exception cref="ArgumentException">The indices are not int64 or out of range, the weight is not 2-D, or paddingIdx is out of range.</exception>
    public static Tensor Embedding(Tensor input, Tensor weight, int? paddingIdx = null, double? maxNorm = null, double normType = 2)
    {
        if (input.DType != DType.Int64)
            throw new ArgumentException($"embedding: expected indices of dtype torch.int64, but got {input.DType.TorchName()}");
        if (weight.NDim != 2)
            throw new ArgumentException($"embedding: weight must be 2-D [numEmbeddings, embeddingDim], but got weight of shape {Core.Shape.Format(weight.Shape)}");
        int count = weight.Size(0);
        int? padding = EmbeddingPaddingIdx("embedding", paddingIdx, count);
        var flat = input.Reshape(-1);
        if (flat.Numel() > 0)
        {
            long min = flat.Min().Item<long>(), max = flat.Max().Item<long>();
            long bad = min < 0 ? min : max;
            if (min < 0 || max >= count)
                throw new ArgumentException($"embedding: index {bad} is out of range for {count} embeddings (input of shape {Core.Shape.Format(input.Shape)})");
        }
        if (maxNorm is double limit) RenormRows(weight, flat, limit, normType);
        var rows = weight.IndexSelect(0, flat);
        if (padding is int pad)
        {
            // The padding row's value is used but its gradient is not: the detached copy carries those positions.
            var isPad = flat.Eq(Tensor.From((long)pad)).Unsqueeze(1);
            rows = Tensor.Where(isPad, rows.Detach(), rows);
        }
        var y = rows.View([.. input.Shape, weight.Size(1)]);
        return Named(y, "EmbeddingBackward0");
    }

    /// <summary>paddingIdx in [-count, count) made non-negative, or null.</summary>
    internal static int? EmbeddingPaddingIdx(string op, int? paddingIdx, int count)
    {
        if (paddingIdx is not int p) return null;
        if (p >= count || p < -count)
            throw new ArgumentException($"{op}: paddingIdx ({p}) must be within the number of embeddings ({count})");
        return p < 0 ? p + count : p;
    }

    /// <summary>Scales, in place and outside autograd, the looked-up rows whose p-norm exceeds <paramref name="maxNorm"/> down to it (<c>torch.embedding_renorm_</c>).</summary>
    private static void RenormRows(Tensor weight, Tensor indices, double maxNorm, double normType)
    {
        using var noGrad = Tensor.NoGrad();
        var rows = weight.IndexSelect(0, indices);
        var norms = rows.Abs().Pow(normType).Sum(1, keepDim: true).Pow(1 / normType);
        var scale = Tensor.Where(norms.Gt(maxNorm), maxNorm / (norms + 1e-7), 1.0);
        weight.Scatter_(0, indices.Unsqueeze(1).Expand(-1, weight.Size(1)), rows * scale);
    }
}
