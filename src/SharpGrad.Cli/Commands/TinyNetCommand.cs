using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using SharpGrad.Cli.Infrastructure;
using SharpGrad.NN.Manual;
using SharpGrad.Optim;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.Cli.Commands;

/// <summary>
/// <c>sharpgrad tinynet</c>: the course's hand-written conv net (document 004, exercises 6-8, "TinyNet"): forward
/// output and loss, the six gradients of the hand-written backward pass, one train_one_iter step with weight decay,
/// and a check of every gradient and of the step against SharpGrad autograd and optim.SGD on the same network
/// built from Conv2d / MaxPool2d / Linear functional ops. Exits with 1 when a gradient differs by 1e-5 or more.
/// </summary>
internal static class TinyNetCommand
{
    /// <summary>The course's tolerance: answers within 1e-5 of the reference pass.</summary>
    internal const double Tolerance = 1e-5;

    /// <summary>Builds the command with --batch, --lr, --weight-decay and the common options.</summary>
    public static Command Create()
    {
        var batch = CliOptions.Int("--batch", "Batch size B of the random (B, 3, 8, 8) input and its labels (default 4)", 4);
        var lr = CliOptions.Positive("--lr", "Learning rate of the train_one_iter step (default 0.1)", 0.1);
        var weightDecay = CliOptions.NonNegative("--weight-decay",
            "L2 regularisation coefficient added to the gradients in train_one_iter: p -= lr * (dp + wd * p) (default 1e-5, the course's usual value)", 1e-5);
        var common = new CommonOptions();
        var command = new Command("tinynet",
            "TinyNet with hand-written backprop (course 004): forward, the six gradients, one SGD step, checked against autograd")
        {
            batch, lr, weightDecay,
        };
        common.AddTo(command);
        command.SetAction(parse =>
        {
            var run = common.Begin(parse, "tinynet");
            return Execute(run, parse.GetValue(batch), parse.GetValue(lr), parse.GetValue(weightDecay));
        });
        return command;
    }

    /// <summary>The same network written with autograd ops (F.conv2d, F.max_pool2d, F.linear with weight W_fc.T, F.cross_entropy).</summary>
    internal static Tensor AutogradLoss(Tensor x, Tensor t, Tensor[] p)
    {
        var h = F.MaxPool2d(F.Relu(F.Conv2d(x, p[0], p[1], stride: 1, padding: 1)), 2, 2);
        h = F.MaxPool2d(F.Relu(F.Conv2d(h, p[2], p[3], stride: 1, padding: 1)), 2, 2);
        return F.CrossEntropy(F.Linear(h.Flatten(1), p[4].T, p[5]), t);
    }

    /// <summary>Runs the experiment; returns 1 when a gradient or the step differs from autograd by <paramref name="tolerance"/> or more.</summary>
    internal static int Execute(RunContext run, int batch, double lr, double weightDecay, double tolerance = Tolerance)
    {
        var clock = Stopwatch.StartNew();
        run.Markup($"[bold]TinyNet[/] (course 004, exercises 6-8): hand-written forward and backward, checked against SharpGrad autograd");
        run.Log($"batch {batch}, float64, seed {run.Seed}, lr {Num(lr)}, weight decay {Num(weightDecay)}");
        run.Log("note: the course's table says padding 0 and a second pool of stride 1; its code and its sizes say padding 1 and stride 2, used here");

        run.Metric("batch", batch);
        run.Metric("lr", lr);
        run.Metric("weight_decay", weightDecay);

        var net = TinyNet.Random(DType.Float64);
        var x = Tensor.Randn([batch, 3, 8, 8], dtype: DType.Float64);
        var t = Tensor.Randint(0, 10, [batch]);

        // Exercise 6: forward.
        var (output, loss) = net.Forward(x, t);
        run.Log($"layers: input {Dims(x.Shape)} -> conv1 {Dims(net.Conv1.OutputShape!)} -> relu1 -> pool1 {Dims(net.Pool1.OutputShape!)} " +
                $"-> conv2 {Dims(net.Conv2.OutputShape!)} -> relu2 -> pool2 {Dims(net.Pool2.OutputShape!)} -> fc {Dims(output.Shape)}");
        run.Log($"forward: output[0] = [{string.Join(", ", output[0].ToArray<double>().Select(v => v.ToString("F4", CultureInfo.InvariantCulture)))}], label {t[0].Item<long>()}");
        run.Log($"forward: loss {loss.ToString("F6", CultureInfo.InvariantCulture)} (ln 10 = {Math.Log(10).ToString("F6", CultureInfo.InvariantCulture)} for a uniform guess)");

        // Exercise 7: backward, against autograd on the same parameters.
        var grads = net.Backward();
        var leaves = net.Parameters.Select(p => p.Clone().RequiresGrad_()).ToArray();
        var reference = AutogradLoss(x, t, leaves);
        var expected = Autograd.Grad(reference, leaves, retainGraph: true);
        var table = new Table().Title("gradients: hand-written backward vs autograd")
            .AddColumn("parameter").AddColumn("shape").AddColumn(new TableColumn("norm").RightAligned())
            .AddColumn("first values").AddColumn(new TableColumn("max |diff|").RightAligned()).AddColumn("ok");
        double worst = 0;
        string? failed = null;
        for (int i = 0; i < grads.Length; i++)
        {
            string name = TinyNet.ParameterNames[i];
            double diff = (grads[i] - expected[i]!).Abs().Max().Item();
            double norm = Math.Sqrt((grads[i] * grads[i]).Sum().Item());
            bool ok = diff < tolerance;
            if (!ok) failed ??= $"{name} differs from autograd by {Num(diff)}";
            worst = Math.Max(worst, diff);
            run.Metric($"max_diff_d{name}", diff);
            var first = grads[i].Flatten().ToArray<double>().Take(3).Select(v => v.ToString("F6", CultureInfo.InvariantCulture));
            table.AddRow($"d{name}", Dims(grads[i].Shape), norm.ToString("F6", CultureInfo.InvariantCulture),
                string.Join(", ", first), diff.ToString("0.00E+00", CultureInfo.InvariantCulture), ok ? "yes" : "[red]NO[/]");
        }
        if (!run.Quiet) AnsiConsole.Console.Write(table);

        // Exercise 8: one SGD step with weight decay, against optim.SGD on the autograd network.
        double before = net.TrainOneIter(x, t, lr, weightDecay);
        double after = net.Loss(x, t);
        reference.Backward();
        new SGD(leaves, lr: lr, weightDecay: weightDecay).Step();
        var updated = net.Parameters;
        double stepDiff = 0;
        for (int i = 0; i < updated.Length; i++) stepDiff = Math.Max(stepDiff, (updated[i] - leaves[i].Detach()).Abs().Max().Item());
        if (stepDiff >= tolerance) failed ??= $"the train_one_iter step differs from optim.SGD by {Num(stepDiff)}";
        run.Log($"train_one_iter: lr {Num(lr)}, weight decay {Num(weightDecay)}: loss {before.ToString("F6", CultureInfo.InvariantCulture)} -> " +
                $"{after.ToString("F6", CultureInfo.InvariantCulture)} on the same batch; new parameters vs optim.SGD: max |diff| {stepDiff.ToString("0.00E+00", CultureInfo.InvariantCulture)}");

        run.Metric("loss", loss);
        run.Metric("autograd_loss", reference.Item());
        run.Metric("loss_after_step", after);
        run.Metric("max_diff", worst);
        run.Metric("step_max_diff", stepDiff);
        run.Metric("tolerance", tolerance);
        run.Metric("gradients_ok", failed is null);
        run.Finish(clock);
        if (failed is null) return 0;
        Console.Error.WriteLine($"sharpgrad: tinynet: {failed} (tolerance {Num(tolerance)})");
        return 1;
    }

    private static string Dims(int[] shape) => "(" + string.Join(", ", shape) + ")";

    private static string Num(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
