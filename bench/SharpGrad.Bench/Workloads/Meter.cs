using System.Diagnostics;

namespace SharpGrad.Bench;

/// <summary>What one timed region cost: wall-clock seconds, managed bytes allocated and gen-2 collections.</summary>
internal readonly record struct Cost(double Seconds, long Bytes, int Gen2)
{
    public static Cost operator +(Cost a, Cost b) => new(a.Seconds + b.Seconds, a.Bytes + b.Bytes, a.Gen2 + b.Gen2);

    /// <summary>
    /// The JSON fields of a result averaged over <paramref name="units"/> units of work (<paramref name="per"/> names one unit):
    /// seconds, bytes allocated and gen-2 collections per unit.
    /// </summary>
    public Dictionary<string, object?> PerUnit(int units, string per) => new()
    {
        ["seconds"] = Math.Round(Seconds / units, 6),
        ["per"] = per,
        ["alloc_bytes"] = Bytes / units,
        ["gen2"] = Math.Round((double)Gen2 / units, 3),
    };
}

/// <summary>Measures a region: <c>var m = Meter.Start(); ...; Cost c = m.Stop();</c>.</summary>
internal readonly struct Meter
{
    private readonly long _bytes;
    private readonly int _gen2;
    private readonly long _ticks;

    private Meter(long bytes, int gen2, long ticks) => (_bytes, _gen2, _ticks) = (bytes, gen2, ticks);

    public static Meter Start() => new(GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(2), Stopwatch.GetTimestamp());

    public Cost Stop()
    {
        double seconds = Stopwatch.GetElapsedTime(_ticks).TotalSeconds;
        return new Cost(seconds, GC.GetTotalAllocatedBytes(precise: true) - _bytes, GC.CollectionCount(2) - _gen2);
    }

    /// <summary>Runs <paramref name="body"/> once and measures it.</summary>
    public static Cost Measure(Action body)
    {
        var meter = Start();
        body();
        return meter.Stop();
    }
}
