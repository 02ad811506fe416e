namespace SharpGrad.Vision.Transforms;

/// <summary>
/// An image transform: the counterpart of a torchvision transform object, which Python calls as
/// <c>transform(img)</c> (<c>__call__</c> / <c>forward</c>). Here the call is <see cref="Apply"/>.
/// Random transforms draw their parameters afresh on every call, from their own <see cref="Generator"/> when one
/// was given and otherwise from <see cref="Tensor.DefaultGenerator"/>, so a seeded run repeats exactly.
/// </summary>
public interface ITransform
{
    /// <summary>Transforms one image (torchvision's <c>transform(img)</c>).</summary>
    Tensor Apply(Tensor input);
}

/// <summary>How a geometric transform samples the input between pixel centres (<c>torchvision.transforms.InterpolationMode</c>).</summary>
public enum InterpolationMode
{
    /// <summary>The nearest pixel, ties to even (<c>InterpolationMode.NEAREST</c>), torchvision's default for rotations and affine maps.</summary>
    Nearest,
    /// <summary>Bilinear blend of the four surrounding pixels (<c>InterpolationMode.BILINEAR</c>).</summary>
    Bilinear,
}
