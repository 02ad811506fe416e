using SharpGrad.Vision.Transforms;
using TF = SharpGrad.Vision.Transforms.Functional;
using static SharpGrad.Tests.TransformImages;

namespace SharpGrad.Tests;

public class TransformGeometryTests
{
    [Theory]
    [InlineData(InterpolationMode.Nearest, 5)]
    [InlineData(InterpolationMode.Bilinear, 5)]
    [InlineData(InterpolationMode.Bilinear, 4)]
    public void Rotate_ByMultiplesOf90IsAnExactTransposeAndFlip(InterpolationMode mode, int n)
    {
        var img = Image(7, 2, n, n);
        var src = img.ToArray<double>();
        var ccw = new double[src.Length];
        var cw = new double[src.Length];
        var half = new double[src.Length];
        for (int p = 0; p < 2; p++)
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    int o = (p * n + i) * n + j;
                    ccw[o] = At(src, n, n, p, j, n - 1 - i);  // counter-clockwise: the top row becomes the left column
                    cw[o] = At(src, n, n, p, n - 1 - j, i);
                    half[o] = At(src, n, n, p, n - 1 - i, n - 1 - j);
                }
        Check.Close(TF.Rotate(img, 90, mode), [2, n, n], ccw, 0);
        Check.Close(TF.Rotate(img, -90, mode), [2, n, n], cw, 0);
        Check.Close(TF.Rotate(img, 270, mode), [2, n, n], cw, 0);
        Check.Close(TF.Rotate(img, 180, mode), [2, n, n], half, 0);
        Check.Close(TF.Rotate(img, 0, mode), [2, n, n], src, 0);
    }

    [Fact]
    public void Rotate_By180FlipsARectangularImageExactly()
    {
        var img = RectImage();
        var src = img.ToArray<double>();
        var expected = new double[src.Length];
        for (int k = 0; k < src.Length; k++) expected[k] = src[(k / 24) * 24 + 23 - k % 24];
        Check.Close(TF.Rotate(img, 180, InterpolationMode.Bilinear), [2, 4, 6], expected, 0);
    }

    [Fact]
    public void Rotate_And_Affine_ReadNonContiguousInputsCorrectly()
    {
        var view = RectImage().Transpose(1, 2); // [2, 6, 4], not contiguous
        Assert.False(view.IsContiguous());
        Check.Close(TF.Rotate(view, 33, InterpolationMode.Bilinear, fill: 0.5), TF.Rotate(view.Contiguous(), 33, InterpolationMode.Bilinear, fill: 0.5).ToArray<double>(), 0);
        Check.Close(TF.Affine(view, 10, (1, 2), 0.9, (5, 0)), TF.Affine(view.Contiguous(), 10, (1, 2), 0.9, (5, 0)).ToArray<double>(), 0);
    }

    // Reference outputs below come from torchvision 0.14.1 (torch 1.13), e.g.
    //   F.rotate(sq, 30.0, InterpolationMode.BILINEAR, fill=[0.0]), printed with 7 significant digits.
    // torchvision samples in float32, so agreement is to about 1e-6.

    [Fact]
    public void Rotate_SmallAngleBilinearMatchesTorchvision()
    {
        var y = TF.Rotate(SquareImage(), 30, InterpolationMode.Bilinear);
        Check.Close(y, [1, 5, 5],
        [
            0.0530744, 0.2085282, 0.5124356, 0.7270182, 0.0641018, 0.6846788, 0.524167, 0.3401924, 0.3937821, 0.3380453,
            0.6928203, 0.3602886, 0.9, 0.5433013, 0.5071796, 0.3185763, 0.399038, 0.4200962, 0.3686533, 0.4086224,
            0.02538662, 0.3921162, 0.1875644, 0.2553674, 0.02013078,
        ], 1e-5);

        // By hand, output pixel (row 1, col 2) sits at (x, y) = (0, -1) from the centre. Rotating back by 30 degrees
        // gives (x cos30 - y sin30, x sin30 + y cos30) = (0.5, -0.8660), i.e. column 2.5, row 1.1340: the bilinear
        // blend of 0.6, 0.0 (row 1) and 0.9, 0.3 (row 2) with weights 0.5 / 0.5 and 0.8660 / 0.1340.
        double c = Math.Cos(Math.PI / 6);
        Check.Close(0.3 * c + 0.6 * (1 - c), y.Select(0, 0).Select(0, 1).Select(0, 2).Item(), 1e-6);
        Check.Close(0.9, y.Select(0, 0).Select(0, 2).Select(0, 2).Item(), 1e-6); // the centre pixel stays
    }

    [Fact]
    public void Rotate_FillBlendsWithTheWeightThatFellOutsideAsTorchvisionDoes()
    {
        Check.Close(TF.Rotate(SquareImage(), 30, InterpolationMode.Bilinear, fill: 0.5), [1, 5, 5],
        [
            0.4190997, 0.3245536, 0.5124356, 0.7270182, 0.430127, 0.6846788, 0.524167, 0.3401924, 0.3937821, 0.4540708,
            0.6928203, 0.3602886, 0.9, 0.5433013, 0.5071796, 0.4346017, 0.399038, 0.4200962, 0.3686533, 0.4086224,
            0.391412, 0.3921162, 0.1875644, 0.3713929, 0.386156,
        ], 1e-5);
        Check.Close(TF.Rotate(SquareImage(), 30, InterpolationMode.Nearest, fill: 0.25), [1, 5, 5],
        [
            0.25, 0.3, 0.7, 1, 0.25, 0.9, 0.6, 0.6, 0.3, 0.6, 0.8, 0.2, 0.9, 0.3, 0.4, 0.5, 0.2, 0.1, 0.1, 0.2,
            0.25, 0.3, 0, 0.5, 0.25,
        ], 1e-6);
    }

    [Fact]
    public void Rotate_PixelsFromOutsideGetTheFill()
    {
        var ones = Tensor.Ones(1, 4, 4);
        // At 45 degrees the output corners map outside the input; nearest gives them the fill exactly.
        Check.Close(TF.Rotate(ones, 45, fill: 7), [1, 4, 4], [7, 1, 1, 7, 1, 1, 1, 1, 1, 1, 1, 1, 7, 1, 1, 7], 0);
        // A shift by more than the width leaves nothing of the image, in both modes.
        foreach (var mode in new[] { InterpolationMode.Nearest, InterpolationMode.Bilinear })
            Check.Close(TF.Affine(ones, 0, (5, 0), 1, (0, 0), mode, fill: -2), [1, 4, 4], Enumerable.Repeat(-2.0, 16).ToArray(), 0);
    }

    [Fact]
    public void Rotate_AboutAGivenCenterOnAMultiChannelImageMatchesTorchvision()
    {
        // F.rotate(rect, -20.0, BILINEAR, center=[1.0, 2.0], fill=[0.0, 0.0]); the channels share one rotation.
        Check.Close(TF.Rotate(RectImage(), -20, InterpolationMode.Bilinear, center: [1.0, 2.0]), [2, 4, 6],
        [
            0.01613578, 0.2079473, 0.1185189, 0.01429537, 0, 0, 0.2046028, 0.6284065, 0.3169383, 0.4825276, 0.2291634, 0.109502,
            0.401199, 0.2022519, 0.4196879, 0.7508307, 0.3506709, 0.7376657, 0.3733306, 0.4304403, 0.4349317, 0.2845614, 0.4964891, 0.3669806,
            0.1930602, 0.6021196, 0.09287068, 0.01003243, 0, 0, 0.1478237, 0.5798186, 0.2400152, 0.4056045, 0.1757767, 0.09095258,
            0.4971044, 0.8116439, 0.3427648, 0.6739076, 0.2737478, 0.6607426, 0.3083006, 0.48873, 0.3580086, 0.2076384, 0.419566, 0.3227422,
        ], 1e-5);
    }

    [Fact]
    public void Rotate_By90OnANonSquareImageMatchesTorchvision()
    {
        // A 4x6 frame rotated by 90 degrees: the middle 4 columns come from the rotated content, the rest is fill.
        Check.Close(TF.Rotate(RectImage(), 90, InterpolationMode.Bilinear), [2, 4, 6],
        [
            0, 0.1538462, 0.3846154, 0.6153846, 0.8461539, 0, 0, 0.6153846, 0.8461539, 0.07692308, 0.3076923, 0,
            0, 0.07692308, 0.3076923, 0.5384616, 0.7692308, 0, 0, 0.5384616, 0.7692308, 0, 0.2307692, 0,
            0, 0.07692308, 0.3076923, 0.5384616, 0.7692308, 0, 0, 0.5384616, 0.7692308, 0, 0.2307692, 0,
            0, 0, 0.2307692, 0.4615385, 0.6923077, 0, 0, 0.4615385, 0.6923077, 0.9230769, 0.1538462, 0,
        ], 1e-6);
    }

    [Fact]
    public void Rotate_WithExpandGrowsTheOutputLikeTorchvision()
    {
        var y = TF.Rotate(RectImage(), 30, InterpolationMode.Bilinear, expand: true);
        Check.Close(y, [2, 8, 8],
        [
            0, 0, 0, 0, 0, 0.006747067, 0, 0, 0, 0, 0, 0.003384071, 0.086356, 0.6437994, 0.005968215, 0,
            0, 0, 0.0202464, 0.4673927, 0.4042162, 0.6689347, 0.1971415, 0, 0, 0.2102297, 0.4034762, 0.4361441, 0.5758628, 0.5594926, 0.2661988, 0.01640765,
            0.002023923, 0.2033534, 0.6110212, 0.424778, 0.2654585, 0.5301772, 0.4369153, 0.01997378, 0, 0.1223088, 0.2647187, 0.2973866, 0.6192514, 0.06794433, 0, 0,
            0, 0.004020629, 0.6083481, 0.1078585, 0.004318043, 0, 0, 0, 0, 0, 0.006747057, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0.005997393, 0, 0, 0, 0, 0, 0.00282913, 0.06003671, 0.5742356, 0.00541328, 0,
            0, 0, 0.004602801, 0.397829, 0.3272932, 0.5920116, 0.1708222, 0, 0.0479371, 0.4359276, 0.3265531, 0.359221, 0.4989397, 0.4825695, 0.1892757, 0.01272133,
            0.03748928, 0.4164938, 0.7081363, 0.472855, 0.1885354, 0.4532541, 0.3855716, 0.01597902, 0, 0.09598947, 0.6166431, 0.5284763, 0.5496877, 0.05230073, 0, 0,
            0, 0.003465691, 0.5387844, 0.08153921, 0.003763102, 0, 0, 0, 0, 0, 0.005997384, 0, 0, 0, 0, 0,
        ], 1e-5);
        Assert.Equal([2, 4, 6], TF.Rotate(RectImage(), 180, expand: true).Shape);
        Assert.Equal([2, 6, 4], TF.Rotate(RectImage(), 90, expand: true).Shape);
    }

    [Fact]
    public void Rotate_Int64ImagesAreRoundedAndKeepTheirDtype()
    {
        // ints = round(sq * 255); F.rotate(ints, 30.0, BILINEAR, fill=[0.0]) gives int64 again.
        var ints = SquareImage().Mul(255.0).ToArray<double>().Select(v => (long)Math.Round(v)).ToArray();
        var img = Tensor.FromBuffer(ints, 1, 5, 5);
        var y = TF.Rotate(img, 30, InterpolationMode.Bilinear);
        Assert.Equal(DType.Int64, y.DType);
        Check.Close(y, [1, 5, 5], [14, 53, 130, 185, 16, 175, 134, 87, 100, 86, 177, 92, 230, 138, 129, 81, 102, 107, 94, 104, 6, 100, 48, 65, 5], 0);
        // Grayscale [H, W] works too.
        Check.Close(TF.Rotate(img.View(5, 5), 30, InterpolationMode.Bilinear), [5, 5], y.ToArray<double>(), 0);
    }

    [Fact]
    public void Affine_RotationTranslationScaleAndShearMatchTorchvision()
    {
        // F.affine(sq, 20.0, [1, -1], 1.2, [10.0, 5.0], BILINEAR, fill=[0.5])
        Check.Close(TF.Affine(SquareImage(), 20, (1, -1), 1.2, (10, 5), InterpolationMode.Bilinear, fill: 0.5), [1, 5, 5],
        [
            0.3935794, 0.5845866, 0.3802162, 0.5310614, 0.4099809, 0.3341092, 0.4149836, 0.4150226, 0.9, 0.3881074,
            0.4261681, 0.521376, 0.2916928, 0.4461389, 0.5760912, 0.2556709, 0.1896406, 0.4184236, 0.4182067, 0.5839666,
            0.5, 0.4366245, 0.364039, 0.3439595, 0.6492959,
        ], 1e-5);
        // F.affine(sq, -35.0, [0, 1], 0.8, [0.0, 0.0], NEAREST, fill=[0.0])
        Check.Close(TF.Affine(SquareImage(), -35, (0, 1), 0.8, (0, 0)), [1, 5, 5],
            [0, 0, 0, 0, 0, 0, 0, 0.7, 1, 0, 0.9, 0.3, 0, 0.6, 0, 0.8, 0.4, 0.9, 0.8, 0.4, 0, 0.5, 0.7, 0.5, 0.2], 1e-6);
    }

    [Fact]
    public void Affine_TurnsClockwiseUnlikeRotate()
    {
        var img = Image(2, 1, 5, 5);
        Check.Close(TF.Affine(img, 90, (0, 0), 1, (0, 0)), TF.Rotate(img, -90).ToArray<double>(), 0);
    }

    [Fact]
    public void Rotate_And_Affine_RejectBadInput()
    {
        Check.Throws<ArgumentException>(() => TF.Rotate(Tensor.Zeros(5), 10), "rotate", "[..., H, W]", "[5]");
        Check.Throws<ArgumentException>(() => TF.Rotate(Tensor.Zeros([2, 2], DType.Bool), 10), "rotate", "bool");
        Check.Throws<ArgumentException>(() => TF.Rotate(Tensor.Zeros(2, 2), 10, center: [1]), "rotate", "center", "[1]");
        Check.Throws<ArgumentOutOfRangeException>(() => TF.Rotate(Tensor.Zeros(2, 2), double.NaN), "rotate", "angle", "NaN");
        Check.Throws<ArgumentOutOfRangeException>(() => TF.Affine(Tensor.Zeros(2, 2), 0, (0, 0), 0, (0, 0)), "affine", "scale", "positive", "got 0");
        Check.Throws<ArgumentOutOfRangeException>(() => TF.Rotate(Tensor.Zeros(2, 2), 1, (InterpolationMode)7), "rotate", "interpolation", "7");
    }

    // ---- RandomRotation ----------------------------------------------------------------------------------------

    [Fact]
    public void RandomRotation_DrawsTheAngleUniformlyFromItsGeneratorAndRotatesByIt()
    {
        var img = Image(4, 3, 6, 6);
        var rotation = new RandomRotation(25, InterpolationMode.Bilinear, fill: 0.5, generator: new Generator(11));
        var draws = new Generator(11);
        for (int call = 0; call < 3; call++)
        {
            double angle = -25 + 50 * draws.NextDouble();
            Check.Close(rotation.Apply(img), [3, 6, 6], TF.Rotate(img, angle, InterpolationMode.Bilinear, fill: 0.5).ToArray<double>(), 0);
        }
        for (int k = 0; k < 200; k++) Assert.InRange(RandomRotation.GetParams((-5, 15), draws), -5, 15);
    }

    [Fact]
    public void RandomRotation_SameSeedGivesTheSameOutput()
    {
        var img = Image(5, 1, 8, 8);
        Tensor Run(ulong seed) => new RandomRotation(30, InterpolationMode.Bilinear, generator: new Generator(seed)).Apply(img);
        Check.Close(Run(3), Run(3).ToArray<double>(), 0);
        Assert.NotEqual(Run(3).ToArray<double>(), Run(4).ToArray<double>());
    }

    [Fact]
    public void RandomRotation_WithAFixedRangeRotatesRawInt64ImagesExactly()
    {
        var raw = Tensor.Randint(0, 256, [4, 4], new Generator(9));
        var y = new RandomRotation((90, 90), InterpolationMode.Bilinear).Apply(raw);
        Assert.Equal(DType.Int64, y.DType);
        var src = raw.ToArray<long>();
        var expected = new double[16];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++) expected[i * 4 + j] = src[j * 4 + 3 - i];
        Check.Close(y, [4, 4], expected, 0);
    }

    [Fact]
    public void RandomRotation_RejectsBadArgumentsAndPrintsLikeTorchvision()
    {
        Check.Throws<ArgumentOutOfRangeException>(() => new RandomRotation(-5), "RandomRotation", "degrees", "non-negative", "-5");
        Check.Throws<ArgumentException>(() => new RandomRotation((10, 5)), "RandomRotation", "(10, 5)", "min <= max");
        Check.Throws<ArgumentException>(() => new RandomRotation(5, center: [1, 2, 3]), "RandomRotation", "center", "got 3");
        Check.Throws<ArgumentException>(() => new RandomRotation(5).Apply(Tensor.Zeros(3)), "RandomRotation", "[3]");
        var g = new Generator(2);
        Check.Throws<ArgumentException>(() => new RandomRotation(5, generator: g).Apply(Tensor.Zeros([2, 2], DType.Bool)), "RandomRotation", "bool");
        Assert.Equal(new Generator(2).NextUInt64(), g.NextUInt64()); // a rejected call draws nothing

        Assert.Equal("RandomRotation(degrees=[-10.0, 10.0], interpolation=nearest, expand=False, fill=0)", new RandomRotation(10).ToString());
        Assert.Equal("RandomRotation(degrees=[-5.0, 15.5], interpolation=bilinear, expand=True, center=[14, 14], fill=1)",
            new RandomRotation((-5, 15.5), InterpolationMode.Bilinear, expand: true, center: [14, 14], fill: 1).ToString());
    }

    // ---- RandomAffine ------------------------------------------------------------------------------------------

    [Fact]
    public void RandomAffine_DrawsParametersInTorchvisionOrderAndApplies()
    {
        var img = Image(6, 2, 7, 9);
        var affine = new RandomAffine(15, translate: (0.2, 0.3), scale: (0.8, 1.2), shear: [-5, 5, 0, 10],
            interpolation: InterpolationMode.Bilinear, fill: 0.25, generator: new Generator(21));
        var draws = new Generator(21);
        for (int call = 0; call < 3; call++)
        {
            double angle = -15 + 30 * draws.NextDouble();
            double maxDx = 0.2 * 9, maxDy = 0.3 * 7; // fractions of the width and of the height
            int dx = (int)Math.Round(-maxDx + 2 * maxDx * draws.NextDouble(), MidpointRounding.ToEven);
            int dy = (int)Math.Round(-maxDy + 2 * maxDy * draws.NextDouble(), MidpointRounding.ToEven);
            double scale = 0.8 + 0.4 * draws.NextDouble();
            double shearX = -5 + 10 * draws.NextDouble(), shearY = 10 * draws.NextDouble();
            var expected = TF.Affine(img, angle, (dx, dy), scale, (shearX, shearY), InterpolationMode.Bilinear, 0.25);
            Check.Close(affine.Apply(img), [2, 7, 9], expected.ToArray<double>(), 0);
        }
    }

    [Fact]
    public void RandomAffine_TranslationOnlyShiftsByWholePixels()
    {
        var img = Image(8, 1, 6, 6);
        var src = img.ToArray<double>();
        var affine = new RandomAffine(0, translate: (0.5, 0.5), fill: -1, generator: new Generator(13));
        var draws = new Generator(13);
        for (int call = 0; call < 4; call++)
        {
            var (angle, (dx, dy), scale, shear) = RandomAffine.GetParams((0, 0), (0.5, 0.5), null, null, (6, 6), draws);
            Assert.Equal((0.0, 1.0, (0.0, 0.0)), (angle, scale, shear));
            var expected = new double[36];
            for (int i = 0; i < 6; i++)
                for (int j = 0; j < 6; j++)
                {
                    int si = i - dy, sj = j - dx;
                    expected[i * 6 + j] = si is >= 0 and < 6 && sj is >= 0 and < 6 ? src[si * 6 + sj] : -1;
                }
            Check.Close(affine.Apply(img), [1, 6, 6], expected, 0);
        }
    }

    [Fact]
    public void RandomAffine_RejectsBadArgumentsAndPrintsLikeTorchvision()
    {
        Check.Throws<ArgumentOutOfRangeException>(() => new RandomAffine(5, translate: (1.5, 0)), "RandomAffine", "translate", "between 0 and 1");
        Check.Throws<ArgumentOutOfRangeException>(() => new RandomAffine(5, scale: (0, 1)), "RandomAffine", "scale", "positive");
        Check.Throws<ArgumentException>(() => new RandomAffine(5, scale: (2, 1)), "RandomAffine", "scale range (2, 1)");
        Check.Throws<ArgumentException>(() => new RandomAffine(5, shear: [1, 2, 3]), "RandomAffine", "shear", "1, 2 or 4 values");
        Check.Throws<ArgumentOutOfRangeException>(() => new RandomAffine(-1), "RandomAffine", "degrees", "-1");

        Assert.Equal("RandomAffine(degrees=[-10.0, 10.0])", new RandomAffine(10).ToString());
        Assert.Equal("RandomAffine(degrees=[0.0, 0.0], translate=(0.1, 0.1), scale=(0.9, 1.1), shear=[-10.0, 10.0], interpolation=bilinear, fill=1, center=[2, 3])",
            new RandomAffine(0, translate: (0.1, 0.1), scale: (0.9, 1.1), shear: [10], interpolation: InterpolationMode.Bilinear, fill: 1, center: [2, 3]).ToString());
        Assert.Equal("RandomAffine(degrees=[-5.0, 5.0], shear=[1.0, 2.0, 3.0, 4.0])", new RandomAffine((-5, 5), shear: [1, 2, 3, 4]).ToString());
    }
}

// Draws from Tensor.DefaultGenerator: runs in the non-parallel "DefaultGenerator" collection so no other test draws in between.
[Collection("DefaultGenerator")]
public class DefaultGeneratorTransformTests
{
    [Fact]
    public void RandomTransforms_WithoutAGeneratorAreReproducibleAfterManualSeed()
    {
        var img = Tensor.Rand([1, 8, 8], new Generator(1));
        var pipeline = new Compose(new RandomCrop(6, padding: 1), new RandomHorizontalFlip(), new RandomRotation(20, InterpolationMode.Bilinear));
        Tensor.ManualSeed(123);
        var first = pipeline.Apply(img).ToArray<double>();
        Tensor.ManualSeed(123);
        var second = pipeline.Apply(img).ToArray<double>();
        Assert.Equal(first, second);

        // The first draw of the crop is the one a fresh default sequence gives.
        Tensor.ManualSeed(7);
        var (top, left, _, _) = RandomCrop.GetParams(Tensor.Zeros(10, 10), (6, 6));
        var g = new Generator(7);
        Assert.Equal(((int)g.NextInt64(0, 5), (int)g.NextInt64(0, 5)), (top, left));
    }
}
