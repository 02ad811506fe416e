using System.Text.Json;
using System.Text.RegularExpressions;
using SharpGrad.Training;

namespace SharpGrad.Cli.Tests;

/// <summary>End-to-end run of <c>sharpgrad fit</c> (course 002) at a small size.</summary>
[Collection("cli")]
public sealed class FitCommandTests
{
    [Fact]
    public void Fit_PrintsNetParametersAndOptimizer_WritesFramesAndAnimations()
    {
        var r = CliRunner.Run(["fit", "--steps", "12", "--every", "5", "--seed", "3"]);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        // The course's printouts: the module tree, the parameter list and the optimizer's groups.
        Assert.Contains("Net(\n  (hidden): Linear(in_features=1, out_features=10, bias=True)\n  (predict): Linear(in_features=10, out_features=1, bias=True)\n)", r.Output);
        Assert.Equal(4, Regex.Matches(r.Output, "Parameter containing:\ntensor\\(").Count);
        Assert.StartsWith("[Parameter containing:", r.Output[r.Output.IndexOf("[Parameter", StringComparison.Ordinal)..]);
        Assert.Contains("requires_grad=True)]", r.Output);
        Assert.Contains("SGD (\nParameter Group 0\n", r.Output);
        Assert.Contains("    lr: 0.2\n", r.Output);
        Assert.Contains("    momentum: 0\n", r.Output);
        Assert.Matches(@"step 10, Loss=\d\.\d{4}", r.Output);

        // Frames at t = 0, 5, 10, each a chart of the data and the prediction with the loss in its title.
        var frames = Directory.GetFiles(r.File("frames")).Select(f => Path.GetFileName(f)!).Order().ToArray();
        Assert.Equal(new[] { "step-0000.svg", "step-0005.svg", "step-0010.svg" }, frames);
        string frame = File.ReadAllText(Path.Combine(r.File("frames"), "step-0005.svg"));
        Assert.Contains("step 5  Loss=", frame);
        Assert.Contains("data-label=\"prediction\"", frame);
        // Every frame has the same y axis, so the animation moves the line and not the axes.
        static string YTicks(string svg) => Regex.Match(svg, "<g class=\"y-ticks\".*?</g>", RegexOptions.Singleline).Value;
        var axes = frames.Select(f => YTicks(File.ReadAllText(Path.Combine(r.File("frames"), f)))).Distinct().ToArray();
        Assert.Single(axes);
        Assert.NotEmpty(axes[0]);

        // The animated SVG holds the three frames, switched by discrete visibility animations.
        string animated = File.ReadAllText(r.File("fit-animated.svg"));
        Assert.Equal(3, Regex.Matches(animated, "<animate attributeName=\"visibility\" calcMode=\"discrete\"").Count);
        Assert.Equal(4, Regex.Matches(animated, "<svg xmlns=").Count); // the document and its three frames
        Assert.Contains("dur=\"0.6s\"", animated);
        // The HTML page plays the same frames with no external resources.
        string html = File.ReadAllText(r.File("fit.html"));
        Assert.Equal(3, Regex.Matches(html, "class=\"anim-frame").Count);
        Assert.DoesNotContain("src=\"http", html);
        Assert.DoesNotContain("href=\"http", html);

        var history = History.LoadCsv(r.File("history.csv"));
        Assert.Equal(12, history.Count);
        Assert.True(history["loss"][^1] < history["loss"][0] / 2, $"loss {history["loss"][0]} -> {history["loss"][^1]}");
        var metrics = JsonDocument.Parse(File.ReadAllText(r.File("metrics.json"))).RootElement;
        Assert.Equal(3, metrics.GetProperty("frames").GetInt32());
        Assert.True(metrics.GetProperty("final_loss").GetDouble() < metrics.GetProperty("first_loss").GetDouble());
        foreach (var f in new[] { "fit.svg", "loss.svg", "history.json", "model.safetensors" })
            Assert.True(File.Exists(r.File(f)), f);
    }

    [Fact]
    public void Fit_RejectsNonPositiveLearningRate()
    {
        var r = CliRunner.Run(["fit", "--lr", "-0.2"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--lr", r.Error);
        Assert.Single(r.Error.Trim().Split('\n'));
    }
}
