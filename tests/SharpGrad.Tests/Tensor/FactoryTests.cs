namespace SharpGrad.Tests;

public class FactoryTests
{
    [Fact]
    public void From_FloatVector_IsFloat32()
    {
        var t = Tensor.From(new[] { 1.5f, -2f, 3f });
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal([3], t.Shape);
        Assert.Equal([1.5f, -2f, 3f], t.ToArray<float>());
        Assert.False(t.RequiresGrad);
    }

    [Fact]
    public void From_DoubleMatrix_IsFloat64RowMajor()
    {
        var t = Tensor.From(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.Equal(DType.Float64, t.DType);
        Assert.Equal([2, 3], t.Shape);
        Assert.Equal([1.0, 2, 3, 4, 5, 6], t.ToArray<double>());
        Assert.True(t.IsContiguous());
    }

    [Fact]
    public void From_IntArrays_AreInt64()
    {
        var v = Tensor.From(new[] { 1, -2, 3 });
        Assert.Equal(DType.Int64, v.DType);
        Assert.Equal([1L, -2, 3], v.ToArray<long>());
        var m = Tensor.From(new int[,,] { { { 1, 2 }, { 3, 4 } }, { { 5, 6 }, { 7, 8 } } });
        Assert.Equal(DType.Int64, m.DType);
        Assert.Equal([2, 2, 2], m.Shape);
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7, 8], m.ToArray<long>());
    }

    [Fact]
    public void From_LongAndByteArrays_AreInt64()
    {
        var l = Tensor.From(new long[,] { { long.MaxValue }, { -5 } });
        Assert.Equal(DType.Int64, l.DType);
        Assert.Equal([2, 1], l.Shape);
        Assert.Equal([long.MaxValue, -5], l.ToArray<long>());
        var b = Tensor.From(new byte[] { 0, 200, 255 });
        Assert.Equal(DType.Int64, b.DType);
        Assert.Equal([0L, 200, 255], b.ToArray<long>());
    }

    [Fact]
    public void From_BoolArray_IsBool()
    {
        var t = Tensor.From(new bool[,] { { true, false }, { false, true } });
        Assert.Equal(DType.Bool, t.DType);
        Assert.Equal([true, false, false, true], t.ToArray<bool>());
    }

    [Fact]
    public void From_FourDimensionalArrays_KeepShapeAndOrder()
    {
        var data = new float[2, 3, 1, 2];
        var expected = new float[12];
        int i = 0;
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 3; b++)
                for (int d = 0; d < 2; d++) { data[a, b, 0, d] = i; expected[i] = i; i++; }
        var t = Tensor.From(data);
        Assert.Equal([2, 3, 1, 2], t.Shape);
        Assert.Equal(expected, t.ToArray<float>());
        Assert.Equal([2, 3, 1, 2], Tensor.From(new double[2, 3, 1, 2]).Shape);
        Assert.Equal([1, 1, 1, 1], Tensor.From(new long[1, 1, 1, 1]).Shape);
        Assert.Equal([1, 2, 1, 1], Tensor.From(new bool[1, 2, 1, 1]).Shape);
        Assert.Equal([1, 1, 3, 1], Tensor.From(new byte[1, 1, 3, 1]).Shape);
        Assert.Equal([2, 1, 1, 1], Tensor.From(new int[2, 1, 1, 1]).Shape);
    }

    [Fact]
    public void From_CopiesTheArray()
    {
        var data = new[] { 1f, 2f };
        var t = Tensor.From(data);
        data[0] = 100;
        Assert.Equal([1f, 2f], t.ToArray<float>());
    }

    [Fact]
    public void From_WithDTypeConverts()
    {
        var t = Tensor.From(new[] { 1, 2 }, DType.Float32);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal([1f, 2f], t.ToArray<float>());
        var b = Tensor.From(new[] { 0.0, 0.5 }, DType.Bool);
        Assert.Equal([false, true], b.ToArray<bool>());
    }

    [Fact]
    public void From_RequiresGrad_MakesALeaf()
    {
        var t = Tensor.From(new[] { 1.0, 2.0 }, requiresGrad: true);
        Assert.True(t.RequiresGrad);
        Assert.True(t.IsLeaf);
    }

    [Fact]
    public void From_EmptyArray_HasZeroElements()
    {
        var t = Tensor.From(new float[0, 3]);
        Assert.Equal([0, 3], t.Shape);
        Assert.Equal(0, t.Numel());
    }

    [Fact]
    public void From_UnsupportedElementType_NamesTheType()
        => Check.Throws<ArgumentException>(() => Tensor.From(new short[] { 1 }), "tensor:", "Int16[]");

    [Fact]
    public void From_Scalars_AreZeroDimensional()
    {
        var f = Tensor.From(3.5);
        Assert.Equal(DType.Float32, f.DType);
        Assert.Empty(f.Shape);
        Assert.Equal(3.5, f.Item());
        var d = Tensor.From(0.1, DType.Float64);
        Assert.Equal(DType.Float64, d.DType);
        Assert.Equal(0.1, d.Item());
        var l = Tensor.From(7L);
        Assert.Equal(DType.Int64, l.DType);
        Assert.Equal(7L, l.Item<long>());
        var i = Tensor.From(7);
        Assert.Equal(DType.Int64, i.DType);
        var b = Tensor.From(true);
        Assert.Equal(DType.Bool, b.DType);
        Assert.True(b.Item<bool>());
        Assert.True(Tensor.From(2.0, requiresGrad: true).RequiresGrad);
    }

    [Fact]
    public void FromBuffer_SharesTheArray()
    {
        var data = new[] { 1.0, 2, 3, 4, 5, 6 };
        var t = Tensor.FromBuffer(data, 2, 3);
        Assert.Equal([2, 3], t.Shape);
        Assert.Equal(DType.Float64, t.DType);
        data[4] = -1;
        Assert.Equal(-1.0, t.Select(0, 1).Select(0, 1).Item());
        Assert.Same(data, ((SharpGrad.Core.Storage<double>)t.Storage).Data);
    }

    [Fact]
    public void FromBuffer_RejectsSizeMismatch()
        => Check.Throws<ArgumentException>(() => Tensor.FromBuffer(new float[5], 2, 3), "from_buffer", "[2, 3]", "6", "5");

    [Fact]
    public void ZerosOnesFullEmpty_HaveShapeValuesAndDType()
    {
        var z = Tensor.Zeros(2, 3);
        Assert.Equal([2, 3], z.Shape);
        Assert.Equal(DType.Float32, z.DType);
        Assert.All(z.ToArray<float>(), v => Assert.Equal(0f, v));

        var o = Tensor.Ones([4], DType.Int64);
        Assert.Equal(DType.Int64, o.DType);
        Assert.Equal([1L, 1, 1, 1], o.ToArray<long>());

        var f = Tensor.Full([2, 2], -2.5, DType.Float64);
        Assert.Equal([-2.5, -2.5, -2.5, -2.5], f.ToArray<double>());

        var e = Tensor.Empty([3, 0], DType.Bool);
        Assert.Equal([3, 0], e.Shape);
        Assert.Equal(DType.Bool, e.DType);
        Assert.Equal([5], Tensor.Empty(5).Shape);

        Assert.Equal([true, true], Tensor.Ones([2], DType.Bool).ToArray<bool>());
        Assert.Empty(Tensor.Zeros().Shape);
        Assert.Equal(1, Tensor.Zeros().Numel());
    }

    [Fact]
    public void Full_TruncatesForIntegerDTypes()
    {
        Assert.Equal([3L, 3], Tensor.Full([2], 3.7, DType.Int64).ToArray<long>());
        Assert.Equal([-3L], Tensor.Full([1], -3.7, DType.Int64).ToArray<long>());
        Assert.Equal([true], Tensor.Full([1], 0.1, DType.Bool).ToArray<bool>());
    }

    [Fact]
    public void Factories_RequiresGrad()
    {
        Assert.True(Tensor.Zeros([2], requiresGrad: true).RequiresGrad);
        Assert.True(Tensor.Ones([2], requiresGrad: true).RequiresGrad);
        Assert.True(Tensor.Full([2], 1, requiresGrad: true).RequiresGrad);
        Assert.True(Tensor.Empty([2], requiresGrad: true).RequiresGrad);
        Assert.True(Tensor.Rand([2], requiresGrad: true).RequiresGrad);
        Assert.True(Tensor.Randn([2], requiresGrad: true).RequiresGrad);
        Assert.True(Tensor.Linspace(0, 1, 3, requiresGrad: true).RequiresGrad);
        Assert.False(Tensor.Zeros(2).RequiresGrad);
    }

    [Fact]
    public void Factories_RejectRequiresGradOnIntegers()
        => Check.Throws<InvalidOperationException>(() => Tensor.Zeros([2], DType.Int64, requiresGrad: true), "floating point", "torch.int64");

    public static TheoryData<string, Action> NegativeSizes() => new()
    {
        { "zeros", () => Tensor.Zeros(2, -1) },
        { "ones", () => Tensor.Ones(2, -1) },
        { "full", () => Tensor.Full([2, -1], 3) },
        { "empty", () => Tensor.Empty(2, -1) },
        { "rand", () => Tensor.Rand(2, -1) },
        { "randn", () => Tensor.Randn(2, -1) },
        { "normal", () => Tensor.Normal(0, 1, [2, -1]) },
        { "randint", () => Tensor.Randint(0, 5, [2, -1]) },
    };

    [Theory]
    [MemberData(nameof(NegativeSizes))]
    public void Factories_RejectNegativeSizes_NamingOpAndShape(string op, Action create)
        => Check.Throws<ArgumentException>(create, $"{op}: ", "negative dimension -1", "[2, -1]");

    [Fact]
    public void Eye_RejectsNegativeSize()
        => Check.Throws<ArgumentException>(() => Tensor.Eye(-2), "eye", "-2");

    [Fact]
    public void Randperm_RejectsNegativeSize()
        => Check.Throws<ArgumentException>(() => Tensor.Randperm(-1), "randperm", "-1");

    [Fact]
    public void Arange_EndOnly_CountsFromZero()
    {
        var t = Tensor.Arange(5);
        Assert.Equal(DType.Int64, t.DType);
        Assert.Equal([0L, 1, 2, 3, 4], t.ToArray<long>());
        Assert.Equal(0, Tensor.Arange(0).Numel());
    }

    [Theory]
    [InlineData(2, 10, 3, new long[] { 2, 5, 8 })]
    [InlineData(2, 11, 3, new long[] { 2, 5, 8 })]
    [InlineData(2, 12, 3, new long[] { 2, 5, 8, 11 })]
    [InlineData(10, 0, -3, new long[] { 10, 7, 4, 1 })]
    [InlineData(10, 1, -3, new long[] { 10, 7, 4 })]
    [InlineData(-3, 2, 1, new long[] { -3, -2, -1, 0, 1 })]
    [InlineData(3, 3, 1, new long[0])]
    [InlineData(3, 3, -1, new long[0])]
    public void Arange_IntegerSteps(long start, long end, long step, long[] expected)
        => Assert.Equal(expected, Tensor.Arange(start, end, step).ToArray<long>());

    [Fact]
    public void Arange_IntegerWithFloatDType()
    {
        var t = Tensor.Arange(0, 4, 2, DType.Float32);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal([0f, 2f], t.ToArray<float>());
    }

    [Fact]
    public void Arange_FloatSteps()
    {
        var t = Tensor.Arange(0.0, 1.0, 0.25);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal([0f, 0.25f, 0.5f, 0.75f], t.ToArray<float>());
        Assert.Equal([1.0, 0.5, 0, -0.5], Tensor.Arange(1.0, -1.0, -0.5, DType.Float64).ToArray<double>());
        Check.Close(Tensor.Arange(0.0, 1.0, 0.3), [4], [0, 0.3, 0.6, 0.9]);
        Assert.Equal(10, Tensor.Arange(0.0, 1.0, 0.1).Numel());
        Assert.Equal(0, Tensor.Arange(1.5, 1.5, 0.5).Numel());
    }

    [Fact]
    public void Arange_RejectsZeroStep()
    {
        Check.Throws<ArgumentException>(() => Tensor.Arange(0, 5, 0), "arange", "step must be nonzero");
        Check.Throws<ArgumentException>(() => Tensor.Arange(0.0, 5.0, 0.0), "arange", "nonzero");
    }

    [Fact]
    public void Arange_RejectsStepOfTheWrongSign()
    {
        Check.Throws<ArgumentException>(() => Tensor.Arange(0, 5, -1), "arange", "inconsistent with step sign", "start 0", "end 5", "step -1");
        Check.Throws<ArgumentException>(() => Tensor.Arange(5, 0, 1), "arange", "inconsistent with step sign");
        Check.Throws<ArgumentException>(() => Tensor.Arange(1.0, 0.0, 0.5), "arange", "inconsistent with step sign");
    }

    [Fact]
    public void Linspace_SpacesEvenly()
    {
        var t = Tensor.Linspace(-1, 1, 5);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal([-1f, -0.5f, 0f, 0.5f, 1f], t.ToArray<float>());
        Check.Close(Tensor.Linspace(0, 1, 4, DType.Float64), [4], [0, 1.0 / 3, 2.0 / 3, 1], 1e-15);
        Assert.Equal([5.0, 4, 3], Tensor.Linspace(5, 3, 3, DType.Float64).ToArray<double>());
    }

    [Fact]
    public void Linspace_EndpointsAreExact()
    {
        var t = Tensor.Linspace(-Math.PI, Math.PI, 2000, DType.Float64).ToArray<double>();
        Assert.Equal(-Math.PI, t[0]);
        Assert.Equal(Math.PI, t[^1]);
        var f = Tensor.Linspace(0.1, 0.7, 7).ToArray<float>();
        Assert.Equal(0.1f, f[0]);
        Assert.Equal(0.7f, f[^1]);
        for (int i = 1; i < t.Length; i++) Assert.True(t[i] > t[i - 1]);
    }

    [Fact]
    public void Linspace_ZeroAndOneSteps()
    {
        Assert.Equal([0], Tensor.Linspace(0, 10, 0).Shape);
        // PyTorch: torch.linspace(3, 10, 1) is tensor([3.]), the start.
        Assert.Equal([3f], Tensor.Linspace(3, 10, 1).ToArray<float>());
    }

    [Fact]
    public void Linspace_RejectsNegativeSteps()
        => Check.Throws<ArgumentException>(() => Tensor.Linspace(0, 1, -1), "linspace", "-1");

    [Fact]
    public void Eye_SquareAndRectangular()
    {
        Assert.Equal([1f, 0, 0, 0, 1, 0, 0, 0, 1], Tensor.Eye(3).ToArray<float>());
        var wide = Tensor.Eye(2, 4);
        Assert.Equal([2, 4], wide.Shape);
        Assert.Equal([1f, 0, 0, 0, 0, 1, 0, 0], wide.ToArray<float>());
        var tall = Tensor.Eye(4, 2, DType.Int64);
        Assert.Equal(DType.Int64, tall.DType);
        Assert.Equal([4, 2], tall.Shape);
        Assert.Equal([1L, 0, 0, 1, 0, 0, 0, 0], tall.ToArray<long>());
        Assert.Equal([0, 3], Tensor.Eye(0, 3).Shape);
    }

    [Fact]
    public void Rand_IsUniformInUnitInterval()
    {
        var g = new Generator(21);
        var x = Tensor.Rand([100_000], g).ToArray<float>();
        double sum = 0, sumSq = 0;
        foreach (float v in x)
        {
            Assert.True(v >= 0f && v < 1f, $"{v} outside [0, 1)");
            sum += v;
            sumSq += v * v;
        }
        double mean = sum / x.Length;
        Assert.InRange(mean, 0.495, 0.505);
        Assert.InRange(sumSq / x.Length - mean * mean, 1.0 / 12 - 0.003, 1.0 / 12 + 0.003);
        var d = Tensor.Rand([3, 4], g, DType.Float64);
        Assert.Equal(DType.Float64, d.DType);
        Assert.Equal([3, 4], d.Shape);
    }

    [Fact]
    public void Randn_HasMeanZeroStdOne()
    {
        var x = Tensor.Randn([100_000], new Generator(22));
        Assert.InRange(x.Mean().Item(), -0.02, 0.02);
        Assert.InRange(x.Std().Item(), 0.98, 1.02);
        Assert.Equal(DType.Float64, Tensor.Randn([2], new Generator(1), DType.Float64).DType);
    }

    [Fact]
    public void Normal_HasTheRequestedMeanAndStd()
    {
        var x = Tensor.Normal(3, 2, [100_000], new Generator(23), DType.Float64);
        Assert.Equal(DType.Float64, x.DType);
        Assert.InRange(x.Mean().Item(), 2.96, 3.04);
        Assert.InRange(x.Std().Item(), 1.96, 2.04);
    }

    [Fact]
    public void RandomFloatFactories_RejectIntegerDTypes()
    {
        Check.Throws<ArgumentException>(() => Tensor.Rand([2], null, DType.Int64), "rand", "torch.int64");
        Check.Throws<ArgumentException>(() => Tensor.Randn([2], null, DType.Bool), "randn", "torch.bool");
        Check.Throws<ArgumentException>(() => Tensor.Normal(0, -1, [2]), "normal", "std", "-1");
    }

    [Fact]
    public void Randint_StaysInRangeAndHitsEveryValue()
    {
        var x = Tensor.Randint(-3, 4, [100_000], new Generator(24));
        Assert.Equal(DType.Int64, x.DType);
        var counts = new int[7];
        foreach (long v in x.ToArray<long>())
        {
            Assert.InRange(v, -3L, 3L);
            counts[v + 3]++;
        }
        foreach (int c in counts) Assert.InRange(c, 100_000 / 7 - 700, 100_000 / 7 + 700);
        var y = Tensor.Randint(5, [2, 3], new Generator(1));
        Assert.Equal([2, 3], y.Shape);
        Assert.All(y.ToArray<long>(), v => Assert.InRange(v, 0L, 4L));
        Assert.Equal(DType.Float32, Tensor.Randint(0, 3, [4], new Generator(1), DType.Float32).DType);
    }

    [Fact]
    public void Randint_RejectsEmptyRange()
        => Check.Throws<ArgumentException>(() => Tensor.Randint(5, 5, [2]), "randint", "low 5", "high 5");

    [Fact]
    public void Randperm_IsAPermutation()
    {
        var p = Tensor.Randperm(50, new Generator(25));
        Assert.Equal(DType.Int64, p.DType);
        var values = p.ToArray<long>();
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), values.Order());
        Assert.NotEqual(Enumerable.Range(0, 50).Select(i => (long)i), values);
        Assert.Equal(0, Tensor.Randperm(0).Numel());
        Assert.Equal([0L], Tensor.Randperm(1).ToArray<long>());
    }

    [Fact]
    public void ExplicitGenerator_SameSeedSameTensors_DifferentSeedDiffers()
    {
        var a = Tensor.Randn([50], new Generator(5)).ToArray<float>();
        var b = Tensor.Randn([50], new Generator(5)).ToArray<float>();
        var c = Tensor.Randn([50], new Generator(6)).ToArray<float>();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(Tensor.Randperm(20, new Generator(3)).ToArray<long>(), Tensor.Randperm(20, new Generator(3)).ToArray<long>());
        Assert.Equal(Tensor.Randint(0, 100, [20], new Generator(3)).ToArray<long>(), Tensor.Randint(0, 100, [20], new Generator(3)).ToArray<long>());
    }

    [Fact]
    public void LikeFactories_CopyShapeAndDType()
    {
        var t = Tensor.Zeros([2, 3], DType.Float64).Transpose(0, 1);
        var z = Tensor.ZerosLike(t);
        Assert.Equal([3, 2], z.Shape);
        Assert.Equal(DType.Float64, z.DType);
        Assert.True(z.IsContiguous());
        Assert.All(Tensor.OnesLike(t).ToArray<double>(), v => Assert.Equal(1.0, v));
        Assert.Equal(DType.Int64, Tensor.OnesLike(t, DType.Int64).DType);
        Assert.All(Tensor.FullLike(t, 7).ToArray<double>(), v => Assert.Equal(7.0, v));
        Assert.Equal(DType.Bool, Tensor.FullLike(t, 1, DType.Bool).DType);
        Assert.Equal([3, 2], Tensor.EmptyLike(t).Shape);
        Assert.Equal(DType.Float32, Tensor.EmptyLike(t, DType.Float32).DType);

        var r = Tensor.RandLike(t, new Generator(1));
        Assert.Equal([3, 2], r.Shape);
        Assert.Equal(DType.Float64, r.DType);
        Assert.All(r.ToArray<double>(), v => Assert.InRange(v, 0.0, 1.0));
        var n = Tensor.RandnLike(t, new Generator(1));
        Assert.Equal(DType.Float64, n.DType);
        Assert.Equal([3, 2], n.Shape);
        var i = Tensor.RandintLike(Tensor.Zeros([4], DType.Int64), 2, 5, new Generator(1));
        Assert.Equal(DType.Int64, i.DType);
        Assert.All(i.ToArray<long>(), v => Assert.InRange(v, 2L, 4L));
        Assert.False(Tensor.ZerosLike(Tensor.Ones([2], requiresGrad: true)).RequiresGrad);
    }

    [Fact]
    public void RandLike_OfAnIntegerTensor_IsAnError()
        => Check.Throws<ArgumentException>(() => Tensor.RandLike(Tensor.Arange(3)), "rand", "torch.int64");
}

/// <summary>Tests of the default generator; they reseed shared state, so they never run alongside other tests.</summary>
[CollectionDefinition("DefaultGenerator", DisableParallelization = true)]
public class DefaultGeneratorCollection;

[Collection("DefaultGenerator")]
public class DefaultGeneratorTests
{
    [Fact]
    public void ManualSeed_Twice_GivesIdenticalTensors()
    {
        Tensor.ManualSeed(1);
        var a = Tensor.Randn(100).ToArray<float>();
        var ra = Tensor.Rand(10).ToArray<float>();
        var ia = Tensor.Randint(0, 1000, [10]).ToArray<long>();
        var pa = Tensor.Randperm(10).ToArray<long>();
        Tensor.ManualSeed(1);
        Assert.Equal(a, Tensor.Randn(100).ToArray<float>());
        Assert.Equal(ra, Tensor.Rand(10).ToArray<float>());
        Assert.Equal(ia, Tensor.Randint(0, 1000, [10]).ToArray<long>());
        Assert.Equal(pa, Tensor.Randperm(10).ToArray<long>());
    }

    [Fact]
    public void ExplicitGenerator_GivesTheSameStreamAsManualSeed()
    {
        Tensor.ManualSeed(1234);
        var a = Tensor.Randn(64).ToArray<float>();
        var b = Tensor.Rand(64).ToArray<float>();
        var g = new Generator(1234);
        Assert.Equal(a, Tensor.Randn([64], g).ToArray<float>());
        Assert.Equal(b, Tensor.Rand([64], g).ToArray<float>());
    }

    [Fact]
    public void DifferentSeeds_GiveDifferentTensors()
    {
        Tensor.ManualSeed(1);
        var a = Tensor.Randn(100).ToArray<float>();
        Tensor.ManualSeed(2);
        Assert.NotEqual(a, Tensor.Randn(100).ToArray<float>());
    }

    [Fact]
    public void ManualSeed_ReturnsTheDefaultGenerator()
    {
        var g = Tensor.ManualSeed(99);
        Assert.Same(Tensor.DefaultGenerator, g);
        Assert.Equal(99UL, g.InitialSeed);
    }
}
