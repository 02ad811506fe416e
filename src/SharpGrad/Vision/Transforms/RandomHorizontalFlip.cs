using SharpGrad.Core;

namespace SharpGrad.Vision.Transforms;

/// <summary>Mirrors the image left to right with probability <see cref="P"/> (<c>torchvision.transforms.RandomHorizontalFlip</c>).</summary>
public sealed class RandomHorizontalFlip : ITransform
{
    /// <summary>A random flip with probability <paramref name="p"/> (<c>RandomHorizontalFlip(p=0.5)</c>), drawing from <paramref name="generator"/> or the default generator.</summary>
    public RandomHorizontalFlip(double p = 0.5, Generator? generator = null)
    {
        if (!(p >= 0 && p <= 1))
            throw new ArgumentOutOfRangeException(nameof(p), $"RandomHorizontalFlip: p must be a probability in [0, 1], got {p}");
        P = p;
        Generator = generator;
    }

    /// <summary>The probability of flipping (<c>flip.p</c>).</summary>
    public double P { get; }

    /// <summary>The generator the draws come from; null means <see cref="Tensor.DefaultGenerator"/>.</summary>
    public Generator? Generator { get; }

    /// <summary>Draws one uniform number (every call, as <c>torch.rand(1) &lt; p</c>) and flips the image if it is below <see cref="P"/>.</summary>
    public Tensor Apply(Tensor input)
    {
        Functional.CheckImage("RandomHorizontalFlip", input);
        Functional.CheckNotTracked("RandomHorizontalFlip", input);
        bool flip = TransformRandom.Draw(Generator, g => g.NextDouble() < P);
        return flip ? Functional.HFlip(input) : input;
    }

    /// <summary>torchvision's repr, e.g. <c>RandomHorizontalFlip(p=0.5)</c>.</summary>
    public override string ToString() => $"RandomHorizontalFlip(p={PyFormat.Float(P)})";
}
