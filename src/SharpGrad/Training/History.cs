using System.Globalization;
using System.Text;
using System.Text.Json;
using SharpGrad.IO;

namespace SharpGrad.Training;

/// <summary>
/// Per-epoch metrics of a training run (Keras' <c>History.history</c>, a CSV logger): an epoch number per row and named
/// columns of doubles in the order they first appeared. A metric missing from an epoch is NaN there. Saved as CSV or
/// JSON, both atomically.
/// </summary>
public sealed class History
{
    private readonly List<int> _epochs = [];
    private readonly List<string> _names = [];
    private readonly Dictionary<string, List<double>> _columns = new(StringComparer.Ordinal);

    /// <summary>Number of epochs recorded.</summary>
    public int Count => _epochs.Count;

    /// <summary>The epoch numbers, in the order recorded.</summary>
    public IReadOnlyList<int> Epochs => _epochs;

    /// <summary>The metric names, in the order they first appeared.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>One metric's values, one per recorded epoch (<c>history.history["val_loss"]</c>).</summary>
    public IReadOnlyList<double> this[string name] =>
        _columns.TryGetValue(name, out var column) ? column
            : throw new KeyNotFoundException($"History: no metric '{name}'; recorded: {(_names.Count == 0 ? "none" : string.Join(", ", _names))}");

    /// <summary>Whether a metric of that name was recorded.</summary>
    public bool Contains(string name) => _columns.ContainsKey(name);

    /// <summary>
    /// Records one epoch. <paramref name="epoch"/> must be above the last one recorded; a name not seen before adds a
    /// column (NaN for the earlier epochs). Names may not be "epoch" nor contain commas, quotes or line breaks.
    /// </summary>
    public void Add(int epoch, IReadOnlyDictionary<string, double> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (_epochs.Count > 0 && epoch <= _epochs[^1])
            throw new ArgumentException($"History.add: epoch {epoch} does not come after the last recorded epoch {_epochs[^1]}");
        foreach (var name in metrics.Keys) CheckName(name, "History.add");
        foreach (var name in metrics.Keys)
        {
            if (_columns.ContainsKey(name)) continue;
            var column = new List<double>(_epochs.Count + 1);
            for (int i = 0; i < _epochs.Count; i++) column.Add(double.NaN);
            _columns[name] = column;
            _names.Add(name);
        }
        _epochs.Add(epoch);
        foreach (var name in _names) _columns[name].Add(metrics.TryGetValue(name, out var v) ? v : double.NaN);
    }

    /// <summary>The metrics of row <paramref name="row"/> (0-based), in column order.</summary>
    public IReadOnlyDictionary<string, double> Row(int row)
    {
        if ((uint)row >= (uint)_epochs.Count) throw new ArgumentOutOfRangeException(null, $"History: row {row} is outside [0, {_epochs.Count})");
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var name in _names) result[name] = _columns[name][row];
        return result;
    }

    /// <summary>
    /// The history as CSV: a header <c>epoch,name1,name2,...</c>, then one line per epoch, '\n' line ends, numbers in the
    /// invariant culture with the shortest text that reads back to the same double; NaN as <c>nan</c>, infinities as
    /// <c>inf</c> / <c>-inf</c> (what pandas reads).
    /// </summary>
    public string ToCsv()
    {
        var sb = new StringBuilder("epoch");
        foreach (var name in _names) sb.Append(',').Append(name);
        sb.Append('\n');
        for (int r = 0; r < _epochs.Count; r++)
        {
            sb.Append(_epochs[r].ToString(CultureInfo.InvariantCulture));
            foreach (var name in _names) sb.Append(',').Append(FormatCsv(_columns[name][r]));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Writes <see cref="ToCsv"/> to <paramref name="path"/> atomically (Keras' <c>CSVLogger</c> file).</summary>
    public void SaveCsv(string path) => AtomicFile.WriteAllText(path, ToCsv());

    /// <summary>
    /// The history as a JSON object of columns, <c>{"epoch": [1, 2], "train_loss": [...], ...}</c> (<c>pandas.read_json</c>
    /// reads it as a table); NaN and the infinities are written as the strings "NaN", "Infinity", "-Infinity".
    /// </summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("epoch");
            foreach (var e in _epochs) writer.WriteNumberValue(e);
            writer.WriteEndArray();
            foreach (var name in _names)
            {
                writer.WriteStartArray(name);
                foreach (var v in _columns[name])
                {
                    if (double.IsFinite(v)) writer.WriteNumberValue(v);
                    else writer.WriteStringValue(double.IsNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
                }
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>Writes <see cref="ToJson"/> to <paramref name="path"/> atomically.</summary>
    public void SaveJson(string path) => AtomicFile.WriteAllText(path, ToJson());

    /// <summary>Reads a history written by <see cref="SaveCsv"/>.</summary>
    public static History LoadCsv(string path) => ParseCsv(File.ReadAllText(path), path);

    /// <summary>Parses the text of <see cref="ToCsv"/>; <paramref name="source"/> names it in error messages.</summary>
    public static History ParseCsv(string text, string source = "csv")
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Replace("\r\n", "\n").Split('\n');
        int count = lines.Length;
        while (count > 0 && lines[count - 1].Length == 0) count--;
        if (count == 0 || lines[0].Split(',')[0] != "epoch")
            throw new InvalidDataException($"History.load_csv: {source} does not start with an 'epoch,...' header");
        var header = lines[0].Split(',');
        var history = new History();
        for (int i = 1; i < count; i++)
        {
            var fields = lines[i].Split(',');
            if (fields.Length != header.Length)
                throw new InvalidDataException($"History.load_csv: {source} line {i + 1} has {fields.Length} fields, the header has {header.Length}");
            if (!int.TryParse(fields[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int epoch))
                throw new InvalidDataException($"History.load_csv: {source} line {i + 1}: epoch '{fields[0]}' is not an integer");
            var row = new Dictionary<string, double>(StringComparer.Ordinal);
            for (int f = 1; f < fields.Length; f++)
                row[header[f]] = ParseCsvNumber(fields[f]) ?? throw new InvalidDataException(
                    $"History.load_csv: {source} line {i + 1}: '{fields[f]}' in column '{header[f]}' is not a number");
            Wrap(() => history.Add(epoch, row), source);
        }
        if (count == 1) foreach (var name in header.Skip(1)) Wrap(() => history.AddEmptyColumn(name), source);
        return history;
    }

    /// <summary>Reads a history written by <see cref="SaveJson"/>.</summary>
    public static History LoadJson(string path) => ParseJson(File.ReadAllText(path), path);

    /// <summary>Parses the text of <see cref="ToJson"/>; <paramref name="source"/> names it in error messages.</summary>
    public static History ParseJson(string text, string source = "json")
    {
        ArgumentNullException.ThrowIfNull(text);
        using var doc = ParseDocument(text, source);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("epoch", out var epochs) || epochs.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"History.load_json: {source} is not an object with an 'epoch' array");
        var columns = new List<(string Name, double[] Values)>();
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name == "epoch") continue;
            if (property.Value.ValueKind != JsonValueKind.Array || property.Value.GetArrayLength() != epochs.GetArrayLength())
                throw new InvalidDataException($"History.load_json: {source}: '{property.Name}' is not an array of {epochs.GetArrayLength()} values");
            var values = new double[epochs.GetArrayLength()];
            int i = 0;
            foreach (var item in property.Value.EnumerateArray())
                values[i++] = JsonNumber(item) ?? throw new InvalidDataException(
                    $"History.load_json: {source}: '{property.Name}'[{i - 1}] is not a number");
            columns.Add((property.Name, values));
        }
        var history = new History();
        int r = 0;
        foreach (var item in epochs.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out int epoch))
                throw new InvalidDataException($"History.load_json: {source}: epoch[{r}] is not an integer");
            var row = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (name, values) in columns) row[name] = values[r];
            Wrap(() => history.Add(epoch, row), source);
            r++;
        }
        if (r == 0) foreach (var (name, _) in columns) Wrap(() => history.AddEmptyColumn(name), source);
        return history;
    }

    private void AddEmptyColumn(string name)
    {
        CheckName(name, "History.add");
        if (_columns.TryAdd(name, [])) _names.Add(name);
    }

    private static void CheckName(string name, string op)
    {
        if (string.IsNullOrEmpty(name) || name == "epoch" || name.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            throw new ArgumentException($"{op}: '{name}' cannot name a metric (empty, 'epoch', or containing a comma, quote or line break)");
    }

    private static string FormatCsv(double v) =>
        double.IsNaN(v) ? "nan" : double.IsPositiveInfinity(v) ? "inf" : double.IsNegativeInfinity(v) ? "-inf"
            : v.ToString("R", CultureInfo.InvariantCulture);

    private static double? ParseCsvNumber(string s) => s switch
    {
        "nan" or "NaN" or "" => double.NaN,
        "inf" or "Infinity" => double.PositiveInfinity,
        "-inf" or "-Infinity" => double.NegativeInfinity,
        _ => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null,
    };

    private static double? JsonNumber(JsonElement item) => item.ValueKind switch
    {
        JsonValueKind.Number => item.GetDouble(),
        JsonValueKind.Null => double.NaN,
        JsonValueKind.String => item.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            _ => null,
        },
        _ => null,
    };

    private static JsonDocument ParseDocument(string text, string source)
    {
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"History.load_json: {source} is not valid JSON: {e.Message}", e);
        }
    }

    private static void Wrap(Action add, string source)
    {
        try
        {
            add();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{e.Message} (reading {source})", e);
        }
    }
}
