using SharpGrad.NN;
using F = SharpGrad.NN.Functional;
using R = SharpGrad.Tests.TorchReference;

namespace SharpGrad.Tests;

public class InterpolateTests
{
    private static Tensor X => R.T(R.InterpX, R.InterpXShape);

    [Fact]
    public void Interpolate_NearestAndBilinearMatchPyTorch()
    {
        foreach (var x in new[] { X, R.Strided(X) })
        {
            Check.Close(F.Interpolate(x, [5, 7]), R.InterpNearestUpShape, R.InterpNearestUp, 0);
            Check.Close(F.Interpolate(x, scaleFactor: [1.5]), R.InterpNearestScaleShape, R.InterpNearestScale, 0);
            Check.Close(F.Interpolate(x, [2, 3]), R.InterpNearestDownShape, R.InterpNearestDown, 0);
            Check.Close(F.Interpolate(x, [5, 7], mode: "bilinear"), R.InterpBilinearUpShape, R.InterpBilinearUp, 1e-14);
            Check.Close(F.Interpolate(x, [2, 3], mode: "bilinear", alignCorners: false), R.InterpBilinearDownShape, R.InterpBilinearDown, 1e-14);
            Check.Close(F.Interpolate(x, [5, 7], mode: "bilinear", alignCorners: true), R.InterpBilinearCornersShape, R.InterpBilinearCorners, 1e-14);
            Check.Close(F.Interpolate(x, scaleFactor: [2], mode: "bilinear"), R.InterpBilinearScaleShape, R.InterpBilinearScale, 1e-14);
        }
    }

    [Fact]
    public void Interpolate_LinearIsBilinearOfHeightOne_AndFloat32Agrees()
    {
        var x = X[0];
        var linear = F.Interpolate(x, [7], mode: "linear");
        var bilinear = F.Interpolate(x.Unsqueeze(2), [1, 7], mode: "bilinear");
        Check.Close(linear, [2, 3, 7], bilinear.Squeeze(2).ToArray<double>(), 1e-14);
        var f = F.Interpolate(X.Float(), [5, 7], mode: "bilinear");
        Assert.Equal(DType.Float32, f.DType);
        Check.Close(f, R.InterpBilinearUp, 1e-6);
        Check.Close(F.Interpolate(X, [3, 4], mode: "bilinear"), R.InterpX, 1e-15);
    }

    [Fact]
    public void Upsample_Layers()
    {
        Check.Close(new Upsample(scaleFactor: 2, mode: "bilinear").Forward(X), R.InterpBilinearScale, 1e-14);
        Check.Close(new UpsamplingBilinear2d([5, 7]).Forward(X), R.InterpBilinearCorners, 1e-14);
        Check.Close(new UpsamplingNearest2d([5, 7]).Forward(X), R.InterpNearestUp, 0);
        Assert.Equal("Upsample(scale_factor=2.0, mode=nearest)", new Upsample(scaleFactor: 2).ToString());
        Assert.Equal("Upsample(size=(5, 7), mode=bilinear)", new Upsample([5, 7], mode: "bilinear").ToString());
        Assert.Equal("UpsamplingBilinear2d(size=(3, 4), mode=bilinear)", new UpsamplingBilinear2d([3, 4]).ToString());
        Assert.Equal("UpsamplingNearest2d(scale_factor=2.0, mode=nearest)", new UpsamplingNearest2d(scaleFactor: 2).ToString());
    }

    [Fact]
    public void Interpolate_GradCheck()
    {
        var x = R.Strided(Check.Input(1, 2, 2, 3, 4));
        Check.Gradients(t => F.Interpolate(t[0], [5, 3]), x);
        Check.Gradients(t => F.Interpolate(t[0], [5, 7], mode: "bilinear"), x);
        Check.Gradients(t => F.Interpolate(t[0], [2, 3], mode: "bilinear", alignCorners: true), x);
        Check.Gradients(t => F.Interpolate(t[0], scaleFactor: [1.7], mode: "linear"), Check.Input(2, 1, 2, 4));
        Assert.Equal("UpsampleBilinear2DBackward1", F.Interpolate(x, scaleFactor: [2], mode: "bilinear").GradFn!.Name);
    }

    [Fact]
    public void Interpolate_RejectsWhatPyTorchRejects()
    {
        Check.Throws<ArgumentException>(() => F.Interpolate(X, [2, 2], [2.0]), "interpolate", "only one of size or scaleFactor");
        Check.Throws<ArgumentException>(() => F.Interpolate(X), "interpolate", "either size or scaleFactor");
        Check.Throws<ArgumentException>(() => F.Interpolate(X, [2, 2, 2]), "interpolate", "same number of spatial dims", "[1, 2, 3, 4]", "[2, 2, 2]");
        Check.Throws<ArgumentException>(() => F.Interpolate(X, [4, 4], alignCorners: true), "interpolate", "alignCorners", "'nearest'");
        Check.Throws<ArgumentException>(() => F.Interpolate(X, [4], mode: "linear"), "interpolate", "4D", "linear mode needs 3D");
        Check.Throws<ArgumentException>(() => F.Interpolate(X[0], [4, 4], mode: "bilinear"), "interpolate", "3D", "bilinear mode needs 4D");
        Check.Throws<ArgumentException>(() => F.Interpolate(X, [4, 4], mode: "bicubic"), "interpolate", "'bicubic'");
        Check.Throws<ArgumentException>(() => F.Interpolate(Tensor.Zeros(3, 4), [4]), "interpolate", "3D, 4D or 5D", "[3, 4]");
        Check.Throws<ArgumentException>(() => F.Interpolate(X, scaleFactor: [0.1]), "interpolate", "output size", "[0, 0]");
        Check.Throws<ArgumentException>(() => F.Interpolate(X, scaleFactor: [-2.0]), "interpolate", "scaleFactor", "-2");
        Check.Throws<ArgumentException>(() => new Upsample(), "Upsample", "exactly one");
    }
}
