using System.Runtime.CompilerServices;
using SharpGrad.Graph;
using SharpGrad.Core;
using SharpGrad.Kernels;

namespace SharpGrad;

public partial class Tensor
{
    /// <summary>
    /// Matrix product with PyTorch's rules (<c>torch.matmul</c>, <c>a @ b</c>): 1-D x 1-D is a dot product,
    /// 2-D x 2-D a matrix product, a 1-D operand is treated as a row (left) or column (right) and
    /// that dim removed, and leading batch dims broadcast.
    /// </summary>
    public Tensor MatMul(Tensor other)
    {
        var trace = OpTrace.Enter();
        var y = MatMulCore(other);
        if (trace.Exit()) OpTrace.Record("matmul", y, [this, other]);
        return y;
    }

    private Tensor MatMulCore(Tensor other)
    {
        CheckMatMulTypes("matmul", this, other);
        int ra = NDim, rb = other.NDim;
        if (ra == 0 || rb == 0)
            throw new ArgumentException($"matmul: both arguments need at least 1 dimension, but got shapes {Core.Shape.Format(Layout.Sizes)} and {Core.Shape.Format(other.Layout.Sizes)}");
        CheckInner("matmul", this, other, Layout.Sizes[^1], other.Layout.Sizes[rb == 1 ? 0 : rb - 2]);
        if (ra == 1 && rb == 1) return Dot(other);
        if (ra == 2 && rb == 2) return Mm(other);
        if (ra == 1 && rb == 2) return Unsqueeze(0).Mm(other).Squeeze(0);
        if (ra == 2 && rb == 1) return Mv(other);
        if (rb <= 2 && ra > 2)
        {
            // [..., n, k] @ [k, p]: fold the batch into the rows, one GEMM.
            var b2 = rb == 1 ? other.Unsqueeze(1) : other;
            var lead = Layout.Sizes[..^1];
            var y = Reshape(Core.Shape.Numel(lead), Layout.Sizes[^1]).Mm(b2); // explicit rows: -1 cannot be inferred when k = 0
            return rb == 1 ? y.Reshape(lead) : y.Reshape([.. lead, b2.Layout.Sizes[1]]);
        }
        var a3 = ra == 1 ? Unsqueeze(0) : this;
        var b3 = rb == 1 ? other.Unsqueeze(1) : other;
        var batchA = a3.Layout.Sizes[..^2];
        var batchB = b3.Layout.Sizes[..^2];
        var batch = Core.Shape.Broadcast("matmul", batchA, batchB);
        int n = a3.Layout.Sizes[^2], k = a3.Layout.Sizes[^1], p = b3.Layout.Sizes[^1];
        int count = Core.Shape.Numel(batch);
        var ae = a3.Expand([.. batch, n, k]).Reshape(count, n, k);
        var be = b3.Expand([.. batch, k, p]).Reshape(count, k, p);
        var r = ae.Bmm(be).Reshape([.. batch, n, p]);
        if (ra == 1) r = r.Squeeze(-2);
        if (rb == 1) r = r.Squeeze(-1);
        return r;
    }

    /// <summary>Product of two matrices [n, k] x [k, p] (<c>torch.mm</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Tensor Mm(Tensor other)
    {
        var trace = OpTrace.Enter();
        var y = MmCore(other);
        if (trace.Exit()) OpTrace.Record("matmul", y, [this, other]);
        return y;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Tensor MmCore(Tensor other)
    {
        CheckMatMulTypes("mm", this, other);
        if (NDim != 2 || other.NDim != 2)
            throw new ArgumentException($"mm: expected 2-D tensors, but got shapes {Core.Shape.Format(Layout.Sizes)} and {Core.Shape.Format(other.Layout.Sizes)}");
        CheckInner("mm", this, other, Layout.Sizes[1], other.Layout.Sizes[0]);
        var dtype = DTypeInfo.Promote(DType, other.DType);
        var device = DeviceOf("mm", this, other);
        var a = CastRaw(dtype);
        var b = other.CastRaw(dtype);
        var y = AllocForOverwrite([Layout.Sizes[0], other.Layout.Sizes[1]], dtype, device); // the GEMM stores C = A B (k = 0 clears it)
        Dispatch.MatMul(a.Storage, a.Layout, b.Storage, b.Layout, y.Storage, 0);
        return NeedsGrad(this, other) ? Record(y, new MmBackward0("MmBackward0", this, other), this, other) : y;
    }

    /// <summary>Matrix-vector product [n, k] x [k] (<c>torch.mv</c>).</summary>
    public Tensor Mv(Tensor vector)
    {
        CheckMatMulTypes("mv", this, vector);
        if (NDim != 2 || vector.NDim != 1)
            throw new ArgumentException($"mv: expected a matrix and a vector, but got shapes {Core.Shape.Format(Layout.Sizes)} and {Core.Shape.Format(vector.Layout.Sizes)}");
        CheckInner("mv", this, vector, Layout.Sizes[1], vector.Layout.Sizes[0]);
        return Mm(vector.Unsqueeze(1)).Squeeze(1);
    }

    /// <summary>Batched matrix product [b, n, k] x [b, k, p] (<c>torch.bmm</c>).</summary>
    public Tensor Bmm(Tensor other)
    {
        CheckMatMulTypes("bmm", this, other);
        if (NDim != 3 || other.NDim != 3)
            throw new ArgumentException($"bmm: expected 3-D tensors, but got shapes {Core.Shape.Format(Layout.Sizes)} and {Core.Shape.Format(other.Layout.Sizes)}");
        if (Layout.Sizes[0] != other.Layout.Sizes[0])
            throw new ArgumentException($"bmm: batch sizes differ: shapes {Core.Shape.Format(Layout.Sizes)} and {Core.Shape.Format(other.Layout.Sizes)}");
        CheckInner("bmm", this, other, Layout.Sizes[2], other.Layout.Sizes[1]);
        var dtype = DTypeInfo.Promote(DType, other.DType);
        var a = CastRaw(dtype);
        var b = other.CastRaw(dtype);
        int batch = Layout.Sizes[0], n = Layout.Sizes[1], p = other.Layout.Sizes[2];
        var y = AllocForOverwrite([batch, n, p], dtype, DeviceOf("bmm", this, other));
        for (int i = 0; i < batch; i++)
            Dispatch.MatMul(a.Storage, a.Layout.Select(0, i), b.Storage, b.Layout.Select(0, i), y.Storage, i * n * p);
        return NeedsGrad(this, other) ? Record(y, new MmBackward0("BmmBackward0", this, other), this, other) : y;
    }

    /// <summary>Inner product of two 1-D tensors of the same length (<c>torch.dot</c>).</summary>
    public Tensor Dot(Tensor other)
    {
        CheckMatMulTypes("dot", this, other);
        if (NDim != 1 || other.NDim != 1)
            throw new ArgumentException($"dot: 1D tensors expected, but got shapes {Core.Shape.Format(Layout.Sizes)} and {Core.Shape.Format(other.Layout.Sizes)}");
        if (Layout.Sizes[0] != other.Layout.Sizes[0])
            throw new ArgumentException($"dot: inconsistent tensor size, expected tensor [{Layout.Sizes[0]}] and src [{other.Layout.Sizes[0]}] to have the same number of elements");
        return Unsqueeze(0).Mm(other.Unsqueeze(1)).Reshape();
    }

    private static void CheckMatMulTypes(string op, Tensor a, Tensor b)
    {
        if (a.DType == DType.Bool || b.DType == DType.Bool || a.DType != b.DType)
            throw new ArgumentException($"{op}: expected both tensors to have the same numeric dtype, but got {a.DType.TorchName()} and {b.DType.TorchName()}");
    }

    private static void CheckInner(string op, Tensor a, Tensor b, int ka, int kb)
    {
        if (ka != kb)
            throw new ArgumentException($"{op}: shapes {Core.Shape.Format(a.Layout.Sizes)} and {Core.Shape.Format(b.Layout.Sizes)} cannot be multiplied ({ka} != {kb})");
    }

    /// <summary>Gradient of C = A B for matrices (mm) and batches of them (bmm): dA = dC B^T, dB = A^T dC, without copies of the transposes.</summary>
    private sealed class MmBackward0(string name, Tensor a, Tensor b) : Node
    {
        private SavedTensor _a = b.RequiresGrad ? new(a) : default, _b = a.RequiresGrad ? new(b) : default;

        public override string Name => name;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        protected internal override Tensor?[] Backward(Tensor g)
        {
            bool batched = g.NDim == 3;
            Tensor? ga = null, gb = null;
            if (NeedsInputGrad(0))
            {
                var bT = _b.Unpack(this, "mat2").Transpose(-1, -2);
                ga = batched ? g.Bmm(bT) : g.Mm(bT);
            }
            if (NeedsInputGrad(1))
            {
                var aT = _a.Unpack(this, "self").Transpose(-1, -2);
                gb = batched ? aT.Bmm(g) : aT.Mm(g);
            }
            return [ga, gb];
        }

        protected internal override void ReleaseSaved() { _a.Release(); _b.Release(); }
    }
}
