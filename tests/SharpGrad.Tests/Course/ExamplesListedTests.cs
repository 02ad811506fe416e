namespace SharpGrad.Tests;

/// <summary>
/// The examples folder stays documented: every examples/*.cs is listed in examples/README.md and opens with a
/// comment naming the course program it ports. Reads files only; the examples are not compiled here.
/// </summary>
public class ExamplesListedTests
{
    private static string ExamplesFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SharpGrad.sln")))
                return Path.Combine(dir.FullName, "examples");
        throw new DirectoryNotFoundException($"no SharpGrad.sln above {AppContext.BaseDirectory}");
    }

    private static string[] Examples()
    {
        var files = Directory.GetFiles(ExamplesFolder(), "*.cs").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(files);
        return files!;
    }

    [Fact]
    public void EveryExampleIsListedInTheReadme()
    {
        string readme = File.ReadAllText(Path.Combine(ExamplesFolder(), "README.md"));
        var missing = Examples().Where(f => !readme.Contains($"[{f}]({f})", StringComparison.Ordinal)).ToArray();
        Assert.True(missing.Length == 0, $"examples/README.md does not list: {string.Join(", ", missing)} (as a [name.cs](name.cs) link)");
    }

    [Fact]
    public void EveryReadmeEntryExists()
    {
        string readme = File.ReadAllText(Path.Combine(ExamplesFolder(), "README.md"));
        var linked = System.Text.RegularExpressions.Regex.Matches(readme, @"\[([\w.]+\.cs)\]\(\1\)").Select(m => m.Groups[1].Value).Distinct();
        var stale = linked.Where(f => !File.Exists(Path.Combine(ExamplesFolder(), f))).ToArray();
        Assert.True(stale.Length == 0, $"examples/README.md links to missing files: {string.Join(", ", stale)}");
    }

    [Fact]
    public void EveryExampleStartsWithAPortComment()
    {
        var bad = Examples()
            .Where(f => !File.ReadLines(Path.Combine(ExamplesFolder(), f)).First().StartsWith("// Port of course 00", StringComparison.Ordinal))
            // The tutorial is the one program that is not a port: it opens by naming its page instead.
            .Where(f => !(f == "tutorial.cs" && File.ReadLines(Path.Combine(ExamplesFolder(), f)).First().StartsWith("// Tutorial (docs/tutorial.md)", StringComparison.Ordinal)))
            .ToArray();
        Assert.True(bad.Length == 0, $"these examples do not start with '// Port of course 00x (...)': {string.Join(", ", bad)}");
    }

    [Fact]
    public void EveryExampleReferencesTheLibraryAndDisablesAot()
    {
        foreach (string f in Examples())
        {
            string text = File.ReadAllText(Path.Combine(ExamplesFolder(), f));
            Assert.True(text.Contains("#:project ../src/SharpGrad/SharpGrad.csproj", StringComparison.Ordinal), $"{f}: no #:project line");
            Assert.True(text.Contains("#:property PublishAot=false", StringComparison.Ordinal), $"{f}: no #:property PublishAot=false");
        }
    }
}
