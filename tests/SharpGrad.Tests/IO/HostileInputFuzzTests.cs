using System.IO.Compression;
using SharpGrad.IO;
using SharpGrad.NN;

namespace SharpGrad.Tests;

/// <summary>
/// Hostile-input fuzzing of every reader, with a fixed seed and a bounded count (a few hundred mutated inputs each, a few
/// seconds): each input is read correctly or refused with the reader's own exception whose message names the problem,
/// no read allocates more than a bound (GC.GetAllocatedBytesForCurrentThread), and nothing is modified on error.
/// </summary>
public sealed class HostileInputFuzzTests : IDisposable
{
    private const int Mutations = 400;
    private readonly string _dir = Directory.CreateTempSubdirectory("sharpgrad-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>One random damage: flipped bits, overwritten bytes, a cut, an insertion, or a huge length field.</summary>
    private static byte[] Mutate(byte[] original, Random rng)
    {
        var bytes = new List<byte>(original);
        int edits = rng.Next(1, 4);
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = rng.Next(bytes.Count);
            switch (rng.Next(6))
            {
                case 0: bytes[at] ^= (byte)(1 << rng.Next(8)); break;
                case 1: bytes[at] = (byte)rng.Next(256); break;
                case 2: bytes.RemoveRange(at, bytes.Count - at); break;
                case 3: bytes.InsertRange(at, Enumerable.Range(0, rng.Next(1, 16)).Select(_ => (byte)rng.Next(256))); break;
                case 4: bytes[at] = 0xFF; break;
                default:
                    // A length or size field near the start, set to an extreme value.
                    int field = rng.Next(Math.Min(16, bytes.Count));
                    bytes[field] = (byte)(rng.Next(2) == 0 ? 0xFF : 0x7F);
                    break;
            }
        }
        return [.. bytes];
    }

    private static void Within(long allocated, long bound, string what, int trial) =>
        Assert.True(allocated <= bound, $"{what}, mutation {trial}: allocated {allocated} bytes, more than the bound {bound}");

    [Fact]
    public void SafeTensors_MutatedFilesAreReadOrRefusedCheaply()
    {
        var valid = SafeTensors.Serialize(new Dictionary<string, Tensor>
        {
            ["weight"] = Tensor.Arange(0.0, 12.0).Reshape(3, 4),
            ["bias"] = Tensor.Ones([4], DType.Float64),
            ["steps"] = Tensor.Arange(5),
        }, new Dictionary<string, string> { ["epoch"] = "3" });
        var rng = new Random(20261207);
        string path = Path.Combine(_dir, "m.safetensors");
        for (int trial = 0; trial < Mutations; trial++)
        {
            var bad = Mutate(valid, rng);
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                SafeTensors.Deserialize(bad);
            }
            catch (SafeTensorsFormatException e)
            {
                Assert.StartsWith("load: in-memory buffer: ", e.Message);
            }
            Within(GC.GetAllocatedBytesForCurrentThread() - before, 256 * 1024 + 64L * bad.Length, "safetensors", trial);

            if (trial % 8 != 0) continue;
            File.WriteAllBytes(path, bad);
            try
            {
                SafeTensors.Load(path);
            }
            catch (SafeTensorsFormatException e)
            {
                Assert.Contains(path, e.Message);
            }
            Assert.Equal(bad, File.ReadAllBytes(path)); // reading never modifies the file
        }
    }

    [Fact]
    public void Idx_MutatedRawAndGzipFilesAreReadOrRefusedCheaply()
    {
        var raw = new List<byte> { 0, 0, 0x08, 3, 0, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0, 6 };
        raw.AddRange(Enumerable.Range(0, 120).Select(i => (byte)i));
        var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.Optimal, leaveOpen: true)) z.Write(raw.ToArray());
        var rng = new Random(7);
        // Every cut of the gzip file's tail (trailer and last deflate bytes) first, then random damage.
        var gzip = gz.ToArray();
        for (int cut = 1; cut <= 16; cut++)
            Check.Throws<IdxFormatException>(() => Idx.Read(new MemoryStream(gzip[..^cut]), "cut.idx.gz"), "cut.idx.gz");
        foreach (var (valid, kind) in new[] { (raw.ToArray(), "raw"), (gzip, "gzip") })
        {
            for (int trial = 0; trial < Mutations; trial++)
            {
                var bad = Mutate(valid, rng);
                long before = GC.GetAllocatedBytesForCurrentThread();
                bool cut = bad.Length < valid.Length && valid.AsSpan(0, bad.Length).SequenceEqual(bad);
                try
                {
                    Idx.Read(new MemoryStream(bad, writable: false), "fuzz.idx");
                    // A cut file is never whole: gzip's trailer (or the raw header's sizes) must catch it.
                    Assert.False(cut, $"{kind}, mutation {trial}: a file cut to {bad.Length} of {valid.Length} bytes was accepted");
                }
                catch (IdxFormatException e)
                {
                    Assert.StartsWith("idx: 'fuzz.idx': ", e.Message);
                }
                // A lying header may claim gigabytes: the reader allocates only what actually arrives (plus the gzip decoder).
                Within(GC.GetAllocatedBytesForCurrentThread() - before, (1 << 21) + 64L * bad.Length, kind, trial);
            }
        }
    }

    [Fact]
    public void StateDict_MutatedDictionariesAndCheckpointsAreLoadedOrRefusedWithoutChanges()
    {
        var net = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
        var original = net.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
        string[] keys = [.. original.Keys];
        var rng = new Random(99);
        for (int trial = 0; trial < Mutations; trial++)
        {
            var state = original.ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
            switch (rng.Next(6))
            {
                case 0: state.Remove(keys[rng.Next(keys.Length)]); break;
                case 1: state["extra." + rng.Next(100)] = Tensor.Zeros(1); break;
                case 2: { var k = keys[rng.Next(keys.Length)]; state[k] = Tensor.Zeros(state[k].Shape.Select(d => d + 1).ToArray()); break; }
                case 3: state[keys[rng.Next(keys.Length)]] = null!; break;
                case 4: { var k = keys[rng.Next(keys.Length)]; state[k] = state[k].Reshape(-1); break; }
                default: { var k = keys[rng.Next(keys.Length)]; state[k] = Tensor.Full(state[k].Shape, 5.0); break; }
            }
            bool strict = rng.Next(2) == 0;
            var before = Snapshot(net);
            try
            {
                net.LoadStateDict(state, strict);
            }
            catch (ArgumentException e)
            {
                Assert.Contains("state_dict", e.Message);
                Assert.Equal(before, Snapshot(net)); // nothing modified on error
            }
            net.LoadStateDict(original);
        }

        // Damaged checkpoint files: refused by the reader, or by the shape and key checks, the model unchanged.
        string path = Path.Combine(_dir, "net.safetensors");
        net.Save(path);
        var file = File.ReadAllBytes(path);
        for (int trial = 0; trial < Mutations / 4; trial++)
        {
            File.WriteAllBytes(path, Mutate(file, rng));
            var before = Snapshot(net);
            try
            {
                net.Load(path);
            }
            catch (Exception e) when (e is SafeTensorsFormatException or ArgumentException)
            {
                Assert.Equal(before, Snapshot(net));
            }
            net.LoadStateDict(original);
        }
    }

    private static List<float[]> Snapshot(Module net) => [.. net.StateDict().Values.Select(t => t.ToArray<float>())];
}
