namespace SharpGrad.Dashboard;

/// <summary>
/// The four windows of the course's MNIST visdom example, ready for a training loop (the CLI's
/// <c>--dashboard [PORT]</c>): train loss per step (<c>win='train_loss'</c>), test loss and accuracy per
/// evaluation as two series (<c>win='test'</c>), a grid of test images (<c>win='x'</c>) and the predicted
/// labels as text (<c>win='pred'</c>). Every call returns at once; see <see cref="Visdom"/>.
/// </summary>
/// <example><code>
/// using var dash = TrainingDashboard.Start(port: 8097);
/// Console.WriteLine($"dashboard: {dash.Url}");
/// dash.TrainLoss(step, loss.Item());
/// dash.TestMetrics(step, testLoss, accuracy);
/// dash.TestImages(data.View(-1, 1, 28, 28));
/// dash.Predictions(logits.Argmax(1));
/// </code></example>
public sealed class TrainingDashboard : IDisposable, IAsyncDisposable
{
    /// <summary>The window id of the train-loss chart.</summary>
    public const string TrainLossWindow = "train_loss";

    /// <summary>The window id of the test loss and accuracy chart.</summary>
    public const string TestWindow = "test";

    /// <summary>The window id of the test-image grid.</summary>
    public const string ImagesWindow = "x";

    /// <summary>The window id of the predictions text.</summary>
    public const string PredictionsWindow = "pred";

    private readonly bool _owns;

    /// <summary>Creates the four windows (empty) on an existing dashboard, which stays the caller's to dispose.</summary>
    public TrainingDashboard(Visdom visdom) : this(visdom, owns: false)
    {
    }

    private TrainingDashboard(Visdom visdom, bool owns)
    {
        ArgumentNullException.ThrowIfNull(visdom);
        Visdom = visdom;
        _owns = owns;
        // As the course does with viz.line([0.], [0.], ...): the windows exist before the first step.
        visdom.Line(Array.Empty<double>(), [], win: TrainLossWindow, title: "train loss", xLabel: "step", yLabel: "loss");
        visdom.Line(new double[0, 2], [], win: TestWindow, title: "test loss & acc.", legend: ["loss", "acc."], xLabel: "step");
    }

    /// <summary>Starts a dashboard server (see <see cref="Visdom.Start"/>) with the four windows; disposing this stops it.</summary>
    public static TrainingDashboard Start(int port = Visdom.DefaultPort, string? host = null, bool findFreePort = true) =>
        new(Visdom.Start(port, host, findFreePort), owns: true);

    /// <summary>The underlying dashboard, for extra windows.</summary>
    public Visdom Visdom { get; }

    /// <summary>The page address to open in a browser.</summary>
    public string Url => Visdom.Url;

    /// <summary>Appends the training loss of one step (<c>viz.line([loss.item()], [global_step], win='train_loss', update='append')</c>).</summary>
    public void TrainLoss(long step, double loss) => Visdom.Line(loss, step, win: TrainLossWindow, update: "append");

    /// <summary>
    /// Appends the test loss and accuracy (a fraction in 0..1) at <paramref name="step"/>, usually the global step or
    /// the epoch (<c>viz.line([[test_loss, acc]], [global_step], win='test', update='append')</c>).
    /// </summary>
    public void TestMetrics(long step, double loss, double accuracy) =>
        Visdom.Line(new double[,] { { loss, accuracy } }, [step], win: TestWindow, legend: ["loss", "acc."], update: "append");

    /// <summary>Shows a batch of test images, shape (N, 1, H, W) or (N, 3, H, W) (<c>viz.images(data.view(-1, 1, 28, 28), win='x')</c>).</summary>
    public void TestImages(Tensor images) => Visdom.Images(images, win: ImagesWindow, title: "test images");

    /// <summary>Shows the predictions as text (<c>viz.text(str(pred.numpy()), win='pred', opts=dict(title='pred'))</c>).</summary>
    public void Predictions(string text) => Visdom.Text(text, win: PredictionsWindow, title: "pred");

    /// <summary>Shows predicted class indices, e.g. <c>logits.Argmax(1)</c>, as "[7 2 1 0 ...]" (numpy's <c>str</c> of a 1-D array).</summary>
    public void Predictions(Tensor predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        if (predictions.Dim() > 1)
            throw new ArgumentException($"predictions: expected a 1-D tensor of class indices, got shape [{string.Join(", ", predictions.Shape)}]", nameof(predictions));
        Predictions("[" + string.Join(" ", predictions.ToArray<long>()) + "]");
    }

    /// <summary>Stops the server when this object started it.</summary>
    public void Dispose()
    {
        if (_owns) Visdom.Dispose();
    }

    /// <summary>Stops the server when this object started it.</summary>
    public ValueTask DisposeAsync() => _owns ? Visdom.DisposeAsync() : ValueTask.CompletedTask;
}
