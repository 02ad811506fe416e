using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using SharpGrad.Kernels.Accelerator;

namespace SharpGrad.Tests.Devices;

/// <summary>Every device kernel compiles to PTX for the A100 (SM_80) and the H100 (SM_90), with no GPU present.</summary>
public class PtxCompileTests
{
    public static TheoryData<int> Architectures => new() { 80, 90 };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void EveryKernel_CompilesToPtx(int sm)
    {
        var arch = sm == 80 ? CudaArchitecture.SM_80 : CudaArchitecture.SM_90;
        using var context = Context.Create(b => b.Cuda().Math(MathMode.Default).EnableAlgorithms());
        using var backend = new PTXBackend(context, new CudaCapabilityContext(arch), arch, CudaInstructionSet.ISA_80, null);
        int compiled = 0;
        foreach (var (method, grouped) in KernelCatalog.All())
        {
            var entry = grouped ? EntryPointDescription.FromExplicitlyGroupedKernel(method) : EntryPointDescription.FromImplicitlyGroupedKernel(method);
            var kernel = (PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty);
            var target = kernel.PTXAssembly.Split('\n').FirstOrDefault(l => l.StartsWith(".target", StringComparison.Ordinal)) ?? "";
            // Observed: ILGPU 1.5.3 writes ".target sm_80" for both settings (the driver JIT-compiles sm_80 PTX for Hopper).
            Assert.True(target.StartsWith(".target sm_", StringComparison.Ordinal), $"{method}: {target}");
            Assert.Contains(".entry", kernel.PTXAssembly);
            compiled++;
        }
        Assert.True(compiled > 50, $"only {compiled} kernels in the catalog");
    }

    [Fact]
    public void TheCatalog_NamesEveryKernelMethod()
    {
        var listed = KernelCatalog.All().Select(k => k.Method.IsGenericMethod ? k.Method.GetGenericMethodDefinition() : k.Method).ToHashSet();
        foreach (var type in KernelCatalog.KernelClasses)
            foreach (var m in type.GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static))
                Assert.True(listed.Contains(m), $"{type.Name}.{m.Name} is not in KernelCatalog.All()");
    }
}
