using System.Globalization;

namespace SharpGrad.Cli.Commands.Mnist;

/// <summary>Everything a <c>sharpgrad mnist</c> run needs, after the command line was parsed and checked.</summary>
internal sealed record MnistSettings
{
    /// <summary><c>mlp</c>, <c>mlp3</c>, <c>deep</c> or <c>cnn</c>.</summary>
    public string Model { get; init; } = "mlp3";

    /// <summary><c>embedded</c>, <c>mnist</c> or <c>fashion-mnist</c>.</summary>
    public string Dataset { get; init; } = "embedded";

    /// <summary>The IDX folder for <c>mnist</c> / <c>fashion-mnist</c>; null for the embedded digits.</summary>
    public string? DataDir { get; init; }

    /// <summary>Download the IDX files into <see cref="DataDir"/> when they are missing.</summary>
    public bool Download { get; init; }

    /// <summary><c>sgd</c>, <c>adam</c> or <c>rmsprop</c>.</summary>
    public string Optimizer { get; init; } = "sgd";

    /// <summary>Learning rate.</summary>
    public double Lr { get; init; }

    /// <summary>Training batch size.</summary>
    public int BatchSize { get; init; }

    /// <summary>Number of epochs (early stopping may end sooner).</summary>
    public int Epochs { get; init; }

    /// <summary>L2 penalty added to the gradients (<c>weight_decay</c>).</summary>
    public double WeightDecay { get; init; }

    /// <summary>Dropout probability in [0, 1); 0 adds no dropout layer.</summary>
    public double Dropout { get; init; }

    /// <summary>Random rotation of the training images in [-degrees, degrees]; 0 for none.</summary>
    public double AugmentDegrees { get; init; }

    /// <summary>Stop after this many epochs without a better test accuracy, keeping the best model; null to run every epoch.</summary>
    public int? EarlyStopPatience { get; init; }

    /// <summary>Use only the first N training samples; null for all.</summary>
    public int? LimitTrain { get; init; }

    /// <summary>Use only the first N test samples; null for all.</summary>
    public int? LimitTest { get; init; }

    /// <summary>A "Train Epoch" line every this many batches.</summary>
    public int LogInterval { get; init; } = 10;

    /// <summary>The device the model and batches are moved to (<c>--device</c>; course 001's <c>net.to(device)</c>).</summary>
    public Device Device { get; init; } = Device.Cpu;

    /// <summary>Where to write the trained model as ONNX too (relative: inside the run folder); null for no export.</summary>
    public string? ExportOnnx { get; init; }

    /// <summary>Test batch size (evaluation only; 1000 as in course 004).</summary>
    public int TestBatchSize { get; init; } = 1000;

    /// <summary>One line describing the run, for the log.</summary>
    public string Describe()
    {
        var inv = CultureInfo.InvariantCulture;
        var parts = new List<string>
        {
            $"model {Model}", $"dataset {Dataset}", $"optimizer {Optimizer}{(Model == "mlp" && Optimizer == "sgd" ? " (hand-written)" : "")}",
            $"lr {Lr.ToString("G", inv)}", $"batch size {BatchSize}", $"epochs {Epochs}",
        };
        if (WeightDecay > 0) parts.Add($"weight decay {WeightDecay.ToString("G", inv)}");
        if (Dropout > 0) parts.Add($"dropout {Dropout.ToString("G", inv)}");
        if (AugmentDegrees > 0) parts.Add($"rotation +-{AugmentDegrees.ToString("G", inv)} deg");
        if (EarlyStopPatience is int p) parts.Add($"early stop patience {p}");
        return string.Join(", ", parts);
    }
}

/// <summary>The hyper-parameters a model gets when the command line does not set them.</summary>
/// <param name="Optimizer">Default <c>--optimizer</c>.</param>
/// <param name="Lr">Default <c>--lr</c>.</param>
/// <param name="BatchSize">Default <c>--batch-size</c>.</param>
/// <param name="Epochs">Default <c>--epochs</c>.</param>
internal sealed record MnistDefaults(string Optimizer, double Lr, int BatchSize, int Epochs)
{
    /// <summary>The defaults of <paramref name="model"/>.</summary>
    public static MnistDefaults For(string model) => model switch
    {
        "mlp" => new("sgd", 0.1, 32, 10),
        "mlp3" => new("sgd", 0.1, 64, 10),
        "deep" => new("adam", 0.001, 64, 5),
        "cnn" => new("sgd", 0.05, 64, 5),
        _ => throw new ArgumentException($"mnist: unknown model '{model}'"),
    };

    /// <summary>
    /// The default <c>--lr</c> for <paramref name="optimizer"/>: the model's own when it is the model's optimizer, otherwise
    /// one that suits the optimizer (sgd 0.05, adam 0.001, rmsprop 0.001), so that <c>--optimizer adam</c> on an SGD model
    /// does not inherit SGD's large step and diverge.
    /// </summary>
    public double LrFor(string optimizer) => optimizer == Optimizer ? Lr : OptimizerLr(optimizer);

    /// <summary>The default learning rate of <paramref name="optimizer"/> when it is not the model's own.</summary>
    public static double OptimizerLr(string optimizer) => optimizer switch
    {
        "sgd" => 0.05,
        "adam" => 0.001,
        "rmsprop" => 0.001,
        _ => throw new ArgumentException($"mnist: unknown optimizer '{optimizer}'"),
    };

    /// <summary>The table of defaults for the help text.</summary>
    public static string HelpTable()
        => string.Join("; ", MnistModels.Names.Select(m =>
        {
            var d = For(m);
            return $"{m}: {d.Optimizer} lr {d.Lr.ToString("G", CultureInfo.InvariantCulture)} batch {d.BatchSize} epochs {d.Epochs}";
        }));
}
