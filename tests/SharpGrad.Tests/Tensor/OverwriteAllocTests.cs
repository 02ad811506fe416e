using SharpGrad;

namespace SharpGrad.Tests;

/// <summary>
/// Ops whose large outputs are allocated without a zero fill (StorageForOverwrite) must write every element: run them
/// on outputs above the threshold, strided and broadcast, after filling recycled memory with NaN, and compare every
/// value with one computed element by element.
/// </summary>
public class OverwriteAllocTests
{
    private const int Rows = 120, Cols = 97; // 11,640 elements: above the 32 KB threshold for float32 and float64

    /// <summary>Leaves NaN-filled garbage behind, so an unwritten element of a recycled buffer would show.</summary>
    private static void PoisonMemory()
    {
        for (int i = 0; i < 64; i++) Array.Fill(new float[Rows * Cols], float.NaN);
        GC.Collect(0, GCCollectionMode.Forced, blocking: true, compacting: true); // the dead arrays' memory is handed out again
    }

    private static double[,] Values(Tensor t)
    {
        var flat = t.Contiguous().ToArray<double>();
        var result = new double[t.Size(0), t.Size(1)];
        for (int r = 0; r < t.Size(0); r++)
            for (int c = 0; c < t.Size(1); c++) result[r, c] = flat[r * t.Size(1) + c];
        return result;
    }

    private static void AssertAll(Tensor actual, Func<int, int, double> expected, double tol = 1e-6)
    {
        Assert.Equal(new[] { Rows, Cols }, actual.Shape);
        var v = Values(actual.Double());
        for (int r = 0; r < Rows; r++)
            for (int c = 0; c < Cols; c++)
                Assert.True(Math.Abs(v[r, c] - expected(r, c)) <= tol * (1 + Math.Abs(expected(r, c))), $"[{r}, {c}]: {v[r, c]} vs {expected(r, c)}");
    }

    [Fact]
    public void BinaryUnaryAndCopies_WriteEveryElement()
    {
        var a = Tensor.Randn([Rows, Cols], new Generator(1));
        var bt = Tensor.Randn([Cols, Rows], new Generator(2)).T; // a transposed (strided) operand
        var row = Tensor.Randn([Cols], new Generator(3));          // broadcast along rows
        var av = Values(a.Double());
        var bv = Values(bt.Double());
        var rv = row.Double().ToArray<double>();

        PoisonMemory();
        AssertAll(a + bt, (r, c) => av[r, c] + bv[r, c]);
        PoisonMemory();
        AssertAll(a * row, (r, c) => av[r, c] * rv[c]);
        PoisonMemory();
        AssertAll(0.5 * bt / 4, (r, c) => 0.5 * bv[r, c] / 4);
        PoisonMemory();
        AssertAll(bt.Exp(), (r, c) => Math.Exp(bv[r, c]), 1e-5);
        PoisonMemory();
        AssertAll(bt.Contiguous(), (r, c) => bv[r, c]);
        PoisonMemory();
        AssertAll(bt.Double(), (r, c) => bv[r, c]);
        PoisonMemory();
        var index = Tensor.From(Enumerable.Range(0, Rows).Select(i => (long)(Rows - 1 - i)).ToArray());
        AssertAll(bt.IndexSelect(0, index), (r, c) => bv[Rows - 1 - r, c]);
        PoisonMemory();
        var gatherIndex = Tensor.Zeros([Rows, Cols], DType.Int64) + 3;
        AssertAll(bt.Gather(1, gatherIndex), (r, c) => bv[r, 3]);
    }

    [Fact]
    public void LinearSoftmaxAndReluBackward_WriteEveryElement()
    {
        var x = Tensor.Randn([Rows, 8], new Generator(4));
        var w = Tensor.Randn([Cols, 8], new Generator(5));
        var b = Tensor.Randn([Cols], new Generator(6));
        var expected = Values((x.Double().MatMul(w.Double().T) + b.Double()));
        PoisonMemory();
        AssertAll(SharpGrad.NN.Functional.Linear(x, w, b), (r, c) => expected[r, c], 1e-5);

        var logits = Tensor.Randn([Rows, Cols], new Generator(7)).RequiresGrad_();
        var expectedLog = Values(logits.Detach().Double().LogSoftmax(1));
        PoisonMemory();
        var y = logits.LogSoftmax(1);
        AssertAll(y, (r, c) => expectedLog[r, c], 1e-5);
        var g = Tensor.Randn([Rows, Cols], new Generator(8));
        PoisonMemory();
        y.Backward(g);
        var gd = g.Double();
        var gv = Values(gd);
        var rowSums = gd.Sum(1).ToArray<double>();
        AssertAll(logits.Grad!, (r, c) => gv[r, c] - Math.Exp(expectedLog[r, c]) * rowSums[r], 1e-4);

        var h = Tensor.Randn([Rows, Cols], new Generator(9)).RequiresGrad_();
        var hv = Values(h.Detach().Double());
        PoisonMemory();
        h.Relu().Backward(g);
        AssertAll(h.Grad!, (r, c) => hv[r, c] > 0 ? gv[r, c] : 0);
    }

    [Fact]
    public void MatrixProducts_WriteEveryElement()
    {
        var a = Tensor.Randn([5, Rows], new Generator(10)).T;   // [Rows, 5], strided
        var b = Tensor.Randn([5, Cols], new Generator(11));
        var av = Values(a.Double());
        var bv = Values(b.Double());
        double Dot(int r, int c) { double s = 0; for (int k = 0; k < 5; k++) s += av[r, k] * bv[k, c]; return s; }
        PoisonMemory();
        AssertAll(a.Mm(b), Dot, 1e-5);
        PoisonMemory();
        AssertAll(a.Unsqueeze(0).Bmm(b.Unsqueeze(0)).Squeeze(0), Dot, 1e-5);
        PoisonMemory();
        AssertAll(SharpGrad.NN.Functional.Linear(a, b.T), Dot, 1e-5);
        PoisonMemory();
        AssertAll(Tensor.Randn([Rows, 0], new Generator(12)).Mm(Tensor.Randn([0, Cols], new Generator(13))), (_, _) => 0.0);
    }
}
