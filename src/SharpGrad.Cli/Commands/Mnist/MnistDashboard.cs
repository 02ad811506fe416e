using SharpGrad.Dashboard;

namespace SharpGrad.Cli.Commands.Mnist;

/// <summary>
/// <c>sharpgrad mnist --dashboard</c>: course 001's four visdom windows, fed by the trainer's observer hooks. Every step's
/// loss goes to <c>train_loss</c>; after each test pass the test loss and accuracy go to <c>test</c> at the global step
/// (<c>viz.line([[test_loss, correct / len(test_loader.dataset)]], [global_step], win='test', update='append')</c>), the
/// observed test images to <c>x</c> and their predicted labels to <c>pred</c> (with the true labels below them).
/// </summary>
internal sealed class MnistDashboard(TrainingDashboard board) : IMnistObserver
{
    private long _step;

    /// <inheritdoc/>
    public void OnTrainStep(long step, double loss)
    {
        _step = step;
        board.TrainLoss(step, loss);
    }

    /// <inheritdoc/>
    public void OnTestEpoch(int epoch, double loss, double accuracy, Tensor images, Tensor predictions, Tensor targets)
    {
        board.TestMetrics(_step, loss, accuracy);
        board.TestImages(images);
        board.Predictions($"[{string.Join(" ", predictions.ToArray<long>())}]\ntrue: [{string.Join(" ", targets.ToArray<long>())}]");
    }
}
