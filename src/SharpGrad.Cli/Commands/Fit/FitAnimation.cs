using System.Globalization;
using System.Text;

namespace SharpGrad.Cli.Commands.Fit;

/// <summary>
/// Turns the frames of a fit (standalone SVG documents of one size) into two self-contained animated views: an SVG in
/// which SMIL animations show one frame after the other, and an HTML page with play/pause, a step slider and a speed
/// choice. Neither loads anything from the network.
/// </summary>
internal static class FitAnimation
{
    /// <summary>
    /// One SVG document that shows each frame for <paramref name="secondsPerFrame"/> seconds, looping. Each frame is nested
    /// as an inner <c>svg</c> element whose visibility is switched by a discrete <c>animate</c> element.
    /// </summary>
    public static string AnimatedSvg(IReadOnlyList<string> frames, int width, int height, double secondsPerFrame)
    {
        Check(frames, secondsPerFrame);
        int n = frames.Count;
        string total = Math.Round(n * secondsPerFrame, 6).ToString("0.######", CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        sb.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">\n");
        sb.Append($"<title>{n} frames, {secondsPerFrame.ToString("R", CultureInfo.InvariantCulture)} s each, looping</title>\n");
        for (int i = 0; i < n; i++)
        {
            // Frame i is visible during [i/n, (i+1)/n) of each cycle; the first frame is also what a static viewer shows.
            string start = Fraction(i, n), end = Fraction(i + 1, n);
            string values, keyTimes;
            if (n == 1) (values, keyTimes) = ("visible", "0");
            else if (i == 0) (values, keyTimes) = ("visible;hidden", $"0;{end}");
            else if (i == n - 1) (values, keyTimes) = ("hidden;visible", $"0;{start}");
            else (values, keyTimes) = ("hidden;visible;hidden", $"0;{start};{end}");
            sb.Append($"<g visibility=\"{(i == 0 ? "visible" : "hidden")}\">\n");
            sb.Append($"<animate attributeName=\"visibility\" calcMode=\"discrete\" values=\"{values}\" keyTimes=\"{keyTimes}\" dur=\"{total}s\" repeatCount=\"indefinite\"/>\n");
            sb.Append(frames[i].TrimEnd()).Append('\n');
            sb.Append("</g>\n");
        }
        return sb.Append("</svg>\n").ToString();
    }

    /// <summary>
    /// An HTML page with the frames inline (one visible at a time), a play/pause button, a slider over the frames and
    /// a speed choice; it starts playing and loops. <paramref name="labels"/> name the frames ("step 5").
    /// </summary>
    public static string Html(string title, IReadOnlyList<string> frames, IReadOnlyList<string> labels, double secondsPerFrame)
    {
        Check(frames, secondsPerFrame);
        if (labels.Count != frames.Count) throw new ArgumentException($"FitAnimation: {frames.Count} frames but {labels.Count} labels");
        int ms = (int)Math.Round(secondsPerFrame * 1000);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        sb.Append($"<title>{Escape(title)}</title>\n");
        sb.Append("<style>\nbody{font-family:DejaVu Sans,Arial,sans-serif;margin:16px;color:#222}\n")
          .Append(".anim-frame{display:none}.anim-frame.on{display:block}\n")
          .Append("#controls{display:flex;gap:12px;align-items:center;margin:8px 0}\n")
          .Append("#slider{width:360px}\nbutton{min-width:72px}\n</style>\n</head>\n<body>\n");
        sb.Append($"<h3>{Escape(title)}</h3>\n<div id=\"controls\">\n<button id=\"play\">pause</button>\n");
        sb.Append($"<input id=\"slider\" type=\"range\" min=\"0\" max=\"{frames.Count - 1}\" value=\"0\">\n<span id=\"label\">{Escape(labels[0])}</span>\n");
        sb.Append("<label>speed <select id=\"speed\"><option value=\"0.5\">0.5x</option><option value=\"1\" selected>1x</option>")
          .Append("<option value=\"2\">2x</option><option value=\"4\">4x</option></select></label>\n</div>\n<div id=\"frames\">\n");
        for (int i = 0; i < frames.Count; i++)
            sb.Append($"<div class=\"anim-frame{(i == 0 ? " on" : "")}\" data-label=\"{Escape(labels[i])}\">\n").Append(frames[i].TrimEnd()).Append("\n</div>\n");
        sb.Append("</div>\n<script>\n(function(){\n")
          .Append("var frames=document.querySelectorAll('.anim-frame'),slider=document.getElementById('slider'),")
          .Append("label=document.getElementById('label'),button=document.getElementById('play'),speed=document.getElementById('speed');\n")
          .Append($"var current=0,timer=null,baseMs={ms};\n")
          .Append("function show(i){frames[current].classList.remove('on');current=i;frames[i].classList.add('on');slider.value=i;label.textContent=frames[i].dataset.label;}\n")
          .Append("function tick(){show((current+1)%frames.length);}\n")
          .Append("function play(){stop();timer=setInterval(tick,baseMs/parseFloat(speed.value));button.textContent='pause';}\n")
          .Append("function stop(){if(timer!==null){clearInterval(timer);timer=null;}button.textContent='play';}\n")
          .Append("button.addEventListener('click',function(){if(timer===null)play();else stop();});\n")
          .Append("slider.addEventListener('input',function(){stop();show(parseInt(slider.value,10));});\n")
          .Append("speed.addEventListener('change',function(){if(timer!==null)play();});\n")
          .Append("play();\n})();\n</script>\n</body>\n</html>\n");
        return sb.ToString();
    }

    private static void Check(IReadOnlyList<string> frames, double secondsPerFrame)
    {
        if (frames.Count == 0) throw new ArgumentException("FitAnimation: no frames to animate");
        if (!(secondsPerFrame > 0) || !double.IsFinite(secondsPerFrame))
            throw new ArgumentException($"FitAnimation: seconds per frame must be positive, got {secondsPerFrame}");
    }

    private static string Fraction(int i, int n) => ((double)i / n).ToString("0.######", CultureInfo.InvariantCulture);

    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");
}
