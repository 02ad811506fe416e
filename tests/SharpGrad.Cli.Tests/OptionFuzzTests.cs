namespace SharpGrad.Cli.Tests;

/// <summary>
/// Hostile command lines, fixed seed and bounded count: random options and values for the quick commands. Every one ends
/// with exit code 0, 1 (the run refused a value) or 2 (usage), an error line that starts with "sharpgrad:", and never an
/// exception escaping the tool.
/// </summary>
[Collection("cli")]
public sealed class OptionFuzzTests
{
    private static readonly string[] Commands = ["losses", "activations", "neuron", "metrics", "split"];

    private static readonly string[] Options =
        ["--actual", "--predicted", "--file", "--items", "--n", "--negative-slope", "--range", "--threshold", "--train", "--weights", "--x",
         "--seed", "--quiet", "--bogus", "-q", "--"];

    private static readonly string[] Values =
        ["", " ", "-1", "0", "1", "0.5", "1e309", "-1e309", "NaN", "Infinity", "abc", "99999999999999999999", "-0", "1,2,3", "1,,2", "1;2",
         "../../etc/passwd", "/dev/null", "/", "\0", "--seed", "3:1", "1,NaN", "é"];

    [Fact]
    public void RandomCommandLines_EndInAnExitCodeAndAMessage()
    {
        var rng = new Random(4242);
        for (int trial = 0; trial < 150; trial++)
        {
            var args = new List<string> { Commands[rng.Next(Commands.Length)] };
            int options = rng.Next(0, 4);
            for (int i = 0; i < options; i++)
            {
                args.Add(Options[rng.Next(Options.Length)]);
                if (rng.Next(4) != 0) args.Add(Values[rng.Next(Values.Length)]);
            }
            CliResult r;
            try
            {
                r = CliRunner.Run([.. args]);
            }
            catch (Exception e)
            {
                Assert.Fail($"sharpgrad {string.Join(' ', args.Select(a => $"'{a}'"))}: {e.GetType().Name} escaped: {e.Message}");
                return;
            }
            string line = string.Join(' ', args.Select(a => $"'{a}'"));
            Assert.True(r.ExitCode is 0 or 1 or 2, $"sharpgrad {line}: exit code {r.ExitCode}\n{r.Error}");
            if (r.ExitCode != 0) Assert.StartsWith("sharpgrad: ", r.Error);
            if (Directory.Exists(r.OutDir)) Directory.Delete(r.OutDir, recursive: true);
        }
    }
}
