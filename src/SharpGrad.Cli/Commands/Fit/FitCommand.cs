using System.CommandLine;
using System.Diagnostics;
using SharpGrad.Cli.Infrastructure;
using SharpGrad.NN;
using SharpGrad.Optim;
using SharpGrad.Plotting;
using SharpGrad.Training;

namespace SharpGrad.Cli.Commands.Fit;

/// <summary>
/// <c>sharpgrad fit</c>: course 002, 关系拟合. A 1-10-1 ReLU <see cref="Net"/> fitted to y = x^2 + 0.2 * U(0, 1) on 100
/// points of [-1, 1] with <c>torch.optim.SGD(lr=0.2)</c> and MSE on the whole set at each step. Prints the net, its
/// parameters and the optimizer as the course does, saves the scatter with the fitted line every few steps (frames/)
/// and plays them as an animated SVG and an HTML page.
/// </summary>
internal static class FitCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var steps = CliOptions.Int("--steps", "Training steps, each on all points (default 100, as in the course)", 100);
        var lr = CliOptions.Positive("--lr", "Learning rate of torch.optim.SGD (default 0.2)", 0.2);
        var hidden = CliOptions.Int("--hidden", "Hidden ReLU units (default 10: the 1-10-1 net)", 10);
        var points = CliOptions.Int("--points", "Points in [-1, 1] (default 100)", 100, min: 2);
        var every = CliOptions.Int("--every", "Save a frame every this many steps, at steps 0, every, 2*every, ... (default 5, as the course plots)", 5);
        var frameSeconds = CliOptions.Positive("--frame-seconds", "Seconds each frame is shown in the animations (default 0.2)", 0.2);
        var common = new CommonOptions();
        var command = new Command("fit",
            "Fit y = x^2 + 0.2 * noise with a 1-10-1 ReLU net and SGD lr 0.2 (course 002, 关系拟合); prints the net, its parameters " +
            "and the optimizer, writes a frame every 5 steps (frames/step-0005.svg ...) and an animated view (fit-animated.svg, fit.html)")
        {
            steps, lr, hidden, points, every, frameSeconds,
        };
        common.AddTo(command);
        command.SetAction(parse =>
        {
            var clock = Stopwatch.StartNew();
            var run = common.Begin(parse, "fit");
            int n = parse.GetValue(steps), h = parse.GetValue(hidden), m = parse.GetValue(points), k = parse.GetValue(every);
            double rate = parse.GetValue(lr);

            var (x, y) = MakeData(m);
            var net = new Net(1, h, 1);
            run.Log(net.ToString());
            run.Log("[" + string.Join(", ", net.Parameters().Select(p => p.ToString())) + "]");
            var optimizer = new SGD(net.Parameters(), lr: rate);
            run.Log(optimizer.ToString());

            var frames = new List<string>();
            var labels = new List<string>();
            Directory.CreateDirectory(run.PathOf("frames"));
            var frameWriter = new FrameWriter(run, x, y, k, frames, labels);
            var history = run.WithProgress("fit", n, progress =>
                Train(net, optimizer, x, y, n, new Observers(new ProgressCallback(progress, "step")), frameWriter.Step));

            var final = Predict(net, x);
            double finalLoss = new MSELoss().Forward(final, y).Item();
            var finalChart = Chart(x, y, final, $"after {history.Count} steps  Loss={finalLoss:F4}");
            finalChart.Save(run.PathOf("fit.svg"));
            double seconds = parse.GetValue(frameSeconds);
            run.SaveText("fit-animated.svg", FitAnimation.AnimatedSvg(frames, finalChart.Width, finalChart.Height, seconds));
            run.SaveText("fit.html", FitAnimation.Html($"sharpgrad fit: 1-{h}-1 net, SGD lr {rate}", frames, labels, seconds));
            history.SaveCsv(run.PathOf("history.csv"));
            history.SaveJson(run.PathOf("history.json"));
            new LineChart { Title = "fit: MSE per step", XLabel = "step", YLabel = "loss", LogY = history["loss"].All(v => v > 0) }
                .Add(history.Epochs.Select(e => (double)e).ToArray(), [.. history["loss"]], "loss")
                .Save(run.PathOf("loss.svg"));
            net.Save(run.PathOf("model.safetensors"));
            run.Metric("steps", n);
            run.Metric("first_loss", history["loss"][0]);
            run.Metric("last_step_loss", history["loss"][^1]);
            run.Metric("final_loss", finalLoss);
            run.Metric("frames", frames.Count);
            run.Finish(clock);
            return 0;
        });
        return command;
    }

    /// <summary><c>x = torch.unsqueeze(torch.linspace(-1, 1, 100), dim=1)</c>, <c>y = x.pow(2) + 0.2 * torch.rand(x.size())</c>.</summary>
    internal static (Tensor X, Tensor Y) MakeData(int points)
    {
        var x = Tensor.Linspace(-1, 1, points).Unsqueeze(1);
        var y = x.Pow(2) + 0.2 * Tensor.Rand(x.Shape);
        return (x, y);
    }

    /// <summary>
    /// The course's loop: <c>prediction = net(x); loss = loss_func(prediction, y); optimizer.zero_grad(); loss.backward();
    /// optimizer.step()</c>. Step t (0-based, as the course counts) is reported as batch and epoch t + 1 with its loss and
    /// <paramref name="onStep"/> gets t, the prediction the step was computed from and its loss (before the observers).
    /// Metric "loss"; an observer may stop the run.
    /// </summary>
    internal static History Train(Net net, Optimizer optimizer, Tensor x, Tensor y, int steps, IFitCallback observer,
        Action<int, Tensor, double>? onStep = null)
    {
        var lossFunc = new MSELoss();
        var history = new History();
        for (int t = 0; t < steps; t++)
        {
            observer.OnEpochStart(t + 1);
            var prediction = net.Forward(x);
            var loss = lossFunc.Forward(prediction, y);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            double value = loss.Item();
            var metrics = new Dictionary<string, double>(StringComparer.Ordinal) { ["loss"] = value };
            history.Add(t + 1, metrics);
            onStep?.Invoke(t, prediction, value);
            observer.OnBatchEnd(t + 1, value);
            if (observer.OnEpochEnd(t + 1, metrics)) break;
        }
        observer.OnTrainEnd(history);
        return history;
    }

    private static Tensor Predict(Net net, Tensor x)
    {
        using (Tensor.NoGrad()) return net.Forward(x);
    }

    /// <summary>The course's picture: the points, the net's prediction as a line, the loss in the title.</summary>
    internal static ScatterChart Chart(Tensor x, Tensor y, Tensor prediction, string title)
        => new ScatterChart { Title = title, XLabel = "x", YLabel = "y" }
            .Add(x.Flatten(), y.Flatten(), "data")
            .AddLine(x.Flatten(), prediction.Detach().Flatten(), "prediction");

    /// <summary>
    /// Every <c>every</c> steps (t % every == 0, t counted from 0) saves frames/step-tttt.svg with the prediction of that
    /// step and prints the course's <c>Loss=%.4f</c>.
    /// </summary>
    private sealed class FrameWriter(RunContext run, Tensor x, Tensor y, int every, List<string> frames, List<string> labels)
    {
        /// <summary>Called after step <paramref name="t"/> with the prediction it used and its loss.</summary>
        public void Step(int t, Tensor prediction, double loss)
        {
            if (t % every != 0) return;
            string label = $"step {t}";
            string svg = Chart(x, y, prediction, $"{label}  Loss={loss:F4}").ToSvg();
            run.SaveText(Path.Combine("frames", $"step-{t:D4}.svg"), svg);
            frames.Add(svg);
            labels.Add(label);
            run.Log($"{label}, Loss={loss:F4}");
        }
    }
}
