using SharpGrad.Training;

namespace SharpGrad.Tests;

public sealed class HistoryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sharpgrad-history-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static History Sample()
    {
        var h = new History();
        h.Add(1, new Dictionary<string, double> { ["train_loss"] = 0.1, ["val_loss"] = 1.0 / 3 });
        h.Add(2, new Dictionary<string, double> { ["train_loss"] = 1e-5, ["val_loss"] = 2.5, ["val_acc"] = 0.75 });
        h.Add(4, new Dictionary<string, double> { ["val_acc"] = double.PositiveInfinity, ["train_loss"] = 123456789.125 });
        return h;
    }

    [Fact]
    public void Add_KeepsColumnsInFirstSeenOrder_AndFillsGapsWithNaN()
    {
        var h = Sample();
        Assert.Equal(["train_loss", "val_loss", "val_acc"], h.Names);
        Assert.Equal([1, 2, 4], h.Epochs);
        Assert.Equal([double.NaN, 0.75, double.PositiveInfinity], h["val_acc"]);
        Assert.Equal([1.0 / 3, 2.5, double.NaN], h["val_loss"]);
        Assert.Equal(2.5, h.Row(1)["val_loss"]);
    }

    [Fact]
    public void Add_RejectsOldEpochsAndBadNames()
    {
        var h = Sample();
        Check.Throws<ArgumentException>(() => h.Add(4, new Dictionary<string, double>()), "epoch 4", "last recorded epoch 4");
        Check.Throws<ArgumentException>(() => h.Add(5, new Dictionary<string, double> { ["a,b"] = 1 }), "'a,b'");
        Check.Throws<ArgumentException>(() => h.Add(5, new Dictionary<string, double> { ["epoch"] = 1 }), "'epoch'");
        Check.Throws<KeyNotFoundException>(() => _ = h["lr"], "'lr'", "recorded: train_loss, val_loss, val_acc");
        Assert.Equal(3, h.Count);
    }

    [Fact]
    public void SaveCsv_WritesExactText()
    {
        var path = Path.Combine(_dir, "history.csv");
        Sample().SaveCsv(path);
        Assert.Equal(
            "epoch,train_loss,val_loss,val_acc\n" +
            "1,0.1,0.3333333333333333,nan\n" +
            "2,1E-05,2.5,0.75\n" +
            "4,123456789.125,nan,inf\n", File.ReadAllText(path));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void CsvAndJson_RoundTripEveryBit()
    {
        var h = Sample();
        h.Add(5, new Dictionary<string, double> { ["train_loss"] = Math.PI, ["val_loss"] = -0.0, ["val_acc"] = double.NegativeInfinity });
        string csv = Path.Combine(_dir, "h.csv"), json = Path.Combine(_dir, "h.json");
        h.SaveCsv(csv);
        h.SaveJson(json);
        foreach (var back in new[] { History.LoadCsv(csv), History.LoadJson(json) })
        {
            Assert.Equal(h.Epochs, back.Epochs);
            Assert.Equal(h.Names, back.Names);
            foreach (var name in h.Names)
                Assert.Equal(h[name].Select(BitConverter.DoubleToInt64Bits), back[name].Select(BitConverter.DoubleToInt64Bits));
        }
    }

    [Fact]
    public void Json_IsAnObjectOfColumns()
    {
        var h = new History();
        h.Add(1, new Dictionary<string, double> { ["loss"] = 0.5 });
        h.Add(2, new Dictionary<string, double> { ["loss"] = double.NaN });
        var doc = System.Text.Json.JsonDocument.Parse(h.ToJson()).RootElement;
        Assert.Equal(["epoch", "loss"], doc.EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, doc.GetProperty("epoch")[1].GetInt32());
        Assert.Equal(0.5, doc.GetProperty("loss")[0].GetDouble());
        Assert.Equal("NaN", doc.GetProperty("loss")[1].GetString());
    }

    [Fact]
    public void EmptyHistory_RoundTripsItsColumns()
    {
        var back = History.ParseCsv(new History().ToCsv());
        Assert.Equal(0, back.Count);
        Assert.Empty(back.Names);
        Assert.Equal(["a", "b"], History.ParseCsv("epoch,a,b\n").Names);
        Assert.Equal(["a"], History.ParseJson("{\"epoch\": [], \"a\": []}").Names);
    }

    [Fact]
    public void Load_ReportsMalformedFiles()
    {
        Check.Throws<InvalidDataException>(() => History.ParseCsv("step,a\n1,2\n", "x.csv"), "x.csv", "'epoch,...' header");
        Check.Throws<InvalidDataException>(() => History.ParseCsv("epoch,a\n1,2,3\n", "x.csv"), "line 2", "3 fields", "header has 2");
        Check.Throws<InvalidDataException>(() => History.ParseCsv("epoch,a\n1,abc\n", "x.csv"), "line 2", "'abc'", "'a'");
        Check.Throws<InvalidDataException>(() => History.ParseCsv("epoch,a\n2,1\n1,1\n", "x.csv"), "epoch 1", "x.csv");
        Check.Throws<InvalidDataException>(() => History.ParseJson("{\"epoch\": [1], \"a\": [1, 2]}", "x.json"), "'a'", "1 values");
        Check.Throws<InvalidDataException>(() => History.ParseJson("[1]", "x.json"), "'epoch' array");
        Check.Throws<InvalidDataException>(() => History.ParseJson("{", "x.json"), "not valid JSON");
    }
}
