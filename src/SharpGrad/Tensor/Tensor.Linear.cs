using System.Runtime.CompilerServices;
using SharpGrad.Graph;
using SharpGrad.Core;
using SharpGrad.Kernels;

namespace SharpGrad;

public partial class Tensor
{
    /// <summary>
    /// y = x W^T + b in one op and one autograd node ("AddmmBackward0", as PyTorch names the node behind
    /// <c>F.linear</c>): the output buffer starts as the broadcast bias and the GEMM accumulates into it, reading W^T
    /// through strides. x is [N, in] or [*, in] (leading dims are folded into N; a 1-D x is one row), W is
    /// [out, in], b is [out] or null. Shapes are checked by <see cref="NN.Functional.Linear"/>; operands whose dtypes
    /// differ (or are bool) take the composite <c>x.MatMul(w.T) + b</c>, so promotion and error messages stay
    /// those of matmul and add.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static Tensor LinearFused(Tensor x, Tensor w, Tensor? b)
    {
        if (x.DType != w.DType || x.DType == DType.Bool || (b is not null && b.DType != x.DType))
        {
            var y = x.MatMul(w.T);
            return b is null ? y : y + b;
        }
        if (x.NDim == 1) return LinearFused(x.Unsqueeze(0), w, b).Squeeze(0);
        if (x.NDim > 2)
        {
            var lead = x.Layout.Sizes[..^1];
            var rows = x.Reshape(Core.Shape.Numel(lead), x.Layout.Sizes[^1]); // a view when x is contiguous
            return LinearFused(rows, w, b).Reshape([.. lead, w.Layout.Sizes[0]]);
        }
        int n = x.Layout.Sizes[0], outFeatures = w.Layout.Sizes[0];
        // Every element is written: by the bias copy before the GEMM accumulates, or by the GEMM's store of x W^T.
        var device = DeviceOf("linear", x, w);
        if (b is not null) DeviceOf("linear", b, w);
        var result = AllocForOverwrite([n, outFeatures], x.DType, device);
        if (b is not null)
            Dispatch.Copy(b.Storage, b.Layout.BroadcastTo([n, outFeatures]), result.Storage, result.Layout);
        Dispatch.MatMul(x.Storage, x.Layout, w.Storage, w.Layout.Transpose(0, 1), result.Storage, 0, accumulate: b is not null);
        bool needs = GradMode.IsEnabled && (x._requiresGrad || w._requiresGrad || (b is not null && b._requiresGrad));
        if (!needs) return result;
        return b is null
            ? Record(result, new AddmmBackward0(x, w, false), x, w)
            : Record(result, new AddmmBackward0(x, w, true), x, w, b);
    }

    /// <summary>
    /// Gradient of y = x W^T + b: dx = g W, dW = g^T x, db = sum of g over rows. Written with tensor ops (transposes
    /// are views, so the products run through the strided GEMM without copies) to stay differentiable.
    /// </summary>
    private sealed class AddmmBackward0(Tensor x, Tensor w, bool hasBias) : Node
    {
        private SavedTensor _x = w.RequiresGrad ? new(x) : default, _w = x.RequiresGrad ? new(w) : default;

        public override string Name => "AddmmBackward0";

        protected internal override Tensor?[] Backward(Tensor g)
        {
            var gx = NeedsInputGrad(0) ? g.Mm(_w.Unpack(this, "weight")) : null;
            Tensor? gw = null;
            if (NeedsInputGrad(1))
            {
                var input = _x.Unpack(this, "input");
                // A weight that already has a .Grad (ZeroGrad(setToNone: false), or gradients accumulated over
                // several backward passes) gets g^T x added into it by the GEMM (C += A B) rather than through a fresh
                // [out, in] buffer that AccumulateGrad would then add: PyTorch's grad += g in place, one pass over
                // the buffer and no allocation. Zeroed gradients come out bit-identical (0 + s == s).
                // Not when the gradient is itself an operand (the GEMM would read elements it has already updated);
                // the version bump is the one AccumulateGrad's in-place add makes (graphs that saved .Grad notice).
                var into = g.DType == input.DType ? Engine.LeafGradToAccumulateInto(NextFunctions[1], g.DType) : null;
                if (into is not null && (ReferenceEquals(into.Storage, g.Storage) || ReferenceEquals(into.Storage, input.Storage))) into = null;
                if (into is null) gw = g.T.Mm(input);
                else
                {
                    Dispatch.MatMul(g.Storage, g.Layout.Transpose(0, 1), input.Storage, input.Layout, into.Storage, into.Layout.Offset, accumulate: true);
                    into.BumpVersion();
                }
            }
            if (!hasBias) return [gx, gw];
            return [gx, gw, NeedsInputGrad(2) ? g.Sum(0) : null];
        }

        protected internal override void ReleaseSaved() { _x.Release(); _w.Release(); }
    }
}
