using System.Diagnostics;
using System.Text.Json;
using SharpGrad;
using SharpGrad.Bench;

// The SharpGrad benchmark: JSON lines on standard output (one per workload; sgemm gives one per shape).
//   dotnet run -c Release --project bench/SharpGrad.Bench -- [workload ...] [--data DIR] [--threads N]
// With no workload names, every workload runs. bench/README.md lists them; bench/compare.sh compares with PyTorch.
// The ddp workload starts this program again as its worker processes (under mpirun).
if (args.Length > 0 && args[0] == DdpWorker.Command) return DdpWorker.Run(args[1..]);
var workloads = Workloads.All;
var names = new List<string>();
string dataDir = SharpGrad.Vision.FashionMNIST.DebianRoot;
var device = Device.Cpu;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--data" && i + 1 < args.Length) dataDir = args[++i];
    else if (args[i] == "--threads" && i + 1 < args.Length && int.TryParse(args[i + 1], out int threads) && threads > 0)
    {
        SharpGrad.Kernels.Threading.NumThreads = threads;
        i++;
    }
    else if (args[i] == "--device" && i + 1 < args.Length)
    {
        try
        {
            device = Device.Parse(args[++i]);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"bench: {e.Message}");
            return 2;
        }
    }
    else if (args[i] is "-h" or "--help")
    {
        Console.WriteLine("usage: SharpGrad.Bench [workload ...] [--data DIR] [--threads N] [--device cpu|cuda|cuda:N|accel:cpu]\nworkloads: "
            + string.Join(", ", workloads.Keys) + "; with --device: " + string.Join(", ", Workloads.DeviceCapable));
        return 0;
    }
    else names.Add(args[i]);
}
foreach (var name in names)
{
    if (!workloads.ContainsKey(name))
    {
        Console.Error.WriteLine($"bench: unknown workload '{name}'; known: {string.Join(", ", workloads.Keys)}");
        return 2;
    }
}
// ddp needs mpirun and takes minutes: only when named.
if (names.Count == 0) names.AddRange(device.IsCpu ? workloads.Keys.Where(name => name != "ddp") : Workloads.DeviceCapable);
foreach (var name in names)
{
    if (!device.IsCpu && !Workloads.DeviceCapable.Contains(name))
    {
        Console.Error.WriteLine($"bench: workload '{name}' runs on the CPU only; with --device: {string.Join(", ", Workloads.DeviceCapable)}");
        return 2;
    }
}
string deviceName;
try
{
    deviceName = $"{device} ({Cuda.GetDeviceName(device)})";
}
catch (InvalidOperationException e)
{
    Console.Error.WriteLine($"bench: {e.Message}");
    return 2;
}

var context = new BenchContext(dataDir, device);
foreach (var name in names)
{
    foreach (var result in workloads[name](context))
    {
        var line = new Dictionary<string, object?> { ["impl"] = "sharpgrad", ["workload"] = name };
        foreach (var (key, value) in result) line[key] = value;
        line["threads"] = SharpGrad.Kernels.Threading.NumThreads;
        line["device"] = deviceName;
        line["peak_working_set_mb"] = Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0, 1);
        Console.WriteLine(JsonSerializer.Serialize(line));
    }
}
return 0;
