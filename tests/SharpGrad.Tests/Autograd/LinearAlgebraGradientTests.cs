using SharpGrad;

namespace SharpGrad.Tests;

/// <summary>Float64 gradchecks of matmul in all its shape cases, mm, bmm, dot and mv, with non-contiguous operands.</summary>
public class LinearAlgebraGradientTests
{
    [Fact]
    public void MatMul_VectorVector_GradCheck()
    {
        Check.Gradients(x => x[0].MatMul(x[1]), GradInputs.Leaf(200, 4), GradInputs.Leaf(201, 4));
        Check.Gradients(x => x[0].MatMul(x[1]), GradInputs.Stepped(202, 4), GradInputs.Stepped(203, 4));
    }

    [Fact]
    public void MatMul_MatrixVector_GradCheck()
    {
        Check.Gradients(x => x[0].MatMul(x[1]), GradInputs.Leaf(204, 3, 4), GradInputs.Leaf(205, 4));
        Check.Gradients(x => x[0].MatMul(x[1]), GradInputs.Transposed(206, 3, 4), GradInputs.Stepped(207, 4));
    }

    [Fact]
    public void MatMul_VectorMatrix_GradCheck()
    {
        Check.Gradients(x => x[0].MatMul(x[1]), GradInputs.Leaf(208, 3), GradInputs.Leaf(209, 3, 4));
        Check.Gradients(x => x[0].MatMul(x[1]), GradInputs.Stepped(210, 3), GradInputs.Transposed(211, 3, 4));
    }

    [Fact]
    public void MatMul_MatrixMatrix_GradCheck()
    {
        Check.Gradients(x => x[0].MatMul(x[1]), GradInputs.Leaf(212, 2, 3), GradInputs.Leaf(213, 3, 4));
        Check.Gradients(x => x[0].MatMul(x[1]), GradInputs.Transposed(214, 2, 3), GradInputs.Transposed(215, 3, 4));
        Check.Gradients(x => x[0].MatMul(x[1]), GradInputs.Narrowed(216, 2, 3), GradInputs.Stepped(217, 3, 4));
    }

    [Fact]
    public void MatMul_BatchedWithBroadcasting_GradCheck()
    {
        Check.Gradients(x => x[0].MatMul(x[1]), GradInputs.Leaf(218, 2, 2, 3), GradInputs.Leaf(219, 2, 3, 2));
        Check.Gradients(x => x[0].MatMul(x[1]), GradInputs.Leaf(220, 2, 1, 2, 3), GradInputs.Leaf(221, 3, 3, 2));
        Check.Gradients(x => x[0].MatMul(x[1]), GradInputs.Leaf(222, 1, 2, 3), GradInputs.Leaf(223, 2, 3, 2));
        Check.Gradients(x => x[0].MatMul(x[1]), GradInputs.Leaf(224, 2, 3), GradInputs.Leaf(225, 2, 3, 2));
        Check.Gradients(x => x[0].MatMul(x[1]), GradInputs.Leaf(226, 3), GradInputs.Leaf(227, 2, 3, 2));
    }

    [Fact]
    public void MatMul_BatchedByMatrixAndVector_GradCheck()
    {
        Check.Gradients(x => x[0].MatMul(x[1]), GradInputs.Leaf(228, 2, 2, 3), GradInputs.Leaf(229, 3, 2));
        Check.Gradients(x => x[0].MatMul(x[1]), GradInputs.Leaf(230, 2, 2, 3), GradInputs.Transposed(231, 3, 2));
        Check.Gradients(x => x[0].MatMul(x[1]), GradInputs.Stepped(232, 2, 2, 3), GradInputs.Leaf(233, 3));
    }

    [Fact]
    public void MatMul_OnlyOneSideRequiresGrad_GradCheck()
    {
        var w = Tensor.Randn([3, 2], new Generator(234), DType.Float64);
        Check.Gradients(x => x[0].MatMul(w), GradInputs.Leaf(235, 2, 2, 3));
        Check.Gradients(x => w.T.MatMul(x[0]), GradInputs.Leaf(236, 3, 2));
    }

    [Fact]
    public void MmBmmDotMv_GradCheck()
    {
        Check.Gradients(x => x[0].Mm(x[1]), GradInputs.Transposed(237, 2, 3), GradInputs.Leaf(238, 3, 2));
        Check.Gradients(x => x[0].Bmm(x[1]), GradInputs.Leaf(239, 2, 2, 3), GradInputs.Stepped(240, 2, 3, 2));
        Check.Gradients(x => x[0].Bmm(x[1].Transpose(1, 2)), GradInputs.Leaf(241, 2, 2, 3), GradInputs.Leaf(242, 2, 2, 3));
        Check.Gradients(x => x[0].Dot(x[1]), GradInputs.Leaf(243, 5), GradInputs.Stepped(244, 5));
        Check.Gradients(x => x[0].Mv(x[1]), GradInputs.Transposed(245, 3, 2), GradInputs.Leaf(246, 2));
    }

    [Fact]
    public void Mm_Gradients_MatchHandWorkedValues()
    {
        // loss = sum(A B): dA = 1 B^T (row sums of B), dB = A^T 1 (column sums of A).
        var a = Tensor.From(new double[,] { { 1, 2 }, { 3, 4 } }, requiresGrad: true);
        var b = Tensor.From(new double[,] { { 5, 6, 7 }, { 8, 9, 10 } }, requiresGrad: true);
        a.Mm(b).Sum().Backward();
        Check.Close(a.Grad!, [2, 2], [18, 27, 18, 27]);
        Check.Close(b.Grad!, [2, 3], [4, 4, 4, 6, 6, 6]);
    }
}
