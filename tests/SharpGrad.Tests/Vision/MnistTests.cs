using SharpGrad;
using SharpGrad.Data;
using SharpGrad.IO;
using SharpGrad.Vision;
using SharpGrad.Vision.Transforms;

namespace SharpGrad.Tests;

/// <summary>Small generated MNIST-style files: pixel p of image i is (7i + 3p) mod 256, label i is (3i + 1) mod 10.</summary>
internal static class FakeMnist
{
    public const int TrainCount = 12, TestCount = 5;

    public static byte Pixel(int image, int pixel) => (byte)((7 * image + 3 * pixel) % 256);

    public static byte Label(int image) => (byte)((3 * image + 1) % 10);

    public static byte[] Images(int count)
    {
        var bytes = new byte[count * 784];
        for (int i = 0; i < count; i++)
            for (int p = 0; p < 784; p++) bytes[i * 784 + p] = Pixel(i, p);
        return bytes;
    }

    public static byte[] Labels(int count)
    {
        var bytes = new byte[count];
        for (int i = 0; i < count; i++) bytes[i] = Label(i);
        return bytes;
    }

    /// <summary>Writes the four files into <paramref name="folder"/>, as .gz or plain.</summary>
    public static void Write(string folder, bool gzip)
    {
        Directory.CreateDirectory(folder);
        string ext = gzip ? ".gz" : "";
        Idx.Write(Path.Combine(folder, "train-images-idx3-ubyte" + ext), Images(TrainCount), TrainCount, 28, 28);
        Idx.Write(Path.Combine(folder, "train-labels-idx1-ubyte" + ext), Labels(TrainCount), TrainCount);
        Idx.Write(Path.Combine(folder, "t10k-images-idx3-ubyte" + ext), Images(TestCount), TestCount, 28, 28);
        Idx.Write(Path.Combine(folder, "t10k-labels-idx1-ubyte" + ext), Labels(TestCount), TestCount);
    }
}

public sealed class MnistTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sharpgrad-mnist-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static void AssertIsFakeImage(Tensor image, int index)
    {
        Assert.Equal(DType.Int64, image.DType);
        Assert.Equal(new[] { 28, 28 }, image.Shape);
        var values = image.ToArray<long>();
        for (int p = 0; p < 784; p++) Assert.Equal(FakeMnist.Pixel(index, p), values[p]);
    }

    [Theory]
    [InlineData("MNIST/raw", true)]
    [InlineData("MNIST/raw", false)]
    [InlineData("raw", true)]
    [InlineData("raw", false)]
    [InlineData("", true)]
    [InlineData("", false)]
    public void Mnist_LoadsFromEachRootLayout(string subfolder, bool gzip)
    {
        FakeMnist.Write(Path.Combine(_root, subfolder), gzip);
        var train = new MNIST(_root);
        var test = new MNIST(_root, train: false);
        Assert.Equal(FakeMnist.TrainCount, train.Count);
        Assert.Equal(FakeMnist.TestCount, test.Count);
        Assert.Equal(Path.Combine(_root, subfolder, "train-images-idx3-ubyte" + (gzip ? ".gz" : "")), train.ImagesFile);
        for (int i = 0; i < train.Count; i++)
        {
            var (image, label) = train[i];
            AssertIsFakeImage(image, i);
            Assert.Equal(FakeMnist.Label(i), label);
        }
        AssertIsFakeImage(test[4].Image, 4);
    }

    [Fact]
    public void Mnist_PrefersTorchvisionFolderOverRoot()
    {
        FakeMnist.Write(Path.Combine(_root, "MNIST", "raw"), gzip: true);
        // A different, valid pair directly in the root must be ignored.
        Idx.Write(Path.Combine(_root, "train-images-idx3-ubyte"), new byte[784], 1, 28, 28);
        Idx.Write(Path.Combine(_root, "train-labels-idx1-ubyte"), new byte[1], 1);
        Assert.Equal(FakeMnist.TrainCount, new MNIST(_root).Count);
    }

    [Fact]
    public void Mnist_DataAndTargets_HoldEverySample()
    {
        FakeMnist.Write(_root, gzip: true);
        var ds = new MNIST(_root);
        var data = ds.Data;
        Assert.Equal(DType.Int64, data.DType);
        Assert.Equal(new[] { FakeMnist.TrainCount, 28, 28 }, data.Shape);
        Assert.Equal(FakeMnist.Images(FakeMnist.TrainCount).Select(b => (long)b), data.ToArray<long>());
        var targets = ds.Targets;
        Assert.Equal(DType.Int64, targets.DType);
        Assert.Equal(FakeMnist.Labels(FakeMnist.TrainCount).Select(b => (long)b), targets.ToArray<long>());
        // Copies: changing them leaves the dataset as it was.
        targets.Fill_(9);
        Assert.Equal(FakeMnist.Label(0), ds[0].Label);
    }

    [Fact]
    public void Classes_AreTorchvisions()
    {
        FakeMnist.Write(_root, gzip: true);
        var mnist = new MNIST(_root);
        Assert.Equal(10, mnist.Classes.Count);
        Assert.Equal("0 - zero", mnist.Classes[0]);
        Assert.Equal("9 - nine", mnist.Classes[9]);
        Assert.Equal(3, mnist.ClassToIdx["3 - three"]);
        var fashion = new FashionMNIST(_root);
        Assert.Equal(
            new[] { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" },
            fashion.Classes);
    }

    [Fact]
    public void FashionMnist_LoadsFromDebianStyleRootAndTorchvisionFolder()
    {
        // The Debian package dataset-fashion-mnist puts the four .gz files directly into its folder.
        FakeMnist.Write(_root, gzip: true);
        var flat = new FashionMNIST(_root, train: false);
        Assert.Equal(FakeMnist.TestCount, flat.Count);
        Assert.Equal("FashionMNIST", flat.Name);
        Assert.Equal(Path.Combine(_root, "FashionMNIST", "raw"), flat.RawFolder);

        string other = Path.Combine(_root, "other");
        FakeMnist.Write(Path.Combine(other, "FashionMNIST", "raw"), gzip: false);
        var nested = new FashionMNIST(other);
        Assert.Equal(Path.Combine(other, "FashionMNIST", "raw", "train-images-idx3-ubyte"), nested.ImagesFile);
        AssertIsFakeImage(nested[7].Image, 7);
    }

    [Fact]
    public void Transforms_AreAppliedToImagesAndLabels()
    {
        FakeMnist.Write(_root, gzip: true);
        var ds = new MNIST(_root, transform: new ToTensor(), targetTransform: y => y + 100);
        var (image, label) = ds[2];
        Assert.Equal(DType.Float32, image.DType);
        Assert.Equal(new[] { 1, 28, 28 }, image.Shape);
        Check.Close(image.View(-1), Enumerable.Range(0, 784).Select(p => FakeMnist.Pixel(2, p) / 255.0).ToArray());
        Assert.Equal(FakeMnist.Label(2) + 100, label);
    }

    public static TheoryData<string> FastTransforms => new() { "none", "ToTensor", "Compose(ToTensor, Normalize)", "Compose(ToTensor, Normalize, Normalize)" };

    private static ITransform? MakeTransform(string name) => name switch
    {
        "none" => null,
        "ToTensor" => new ToTensor(),
        "Compose(ToTensor, Normalize)" => new Compose(new ToTensor(), new Normalize([0.1307], [0.3081])),
        _ => new Compose(new ToTensor(), new Normalize([0.5], [0.5]), new Normalize([0.25], [3.0])),
    };

    [Theory]
    [MemberData(nameof(FastTransforms))]
    public void GetBatch_FastPath_EqualsCollatedSamplesExactly(string transformName)
    {
        FakeMnist.Write(_root, gzip: true);
        var ds = new MNIST(_root, transform: MakeTransform(transformName), targetTransform: y => 9 - y);
        Assert.True(ds.BatchesFromBytes);
        int[] indices = [3, 0, 11, 3, 7];
        var fast = ds.GetBatch(indices);
        var slow = Collate.Default(indices.Select(i => (object?)ds[i]).ToList());
        Assert.Equal(2, fast.Length);
        Assert.Equal(slow[0].DType, fast[0].DType);
        Assert.Equal(slow[0].Shape, fast[0].Shape);
        if (fast[0].DType == DType.Float32)
            Assert.Equal(slow[0].ToArray<float>().Select(BitConverter.SingleToInt32Bits), fast[0].ToArray<float>().Select(BitConverter.SingleToInt32Bits));
        else
            Assert.Equal(slow[0].ToArray<long>(), fast[0].ToArray<long>());
        Assert.Equal(DType.Int64, fast[1].DType);
        Assert.Equal(indices.Select(i => 9L - FakeMnist.Label(i)), fast[1].ToArray<long>());
    }

    [Fact]
    public void GetBatch_OtherTransforms_RunPerSample()
    {
        FakeMnist.Write(_root, gzip: true);
        int calls = 0;
        var doubled = new Lambda(x => { calls++; return x.Mul(2); });
        var ds = new MNIST(_root, transform: doubled);
        Assert.False(ds.BatchesFromBytes);
        var batch = ds.GetBatch([1, 2, 3]);
        Assert.Equal(3, calls);
        Assert.Equal(new[] { 3, 28, 28 }, batch[0].Shape);
        Assert.Equal(2L * FakeMnist.Pixel(2, 5), batch[0][1, 0, 5].Item<long>());
        // Normalize with a per-channel list of three is not a single-channel map: also per sample (and then it fails as it should).
        var rgb = new MNIST(_root, transform: new Compose(new ToTensor(), new Normalize([0.1, 0.2, 0.3], [1, 1, 1])));
        Check.Throws<ArgumentException>(() => rgb.GetBatch([0]), "mean has 3 values");
    }

    [Fact]
    public void DataLoader_BatchesTheDataset()
    {
        FakeMnist.Write(_root, gzip: true);
        var ds = new MNIST(_root, transform: new ToTensor());
        var loader = new DataLoader(ds, batchSize: 5);
        var shapes = loader.Select(b => (b[0].Shape, b[1].Shape)).ToList();
        Assert.Equal(3, shapes.Count);
        Assert.Equal(new[] { 5, 1, 28, 28 }, shapes[0].Item1);
        Assert.Equal(new[] { 2, 1, 28, 28 }, shapes[2].Item1);
        Assert.Equal(new[] { 2 }, shapes[2].Item2);
    }

    [Fact]
    public void Indexing_OutOfRange_NamesTheDataset()
    {
        FakeMnist.Write(_root, gzip: true);
        var ds = new MNIST(_root, train: false);
        Check.Throws<ArgumentOutOfRangeException>(() => _ = ds[5], "MNIST", "index 5", "5 samples");
        Check.Throws<ArgumentOutOfRangeException>(() => ds.GetBatch([0, -1]), "index -1");
    }

    [Fact]
    public void MissingFiles_ListEveryPathAndHowToGetThem()
    {
        var e = Check.Throws<FileNotFoundException>(() => new MNIST(_root),
            "MNIST: dataset not found", "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            Path.Combine(_root, "MNIST", "raw"), Path.Combine(_root, "raw"), "download: true", "MNIST.Embedded()");
        Assert.Contains("\n  " + _root + "\n", e.Message);
        Check.Throws<FileNotFoundException>(() => new FashionMNIST(_root, train: false),
            "FashionMNIST: dataset not found", "t10k-images-idx3-ubyte", Path.Combine(_root, "FashionMNIST", "raw"),
            "apt-get install dataset-fashion-mnist", "/usr/share/datasets/fashion-mnist");
    }

    [Fact]
    public void MissingLabels_CountsAsNotFound()
    {
        Directory.CreateDirectory(Path.Combine(_root, "raw"));
        Idx.Write(Path.Combine(_root, "raw", "train-images-idx3-ubyte.gz"), new byte[784], 1, 28, 28);
        Check.Throws<FileNotFoundException>(() => new MNIST(_root), "dataset not found");
    }

    [Fact]
    public void InconsistentFiles_AreRejectedNamingTheFiles()
    {
        Idx.Write(Path.Combine(_root, "train-images-idx3-ubyte"), new byte[2 * 784], 2, 28, 28);
        Idx.Write(Path.Combine(_root, "train-labels-idx1-ubyte"), new byte[3], 3);
        Check.Throws<InvalidDataException>(() => new MNIST(_root), "holds 2 images", "holds 3 labels", "train-labels-idx1-ubyte");

        Idx.Write(Path.Combine(_root, "train-labels-idx1-ubyte"), new byte[] { 1, 10 }, 2);
        Check.Throws<InvalidDataException>(() => new MNIST(_root), "label 10 of sample 1", "0..9");

        Idx.Write(Path.Combine(_root, "train-images-idx3-ubyte"), new byte[2 * 784], 2, 784);
        Check.Throws<InvalidDataException>(() => new MNIST(_root), "should hold u8 images [N, H, W]", "[2, 784]");

        Idx.Write(Path.Combine(_root, "train-images-idx3-ubyte"), new byte[2 * 784], 2, 28, 28);
        File.AppendAllText(Path.Combine(_root, "train-images-idx3-ubyte"), "x");
        Check.Throws<IdxFormatException>(() => new MNIST(_root), "train-images-idx3-ubyte", "1 unexpected trailing byte(s)");
    }

    [Fact]
    public void ToString_PrintsLikeTorchvision()
    {
        FakeMnist.Write(_root, gzip: true);
        Assert.Equal($"Dataset MNIST\n    Number of datapoints: 12\n    Root location: {_root}\n    Split: Train", new MNIST(_root).ToString());
        var withTransform = new FashionMNIST(_root, train: false, transform: new Compose(new ToTensor(), new Normalize([0.5], [0.5])));
        Assert.Equal(
            $"Dataset FashionMNIST\n    Number of datapoints: 5\n    Root location: {_root}\n    Split: Test\n    StandardTransform\n" +
            "Transform: Compose(\n               ToTensor()\n               Normalize(mean=[0.5], std=[0.5])\n           )",
            withTransform.ToString());
    }

    // Counts per class of the 10,000 embedded digits (data/README.md).
    private static readonly int[] s_embeddedPerClass = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

    [Fact]
    public void Embedded_Splits8000And2000_WithEveryClassInEach()
    {
        var train = MNIST.Embedded();
        var test = MNIST.Embedded(train: false);
        Assert.Equal(8000, train.Count);
        Assert.Equal(2000, test.Count);
        Assert.Null(train.Root);
        Assert.True(train.Train);
        Assert.False(test.Train);
        var perClass = new int[10];
        foreach (var ds in new[] { train, test })
        {
            var labels = ds.Targets.ToArray<long>();
            var present = new bool[10];
            foreach (long y in labels)
            {
                Assert.InRange(y, 0, 9);
                present[y] = true;
                perClass[y]++;
            }
            Assert.All(present, Assert.True);
        }
        // Together the splits hold each embedded digit once.
        Assert.Equal(s_embeddedPerClass, perClass);
        Assert.Equal(7_840_000 + 0L, train.Data.Numel() + test.Data.Numel() + 0L);
    }

    [Fact]
    public void Embedded_IsTheSameSplitEveryTime_AndShuffled()
    {
        var a = MNIST.Embedded();
        var b = MNIST.Embedded(transform: new ToTensor());
        Assert.Equal(a.Targets.ToArray<long>(), b.Targets.ToArray<long>());
        Assert.Equal(a.Data.ToArray<long>(), MNIST.Embedded().Data.ToArray<long>());
        Check.Close(b[123].Image.View(-1), a[123].Image.View(-1).ToArray<long>().Select(v => v / 255.0).ToArray());
        // The files are sorted by class; the split must not be.
        var first = a.Targets.ToArray<long>().Take(100).Distinct().Count();
        Assert.True(first >= 8, $"the first 100 training labels hold only {first} classes");
        // Pinned: changing the split would silently change every experiment built on it.
        Assert.Equal(MNIST.EmbeddedPermutation(10000), MNIST.EmbeddedPermutation(10000));
        Assert.Equal(new[] { 8727, 4978, 2743 }, MNIST.EmbeddedPermutation(10000).Take(3));
    }

    [Fact]
    public void Embedded_ImagesLookLikeDigits()
    {
        var ds = MNIST.Embedded(train: false);
        var data = ds.Data;
        Assert.Equal(new[] { 2000, 28, 28 }, data.Shape);
        var pixels = data.ToArray<long>();
        Assert.InRange(pixels.Min(), 0, 0);
        Assert.Equal(255, pixels.Max());
        // MNIST's mean grey level is about 33 (0.1307 * 255); the borders are blank.
        Check.Close(33.3, pixels.Average(), 3.0);
        Assert.Equal(0, data[.., 0, ..].Sum().Item<long>());
    }
}
