namespace SharpGrad.Vision.Transforms;

/// <summary>
/// Converts an image laid out as [H, W] or [H, W, C] into a [C, H, W] tensor (<c>torchvision.transforms.ToTensor</c>).
/// SharpGrad has no uint8 dtype, so integer (int64) tensors play the role of torchvision's byte images: their values
/// must be in [0, 255] and they become float32 scaled by 1/255. Floating-point tensors play the role of a float numpy
/// array: they are only permuted to [C, H, W], keep their dtype and are not scaled, exactly as torchvision treats
/// non-byte arrays. A tensor that is already [C, H, W] is not recognised as such: 3-D input is always read as [H, W, C].
/// </summary>
public sealed class ToTensor : ITransform
{
    /// <summary>The conversion (<c>ToTensor()</c>).</summary>
    public ToTensor() { }

    /// <summary>Converts one image (<c>to_tensor(pic)</c>); see <see cref="Functional.ToTensor"/>.</summary>
    public Tensor Apply(Tensor input) => Functional.ToTensor(input);

    /// <summary>torchvision's repr: <c>ToTensor()</c>.</summary>
    public override string ToString() => "ToTensor()";
}
