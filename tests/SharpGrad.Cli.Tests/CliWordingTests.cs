namespace SharpGrad.Cli.Tests;

/// <summary>The tool speaks in its own options (--download, --data), shows defaults as typed, and reproduces the course's Python split.</summary>
[Collection("cli")]
public class CliWordingTests
{
    [Fact]
    public void MissingDataset_SaysDownloadAndData_NotTheLibrarysArguments()
    {
        string empty = Directory.CreateTempSubdirectory("sharpgrad-empty-").FullName;
        try
        {
            var r = CliRunner.Run(["mnist", "--dataset", "mnist", "--data", empty], withOut: false);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("Add --download to download them into", r.Error);
            Assert.DoesNotContain("download: true", r.Error);
            Assert.DoesNotContain("root:", r.Error);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public void LibraryAdvice_IsRewordedForTheCommandLine()
        => Assert.Equal("Add --download to download them into data/x/raw, or install them and pass --data /usr/share/x",
            Commands.Mnist.MnistData.InCliWords("Pass download: true to download them into data/x/raw, or install them and pass root: \"/usr/share/x\""));

    [Fact]
    public void ActivationsHelp_ShowsTheDefaultAsTyped()
    {
        var r = CliRunner.Run(["activations", "--help"], withOut: false);
        Assert.Contains("[default: -10,-2,-1,-0.5,0,0.5,1,2,10]", r.Output);
        Assert.DoesNotContain("-10|-2", r.Output);
        // And the default is still used.
        var run = CliRunner.Run(["activations", "--quiet"]);
        Assert.Equal(0, run.ExitCode);
    }

    [Fact]
    public void Split_PythonRandom_GivesTheCoursePythonSplit()
    {
        // CPython 3.11: random.seed(666); the course's train_test_split([[1]..[10]], train=0.8) -> [8, 7, 9, 3, 6, 1, 5, 2] / [4, 10]
        var r = CliRunner.Run(["split", "--python-random"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("train   = [8, 7, 9, 3, 6, 1, 5, 2]", r.Output);
        Assert.Contains("test    = [4, 10]", r.Output);
    }

}

/// <summary>--download goes through the async download with progress; present files are not fetched again.</summary>
[Collection("cli")]
public class DownloadBarTests
{
    [Fact]
    public void Download_WithTheFilesPresent_FetchesNothing_AndTrains()
    {
        string dir = Directory.CreateTempSubdirectory("sharpgrad-cli-download-").FullName;
        try
        {
            var digits = SharpGrad.Vision.MNIST.Embedded(train: false);
            foreach (var (prefix, from, count) in new[] { ("train", 0, 64), ("t10k", 64, 32) })
            {
                var images = digits.Data[from..(from + count)].ToArray<long>().Select(v => (byte)v).ToArray();
                var labels = digits.Targets[from..(from + count)].ToArray<long>().Select(v => (byte)v).ToArray();
                SharpGrad.IO.Idx.Write(Path.Combine(dir, $"{prefix}-images-idx3-ubyte"), images, count, 28, 28);
                SharpGrad.IO.Idx.Write(Path.Combine(dir, $"{prefix}-labels-idx1-ubyte"), labels, count);
            }
            // No network in tests: a fetch would fail; the files in --data are found instead.
            var r = CliRunner.Run(["mnist", "--dataset", "mnist", "--data", dir, "--download", "--epochs", "1", "--batch-size", "32"]);
            Assert.True(r.ExitCode == 0, r.Error + r.Output);
            Assert.DoesNotContain("Downloading", r.Output);
            Assert.False(Directory.Exists(Path.Combine(dir, "MNIST")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void DownloadBar_RunsTheDownload_AndPassesItsErrorsOn()
    {
        int reports = 0;
        Infrastructure.DownloadBar.Run(show: true, (progress, cancel) =>
        {
            progress?.Report(new SharpGrad.Vision.DownloadProgress("f", "u", 1, 2));
            reports++;
            return Task.CompletedTask;
        });
        Assert.Equal(1, reports);
        var ex = Assert.Throws<IOException>(() => Infrastructure.DownloadBar.Run(show: false, (_, _) => throw new IOException("download: could not get f")));
        Assert.Contains("could not get f", ex.Message);
    }
}

/// <summary>The mnist pictures: one label size in the confusion matrix, class names under the images.</summary>
public class MnistPictureTests
{
    private static readonly System.Xml.Linq.XNamespace Ns = "http://www.w3.org/2000/svg";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ConfusionMatrix_ColumnLabelsShareOneFontSize_LongNamesAreTurned(bool fashion)
    {
        string[] names = fashion
            ? ["T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Boot"]
            : ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
        var matrix = new SharpGrad.Training.ConfusionMatrix(10, names);
        matrix.Update(Enumerable.Range(0, 10).Select(i => (long)i).ToArray(), Enumerable.Range(0, 10).Select(i => (long)((i + 1) % 10)).ToArray());
        var doc = System.Xml.Linq.XDocument.Parse(Commands.Mnist.ConfusionMatrixSvg.Render(matrix, "t"));
        var labels = doc.Descendants(Ns + "text").Where(t => names.Contains(t.Value) && t.Attribute("fill") is null).ToArray(); // not the counts in the cells
        Assert.Equal(20, labels.Length); // columns and rows
        Assert.Single(labels.Select(t => (string?)t.Attribute("font-size")).Distinct());
        Assert.Equal(fashion ? 10 : 0, labels.Count(t => ((string?)t.Attribute("transform"))?.StartsWith("rotate(-45", StringComparison.Ordinal) == true));
    }

    [Fact]
    public void Captions_NameTheClass_AndShowBothForAMistake()
    {
        string[] names = ["T-shirt", "Trouser", "Pullover"];
        Assert.Equal("Trouser", Commands.Mnist.MnistReport.Caption(names, 1, 1));
        Assert.Equal("Pullover/T-shirt", Commands.Mnist.MnistReport.Caption(names, 2, 0));
    }
}
