using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;
using SharpGrad.Core;

namespace SharpGrad.Kernels.Accelerator;

internal sealed partial class AcceleratorBackend
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, FusedRule<float>, FusedOperands>? _fusedFloat;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, FusedRule<double>, FusedOperands>? _fusedDouble;

    /// <summary>
    /// One optimizer step over <paramref name="n"/> contiguous elements of the operands 0 to 4 (storage and element
    /// offset; absent optional operands have a null storage).
    /// </summary>
    public void FusedUpdate<T>(string op, FusedRule<T> rule, int n, Storage s0, int o0, Storage s1, int o1, Storage? s2, int o2, Storage? s3, int o3, Storage? s4, int o4)
        where T : unmanaged
    {
        if (n == 0) return;
        var x0 = Mine<T>(op, s0);
        var o = new FusedOperands { O0 = o0, O1 = o1, O2 = o2, O3 = o3, O4 = o4 };
        ArrayView<T> x1 = Mine<T>(op, s1), x2 = s2 is null ? x0 : Mine<T>(op, s2), x3 = s3 is null ? x0 : Mine<T>(op, s3), x4 = s4 is null ? x0 : Mine<T>(op, s4);
        if (typeof(T) == typeof(float))
        {
            var kernel = Load(ref _fusedFloat, acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, FusedRule<float>, FusedOperands>(FusedUpdateKernel.Run));
            lock (_stream) kernel(n, x0.Cast<float>(), x1.Cast<float>(), x2.Cast<float>(), x3.Cast<float>(), x4.Cast<float>(), Unsafe.As<FusedRule<T>, FusedRule<float>>(ref rule), o);
        }
        else
        {
            var kernel = Load(ref _fusedDouble, acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, FusedRule<double>, FusedOperands>(FusedUpdateKernel.Run));
            lock (_stream) kernel(n, x0.Cast<double>(), x1.Cast<double>(), x2.Cast<double>(), x3.Cast<double>(), x4.Cast<double>(), Unsafe.As<FusedRule<T>, FusedRule<double>>(ref rule), o);
        }
        GC.KeepAlive(s0);
        GC.KeepAlive(s1);
        GC.KeepAlive(s2);
        GC.KeepAlive(s3);
        GC.KeepAlive(s4);
    }
}
