using SharpGrad.Vision;

namespace SharpGrad.Dashboard.Tests;

public class TrainingDashboardTests
{
    [Fact]
    public async Task CreatesTheFourCourseWindows()
    {
        await using var dash = TrainingDashboard.Start(port: 0);
        Assert.Equal(dash.Visdom.Url, dash.Url);
        Assert.Equal(["train_loss", "test"], dash.Visdom.Windows);
        for (int step = 1; step <= 50; step++) dash.TrainLoss(step, 2.3 / step);
        dash.TestMetrics(50, 0.4, 0.88);
        dash.TestMetrics(100, 0.3, 0.91);
        var test = MNIST.Embedded(train: false);
        dash.TestImages(test.Data.Narrow(0, 0, 16).Unsqueeze(1));
        dash.Predictions(test.Targets.Narrow(0, 0, 5));
        Assert.Equal(["train_loss", "test", "x", "pred"], dash.Visdom.Windows);
        Assert.Equal(50, dash.Visdom.StoredPoints("train_loss"));
        Assert.Equal(4, dash.Visdom.StoredPoints("test"));
        Assert.True(await dash.Visdom.FlushAsync());
        var state = (await Http.State(dash.Visdom)).ToDictionary(w => w.GetProperty("id").GetString()!, w => w);
        Assert.Equal("test loss & acc.", state["test"].GetProperty("title").GetString());
        Assert.Contains("data-label=\"loss\"", state["test"].GetProperty("html").GetString());
        Assert.Contains("data-label=\"acc.\"", state["test"].GetProperty("html").GetString());
        Assert.Equal($"<pre>[{string.Join(" ", test.Targets.Narrow(0, 0, 5).ToArray<long>())}]</pre>", state["pred"].GetProperty("html").GetString());
        Assert.StartsWith("<img", state["x"].GetProperty("html").GetString());
        Assert.Throws<ArgumentException>(() => dash.Predictions(Tensor.Zeros(2, 2)));
    }

    [Fact]
    public async Task SharesAnExistingDashboardWithoutStoppingIt()
    {
        await using var viz = Visdom.Start(port: 0);
        using (var dash = new TrainingDashboard(viz)) dash.TrainLoss(1, 0.5);
        Assert.Equal(1, viz.StoredPoints("train_loss"));
        viz.Text("still running", win: "after");
        Assert.True(await viz.FlushAsync());
        Assert.Equal(3, (await Http.State(viz)).Count);
    }
}
