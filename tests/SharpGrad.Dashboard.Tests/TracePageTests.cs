using SharpGrad.Graph;
using SharpGrad.NN;
using SharpGrad.Plotting;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.Dashboard.Tests;

/// <summary>
/// The backprop stepping page (SharpGrad.Plotting.TracePage) and the dashboard's graph window in headless Chromium:
/// the page's own Prev / Next buttons walk every node of the trace, highlighting it, and the screenshot is a drawing.
/// </summary>
public class TracePageTests
{
    private static string Folder()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "chromium");
        Directory.CreateDirectory(folder);
        return folder;
    }

    [Fact]
    public async Task TracePage_StepsThroughEveryNodeWithItsOwnButtons_AndHighlightsIt()
    {
        string chromium = ChromiumTests.FindChromium();
        Tensor.ManualSeed(0);
        var net = new Sequential(new Linear(1, 10), new ReLU(), new Linear(10, 1));
        var x = Tensor.Linspace(-1, 1, 3).Unsqueeze(1);
        var trace = Autograd.Trace(F.MseLoss(net.Forward(x), x.Pow(2)), net.NamedParameters());
        int n = trace.Steps.Count;
        Assert.True(n >= 10, $"the trace has only {n} steps");
        string path = Path.Combine(Folder(), $"trace-{Guid.NewGuid():N}.html");
        trace.SaveHtml(path);
        try
        {
            string url = new Uri(path).AbsoluteUri;
            await using var page = await ChromiumPage.Open(chromium, Folder(), url);
            await page.WaitFor("document.body.dataset.step === '0'", "document.body.dataset.step");
            const string Current = "Array.prototype.map.call(document.querySelectorAll('#graph g.node.current'), function (g) { return g.dataset.node; }).join(',')";
            for (int i = 0; i < n; i++)
            {
                if (i > 0)
                {
                    Assert.Equal("false", await page.Evaluate("document.getElementById('next').disabled"));
                    await page.Evaluate("document.getElementById('next').click()");
                }
                Assert.Equal($"step {i + 1} / {n}", await page.Evaluate("document.getElementById('counter').textContent"));
                Assert.Equal(trace.Steps[i].Node.ToString(), await page.Evaluate(Current));
                Assert.Equal($"{i + 1}. {trace.NodeLabel(trace.Steps[i].Node)}", await page.Evaluate("document.getElementById('node').textContent"));
                Assert.Equal(BackwardTrace.FormatTensor(trace.Steps[i].Incoming, rowPerLine: true), await page.Evaluate("document.getElementById('incoming').textContent"));
                Assert.Equal(i.ToString(), await page.Evaluate("document.querySelectorAll('#graph g.node.done').length"));
                Assert.Equal(trace.Steps[i].Outgoing.Count.ToString(), await page.Evaluate("document.querySelectorAll('#graph path.edge.flow').length"));
            }
            Assert.Equal("true", await page.Evaluate("document.getElementById('next').disabled"));

            // Back with Prev to a step in the middle, which the screenshot shows.
            int middle = n / 2;
            for (int i = n - 1; i > middle; i--) await page.Evaluate("document.getElementById('prev').click()");
            Assert.Equal($"step {middle + 1} / {n}", await page.Evaluate("document.getElementById('counter').textContent"));
            Assert.Equal(trace.Steps[middle].Node.ToString(), await page.Evaluate(Current));

            var png = await page.Screenshot();
            await File.WriteAllBytesAsync(Path.Combine(Folder(), "trace-page.png"), png);   // kept for a look
            var (width, height, channels, pixels) = PngDecoder.Decode(png);
            var colors = new HashSet<int>();
            long nonWhite = 0, red = 0;
            for (long p = 0; p < (long)width * height; p++)
            {
                int r = pixels[p * channels], g = pixels[p * channels + 1], b = pixels[p * channels + 2];
                colors.Add((r << 16) | (g << 8) | b);
                if (r < 240 || g < 240 || b < 240) nonWhite++;
                if (r > 190 && g < 70 && b < 70) red++;   // the current node's outline, #d62728
            }
            Assert.True(colors.Count > 100, $"the screenshot has only {colors.Count} colours");
            Assert.True(nonWhite > (long)width * height / 20, $"only {nonWhite} of {width * height} pixels are not white");
            Assert.True(red > 100, $"the current node's red outline is missing ({red} red pixels)");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task GraphWindow_ShowsTheGraphOnTheDashboard()
    {
        await using var viz = Visdom.Start(port: 0);
        var w = Tensor.Ones([2, 3]).RequiresGrad_();
        var loss = (w * 2.0).Sum();
        Assert.Equal("graph", viz.Graph(loss, [("w", w)], win: "graph", title: "autograd graph"));
        Assert.True(await viz.FlushAsync());
        using var http = Http.Client(viz);
        string html = await http.GetStringAsync("/");
        Assert.Contains("data-win=\"graph\"", html);
        Assert.Contains("<h2>autograd graph</h2>", html);
        Assert.Contains("data-node=", html);
        Assert.Contains(">MulBackward0<", html);
        Assert.Contains(">w<", html);
        var ex = Assert.Throws<ArgumentException>(() => viz.Graph(Tensor.Ones(2)));
        Assert.Contains("does not require grad", ex.Message);
    }
}
