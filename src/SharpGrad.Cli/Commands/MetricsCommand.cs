using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using SharpGrad.Cli.Infrastructure;
using SharpGrad.Training;

namespace SharpGrad.Cli.Commands;

/// <summary>
/// <c>sharpgrad metrics</c>: the rating-prediction metrics of course 004 ("评分预测"): the mean absolute error
/// MAE = mean(|p − a|) and the root mean squared error RMSE = sqrt(mean((p − a)²)) of two number lists. The course
/// computes "RMSE" as <c>np.sqrt(error.dot(error.T)) / count</c>, which divides the root by n instead of taking the
/// root of the mean; the tool prints that number too, labelled as the course's slip.
/// </summary>
internal static class MetricsCommand
{
    /// <summary>Builds the command with --actual, --predicted, --file and the common options.</summary>
    public static Command Create()
    {
        var actual = CliLists.Numbers("--actual", "The true values, comma-separated (e.g. 1,2,3)");
        var predicted = CliLists.Numbers("--predicted", "The predicted values, as many as --actual (e.g. 1.1,2.2,2.7)");
        var file = new Option<string?>("--file")
        {
            Description = "A text file with one 'actual,predicted' pair per line (instead of --actual/--predicted); " +
                          "separators: comma, semicolon, tab or spaces; an optional header line and '#' comments are skipped",
        };
        var common = new CommonOptions();
        var command = new Command("metrics", "MAE and RMSE of predictions against true values (course 004)")
        {
            actual, predicted, file,
        };
        common.AddTo(command);
        command.SetAction(parse =>
        {
            var clock = Stopwatch.StartNew();
            var (a, p, source) = Read(CliLists.Given(parse, actual), CliLists.Given(parse, predicted), parse.GetValue(file));
            var run = common.Begin(parse, "metrics");

            double mae = Metrics.MAE(p, a);
            double rmse = Metrics.RMSE(p, a);
            double slip = CourseRmse(p, a);
            run.Markup($"[bold]Prediction metrics[/] of {a.Length} pairs from {Spectre.Console.Markup.Escape(source)}");
            run.Log($"actual    = [{CliLists.Format(a)}]");
            run.Log($"predicted = [{CliLists.Format(p)}]");
            run.Log($"MAE  = mean(|p - a|)          = {mae.ToString("G12", CultureInfo.InvariantCulture)}");
            run.Log($"RMSE = sqrt(mean((p - a)^2))  = {rmse.ToString("G12", CultureInfo.InvariantCulture)}");
            run.Log($"(the course's np.sqrt(e.dot(e.T)) / count = {slip.ToString("G12", CultureInfo.InvariantCulture)} is not the RMSE:");
            run.Log(" it divides the root by n instead of taking the root of the mean; for n > 1 it is smaller by sqrt(n))");
            run.Metric("n", a.Length);
            run.Metric("mae", mae);
            run.Metric("rmse", rmse);
            run.Metric("course_rmse_slip", slip);
            run.Finish(clock);
            return 0;
        });
        return command;
    }

    /// <summary>The course's formula <c>np.sqrt(error.dot(error.T)) / count</c> (a slip for sqrt(e·e / n)).</summary>
    internal static double CourseRmse(double[] predicted, double[] actual)
    {
        double dot = 0;
        for (int i = 0; i < actual.Length; i++) dot += (predicted[i] - actual[i]) * (predicted[i] - actual[i]);
        return Math.Sqrt(dot) / actual.Length;
    }

    /// <summary>The two lists from the options or the file; every problem is a <see cref="UsageException"/> (exit code 2).</summary>
    internal static (double[] Actual, double[] Predicted, string Source) Read(double[]? actual, double[]? predicted, string? file)
    {
        if (file is not null)
        {
            if (actual is not null || predicted is not null)
                throw new UsageException("metrics: give either --file or --actual and --predicted, not both");
            var (a, p) = ReadFile(file);
            return (a, p, file);
        }
        if (actual is null || predicted is null)
            throw new UsageException("metrics: give --actual and --predicted (comma-separated numbers), or --file with 'actual,predicted' lines");
        if (actual.Length != predicted.Length)
            throw new UsageException($"metrics: --actual has {actual.Length} values but --predicted has {predicted.Length}; they must be equally long");
        return (actual, predicted, "the command line");
    }

    /// <summary>Reads 'actual,predicted' lines (see the --file help).</summary>
    internal static (double[] Actual, double[] Predicted) ReadFile(string path)
    {
        if (!File.Exists(path))
            throw new UsageException($"metrics: --file '{path}' does not exist");
        var actual = new List<double>();
        var predicted = new List<double>();
        var lines = File.ReadAllLines(path);
        bool first = true;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var fields = line.Split([',', ';', '\t', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var numbers = fields.Select(f => double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v : (double?)null).ToArray();
            if (first && numbers.All(n => n is null))
            {
                first = false;   // a header such as "actual,predicted"
                continue;
            }
            first = false;
            if (fields.Length != 2)
                throw new UsageException($"metrics: {path} line {i + 1}: expected 2 values 'actual,predicted', got {fields.Length} ('{line}')");
            for (int j = 0; j < 2; j++)
                if (numbers[j] is null)
                    throw new UsageException($"metrics: {path} line {i + 1}: '{fields[j]}' is not a number");
            actual.Add(numbers[0]!.Value);
            predicted.Add(numbers[1]!.Value);
        }
        if (actual.Count == 0)
            throw new UsageException($"metrics: {path} holds no 'actual,predicted' pairs");
        return (actual.ToArray(), predicted.ToArray());
    }
}
