namespace SharpGrad.NN;

/// <summary>
/// A lookup table of learnable vectors, one per index (<c>nn.Embedding(num_embeddings, embedding_dim, padding_idx=None,
/// max_norm=None, norm_type=2.0)</c>): int64 indices of shape [*] give [*, embeddingDim]. The weight starts standard
/// normal, with the padding row (if any) zero; that row gets no gradient.
/// </summary>
public sealed class Embedding : Module
{
    /// <summary>Creates the table (<c>nn.Embedding(10, 3)</c>).</summary>
    /// <param name="numEmbeddings">Number of rows (the vocabulary size).</param>
    /// <param name="embeddingDim">Length of each vector.</param>
    /// <param name="paddingIdx">A row that starts at zero and is never trained (negative counts from the end), or null.</param>
    /// <param name="maxNorm">Rows looked up with a larger p-norm are rescaled to this norm, in place, or null.</param>
    /// <param name="normType">The p of that p-norm.</param>
    /// <param name="dtype">Dtype of the weight.</param>
    /// <param name="generator">Random source for the initial weight, or the default generator.</param>
    /// <exception cref="ArgumentException">A size is negative or paddingIdx is out of range.</exception>
    public Embedding(int numEmbeddings, int embeddingDim, int? paddingIdx = null, double? maxNorm = null, double normType = 2,
        DType dtype = DType.Float32, Generator? generator = null)
        : this(numEmbeddings, embeddingDim, paddingIdx, maxNorm, normType, null, dtype, generator)
    {
    }

    private Embedding(int numEmbeddings, int embeddingDim, int? paddingIdx, double? maxNorm, double normType, Tensor? weight,
        DType dtype, Generator? generator)
    {
        if (numEmbeddings < 0 || embeddingDim < 0)
            throw new ArgumentException($"Embedding: numEmbeddings and embeddingDim must be non-negative, got {numEmbeddings} and {embeddingDim}");
        (NumEmbeddings, EmbeddingDim, MaxNorm, NormType) = (numEmbeddings, embeddingDim, maxNorm, normType);
        PaddingIdx = Functional.EmbeddingPaddingIdx("Embedding", paddingIdx, numEmbeddings);
        if (weight is null)
        {
            Weight = new Parameter(Tensor.Empty([numEmbeddings, embeddingDim], dtype));
            ResetParameters(generator);
        }
        else Weight = new Parameter(weight);
        RegisterParameter("weight", Weight);
    }

    /// <summary>
    /// A table holding <paramref name="embeddings"/> (<c>nn.Embedding.from_pretrained(embeddings, freeze=True)</c>); the
    /// tensor's storage is shared, and with <paramref name="freeze"/> the weight is not trained.
    /// </summary>
    /// <param name="embeddings">The table [numEmbeddings, embeddingDim].</param>
    /// <param name="freeze">Whether the weight stays fixed (requires no grad).</param>
    /// <param name="paddingIdx">A row that gets no gradient, or null (its values are kept as given).</param>
    /// <param name="maxNorm">Rows looked up with a larger p-norm are rescaled to this norm, or null.</param>
    /// <param name="normType">The p of that p-norm.</param>
    /// <exception cref="ArgumentException">The tensor is not 2-D.</exception>
    public static Embedding FromPretrained(Tensor embeddings, bool freeze = true, int? paddingIdx = null, double? maxNorm = null, double normType = 2)
    {
        if (embeddings.NDim != 2)
            throw new ArgumentException($"Embedding.FromPretrained: embeddings must be 2-D, but got shape {Core.Shape.Format(embeddings.Shape)}");
        var e = new Embedding(embeddings.Size(0), embeddings.Size(1), paddingIdx, maxNorm, normType, embeddings.Detach(), embeddings.DType, null);
        e.Weight.RequiresGrad_(!freeze);
        return e;
    }

    /// <summary>Number of rows (<c>num_embeddings</c>).</summary>
    public int NumEmbeddings { get; }

    /// <summary>Length of each vector (<c>embedding_dim</c>).</summary>
    public int EmbeddingDim { get; }

    /// <summary>The row that gets no gradient, made non-negative (<c>padding_idx</c>), or null.</summary>
    public int? PaddingIdx { get; }

    /// <summary>Largest norm of a looked-up row (<c>max_norm</c>), or null.</summary>
    public double? MaxNorm { get; }

    /// <summary>The p of the norm used with <see cref="MaxNorm"/> (<c>norm_type</c>).</summary>
    public double NormType { get; }

    /// <summary>The table [numEmbeddings, embeddingDim] (<c>embedding.weight</c>).</summary>
    public Parameter Weight { get; }

    /// <summary>Re-draws the weight from N(0, 1) and zeroes the padding row (<c>embedding.reset_parameters()</c>).</summary>
    /// <param name="generator">Random source, or the default generator.</param>
    public void ResetParameters(Generator? generator = null)
    {
        Init.Normal_(Weight, generator: generator);
        if (PaddingIdx is int p)
            using (Tensor.NoGrad()) Weight[p].Zero_();
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Embedding(input, Weight, PaddingIdx, MaxNorm, NormType);

    /// <inheritdoc/>
    public override string ExtraRepr()
    {
        var s = $"{NumEmbeddings}, {EmbeddingDim}";
        if (PaddingIdx is int p) s += $", padding_idx={p}";
        if (MaxNorm is double m) s += $", max_norm={Repr.Float(m)}";
        if (NormType != 2) s += $", norm_type={Repr.Float(NormType)}";
        return s;
    }
}
