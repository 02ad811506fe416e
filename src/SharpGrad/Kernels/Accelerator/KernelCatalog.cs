using System.Reflection;

namespace SharpGrad.Kernels.Accelerator;

/// <summary>
/// Every device kernel instantiation the backends can load (method, and whether it is explicitly grouped), so that a
/// test compiles each one to PTX without a GPU and a construct the PTX backend rejects fails in CI.
/// </summary>
internal static class KernelCatalog
{
    private static readonly Type[] s_floats = [typeof(float), typeof(double)];
    private static readonly Type[] s_numbers = [typeof(float), typeof(double), typeof(long)];
    private static readonly Type[] s_all = [typeof(float), typeof(double), typeof(long), typeof(byte)];
    private static readonly (Type Element, Type Converter)[] s_converters =
        [(typeof(float), typeof(Float32Element)), (typeof(double), typeof(Float64Element)), (typeof(long), typeof(Int64Element)), (typeof(byte), typeof(BoolElement))];

    /// <summary>The classes whose public static methods are kernels.</summary>
    public static readonly Type[] KernelClasses =
        [typeof(ElementKernels), typeof(RowKernels), typeof(GemmKernel), typeof(IndexedKernels), typeof(FusedUpdateKernel), typeof(ConvPoolKernels)];

    /// <summary>Each kernel instantiation with whether it is explicitly grouped (shared memory and barriers).</summary>
    public static IEnumerable<(MethodInfo Method, bool Grouped)> All()
    {
        foreach (var t in s_floats)
        {
            yield return (Make(typeof(ElementKernels), nameof(ElementKernels.UnaryFloat), t), false);
            yield return (Make(typeof(ElementKernels), nameof(ElementKernels.BinaryFloat), t), false);
            yield return (Make(typeof(RowKernels), nameof(RowKernels.SoftmaxForward), t), false);
            yield return (Make(typeof(RowKernels), nameof(RowKernels.SoftmaxBackward), t), false);
            yield return (Make(typeof(RowKernels), nameof(RowKernels.ReluBackward), t), false);
            yield return (Make(typeof(FusedUpdateKernel), nameof(FusedUpdateKernel.Run), t), false);
            foreach (var name in (string[])[nameof(ConvPoolKernels.ConvForward), nameof(ConvPoolKernels.ConvInputGrad), nameof(ConvPoolKernels.ConvWeightGrad),
                nameof(ConvPoolKernels.ConvBiasGrad), nameof(ConvPoolKernels.MaxPoolForward), nameof(ConvPoolKernels.MaxPoolGather), nameof(ConvPoolKernels.MaxPoolScatter)])
                yield return (Make(typeof(ConvPoolKernels), name, t), false);
        }
        foreach (var (t, c) in s_converters.Take(2))
        {
            yield return (Make(typeof(ConvPoolKernels), nameof(ConvPoolKernels.AvgPoolForward), t, c), false);
            yield return (Make(typeof(ConvPoolKernels), nameof(ConvPoolKernels.AvgPoolBackward), t, c), false);
        }
        yield return (Make(typeof(ElementKernels), nameof(ElementKernels.UnaryInt)), false);
        yield return (Make(typeof(ElementKernels), nameof(ElementKernels.BinaryInt)), false);
        foreach (var t in s_numbers)
        {
            yield return (Make(typeof(ElementKernels), nameof(ElementKernels.Compare), t), false);
            yield return (Make(typeof(RowKernels), nameof(RowKernels.Reduce), t), false);
            yield return (Make(typeof(RowKernels), nameof(RowKernels.ArgRows), t), false);
            yield return (Make(typeof(GemmKernel), nameof(GemmKernel.Run), t, typeof(Tile16)), true);
            yield return (Make(typeof(GemmKernel), nameof(GemmKernel.Run), t, typeof(Tile4)), true);
            yield return (Make(typeof(GemmKernel), nameof(GemmKernel.Plain), t), false);
        }
        foreach (var t in s_all)
        {
            yield return (Make(typeof(ElementKernels), nameof(ElementKernels.Where), t), false);
            yield return (Make(typeof(ElementKernels), nameof(ElementKernels.Fill), t), false);
            yield return (Make(typeof(ElementKernels), nameof(ElementKernels.Copy), t), false);
            yield return (Make(typeof(IndexedKernels), nameof(IndexedKernels.Read), t), false);
            yield return (Make(typeof(IndexedKernels), nameof(IndexedKernels.Write), t), false);
        }
        foreach (var (tIn, cIn) in s_converters)
            foreach (var (tOut, cOut) in s_converters)
                if (tIn != tOut) yield return (Make(typeof(ElementKernels), nameof(ElementKernels.Convert), tIn, tOut, cIn, cOut), false);
        yield return (Make(typeof(IndexedKernels), nameof(IndexedKernels.AccumulateFloat)), false);
        yield return (Make(typeof(IndexedKernels), nameof(IndexedKernels.AccumulateDouble)), false);
        yield return (Make(typeof(IndexedKernels), nameof(IndexedKernels.AccumulateInt)), false);
    }

    private static MethodInfo Make(Type type, string name, params Type[] typeArguments)
    {
        var method = type.GetMethod(name) ?? throw new MissingMethodException(type.Name, name);
        return method.IsGenericMethodDefinition ? method.MakeGenericMethod(typeArguments) : method;
    }
}
