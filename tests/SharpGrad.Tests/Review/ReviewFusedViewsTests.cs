using SharpGrad;
using SharpGrad.Optim;

namespace SharpGrad.Tests;

/// <summary>
/// Fused optimizer steps on parameters that are strided views of one shared buffer (columns of a matrix, float64,
/// AMSGrad, maximize, weight decay): each view is updated exactly as the same values held in separate contiguous
/// tensors, and the rest of the buffer is left alone.
/// </summary>
public class ReviewFusedViewsTests
{
    public static TheoryData<string> Kinds() => ["adam", "adam-amsgrad-max-wd", "adamw", "sgd-nesterov-wd-max", "rmsprop-centered", "adagrad"];

    private static Optimizer Make(string kind, Tensor[] ps) => kind switch
    {
        "adam" => new Adam(ps, lr: 0.1),
        "adam-amsgrad-max-wd" => new Adam(ps, lr: 0.1, weightDecay: 0.05, amsgrad: true, maximize: true),
        "adamw" => new AdamW(ps, lr: 0.1, weightDecay: 0.1),
        "sgd-nesterov-wd-max" => new SGD(ps, lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01, maximize: true),
        "rmsprop-centered" => new RMSprop(ps, lr: 0.01, centered: true, momentum: 0.5),
        _ => new Adagrad(ps, lr: 0.1),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ColumnViewsOfOneBuffer_UpdateLikeSeparateTensors(string kind)
    {
        var gen = new Generator(3);
        var buffer = Tensor.Randn([7, 3], gen, DType.Float64);
        var views = new[] { buffer.Select(1, 0), buffer.Select(1, 2) }; // strided, sharing one storage
        foreach (var v in views) v.RequiresGrad_();
        var copies = views.Select(v => v.Detach().Clone().RequiresGrad_()).ToArray();
        var middle = buffer.Select(1, 1).Clone();
        var target = Tensor.Randn([7], gen, DType.Float64);
        var optViews = Make(kind, views);
        var optCopies = Make(kind, copies);
        for (int step = 0; step < 3; step++)
        {
            foreach (var (ps, opt) in new[] { (views, optViews), (copies, optCopies) })
            {
                opt.ZeroGrad();
                ((ps[0] - target).Square().Sum() + (ps[1] * target).Sum() * ps[0].Sum()).Backward();
                opt.Step();
            }
        }
        for (int i = 0; i < 2; i++) Check.Close(views[i], copies[i].ToArray<double>(), 0);
        Check.Close(buffer.Select(1, 1), middle.ToArray<double>(), 0);
    }
}
