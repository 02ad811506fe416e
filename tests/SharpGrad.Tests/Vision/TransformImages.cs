using SharpGrad.Vision.Transforms;
using TF = SharpGrad.Vision.Transforms.Functional;

namespace SharpGrad.Tests;

/// <summary>Small test images shared by the transform tests.</summary>
internal static class TransformImages
{
    // A 5x5 single-channel image with irregular values, so that bilinear sampling cannot hide behind linearity.
    internal static readonly double[] Square =
    [
        0.1, 0.9, 0.3, 0.7, 0.2,
        0.8, 0.4, 0.6, 0.0, 1.0,
        0.5, 0.2, 0.9, 0.3, 0.6,
        0.3, 0.7, 0.1, 0.8, 0.4,
        0.6, 0.0, 0.5, 0.2, 0.9,
    ];

    internal static Tensor SquareImage() => Tensor.From(Square).Float().View(1, 5, 5);

    // A [2, 4, 6] float32 image: value (7 k mod 13) / 13 at flat index k; in the torchvision reference script
    // rect = (torch.arange(48, dtype=torch.float32).reshape(2, 4, 6) * 7 % 13) / 13 and sq = tensor(Square).view(1, 5, 5).
    internal static Tensor RectImage()
    {
        var v = new float[48];
        for (int k = 0; k < v.Length; k++) v[k] = (float)(k * 7 % 13) / 13f;
        return Tensor.FromBuffer(v, 2, 4, 6);
    }

    internal static Tensor Image(int seed, params int[] shape) => Tensor.Rand(shape, new Generator((ulong)seed));

    // Slow reference: element (plane, i, j) of a [P, H, W] row-major array.
    internal static double At(double[] a, int h, int w, int p, int i, int j) => a[(p * h + i) * w + j];

    // ---- Compose, Lambda -------------------------------------------------------------------------------------
}
