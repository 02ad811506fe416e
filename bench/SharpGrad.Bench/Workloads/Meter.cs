using System.Diagnostics;

namespace SharpGrad.Bench;

/// <summary>
/// What one timed region cost: wall-clock seconds, managed bytes allocated, gen-2 collections and the process's CPU
/// seconds (all threads, including the GC's; steadier than wall time on a shared machine).
/// </summary>
internal readonly record struct Cost(double Seconds, long Bytes, int Gen2, double CpuSeconds)
{
    public static Cost operator +(Cost a, Cost b) => new(a.Seconds + b.Seconds, a.Bytes + b.Bytes, a.Gen2 + b.Gen2, a.CpuSeconds + b.CpuSeconds);

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
        ["cpu_seconds"] = Math.Round(CpuSeconds / units, 6),
    };
}

/// <summary>Measures a region: <c>var m = Meter.Start(); ...; Cost c = m.Stop();</c>.</summary>
internal readonly struct Meter
{
    private readonly long _bytes;
    private readonly int _gen2;
    private readonly long _ticks;
    private readonly TimeSpan _cpu;

    private Meter(long bytes, int gen2, long ticks, TimeSpan cpu) => (_bytes, _gen2, _ticks, _cpu) = (bytes, gen2, ticks, cpu);

    private static TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;

    public static Meter Start() =>
        new(GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(2), Stopwatch.GetTimestamp(), Cpu());

    public Cost Stop()
    {
        double seconds = Stopwatch.GetElapsedTime(_ticks).TotalSeconds;
        double cpu = (Cpu() - _cpu).TotalSeconds;
        return new Cost(seconds, GC.GetTotalAllocatedBytes(precise: true) - _bytes, GC.CollectionCount(2) - _gen2, cpu);
    }

    /// <summary>Runs <paramref name="body"/> once and measures it.</summary>
    public static Cost Measure(Action body)
    {
        var meter = Start();
        body();
        return meter.Stop();
    }
}
