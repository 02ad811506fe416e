using SharpGrad;
using SharpGrad.NN;

namespace SharpGrad.Tests;

/// <summary>Print options are global: tests that change them must not run beside tests that print.</summary>
[CollectionDefinition("PrintOptions", DisableParallelization = true)]
public sealed class PrintOptionsCollection;

/// <summary>
/// Tensor.ToString against PyTorch 1.13.1's repr. Every expected string was printed by PyTorch 1.13
/// (Debian python3-torch) with the Python statement quoted in the comment, then pasted verbatim.
/// </summary>
[Collection("PrintOptions")]
public sealed class PrintingTests : IDisposable
{
    public PrintingTests() => Tensor.SetPrintOptions(profile: "default");

    public void Dispose() => Tensor.SetPrintOptions(profile: "default");

    [Fact]
    public void FloatVector_PrintsFourDecimals()
    {
        // PyTorch 1.13: repr(torch.tensor([0.1, 2.0]))
        Assert.Equal("tensor([0.1000, 2.0000])", Tensor.From(new[] { 0.1f, 2.0f }).ToString());
    }

    [Fact]
    public void IntegerValuedFloats_PrintInIntMode()
    {
        // PyTorch 1.13: repr(torch.tensor([1., 2., 3.]))
        Assert.Equal("tensor([1., 2., 3.])", Tensor.From(new[] { 1f, 2f, 3f }).ToString());
    }

    [Fact]
    public void AllZeros_PrintInIntMode()
    {
        // PyTorch 1.13: repr(torch.zeros(3))
        Assert.Equal("tensor([0., 0., 0.])", Tensor.Zeros(3).ToString());
    }

    [Fact]
    public void SmallValues_SwitchToScientific()
    {
        // PyTorch 1.13: repr(torch.tensor([1e-5, 1.0]))
        Assert.Equal("tensor([1.0000e-05, 1.0000e+00])", Tensor.From(new[] { 1e-5f, 1f }).ToString());
    }

    [Fact]
    public void LargeIntegers_SwitchToScientific()
    {
        // PyTorch 1.13: repr(torch.tensor([1e9, 1.]))
        Assert.Equal("tensor([1.0000e+09, 1.0000e+00])", Tensor.From(new[] { 1e9f, 1f }).ToString());
    }

    [Fact]
    public void WideRatio_SwitchesToScientific()
    {
        // PyTorch 1.13: repr(torch.tensor([0.5, 1234.5])); max / min = 2469 > 1000.
        Assert.Equal("tensor([5.0000e-01, 1.2345e+03])", Tensor.From(new[] { 0.5f, 1234.5f }).ToString());
    }

    [Fact]
    public void NegativeValues_AreRightAligned()
    {
        // PyTorch 1.13: repr(torch.tensor([-1.5, 0.25, 3.0]))
        Assert.Equal("tensor([-1.5000,  0.2500,  3.0000])", Tensor.From(new[] { -1.5f, 0.25f, 3f }).ToString());
    }

    [Fact]
    public void ExactTies_RoundHalfToEvenLikePython()
    {
        // PyTorch 1.13: repr(torch.tensor([0.03125, 1.0])); 0.03125 is exact in binary, Python rounds the tie to even.
        Assert.Equal("tensor([0.0312, 1.0000])", Tensor.From(new[] { 0.03125f, 1f }).ToString());
    }

    [Theory]
    // Python 3.11: '{:.{p}f}'.format(value)
    [InlineData(0.03125, 4, "0.0312")]
    [InlineData(2.5, 0, "2")]
    [InlineData(3.5, 0, "4")]
    [InlineData(-0.0, 4, "-0.0000")]
    [InlineData(-1e-7, 4, "-0.0000")]
    [InlineData(1e20, 0, "100000000000000000000")]
    [InlineData(0.125, 2, "0.12")]
    [InlineData(0.375, 2, "0.38")]
    [InlineData(123.456, 1, "123.5")]
    [InlineData(5e-324, 3, "0.000")]
    public void FormatFixed_MatchesPythonFormat(double value, int precision, string expected)
        => Assert.Equal(expected, TensorFormatter.FormatFixed(value, precision));

    [Theory]
    // Python 3.11: '{:.{p}e}'.format(value)
    [InlineData(9.99995e-5, 4, "9.9999e-05")]
    [InlineData(0.25, 1, "2.5e-01")]
    [InlineData(0.35, 1, "3.5e-01")]
    [InlineData(1e100, 4, "1.0000e+100")]
    [InlineData(-1.5e-300, 2, "-1.50e-300")]
    [InlineData(0.0, 4, "0.0000e+00")]
    [InlineData(-0.0, 0, "-0e+00")]
    [InlineData(12345.0, 0, "1e+04")]
    [InlineData(99999.5, 3, "1.000e+05")]
    [InlineData(5e-324, 4, "4.9407e-324")]
    [InlineData(1.7976931348623157e308, 6, "1.797693e+308")]
    public void FormatScientific_MatchesPythonFormat(double value, int precision, string expected)
        => Assert.Equal(expected, TensorFormatter.FormatScientific(value, precision));

    [Fact]
    public void Matrix_PrintsRowsOnIndentedLines()
    {
        // PyTorch 1.13: repr(torch.tensor([[1., 2.], [3., 4.]]))
        var x = Tensor.From(new float[,] { { 1, 2 }, { 3, 4 } });
        Assert.Equal("tensor([[1., 2.],\n        [3., 4.]])", x.ToString());
    }

    [Fact]
    public void ThreeDimensional_SeparatesBlocksWithBlankLines()
    {
        // PyTorch 1.13: repr(torch.arange(12.).reshape(2, 2, 3))
        var x = Tensor.Arange(0.0, 12.0).Reshape(2, 2, 3);
        Assert.Equal(
            "tensor([[[ 0.,  1.,  2.],\n         [ 3.,  4.,  5.]],\n\n        [[ 6.,  7.,  8.],\n         [ 9., 10., 11.]]])",
            x.ToString());
    }

    [Fact]
    public void LongVector_IsSummarisedAboveThreshold()
    {
        // PyTorch 1.13: repr(torch.arange(2000.)); the formatter sees only 0, 1, 2, 1997, 1998, 1999 (ratio > 1000: sci).
        Assert.Equal(
            "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])",
            Tensor.Arange(0.0, 2000.0).ToString());
    }

    [Fact]
    public void LargeMatrix_IsSummarisedInBothDimensions()
    {
        // PyTorch 1.13: repr(torch.arange(10000.).reshape(100, 100))
        var x = Tensor.Arange(0.0, 10000.0).Reshape(100, 100);
        Assert.Equal(
            "tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 9.7000e+01, 9.8000e+01,\n         9.9000e+01],\n" +
            "        [1.0000e+02, 1.0100e+02, 1.0200e+02,  ..., 1.9700e+02, 1.9800e+02,\n         1.9900e+02],\n" +
            "        [2.0000e+02, 2.0100e+02, 2.0200e+02,  ..., 2.9700e+02, 2.9800e+02,\n         2.9900e+02],\n" +
            "        ...,\n" +
            "        [9.7000e+03, 9.7010e+03, 9.7020e+03,  ..., 9.7970e+03, 9.7980e+03,\n         9.7990e+03],\n" +
            "        [9.8000e+03, 9.8010e+03, 9.8020e+03,  ..., 9.8970e+03, 9.8980e+03,\n         9.8990e+03],\n" +
            "        [9.9000e+03, 9.9010e+03, 9.9020e+03,  ..., 9.9970e+03, 9.9980e+03,\n         9.9990e+03]])",
            x.ToString());
    }

    [Fact]
    public void LargeIntTensor3D_IsSummarisedWithBlankLineAroundEllipsis()
    {
        // PyTorch 1.13: repr(torch.arange(1100).reshape(11, 10, 10))
        Assert.Equal(
            "tensor([[[   0,    1,    2,  ...,    7,    8,    9],\n" +
            "         [  10,   11,   12,  ...,   17,   18,   19],\n" +
            "         [  20,   21,   22,  ...,   27,   28,   29],\n" +
            "         ...,\n" +
            "         [  70,   71,   72,  ...,   77,   78,   79],\n" +
            "         [  80,   81,   82,  ...,   87,   88,   89],\n" +
            "         [  90,   91,   92,  ...,   97,   98,   99]],\n" +
            "\n" +
            "        [[ 100,  101,  102,  ...,  107,  108,  109],\n" +
            "         [ 110,  111,  112,  ...,  117,  118,  119],\n" +
            "         [ 120,  121,  122,  ...,  127,  128,  129],\n" +
            "         ...,\n" +
            "         [ 170,  171,  172,  ...,  177,  178,  179],\n" +
            "         [ 180,  181,  182,  ...,  187,  188,  189],\n" +
            "         [ 190,  191,  192,  ...,  197,  198,  199]],\n" +
            "\n" +
            "        [[ 200,  201,  202,  ...,  207,  208,  209],\n" +
            "         [ 210,  211,  212,  ...,  217,  218,  219],\n" +
            "         [ 220,  221,  222,  ...,  227,  228,  229],\n" +
            "         ...,\n" +
            "         [ 270,  271,  272,  ...,  277,  278,  279],\n" +
            "         [ 280,  281,  282,  ...,  287,  288,  289],\n" +
            "         [ 290,  291,  292,  ...,  297,  298,  299]],\n" +
            "\n" +
            "        ...,\n" +
            "\n" +
            "        [[ 800,  801,  802,  ...,  807,  808,  809],\n" +
            "         [ 810,  811,  812,  ...,  817,  818,  819],\n" +
            "         [ 820,  821,  822,  ...,  827,  828,  829],\n" +
            "         ...,\n" +
            "         [ 870,  871,  872,  ...,  877,  878,  879],\n" +
            "         [ 880,  881,  882,  ...,  887,  888,  889],\n" +
            "         [ 890,  891,  892,  ...,  897,  898,  899]],\n" +
            "\n" +
            "        [[ 900,  901,  902,  ...,  907,  908,  909],\n" +
            "         [ 910,  911,  912,  ...,  917,  918,  919],\n" +
            "         [ 920,  921,  922,  ...,  927,  928,  929],\n" +
            "         ...,\n" +
            "         [ 970,  971,  972,  ...,  977,  978,  979],\n" +
            "         [ 980,  981,  982,  ...,  987,  988,  989],\n" +
            "         [ 990,  991,  992,  ...,  997,  998,  999]],\n" +
            "\n" +
            "        [[1000, 1001, 1002,  ..., 1007, 1008, 1009],\n" +
            "         [1010, 1011, 1012,  ..., 1017, 1018, 1019],\n" +
            "         [1020, 1021, 1022,  ..., 1027, 1028, 1029],\n" +
            "         ...,\n" +
            "         [1070, 1071, 1072,  ..., 1077, 1078, 1079],\n" +
            "         [1080, 1081, 1082,  ..., 1087, 1088, 1089],\n" +
            "         [1090, 1091, 1092,  ..., 1097, 1098, 1099]]])",
            Tensor.Arange(1100).Reshape(11, 10, 10).ToString());
    }

    [Fact]
    public void Int64_PrintsRightAlignedIntegers()
    {
        // PyTorch 1.13: repr(torch.tensor([1, -20, 300]))
        Assert.Equal("tensor([  1, -20, 300])", Tensor.From(new[] { 1, -20, 300 }).ToString());
    }

    [Fact]
    public void Bool_PrintsTrueFalse()
    {
        // PyTorch 1.13: repr(torch.tensor([True, False, True]))
        Assert.Equal("tensor([ True, False,  True])", Tensor.From(new[] { true, false, true }).ToString());
    }

    [Fact]
    public void ZeroDimensional_PrintsBareValue()
    {
        // PyTorch 1.13: repr(torch.tensor(3.5)), repr(torch.tensor(3)), repr(torch.tensor(True))
        Assert.Equal("tensor(3.5000)", Tensor.From(3.5).ToString());
        Assert.Equal("tensor(3)", Tensor.From(3L).ToString());
        Assert.Equal("tensor(True)", Tensor.From(true).ToString());
    }

    [Fact]
    public void Empty_PrintsBracketsWithSizeAndDtypeWhenNeeded()
    {
        // PyTorch 1.13: repr(torch.tensor([])), repr(torch.zeros(0, 3)), repr(torch.tensor([], dtype=torch.int64))
        Assert.Equal("tensor([])", Tensor.Zeros(0).ToString());
        Assert.Equal("tensor([], size=(0, 3))", Tensor.Zeros(0, 3).ToString());
        Assert.Equal("tensor([], dtype=torch.int64)", Tensor.Zeros([0], DType.Int64).ToString());
    }

    [Fact]
    public void Float64_AddsDtypeSuffix()
    {
        // PyTorch 1.13: repr(torch.tensor([1., 2.], dtype=torch.float64))
        Assert.Equal("tensor([1., 2.], dtype=torch.float64)", Tensor.From(new[] { 1.0, 2.0 }).ToString());
    }

    [Fact]
    public void LeafRequiringGrad_AddsRequiresGradSuffix()
    {
        // PyTorch 1.13: repr(torch.tensor([0.5, 2.0], requires_grad=True)),
        //               repr(torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True))
        Assert.Equal("tensor([0.5000, 2.0000], requires_grad=True)", Tensor.From(new[] { 0.5f, 2f }, requiresGrad: true).ToString());
        Assert.Equal("tensor([1., 2.], dtype=torch.float64, requires_grad=True)",
            Tensor.From(new[] { 1.0, 2.0 }, requiresGrad: true).ToString());
    }

    [Fact]
    public void OpResult_AddsGradFnSuffix()
    {
        // PyTorch 1.13: repr(torch.tensor([1., 2.], requires_grad=True) * 2)
        var x = Tensor.From(new[] { 1f, 2f }, requiresGrad: true);
        Assert.Equal("tensor([2., 4.], grad_fn=<MulBackward0>)", (x * 2.0).ToString());
    }

    [Fact]
    public void Loss_PrintsScalarWithGradFn()
    {
        // PyTorch 1.13: repr(F.mse_loss(torch.tensor([1., 2., 3.], requires_grad=True), torch.tensor([0.5, -1., 7.])))
        var input = Tensor.From(new[] { 1f, 2f, 3f }, requiresGrad: true);
        var loss = Functional.MseLoss(input, Tensor.From(new[] { 0.5f, -1f, 7f }));
        Assert.Equal("tensor(8.4167, grad_fn=<MseLossBackward0>)", loss.ToString());
    }

    [Fact]
    public void Suffix_MovesToNewLineWhenTheLastLineIsFull()
    {
        // PyTorch 1.13: repr(torch.arange(16., dtype=torch.float64).requires_grad_())
        var x = Tensor.Arange(0.0, 16.0, dtype: DType.Float64).RequiresGrad_();
        Assert.Equal(
            "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n        14., 15.], dtype=torch.float64, requires_grad=True)",
            x.ToString());
    }

    [Fact]
    public void Parameter_PrintsHeaderAndRequiresGrad()
    {
        // PyTorch 1.13: repr(torch.nn.Parameter(torch.zeros(2)))
        Assert.Equal("Parameter containing:\ntensor([0., 0.], requires_grad=True)", new Parameter(Tensor.Zeros(2)).ToString());
    }

    [Fact]
    public void NanAndInf_PrintWithoutDecimalPointAndDoNotSetTheWidth()
    {
        // PyTorch 1.13: repr(torch.tensor([1., nan, inf, -inf])), repr(torch.tensor([0.5, nan, -inf]))
        Assert.Equal("tensor([1., nan, inf, -inf])",
            Tensor.From(new[] { 1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity }).ToString());
        Assert.Equal("tensor([0.5000,    nan,   -inf])", Tensor.From(new[] { 0.5f, float.NaN, float.NegativeInfinity }).ToString());
    }

    [Fact]
    public void LongRow_WrapsWithContinuationIndent()
    {
        // PyTorch 1.13: repr(torch.arange(30.) / 7)
        var x = Tensor.Arange(0.0, 30.0) / 7.0;
        Assert.Equal(
            "tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n" +
            "        1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,\n" +
            "        2.5714, 2.7143, 2.8571, 3.0000, 3.1429, 3.2857, 3.4286, 3.5714, 3.7143,\n" +
            "        3.8571, 4.0000, 4.1429])",
            x.ToString());
    }

    [Fact]
    public void ScientificMatrix_AlignsSignedValues()
    {
        // PyTorch 1.13: repr(torch.tensor([[1e-8, 1.], [-2.5, 100.]]))
        var x = Tensor.From(new float[,] { { 1e-8f, 1f }, { -2.5f, 100f } });
        Assert.Equal("tensor([[ 1.0000e-08,  1.0000e+00],\n        [-2.5000e+00,  1.0000e+02]])", x.ToString());
    }

    [Fact]
    public void NonContiguousViews_PrintLogicalValues()
    {
        // PyTorch 1.13: repr(torch.arange(6.).reshape(2, 3).t()), repr(torch.arange(12.).reshape(3, 4)[:, 1]),
        //               repr(torch.arange(12.).reshape(3, 4)[:, 1:3])
        var t = Tensor.Arange(0.0, 6.0).Reshape(2, 3).T;
        Assert.False(t.IsContiguous());
        Assert.Equal("tensor([[0., 3.],\n        [1., 4.],\n        [2., 5.]])", t.ToString());
        var m = Tensor.Arange(0.0, 12.0).Reshape(3, 4);
        Assert.Equal("tensor([1., 5., 9.])", m.Select(1, 1).ToString());
        Assert.Equal("tensor([[ 1.,  2.],\n        [ 5.,  6.],\n        [ 9., 10.]])", m.Narrow(1, 1, 2).ToString());
    }

    [Fact]
    public void SetPrintOptions_ThresholdAndPrecision()
    {
        // PyTorch 1.13: torch.set_printoptions(threshold=5); repr(torch.arange(10))
        Tensor.SetPrintOptions(threshold: 5);
        Assert.Equal("tensor([0, 1, 2,  ..., 7, 8, 9])", Tensor.Arange(10).ToString());
        // PyTorch 1.13: torch.set_printoptions(precision=2); repr(torch.tensor([1.12345, -0.5]))
        Tensor.SetPrintOptions(precision: 2);
        Assert.Equal("tensor([ 1.12, -0.50])", Tensor.From(new[] { 1.12345f, -0.5f }).ToString());
    }

    [Fact]
    public void SetPrintOptions_SciModeForcesOrForbidsScientific()
    {
        Tensor.SetPrintOptions(precision: 2, sciMode: true);
        // PyTorch 1.13 (precision=2, sci_mode=True): repr(torch.tensor([0.1, 2.0])), repr(torch.zeros(2))
        Assert.Equal("tensor([1.00e-01, 2.00e+00])", Tensor.From(new[] { 0.1f, 2f }).ToString());
        Assert.Equal("tensor([0., 0.])", Tensor.Zeros(2).ToString());
        // PyTorch 1.13 (precision=2, sci_mode=False): repr(torch.tensor([1e-5, 1.0])); the width still comes from sci.
        Tensor.SetPrintOptions(sciMode: false);
        Assert.Equal("tensor([    0.00,     1.00])", Tensor.From(new[] { 1e-5f, 1f }).ToString());
    }

    [Fact]
    public void SetPrintOptions_ProfilesAndLineWidth()
    {
        // PyTorch 1.13: torch.set_printoptions(profile='short'); repr(torch.arange(10.) / 3)
        Tensor.SetPrintOptions(profile: "short");
        Assert.Equal("tensor([0.00, 0.33, 0.67, 1.00, 1.33, 1.67, 2.00, 2.33, 2.67, 3.00])", (Tensor.Arange(0.0, 10.0) / 3.0).ToString());
        // PyTorch 1.13: then torch.set_printoptions(linewidth=40); repr(torch.arange(20))
        Tensor.SetPrintOptions(lineWidth: 40);
        Assert.Equal("tensor([ 0,  1,  2,  3,  4,  5,  6,  7,\n         8,  9, 10, 11, 12, 13, 14, 15,\n        16, 17, 18, 19])",
            Tensor.Arange(20).ToString());
        // PyTorch 1.13: torch.set_printoptions(profile='default'); repr(torch.tensor([1.12345]))
        Tensor.SetPrintOptions(profile: "default");
        Assert.Equal("tensor([1.1235])", Tensor.From(new[] { 1.12345f }).ToString());
        // PyTorch 1.13: torch.set_printoptions(profile='full') never summarises.
        Tensor.SetPrintOptions(profile: "full");
        Assert.DoesNotContain("...", Tensor.Arange(2000).ToString());
    }

    [Fact]
    public void SetPrintOptions_RejectsBadValues()
    {
        Check.Throws<ArgumentOutOfRangeException>(() => Tensor.SetPrintOptions(precision: -1), "set_printoptions", "precision", "-1");
        Check.Throws<ArgumentOutOfRangeException>(() => Tensor.SetPrintOptions(edgeItems: 0), "set_printoptions", "edgeitems", "0");
        Check.Throws<ArgumentException>(() => Tensor.SetPrintOptions(profile: "long"), "set_printoptions", "'long'");
    }
}
