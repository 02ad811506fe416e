using System.Net;
using System.Text;
using System.Text.Json;
using SharpGrad.Graph;
using SharpGrad.IO;

namespace SharpGrad.Plotting;

/// <summary>
/// A traced backward pass as one self-contained HTML page (no network, no scripts from elsewhere): the graph drawn by
/// <see cref="GraphDrawing"/> on the left, and on the right the current step of the pass: the node, the gradient that
/// reached it, its local-gradient rules and the gradients it sent on. Prev / Next buttons (or the arrow keys) step
/// through the nodes in the order the engine ran them (<c>#step=N</c> in the address opens step N); the current node is outlined in red, the nodes already run are
/// tinted, and the edges the current node sends gradients along are drawn thick.
/// </summary>
public static class TracePage
{
    /// <summary>The page as HTML text.</summary>
    /// <param name="trace">The recorded pass (<see cref="Autograd.Trace(Tensor, Tensor?, bool)"/>).</param>
    /// <param name="title">The heading of the page.</param>
    public static string ToHtml(this BackwardTrace trace, string title = "Backpropagation, step by step")
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(title);
        var svg = GraphDrawing.Render(trace.Graph, GraphLayout.Compute(trace.Graph));
        var steps = trace.Steps.Select(s => new
        {
            node = s.Node,
            label = trace.NodeLabel(s.Node),
            formula = s.Formula,
            rules = s.Rules,
            incoming = BackwardTrace.FormatTensor(s.Incoming, rowPerLine: true),
            outgoing = s.Outgoing.Select(o => new { to = o.To, input = o.Input, label = trace.NodeLabel(o.To), rule = o.Rule, grad = BackwardTrace.FormatTensor(o.Gradient, rowPerLine: true) }),
        });
        // The default encoder escapes <, > and & as \u003C..., so the JSON cannot close the script element.
        string data = JsonSerializer.Serialize(steps);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>").Append(WebUtility.HtmlEncode(title)).Append("</title>\n");
        html.Append("<style>").Append(Css).Append("</style></head>\n<body>\n");
        html.Append("<header><h1>").Append(WebUtility.HtmlEncode(title)).Append("</h1>");
        html.Append("<nav><button id=\"prev\" type=\"button\">&#9664; Prev</button> <span id=\"counter\"></span> ")
            .Append("<button id=\"next\" type=\"button\">Next &#9654;</button></nav></header>\n");
        html.Append("<main><div id=\"graph\">").Append(svg).Append("</div>\n");
        html.Append("<aside id=\"panel\"><p class=\"hint\">The engine runs a node once every gradient for it has arrived, the latest-created node first. ")
            .Append("Each node multiplies the gradient it receives by its local derivative (the chain rule) and sends the results to its inputs; ")
            .Append("AccumulateGrad adds what reaches it into the leaf's <code>.grad</code>.</p>\n")
            .Append("<h2 id=\"node\"></h2><h3>gradient arriving (grad)</h3><pre id=\"incoming\"></pre>")
            .Append("<h3>local gradients</h3><ul id=\"rules\"></ul><h3>gradients sent to the inputs</h3><ul id=\"outgoing\"></ul></aside></main>\n");
        html.Append("<script type=\"application/json\" id=\"trace-data\">").Append(data).Append("</script>\n");
        html.Append("<script>").Append(Script).Append("</script>\n</body></html>\n");
        return html.ToString();
    }

    /// <summary>Writes <see cref="ToHtml"/> to <paramref name="path"/>, atomically; a browser opens it offline.</summary>
    public static void SaveHtml(this BackwardTrace trace, string path, string title = "Backpropagation, step by step") =>
        AtomicFile.WriteAllText(path, trace.ToHtml(title));

    private const string Css = """
        body { margin: 0; font-family: DejaVu Sans, Arial, Helvetica, sans-serif; color: #222; background: #fafafa; }
        header { display: flex; align-items: center; gap: 24px; padding: 8px 16px; background: #2b3a4a; color: white; }
        h1 { font-size: 18px; margin: 0; font-weight: normal; }
        nav button { font-size: 14px; padding: 4px 12px; cursor: pointer; }
        nav button:disabled { cursor: default; opacity: 0.5; }
        #counter { display: inline-block; min-width: 110px; text-align: center; font-size: 14px; }
        main { display: flex; height: calc(100vh - 44px); }
        #graph { flex: 0 1 auto; max-width: 62%; overflow: auto; background: white; border-right: 1px solid #ccc; }
        #graph svg { display: block; }
        #panel { flex: 1 1 0; min-width: 320px; overflow: auto; padding: 4px 16px 16px; font-size: 13px; }
        #panel h2 { font-size: 16px; margin: 12px 0 4px; color: #c0392b; }
        #panel h3 { font-size: 13px; margin: 12px 0 4px; color: #555; }
        #panel pre { white-space: pre; overflow-x: auto; background: #f0f0f0; padding: 6px; margin: 0; font-size: 11.5px; }
        #panel ul { padding-left: 18px; margin: 0; }
        #panel li { margin-bottom: 6px; }
        #panel code, #panel pre { font-family: DejaVu Sans Mono, monospace; }
        .hint { color: #666; font-size: 12px; }
        g.node.done rect { fill: #fde9c9; }
        g.node.current rect { stroke: #d62728; stroke-width: 3.5; }
        g.node.target rect { stroke: #e07b00; stroke-width: 2.5; }
        path.edge.flow { stroke: #e07b00; stroke-width: 3; }
        """;

    private const string Script = """
        (function () {
          var steps = JSON.parse(document.getElementById('trace-data').textContent);
          var at = 0;
          function node(id) { return document.querySelector('#graph g.node[data-node="' + id + '"]'); }
          function text(id, value) { document.getElementById(id).textContent = value; }
          function list(id, items) {
            var ul = document.getElementById(id);
            ul.innerHTML = '';
            items.forEach(function (item) {
              var li = document.createElement('li');
              if (item.title) { var b = document.createElement('b'); b.textContent = item.title; li.appendChild(b); }
              var pre = document.createElement('pre');
              pre.textContent = item.body;
              li.appendChild(pre);
              ul.appendChild(li);
            });
          }
          function show(i) {
            at = Math.max(0, Math.min(steps.length - 1, i));
            var s = steps[at];
            document.querySelectorAll('#graph .current, #graph .done, #graph .target, #graph .flow').forEach(function (e) {
              e.classList.remove('current', 'done', 'target', 'flow');
            });
            for (var k = 0; k < at; k++) { var d = node(steps[k].node); if (d) d.classList.add('done'); }
            var current = node(s.node);
            if (current) current.classList.add('current');
            s.outgoing.forEach(function (o) {
              var t = node(o.to);
              if (t) t.classList.add('target');
              var e = document.querySelector('#graph path.edge[data-from="' + o.to + '"][data-to="' + s.node + '"][data-input="' + o.input + '"]');
              if (e) e.classList.add('flow');
            });
            text('counter', 'step ' + (at + 1) + ' / ' + steps.length);
            text('node', (at + 1) + '. ' + s.label);
            text('incoming', s.incoming);
            list('rules', s.rules.map(function (r) { return { body: r }; }));
            list('outgoing', s.outgoing.length ? s.outgoing.map(function (o) { return { title: o.rule.split(' = ')[0] + '  \u2192  ' + o.label, body: o.grad }; })
              : [{ body: s.label.indexOf('AccumulateGrad') === 0 ? 'none: grad is added into the leaf\'s .grad' : 'none' }]);
            document.getElementById('prev').disabled = at === 0;
            document.getElementById('next').disabled = at === steps.length - 1;
            if (current && current.scrollIntoView) current.scrollIntoView({ block: 'nearest', inline: 'nearest' });
            document.body.dataset.step = String(at);
          }
          document.getElementById('prev').addEventListener('click', function () { show(at - 1); });
          document.getElementById('next').addEventListener('click', function () { show(at + 1); });
          document.addEventListener('keydown', function (e) {
            if (e.key === 'ArrowLeft') show(at - 1);
            if (e.key === 'ArrowRight') show(at + 1);
          });
          // #step=N in the address opens the page at step N (1-based), and the address follows the steps.
          var asked = /step=(\d+)/.exec(location.hash);
          show(asked ? parseInt(asked[1], 10) - 1 : 0);
          var showStep = show;
          show = function (i) {
            showStep(i);
            if (history.replaceState) history.replaceState(null, '', '#step=' + (at + 1));
          };
        })();
        """;
}
