using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using SharpGrad.Cli.Infrastructure;
using SharpGrad.Data;

namespace SharpGrad.Cli.Commands;

/// <summary>
/// <c>sharpgrad split</c>: the course's <c>train_test_split(dataset, train=0.8)</c> (course 004, "测试集"): items are
/// moved one by one, at random positions, from a copy of the list into the training part until it holds at least
/// train × n items; what is left is the test part. The same seed gives the same split: SharpGrad's generator by
/// default, or with --python-random CPython's Mersenne Twister, which reproduces the course's <c>random.seed(666)</c> output.
/// </summary>
internal static class SplitCommand
{
    /// <summary>The course's seed: <c>seed(666)</c>.</summary>
    internal const long CourseSeed = 666;

    /// <summary>Builds the command with --items, --n, --train and the common options (default seed 666).</summary>
    public static Command Create()
    {
        var items = CliLists.Words("--items", "The items to split, comma-separated (default 1,2,...,10 as in the course)");
        var count = CliOptions.Int("--n", "Split the numbers 1..n (the course: 10) instead of --items", 10);
        var train = CliOptions.Positive("--train", "Fraction of the items that goes to the training part, in (0, 1] (the course: 0.8)", 0.8);
        var pythonRandom = new Option<bool>("--python-random")
        {
            Description = "Draw with CPython's random module (Mersenne Twister, random.seed(seed) then randrange) so that the split is " +
                "exactly the course's Python output; the default is SharpGrad's generator",
        };
        var common = new CommonOptions(CourseSeed);
        var command = new Command("split", "The course's random train/test split of a list, with a seed (course 004)")
        {
            items, count, train, pythonRandom,
        };
        common.AddTo(command);
        command.SetAction(parse =>
        {
            var clock = Stopwatch.StartNew();
            double fraction = parse.GetValue(train);
            if (fraction > 1)
                throw new UsageException($"--train expects a fraction in (0, 1], got {fraction.ToString(CultureInfo.InvariantCulture)}");
            bool hasItems = parse.GetResult(items) is { Implicit: false };
            bool hasCount = parse.GetResult(count) is { Implicit: false };
            if (hasItems && hasCount)
                throw new UsageException("split: give either --items or --n, not both");
            string[] list = CliLists.Given(parse, items)
                ?? Enumerable.Range(1, parse.GetValue(count)).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
            var run = common.Begin(parse, "split");

            bool python = parse.GetValue(pythonRandom);
            var (trainPart, testPart) = python
                ? Splits.TrainTestSplit(list, fraction, new PythonRandom(run.Seed))
                : Splits.TrainTestSplit(list, fraction, run.Seed);
            run.Markup($"[bold]train_test_split[/] of {list.Length} items, train = {fraction.ToString(CultureInfo.InvariantCulture)}, seed {run.Seed}" +
                (python ? " (CPython's random)" : ""));
            run.Log($"dataset = [{string.Join(", ", list)}]");
            run.Log($"train   = [{string.Join(", ", trainPart)}]  ({trainPart.Count} items)");
            run.Log($"test    = [{string.Join(", ", testPart)}]  ({testPart.Count} items)");

            var csv = new StringBuilder("item,part\n");
            foreach (var item in trainPart) csv.Append(CultureInfo.InvariantCulture, $"{Csv(item)},train\n");
            foreach (var item in testPart) csv.Append(CultureInfo.InvariantCulture, $"{Csv(item)},test\n");
            run.SaveText("split.csv", csv.ToString());
            run.Metric("train", string.Join(" ", trainPart));
            run.Metric("test", string.Join(" ", testPart));
            run.Metric("train_size", trainPart.Count);
            run.Metric("test_size", testPart.Count);
            run.Finish(clock);
            return 0;
        });
        return command;
    }

    private static string Csv(string item) => item.Contains('"') || item.Contains(',') ? $"\"{item.Replace("\"", "\"\"")}\"" : item;
}
