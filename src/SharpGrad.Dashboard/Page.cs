using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace SharpGrad.Dashboard;

/// <summary>
/// The dashboard's only page: every window rendered into the HTML (so a reload, or a browser without
/// JavaScript, shows the current state), plus a small hand-written script that follows
/// <c>/events</c> (server-sent events) and swaps window contents in place. Nothing is loaded from
/// elsewhere: the Content-Security-Policy allows only this script (by hash), inline styles, data: images
/// and the event stream.
/// </summary>
internal static class Page
{
    private const string Script = """
        (function () {
          var grid = document.getElementById('grid');
          var status = document.getElementById('status');
          function find(id) {
            for (var i = 0; i < grid.children.length; i++) if (grid.children[i].dataset.win === id) return grid.children[i];
            return null;
          }
          function show(w) {
            var s = find(w.id);
            if (!s) {
              s = document.createElement('section');
              s.dataset.win = w.id;
              s.innerHTML = '<h2></h2><div class="body"></div>';
              grid.appendChild(s);
            } else if (+s.dataset.version >= w.version) return;
            s.className = 'win ' + w.kind;
            s.dataset.version = w.version;
            s.querySelector('h2').textContent = w.title;
            s.querySelector('.body').innerHTML = w.html;
          }
          var es = new EventSource('events');
          es.addEventListener('window', function (e) { show(JSON.parse(e.data)); });
          es.addEventListener('close', function (e) { var s = find(JSON.parse(e.data).id); if (s) s.remove(); });
          es.addEventListener('reset', function (e) {
            var keep = JSON.parse(e.data);
            Array.prototype.slice.call(grid.children).forEach(function (s) { if (keep.indexOf(s.dataset.win) < 0) s.remove(); });
          });
          es.onopen = function () { status.textContent = 'live'; status.className = 'live'; };
          es.onerror = function () { status.textContent = 'reconnecting'; status.className = 'down'; };
        })();
        """;

    private const string Style = """
        body { margin: 0; font-family: DejaVu Sans, Arial, Helvetica, sans-serif; background: #eef0f3; color: #222; }
        header { display: flex; align-items: center; gap: 12px; padding: 8px 16px; background: #2b3a4a; color: #fff; }
        header h1 { font-size: 18px; margin: 0; font-weight: 600; }
        #status { font-size: 12px; padding: 2px 8px; border-radius: 8px; background: #777; }
        #status.live { background: #2ca02c; } #status.down { background: #d62728; }
        #grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 12px; padding: 12px; align-items: start; }
        .win { background: #fff; border: 1px solid #c9ced6; border-radius: 4px; padding: 6px 8px 8px; max-width: 100%; box-sizing: border-box; }
        .win h2 { font-size: 14px; margin: 0 0 6px; color: #333; }
        .win svg { display: block; width: 100%; height: auto; }
        .win img { display: block; image-rendering: pixelated; max-width: 100%; height: auto; }
        .win pre { margin: 0; max-width: 600px; max-height: 380px; overflow: auto; white-space: pre-wrap; font-size: 13px; }
        .win pre.error { color: #d62728; }
        .caption { font-size: 12px; color: #666; margin: 4px 0 0; }
        #empty { padding: 24px; color: #666; }
        """;

    /// <summary>The Content-Security-Policy sent with the page.</summary>
    public static readonly string ContentSecurityPolicy =
        "default-src 'none'; script-src 'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Script))) + "'; " +
        "style-src 'unsafe-inline'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>The page with <paramref name="windows"/> already in it.</summary>
    public static string Render(IReadOnlyList<Rendered> windows)
    {
        var sb = new StringBuilder(4096);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>SharpGrad dashboard</title>\n<style>\n")
          .Append(Style).Append("</style>\n</head>\n<body>\n<header><h1>SharpGrad dashboard</h1><span id=\"status\">connecting</span></header>\n<main id=\"grid\">\n");
        foreach (var w in windows) AppendWindow(sb, w);
        sb.Append("</main>\n<script>").Append(Script).Append("</script>\n</body>\n</html>\n");
        return sb.ToString();
    }

    private static void AppendWindow(StringBuilder sb, Rendered w)
    {
        sb.Append("<section class=\"win ").Append(w.Kind).Append("\" data-win=\"").Append(WebUtility.HtmlEncode(w.Id))
          .Append("\" data-version=\"").Append(w.Version).Append("\"><h2>").Append(WebUtility.HtmlEncode(w.Title))
          .Append("</h2><div class=\"body\">").Append(w.Html).Append("</div></section>\n");
    }
}
