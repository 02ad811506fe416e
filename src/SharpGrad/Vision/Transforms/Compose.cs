using System.Text;

namespace SharpGrad.Vision.Transforms;

/// <summary>Applies several transforms one after another (<c>torchvision.transforms.Compose</c>).</summary>
public sealed class Compose : ITransform
{
    private readonly ITransform[] _transforms;

    /// <summary>A pipeline of the given transforms, applied in order (<c>Compose([t1, t2, ...])</c>).</summary>
    public Compose(params ITransform[] transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        for (int i = 0; i < transforms.Length; i++)
            if (transforms[i] is null) throw new ArgumentNullException(nameof(transforms), $"Compose: transform {i} is null");
        _transforms = (ITransform[])transforms.Clone();
    }

    /// <summary>The transforms in the order they run (<c>compose.transforms</c>).</summary>
    public IReadOnlyList<ITransform> Transforms => _transforms;

    /// <summary>Runs every transform on the output of the previous one (<c>compose(img)</c>).</summary>
    public Tensor Apply(Tensor input)
    {
        var x = input;
        foreach (var t in _transforms) x = t.Apply(x);
        return x;
    }

    /// <summary>torchvision's repr: one transform per line, indented by four spaces.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("Compose(");
        foreach (var t in _transforms) sb.Append("\n    ").Append(t);
        return sb.Append("\n)").ToString();
    }
}
