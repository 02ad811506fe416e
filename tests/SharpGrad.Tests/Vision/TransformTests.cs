using SharpGrad.Vision.Transforms;
using TF = SharpGrad.Vision.Transforms.Functional;
using static SharpGrad.Tests.TransformImages;

namespace SharpGrad.Tests;

public class TransformTests
{
    [Fact]
    public void Compose_AppliesTransformsInOrderAndExposesThem()
    {
        var add = new Lambda(x => x + 1.0);
        var twice = new Lambda(x => x * 2.0);
        var pipeline = new Compose(add, twice);
        Assert.Equal([add, twice], pipeline.Transforms);
        Check.Close(pipeline.Apply(Tensor.From(new[] { 1.0, 2.0 })), [4, 6], 0);
        Check.Close(new Compose(twice, add).Apply(Tensor.From(new[] { 1.0, 2.0 })), [3, 5], 0);
    }

    [Fact]
    public void Compose_PrintsLikeTorchvision()
    {
        var pipeline = new Compose(new ToTensor(), new Normalize([0.1307], [0.3081]));
        Assert.Equal("Compose(\n    ToTensor()\n    Normalize(mean=[0.1307], std=[0.3081])\n)", pipeline.ToString());
        Assert.Equal("Compose(\n)", new Compose().ToString());
    }

    [Fact]
    public void Compose_And_Lambda_RejectNull()
    {
        Check.Throws<ArgumentNullException>(() => new Compose(new ToTensor(), null!), "Compose: transform 1 is null");
        Assert.Throws<ArgumentNullException>(() => new Lambda(null!));
        Assert.Equal("Lambda()", new Lambda(x => x).ToString());
    }

    // ---- ToTensor --------------------------------------------------------------------------------------------

    [Fact]
    public void ToTensor_ScalesInt64GrayscaleBy255AndAddsAChannel()
    {
        var raw = Tensor.From(new long[,] { { 0, 51, 255 }, { 102, 1, 204 } });
        var x = new ToTensor().Apply(raw);
        Assert.Equal(DType.Float32, x.DType);
        Check.Close(x, [1, 2, 3], [0, 0.2, 1, 0.4, 1 / 255.0, 0.8], 1e-7);
    }

    [Fact]
    public void ToTensor_PermutesHeightWidthChannelsToChannelsFirst()
    {
        // [H=2, W=2, C=3]: pixel (i, j) holds channels (10 k, 10 k + 1, 10 k + 2) with k = 2 i + j.
        var raw = Tensor.From(new long[] { 0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32 }).View(2, 2, 3);
        var x = TF.ToTensor(raw);
        Check.Close(x, [3, 2, 2], new double[] { 0, 10, 20, 30, 1, 11, 21, 31, 2, 12, 22, 32 }.Select(v => v / 255.0).ToArray(), 1e-6);
        Assert.True(x.IsContiguous());
        // A non-contiguous view converts the same way.
        var transposed = raw.Transpose(0, 1);
        Check.Close(TF.ToTensor(transposed), [3, 2, 2], new double[] { 0, 20, 10, 30, 1, 21, 11, 31, 2, 22, 12, 32 }.Select(v => v / 255.0).ToArray(), 1e-6);
    }

    [Fact]
    public void ToTensor_OnlyPermutesFloatImagesAndKeepsTheirDtype()
    {
        var raw = Tensor.From(new double[] { 0.5, 2, -1, 300 }).View(2, 2);
        var x = TF.ToTensor(raw);
        Assert.Equal(DType.Float64, x.DType);
        Check.Close(x, [1, 2, 2], [0.5, 2, -1, 300], 0);
        x.Fill_(9);
        Check.Close(raw, [0.5, 2, -1, 300], 0); // a copy, not a view of the input
    }

    [Fact]
    public void ToTensor_RejectsBadShapesDtypesAndValues()
    {
        Check.Throws<ArgumentException>(() => TF.ToTensor(Tensor.Zeros(5)), "ToTensor", "[H, W] or [H, W, C]", "[5]");
        Check.Throws<ArgumentException>(() => TF.ToTensor(Tensor.Zeros(1, 2, 3, 4)), "ToTensor", "[1, 2, 3, 4]");
        Check.Throws<ArgumentException>(() => TF.ToTensor(Tensor.Zeros([2, 2], DType.Bool)), "ToTensor", "torch.bool");
        Check.Throws<ArgumentException>(() => TF.ToTensor(Tensor.From(new long[,] { { 0, 256 } })), "ToTensor", "[0, 255]", "0 to 256");
        Check.Throws<ArgumentException>(() => TF.ToTensor(Tensor.From(new long[,] { { -1, 3 } })), "ToTensor", "-1 to 3");
    }

    // ---- Normalize -------------------------------------------------------------------------------------------

    [Fact]
    public void Normalize_SubtractsMeanAndDividesByStdPerChannel()
    {
        var x = Tensor.From(new double[] { 1, 2, 3, 4, 5, 6, 7, 8 }, DType.Float32).View(2, 2, 2);
        var y = new Normalize([0.5, 4], [0.5, 2]).Apply(x);
        Check.Close(y, [2, 2, 2], [1, 3, 5, 7, 0.5, 1, 1.5, 2], 1e-7);
        Check.Close(x, [1, 2, 3, 4, 5, 6, 7, 8], 0); // not in place
    }

    [Fact]
    public void Normalize_HandlesBatchesSingleValuesNonContiguousInputAndInplace()
    {
        var batch = Tensor.From(new double[] { 1, 2, 3, 4, 5, 6, 7, 8 }).View(2, 2, 1, 2); // [N=2, C=2, H=1, W=2]
        Check.Close(TF.Normalize(batch, [1, 2], [1, 2]), [2, 2, 1, 2], [0, 1, 0.5, 1, 4, 5, 2.5, 3]);
        Check.Close(TF.Normalize(batch, [1], [2]), [2, 2, 1, 2], [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]);
        var transposed = Tensor.From(new double[] { 1, 2, 3, 4 }).View(1, 2, 2).Transpose(1, 2);
        Check.Close(TF.Normalize(transposed, [1], [0.5]), [1, 2, 2], [0, 4, 2, 6]);

        var x = Tensor.From(new double[] { 1, 3 }).View(1, 1, 2);
        var y = new Normalize([1], [2], inplace: true).Apply(x);
        Assert.Same(x, y);
        Check.Close(x, [0, 1], 0);
    }

    [Fact]
    public void Normalize_IsDifferentiable()
    {
        Check.Gradients(t => TF.Normalize(t[0], [0.5, -1], [2, 0.25]), Check.Input(1, 2, 2, 3));
    }

    [Fact]
    public void Normalize_RejectsZeroStdMismatchedChannelsAndNonFloatInput()
    {
        var x = Tensor.Zeros(1, 2, 2);
        Check.Throws<ArgumentException>(() => new Normalize([0], [0]).Apply(x),
            "Normalize: std evaluated to zero after conversion to torch.float32, leading to division by zero.");
        // 1e-50 is not zero as a double but underflows to zero in float32.
        Check.Throws<ArgumentException>(() => new Normalize([0], [1e-50]).Apply(x), "after conversion to torch.float32");
        Check.Throws<ArgumentException>(() => new Normalize([0.5, 0.5, 0.5], [1]).Apply(x), "Normalize", "mean has 3 values", "1 channels", "[1, 2, 2]");
        Check.Throws<ArgumentException>(() => new Normalize([0.5], [1, 1]).Apply(x), "std has 2 values");
        Check.Throws<ArgumentException>(() => new Normalize([0], [1]).Apply(Tensor.Zeros([1, 2, 2], DType.Int64)), "Normalize", "float tensor", "torch.int64");
        Check.Throws<ArgumentException>(() => new Normalize([0], [1]).Apply(Tensor.Zeros(2, 2)), "Normalize", "[..., C, H, W]", "[2, 2]");
        Check.Throws<ArgumentException>(() => new Normalize([], [1]), "Normalize", "at least one value");
        Check.Throws<ArgumentException>(() => TF.Normalize(x, [0], [0]), "normalize: std evaluated to zero");
    }

    // ---- Flip, crop, pad ----------------------------------------------------------------------------------------

    [Fact]
    public void HFlip_ReversesTheLastDimensionAndKeepsTheDtype()
    {
        var img = Tensor.From(new long[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }).View(2, 2, 3);
        var flipped = TF.HFlip(img);
        Assert.Equal(DType.Int64, flipped.DType);
        Check.Close(flipped, [2, 2, 3], [3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10], 0);
        // A transposed (non-contiguous) [H, W] view.
        var t = Tensor.From(new double[] { 1, 2, 3, 4, 5, 6 }).View(2, 3).T; // [[1, 4], [2, 5], [3, 6]]
        Check.Close(TF.HFlip(t), [3, 2], [4, 1, 5, 2, 6, 3], 0);
    }

    [Fact]
    public void RandomHorizontalFlip_FlipsWhenTheDrawIsBelowP()
    {
        var img = Tensor.From(new double[] { 1, 2, 3 }).View(1, 3);
        Check.Close(new RandomHorizontalFlip(1.0, new Generator(1)).Apply(img), [3, 2, 1], 0);
        Check.Close(new RandomHorizontalFlip(0.0, new Generator(1)).Apply(img), [1, 2, 3], 0);

        // One uniform draw per call, flipping when it is below p, as torch.rand(1) < p.
        var flip = new RandomHorizontalFlip(0.3, new Generator(42));
        var draws = new Generator(42);
        int flips = 0;
        for (int call = 0; call < 40; call++)
        {
            bool expected = draws.NextDouble() < 0.3;
            flips += expected ? 1 : 0;
            Check.Close(flip.Apply(img), expected ? [3, 2, 1] : [1, 2, 3], 0);
        }
        Assert.InRange(flips, 1, 39); // the seed exercises both branches
        Assert.Equal("RandomHorizontalFlip(p=0.5)", new RandomHorizontalFlip().ToString());
        Check.Throws<ArgumentOutOfRangeException>(() => new RandomHorizontalFlip(1.5), "RandomHorizontalFlip", "[0, 1]", "1.5");
    }

    [Fact]
    public void Crop_TakesTheWindowAndZeroPadsOutsideTheImage()
    {
        var img = Tensor.Arange(1.0, 13.0).View(1, 3, 4); // rows 1..4, 5..8, 9..12
        Check.Close(TF.Crop(img, 1, 2, 2, 2), [1, 2, 2], [7, 8, 11, 12], 0);
        Check.Close(TF.Crop(img, -1, 3, 2, 2), [1, 2, 2], [0, 0, 4, 0], 0);
        Check.Throws<ArgumentOutOfRangeException>(() => TF.Crop(img, 0, 0, -1, 2), "crop", "(-1, 2)");
    }

    [Fact]
    public void Pad_AcceptsOneTwoOrFourValues()
    {
        var img = Tensor.From(new long[] { 1, 2 }).View(1, 2);
        Check.Close(TF.Pad(img, [1], 9), [3, 4], [9, 9, 9, 9, 9, 1, 2, 9, 9, 9, 9, 9], 0);
        Check.Close(TF.Pad(img, [1, 0]), [1, 4], [0, 1, 2, 0], 0);
        Check.Close(TF.Pad(img, [0, 1, 2, 0], 5), [2, 4], [5, 5, 5, 5, 1, 2, 5, 5], 0);
        Assert.Equal(DType.Int64, TF.Pad(img, [1]).DType);
        Check.Throws<ArgumentException>(() => TF.Pad(img, [1, 2, 3]), "pad", "1, 2 or 4 values", "got 3");
        Check.Throws<ArgumentOutOfRangeException>(() => TF.Pad(img, [-1]), "pad", "non-negative", "[-1]");
    }

    [Fact]
    public void Crop_IsDifferentiableInsideTheImage_TheSamplingTransformsRefuseTrackedInputs()
    {
        Check.Gradients(t => TF.Crop(t[0], 1, 1, 2, 3), Check.Input(3, 2, 3, 5));
        var x = Check.Input(4, 1, 3, 3);
        Check.Throws<InvalidOperationException>(() => TF.Pad(x, [1]), "pad", "requires grad", "not differentiable", "Detach()");
        Check.Throws<InvalidOperationException>(() => TF.Crop(x, -1, 0, 2, 2), "crop", "requires grad");
        Check.Throws<InvalidOperationException>(() => TF.HFlip(x), "hflip", "requires grad");
        Check.Throws<InvalidOperationException>(() => TF.Rotate(x, 10), "rotate", "requires grad");
        Check.Throws<InvalidOperationException>(() => new RandomRotation(10, generator: new Generator(1)).Apply(x), "RandomRotation", "requires grad");
        using (Tensor.NoGrad()) Assert.Equal([1, 5, 5], TF.Pad(x, [1]).Shape);
        Assert.Equal([1, 3, 3], TF.Rotate(x.Detach(), 10).Shape);
    }

    [Fact]
    public void RandomCrop_CropsAtThePositionDrawnFromTheGenerator()
    {
        var img = Image(3, 2, 6, 7);
        var src = img.ToArray<double>();
        var crop = new RandomCrop((3, 4), generator: new Generator(5));
        var draws = new Generator(5);
        for (int call = 0; call < 5; call++)
        {
            int top = (int)draws.NextInt64(0, 4), left = (int)draws.NextInt64(0, 4);
            var expected = new List<double>();
            for (int p = 0; p < 2; p++)
                for (int i = 0; i < 3; i++)
                    for (int j = 0; j < 4; j++) expected.Add(At(src, 6, 7, p, top + i, left + j));
            Check.Close(crop.Apply(img), [2, 3, 4], expected.ToArray(), 0);
        }
    }

    [Fact]
    public void RandomCrop_PadsFirstAndPadsSmallImagesWhenAsked()
    {
        var img = Tensor.From(new double[] { 1, 2, 3, 4 }).View(2, 2);
        // Padding 1 makes a 4x4 image; a 4x4 crop of it is the whole padded image and draws nothing.
        var g = new Generator(1);
        Check.Close(new RandomCrop(4, padding: 1, fill: 7, generator: g).Apply(img), [4, 4],
            [7, 7, 7, 7, 7, 1, 2, 7, 7, 3, 4, 7, 7, 7, 7, 7], 0);
        Assert.Equal(new Generator(1).NextUInt64(), g.NextUInt64());
        Check.Close(new RandomCrop(2, padding: [1, 0, 0, 0]).Apply(img.Narrow(1, 0, 1)), [2, 2], [0, 1, 0, 3], 0);

        // pad_if_needed adds the missing width on both sides (2 -> 2 + 2 * 1) before cropping 3 columns.
        var crop = new RandomCrop((2, 3), padIfNeeded: true, fill: -1, generator: new Generator(8));
        var draws = new Generator(8);
        draws.NextInt64(0, 1); // the top offset is drawn even though only 0 is possible
        int left = (int)draws.NextInt64(0, 2);
        double[] padded = [-1, 1, 2, -1, -1, 3, 4, -1];
        Check.Close(crop.Apply(img), [2, 3], [padded[left], padded[left + 1], padded[left + 2], padded[4 + left], padded[5 + left], padded[6 + left]], 0);
    }

    [Fact]
    public void RandomCrop_RejectsCropsLargerThanTheImageAndPrintsLikeTorchvision()
    {
        Check.Throws<ArgumentException>(() => new RandomCrop(32).Apply(Tensor.Zeros(1, 28, 28)),
            "RandomCrop: required crop size (32, 32) is larger than input image size (28, 28)");
        Check.Throws<ArgumentOutOfRangeException>(() => new RandomCrop(0), "RandomCrop", "positive", "(0, 0)");
        Check.Throws<ArgumentException>(() => new RandomCrop(3, padding: [1, 2, 3]), "RandomCrop", "1, 2 or 4 values");
        Assert.Equal("RandomCrop(size=(32, 32), padding=4)", new RandomCrop(32, padding: 4).ToString());
        Assert.Equal("RandomCrop(size=(28, 30), padding=None)", new RandomCrop((28, 30)).ToString());
        Assert.Equal("RandomCrop(size=(32, 32), padding=[1, 2, 3, 4])", new RandomCrop(32, padding: [1, 2, 3, 4]).ToString());
    }

    // ---- Rotation ----------------------------------------------------------------------------------------------
}
