using System.Diagnostics;
using System.Text.Json;
using SharpGrad.Bench;

// The SharpGrad benchmark: one JSON line per workload on standard output.
//   dotnet run -c Release --project bench/SharpGrad.Bench -- [workload ...] [--data DIR]
// With no workload names, every workload runs. bench/README.md lists them.
var workloads = Workloads.All;
var names = new List<string>();
string dataDir = SharpGrad.Vision.FashionMNIST.DebianRoot;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--data" && i + 1 < args.Length) dataDir = args[++i];
    else if (args[i] is "-h" or "--help")
    {
        Console.WriteLine("usage: SharpGrad.Bench [workload ...] [--data DIR]\nworkloads: " + string.Join(", ", workloads.Keys));
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
if (names.Count == 0) names.AddRange(workloads.Keys);

var context = new BenchContext(dataDir);
foreach (var name in names)
{
    var result = workloads[name](context);
    result["workload"] = name;
    result["threads"] = SharpGrad.Kernels.Threading.NumThreads;
    result["peak_working_set_mb"] = Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0, 1);
    Console.WriteLine(JsonSerializer.Serialize(result));
}
return 0;
