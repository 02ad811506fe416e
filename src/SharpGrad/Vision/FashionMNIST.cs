using SharpGrad.Vision.Transforms;

namespace SharpGrad.Vision;

/// <summary>
/// Zalando's Fashion-MNIST (<c>torchvision.datasets.FashionMNIST</c>): 60,000 training and 10,000 test grey-level
/// images of clothing, 28 x 28 pixels, in 10 classes, in the same files and format as MNIST. Samples are
/// <c>(Image, Label)</c> as for <see cref="MNIST"/>. On Debian and Ubuntu, <c>apt-get install dataset-fashion-mnist</c>
/// puts the four files into <c>/usr/share/datasets/fashion-mnist</c>, which works as <c>root</c> directly.
/// </summary>
public sealed class FashionMNIST : MnistFamily
{
    /// <summary>The default location of the Debian package <c>dataset-fashion-mnist</c>.</summary>
    public const string DebianRoot = "/usr/share/datasets/fashion-mnist";

    /// <summary>Download locations tried in turn (torchvision's <c>FashionMNIST.mirrors</c>).</summary>
    public static IReadOnlyList<string> Mirrors { get; } = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"];

    /// <summary>The files and their MD5 checksums (torchvision's <c>FashionMNIST.resources</c>).</summary>
    public static IReadOnlyList<(string FileName, string Md5)> Resources { get; } =
    [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ];

    /// <summary>The class names (<c>FashionMNIST.classes</c>).</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    internal static MnistSource Source { get; } = new("FashionMNIST", Mirrors, Resources, ClassNames,
        $", or on Debian/Ubuntu install them with 'apt-get install dataset-fashion-mnist' and pass root: \"{DebianRoot}\".");

    /// <summary>
    /// Loads Fashion-MNIST from <paramref name="root"/>
    /// (<c>FashionMNIST(root, train=True, transform=None, target_transform=None, download=False)</c>). The files are looked
    /// for in <c>root/FashionMNIST/raw</c>, then <c>root/raw</c>, then <c>root</c> (so <see cref="DebianRoot"/> works).
    /// </summary>
    /// <param name="root">The data folder.</param>
    /// <param name="train">The training split (60,000) or the test split (10,000).</param>
    /// <param name="transform">Applied to each int64 [28, 28] image.</param>
    /// <param name="targetTransform">Applied to each label.</param>
    /// <param name="download">Download the files into <c>root/FashionMNIST/raw</c> (MD5-checked) when they are not found.</param>
    /// <exception cref="FileNotFoundException">The files are not there and <paramref name="download"/> is false; the message lists the paths.</exception>
    /// <exception cref="IOException">The download failed from every mirror.</exception>
    public FashionMNIST(string root, bool train = true, ITransform? transform = null, Func<long, long>? targetTransform = null, bool download = false)
        : base(root, train, transform, targetTransform, download, Source)
    {
    }

    /// <summary>
    /// Downloads the four files (60,000 + 10,000 images, about 30 MB) into <c>root/FashionMNIST/raw</c> when they are not there yet, MD5-checked, without
    /// blocking (torchvision's <c>dataset.download()</c>); then <c>new FashionMNIST(root, train)</c> loads them.
    /// </summary>
    /// <param name="root">The data folder (created if missing).</param>
    /// <param name="progress">Told about every chunk received (file name, bytes so far, total size), e.g. for a progress bar; or null.</param>
    /// <param name="cancellationToken">Stops the download; the partial file is deleted and the task ends in <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="IOException">A file could not be downloaded from any mirror; the message lists the URLs tried.</exception>
    public static Task DownloadAsync(string root, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
        => MnistFiles.DownloadAsync(root, Source, progress, cancellationToken);

    /// <summary>For tests: another source (local mirrors, other checksums).</summary>
    internal FashionMNIST(string root, bool train, ITransform? transform, Func<long, long>? targetTransform, bool download, MnistSource source)
        : base(root, train, transform, targetTransform, download, source)
    {
    }
}
