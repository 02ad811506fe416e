using System.Text.RegularExpressions;

namespace SharpGrad.Cli.Tests;

/// <summary>End-to-end runs of the small course-004/001 commands: activations, neuron, metrics, split, losses.</summary>
[Collection("cli")]
public sealed class SmallCommandsTests
{
    private static string Metrics(CliResult r) => File.ReadAllText(r.File("metrics.json"));

    internal static void AssertUsageError(CliResult r, params string[] mentions)
    {
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Error.Trim().Split('\n'));
        Assert.StartsWith("sharpgrad:", r.Error);
        Assert.DoesNotContain("   at ", r.Error);
        foreach (string m in mentions) Assert.Contains(m, r.Error);
    }

    [Fact]
    public void Activations_PrintsValuesAndAutogradDerivativesAndWritesTwoPlots()
    {
        var r = CliRunner.Run(["activations", "--x", "1,-2,0.5,0"]);
        Assert.Equal(0, r.ExitCode);
        // sigmoid(1) and its derivative s(1 - s); tanh'(-2) = 1 - tanh(-2)^2; sgn has no derivative at 0.
        Assert.Contains("0.731059", r.Output);
        Assert.Contains("0.196612", r.Output);
        Assert.Contains("0.070651", r.Output);
        Assert.Contains("undef", r.Output);
        foreach (string f in new[] { "activations.svg", "derivatives.svg", "values.csv", "metrics.json" })
            Assert.True(File.Exists(r.File(f)), f);
        Assert.StartsWith("<svg", File.ReadAllText(r.File("activations.svg")).TrimStart());
        var csv = File.ReadAllLines(r.File("values.csv"));
        Assert.Equal("x,sigmoid,d_sigmoid,tanh,d_tanh,relu,d_relu,leaky_relu,d_leaky_relu,sgn,d_sgn", csv[0]);
        var minusTwo = csv[2].Split(',').Select(double.Parse).ToArray();
        Assert.Equal(-2, minusTwo[0]);
        Assert.Equal(0, minusTwo[6]);          // relu'(-2)
        Assert.Equal(-0.02, minusTwo[7], 12);  // leaky_relu(-2) with slope 0.01
        Assert.Equal(0.01, minusTwo[8], 12);   // leaky_relu'(-2)
        Assert.Equal(0, minusTwo[9]);          // sgn(-2) as the course writes it: np.where(x >= 0, 1, 0)
        var zero = csv[4].Split(',');
        Assert.Equal("1", zero[9]);
        Assert.Equal("NaN", zero[10]);
    }

    [Fact]
    public void Activations_RejectsABadInputList()
        => AssertUsageError(CliRunner.Run(["activations", "--x", "1,two"], withOut: false), "--x", "two");

    [Fact]
    public void Neuron_CourseWeightsComputeOrAndAnd()
    {
        var r = CliRunner.Run(["neuron"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("w = [1, 1], θ = 0.5", r.Output);
        Assert.Contains("w = [0.5, 0.5], θ = 0.5", r.Output);
        Assert.Contains("matches the truth table of OR", r.Output);
        Assert.Contains("matches the truth table of AND", r.Output);
        var csv = File.ReadAllLines(r.File("truth_tables.csv"));
        Assert.Equal(["OR,0 0,0", "OR,0 1,1", "OR,1 0,1", "OR,1 1,1", "AND,0 0,0", "AND,0 1,0", "AND,1 0,0", "AND,1 1,1"], csv[1..]);
        Assert.Contains("\"OR correct\": true", Metrics(r));
    }

    [Theory]
    [InlineData("1,1", "1.5", "AND")]
    [InlineData("1,1", "0.5", "OR")]
    [InlineData("-1,-1", "-1.5", "NAND")]
    [InlineData("1,0", "0.5", "A (copies the first input)")]
    public void Neuron_OwnWeightsAreNamed(string weights, string threshold, string gate)
    {
        var r = CliRunner.Run(["neuron", $"--weights={weights}", $"--threshold={threshold}"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains($"your neuron ({gate})", r.Output);
        Assert.Contains($"\"function\": \"{gate}\"", Metrics(r));
    }

    [Fact]
    public void Neuron_ThreeInputsGiveEightRows()
    {
        var r = CliRunner.Run(["neuron", "--weights", "1,1,1", "--threshold", "2.5"]);
        Assert.Equal(0, r.ExitCode);
        var rows = File.ReadAllLines(r.File("truth_tables.csv"))[1..];
        Assert.Equal(8, rows.Length);
        Assert.Equal(["yours,1 1 1,1"], rows.Where(l => l.EndsWith(",1", StringComparison.Ordinal)));
    }

    [Fact]
    public void Metrics_ComputesMaeAndTrueRmseAndShowsTheCourseSlip()
    {
        var r = CliRunner.Run(["metrics", "--actual", "1,2,3", "--predicted", "1.1,2.2,2.7"]);
        Assert.Equal(0, r.ExitCode);
        string json = Metrics(r);
        // e = [0.1, 0.2, -0.3]: MAE = 0.6 / 3 = 0.2, RMSE = sqrt(0.14 / 3) = 0.216025, course: sqrt(0.14) / 3 = 0.124722.
        Assert.Equal(0.2, Number(json, "mae"), 12);
        Assert.Equal(Math.Sqrt(0.14 / 3), Number(json, "rmse"), 12);
        Assert.Equal(Math.Sqrt(0.14) / 3, Number(json, "course_rmse_slip"), 12);
        Assert.Contains("not the RMSE", r.Output);
    }

    [Fact]
    public void Metrics_ReadsPairsFromAFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"sharpgrad-pairs-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "actual,predicted\n# comment\n1,1.1\n2; 2.2\n\n3 2.7\n");
        try
        {
            var r = CliRunner.Run(["metrics", "--file", path]);
            Assert.Equal(0, r.ExitCode);
            Assert.Equal(3, Number(Metrics(r), "n"));
            Assert.Equal(Math.Sqrt(0.14 / 3), Number(Metrics(r), "rmse"), 12);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Metrics_BadInputsAreOneLineUsageErrors()
    {
        AssertUsageError(CliRunner.Run(["metrics", "--actual", "1,2", "--predicted", "1,2,3"], withOut: false), "2 values", "3");
        AssertUsageError(CliRunner.Run(["metrics", "--actual", "1,x", "--predicted", "1,2"], withOut: false), "--actual", "'x'");
        AssertUsageError(CliRunner.Run(["metrics", "--actual", "", "--predicted", "1"], withOut: false), "--actual", "empty");
        AssertUsageError(CliRunner.Run(["metrics", "--actual", "1"], withOut: false), "--predicted");
        AssertUsageError(CliRunner.Run(["metrics", "--file", "/no/such/pairs.csv"], withOut: false), "/no/such/pairs.csv", "does not exist");

        string path = Path.Combine(Path.GetTempPath(), $"sharpgrad-pairs-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllText(path, "1,1.5\n2,abc\n");
            AssertUsageError(CliRunner.Run(["metrics", "--file", path], withOut: false), "line 2", "'abc'");
            File.WriteAllText(path, "actual,predicted\n");
            AssertUsageError(CliRunner.Run(["metrics", "--file", path], withOut: false), "no 'actual,predicted' pairs");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Split_SameSeedSameSplit_AndBothPartsTogetherAreTheList()
    {
        var a = CliRunner.Run(["split", "--seed", "666"]);
        var b = CliRunner.Run(["split", "--seed", "666"]);
        var c = CliRunner.Run(["split", "--seed", "7"]);
        Assert.Equal(0, a.ExitCode);
        var partsA = File.ReadAllLines(a.File("split.csv"))[1..];
        Assert.Equal(partsA, File.ReadAllLines(b.File("split.csv"))[1..]);
        Assert.NotEqual(partsA, File.ReadAllLines(c.File("split.csv"))[1..]);
        Assert.Equal(8, partsA.Count(l => l.EndsWith(",train", StringComparison.Ordinal)));
        Assert.Equal(2, partsA.Count(l => l.EndsWith(",test", StringComparison.Ordinal)));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => i.ToString()), partsA.Select(l => l.Split(',')[0]).OrderBy(int.Parse));
        Assert.Contains("train   = [", a.Output);
        Assert.Contains("test    = [", a.Output);
    }

    [Fact]
    public void Split_OwnItemsAndFraction()
    {
        var r = CliRunner.Run(["split", "--items", "a,b,c,d,e", "--train", "0.6"]);
        Assert.Equal(0, r.ExitCode);
        var rows = File.ReadAllLines(r.File("split.csv"))[1..];
        Assert.Equal(3, rows.Count(l => l.EndsWith(",train", StringComparison.Ordinal)));
        Assert.Equal(["a", "b", "c", "d", "e"], rows.Select(l => l.Split(',')[0]).Order());
    }

    [Fact]
    public void Split_RejectsAFractionAboveOne()
        => AssertUsageError(CliRunner.Run(["split", "--train", "1.5"], withOut: false), "--train", "1.5");

    [Fact]
    public void Losses_PrintsTheCourseNumbersAndWritesMetrics()
    {
        var r = CliRunner.Run(["losses", "--quiet"]);
        Assert.Equal(0, r.ExitCode);
        string json = Metrics(r);
        Assert.Equal(2.0, Number(json, "entropy_1"), 4);
        Assert.Equal(1.3568, Number(json, "entropy_2"), 4);
        Assert.Equal(0.0313, Number(json, "entropy_3"), 4);
        Assert.Equal(2.0, Number(json, "l1_sum"), 6);
        Assert.Equal(4.0, Number(json, "mse_sum"), 6);
        Assert.Contains("\"command\": \"losses\"", json);

        var loud = CliRunner.Run(["losses"]);
        Assert.Contains("1.3568", loud.Output);
        Assert.Contains("0.0313", loud.Output);
    }

    private static double Number(string json, string name)
    {
        var m = Regex.Match(json, $"\"{Regex.Escape(name)}\": ([-0-9.eE+]+)");
        Assert.True(m.Success, $"{name} not in {json}");
        return double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
