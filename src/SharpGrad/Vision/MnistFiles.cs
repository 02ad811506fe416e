namespace SharpGrad.Vision;

/// <summary>Where a member of the MNIST family comes from: its folder name, download mirrors, files with their MD5s, classes.</summary>
/// <param name="Name">The folder under the root (torchvision uses the class name).</param>
/// <param name="Mirrors">Base URLs tried in turn.</param>
/// <param name="Resources">The four gzip files and their MD5s, as torchvision publishes them.</param>
/// <param name="Classes">Class names by label.</param>
/// <param name="Hint">Extra ways to get the files, for the not-found message.</param>
internal sealed record MnistSource(
    string Name, IReadOnlyList<string> Mirrors, IReadOnlyList<(string FileName, string Md5)> Resources, IReadOnlyList<string> Classes, string Hint);

/// <summary>Finding and downloading the IDX files of an MNIST-style dataset.</summary>
internal static class MnistFiles
{
    /// <summary>The folders searched, in order: torchvision's <c>root/Name/raw</c>, then <c>root/raw</c>, then <c>root</c> itself.</summary>
    public static string[] Folders(string root, string name) => [Path.Combine(root, name, "raw"), Path.Combine(root, "raw"), root];

    /// <summary>The base file names (without .gz) of a split's images and labels.</summary>
    public static (string Images, string Labels) FileNames(bool train)
    {
        string prefix = train ? "train" : "t10k";
        return ($"{prefix}-images-idx3-ubyte", $"{prefix}-labels-idx1-ubyte");
    }

    /// <summary>The first folder holding both files of the split (each plain or .gz; plain preferred), or null.</summary>
    public static (string Images, string Labels)? Find(string root, string name, bool train)
    {
        var (images, labels) = FileNames(train);
        foreach (string folder in Folders(root, name))
        {
            if (Existing(folder, images) is { } imagesPath && Existing(folder, labels) is { } labelsPath)
                return (imagesPath, labelsPath);
        }
        return null;
    }

    private static string? Existing(string folder, string baseName)
    {
        string plain = Path.Combine(folder, baseName);
        if (File.Exists(plain)) return plain;
        string gz = plain + ".gz";
        return File.Exists(gz) ? gz : null;
    }

    /// <summary>Downloads every resource not yet in <c>root/Name/raw</c> (plain or gzip), checking MD5s.</summary>
    public static void Download(string root, MnistSource source) => DownloadAsync(root, source).GetAwaiter().GetResult();

    /// <summary><see cref="Download"/> without blocking, with progress reports per file and cancellation.</summary>
    public static async Task DownloadAsync(string root, MnistSource source, IProgress<DownloadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        // Both splits already present in any of the layouts the constructor reads: nothing to fetch.
        if (Find(root, source.Name, train: true) is not null && Find(root, source.Name, train: false) is not null) return;
        string raw = Path.Combine(root, source.Name, "raw");
        foreach (var (fileName, md5) in source.Resources)
        {
            string plain = fileName.EndsWith(".gz", StringComparison.Ordinal) ? fileName[..^3] : fileName;
            if (File.Exists(Path.Combine(raw, fileName)) || File.Exists(Path.Combine(raw, plain))) continue;
            await Vision.Download.FromMirrorsAsync(source.Mirrors, fileName, raw, md5, progress, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The error for a split whose files are nowhere: every path looked at and how to get the files.</summary>
    public static FileNotFoundException NotFound(string root, MnistSource source, bool train)
    {
        var (images, labels) = FileNames(train);
        var folders = Folders(root, source.Name);
        string looked = string.Join("\n", folders.Select(f => $"  {f}"));
        string raw = folders[0];
        return new FileNotFoundException(
            $"{source.Name}: dataset not found: {(train ? "the training split" : "the test split")} needs {images} and {labels} " +
            $"(each plain or .gz) together in one of these folders:\n{looked}\n" +
            $"Pass download: true to download them into {raw}{source.Hint}",
            Path.Combine(raw, images + ".gz"));
    }
}
