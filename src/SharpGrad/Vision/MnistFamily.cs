using System.Text;
using SharpGrad.Data;
using SharpGrad.IO;
using SharpGrad.Vision.Transforms;

namespace SharpGrad.Vision;

/// <summary>
/// What MNIST and FashionMNIST share (torchvision's <c>MNIST</c> class, which <c>FashionMNIST</c> subclasses):
/// a pair of IDX files (images [N, H, W] and labels [N], unsigned bytes) held compactly as bytes, served as
/// <c>(Image, Label)</c> samples with an optional image transform and label transform.
/// </summary>
public abstract class MnistFamily : Dataset<(Tensor Image, long Label)>
{
    private readonly byte[] _images;
    private readonly byte[] _labels;
    private readonly int _count, _height, _width;
    private readonly IReadOnlyList<string> _classes;
    private float[]? _pixelTable;
    private bool _pixelTableChecked;
    private bool _pixelTableIsDiv255;

    /// <summary>How many images ahead the float batch path prefetches (random rows of a set larger than the cache).</summary>
    private const int PrefetchAhead = 4;

    /// <summary>Loads the split from the files under <paramref name="root"/>, downloading them first when asked and missing.</summary>
    private protected MnistFamily(string root, bool train, ITransform? transform, Func<long, long>? targetTransform, bool download, MnistSource source)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentNullException.ThrowIfNull(source);
        Name = source.Name;
        Root = root;
        Train = train;
        Transform = transform;
        TargetTransform = targetTransform;
        _classes = source.Classes;

        var found = MnistFiles.Find(root, source.Name, train);
        if (found is null && download)
        {
            MnistFiles.Download(root, source);
            found = MnistFiles.Find(root, source.Name, train);
        }
        if (found is not { } files) throw MnistFiles.NotFound(root, source, train);
        ImagesFile = files.Images;
        LabelsFile = files.Labels;
        (_images, _labels, _count, _height, _width) = Load(IdxOf(files.Images), IdxOf(files.Labels), files.Images, files.Labels);
    }

    /// <summary>Wraps images and labels already in memory (the embedded digits).</summary>
    private protected MnistFamily(string name, IReadOnlyList<string> classes, bool train, ITransform? transform, Func<long, long>? targetTransform,
        IdxArray images, IdxArray labels, string imagesName, string labelsName)
    {
        Name = name;
        Train = train;
        Transform = transform;
        TargetTransform = targetTransform;
        _classes = classes;
        (_images, _labels, _count, _height, _width) = Load(images, labels, imagesName, labelsName);
    }

    /// <summary>The dataset's name, also its folder under the root: <c>MNIST</c> or <c>FashionMNIST</c>.</summary>
    public string Name { get; }

    /// <summary>The root folder given to the constructor (<c>dataset.root</c>); null for data that ships with SharpGrad.</summary>
    public string? Root { get; }

    /// <summary>Where downloads go and files are looked for first: <c>Root/Name/raw</c> (<c>dataset.raw_folder</c>); null without a root.</summary>
    public string? RawFolder => Root is null ? null : Path.Combine(Root, Name, "raw");

    /// <summary>The images file that was loaded, or null for data that ships with SharpGrad.</summary>
    public string? ImagesFile { get; }

    /// <summary>The labels file that was loaded, or null for data that ships with SharpGrad.</summary>
    public string? LabelsFile { get; }

    /// <summary>True for the training split, false for the test split (<c>dataset.train</c>).</summary>
    public bool Train { get; }

    /// <summary>Applied to each image, an int64 [H, W] tensor of grey levels 0..255 (<c>dataset.transform</c>); null keeps the raw image.</summary>
    public ITransform? Transform { get; }

    /// <summary>Applied to each label (<c>dataset.target_transform</c>); null keeps the class index.</summary>
    public Func<long, long>? TargetTransform { get; }

    /// <summary>The class names, indexed by label (<c>dataset.classes</c>).</summary>
    public IReadOnlyList<string> Classes => _classes;

    /// <summary>Label of each class name (<c>dataset.class_to_idx</c>).</summary>
    public IReadOnlyDictionary<string, int> ClassToIdx
    {
        get
        {
            var map = new Dictionary<string, int>(_classes.Count);
            for (int i = 0; i < _classes.Count; i++) map[_classes[i]] = i;
            return map;
        }
    }

    /// <inheritdoc/>
    public override int Count => _count;

    /// <summary>
    /// All images as an int64 [N, H, W] tensor of grey levels 0..255 (<c>dataset.data</c>), untransformed.
    /// Built on each call from the compact byte storage (the 60,000 training images take 376 MB as int64),
    /// so changing it does not change the dataset.
    /// </summary>
    public Tensor Data
    {
        get
        {
            var values = new long[_images.Length];
            for (int i = 0; i < values.Length; i++) values[i] = _images[i];
            return Tensor.FromBuffer(values, _count, _height, _width);
        }
    }

    /// <summary>All labels as an int64 [N] tensor (<c>dataset.targets</c>), untransformed; a fresh copy on each call.</summary>
    public Tensor Targets
    {
        get
        {
            var values = new long[_count];
            for (int i = 0; i < values.Length; i++) values[i] = _labels[i];
            return Tensor.FromBuffer(values, _count);
        }
    }

    /// <summary>
    /// Sample <paramref name="index"/> (<c>dataset[index]</c>): the image, an int64 [H, W] tensor of grey levels
    /// 0..255 passed through <see cref="Transform"/>, and the label passed through <see cref="TargetTransform"/>.
    /// </summary>
    public override (Tensor Image, long Label) this[int index]
    {
        get
        {
            CheckIndex(index);
            int pixels = _height * _width;
            var values = new long[pixels];
            var source = _images.AsSpan(index * pixels, pixels);
            for (int i = 0; i < pixels; i++) values[i] = source[i];
            var image = Tensor.FromBuffer(values, _height, _width);
            if (Transform is not null) image = Transform.Apply(image);
            long label = _labels[index];
            if (TargetTransform is not null) label = TargetTransform(label);
            return (image, label);
        }
    }

    /// <summary>
    /// The samples at <paramref name="indices"/> as [images, int64 labels]. Without a transform the images are
    /// int64 [B, H, W]; with <c>ToTensor()</c>, or a <c>Compose</c> of <c>ToTensor()</c> followed by single-value
    /// <c>Normalize</c>s, the float32 [B, 1, H, W] batch is built straight from the bytes, with exactly the
    /// values the per-sample path gives. Any other transform runs sample by sample.
    /// </summary>
    public override Tensor[] GetBatch(int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        foreach (int i in indices) CheckIndex(i);
        int pixels = _height * _width;
        Tensor images;
        if (Transform is null)
        {
            var values = new long[indices.Length * pixels];
            for (int b = 0; b < indices.Length; b++)
            {
                var source = _images.AsSpan(indices[b] * pixels, pixels);
                var target = values.AsSpan(b * pixels, pixels);
                for (int p = 0; p < pixels; p++) target[p] = source[p];
            }
            images = Tensor.FromBuffer(values, indices.Length, _height, _width);
        }
        else if (PixelTable() is { } table)
        {
            // Every element is written below, so the buffer need not be zeroed first.
            var values = GC.AllocateUninitializedArray<float>(indices.Length * pixels);
            bool scaled = _pixelTableIsDiv255;
            for (int b = 0; b < indices.Length; b++)
            {
                if (b + PrefetchAhead < indices.Length) PixelBytes.Prefetch(_images.AsSpan(indices[b + PrefetchAhead] * pixels, pixels));
                var source = _images.AsSpan(indices[b] * pixels, pixels);
                var target = values.AsSpan(b * pixels, pixels);
                if (scaled) PixelBytes.DivideBy255(source, target);
                else for (int p = 0; p < pixels; p++) target[p] = table[source[p]];
            }
            images = Tensor.FromBuffer(values, indices.Length, 1, _height, _width);
        }
        else
        {
            return base.GetBatch(indices);
        }

        var labels = new long[indices.Length];
        for (int b = 0; b < indices.Length; b++)
        {
            long label = _labels[indices[b]];
            labels[b] = TargetTransform is null ? label : TargetTransform(label);
        }
        return [images, Tensor.FromBuffer(labels, indices.Length)];
    }

    /// <summary>True when <see cref="GetBatch"/> builds batches straight from the bytes (no transform, or a known per-pixel one).</summary>
    internal bool BatchesFromBytes => Transform is null || PixelTable() is not null;

    /// <summary>
    /// For a transform known to map each grey level on its own to one float32 value (ToTensor, then
    /// single-channel Normalizes), the value of every grey level 0..255, computed by the transform itself.
    /// Null for any other transform.
    /// </summary>
    private float[]? PixelTable()
    {
        if (_pixelTableChecked) return _pixelTable;
        float[]? table = null;
        if (Transform is not null && IsPixelwise(Transform))
        {
            var levels = new long[256];
            for (int i = 0; i < levels.Length; i++) levels[i] = i;
            Tensor mapped;
            using (Tensor.NoGrad()) mapped = Transform.Apply(Tensor.FromBuffer(levels, 16, 16));
            if (mapped.DType == DType.Float32 && mapped.Shape is [1, 16, 16]) table = mapped.ToArray<float>();
        }
        _pixelTable = table;
        _pixelTableIsDiv255 = table is not null && PixelBytes.IsDivideBy255(table);
        _pixelTableChecked = true;
        return table;
    }

    private static bool IsPixelwise(ITransform transform)
    {
        if (transform is ToTensor) return true;
        if (transform is not Compose compose || compose.Transforms.Count == 0 || compose.Transforms[0] is not ToTensor) return false;
        for (int i = 1; i < compose.Transforms.Count; i++)
            if (compose.Transforms[i] is not Normalize { Mean.Count: 1, Std.Count: 1 }) return false;
        return true;
    }

    /// <summary>torchvision's repr: the class, the number of samples, the root, the split and the transforms.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder($"Dataset {Name}");
        sb.Append($"\n    Number of datapoints: {Count}");
        if (Root is not null) sb.Append($"\n    Root location: {Root}");
        sb.Append($"\n    Split: {(Train ? "Train" : "Test")}");
        if (Transform is not null || TargetTransform is not null)
        {
            sb.Append("\n    StandardTransform");
            if (Transform is not null) AppendIndented(sb, "Transform: ", Transform.ToString() ?? "");
            if (TargetTransform is not null) AppendIndented(sb, "Target transform: ", "<function>");
        }
        return sb.ToString();
    }

    private static void AppendIndented(StringBuilder sb, string head, string repr)
    {
        var lines = repr.Split('\n');
        sb.Append('\n').Append(head).Append(lines[0]);
        for (int i = 1; i < lines.Length; i++) sb.Append('\n').Append(' ', head.Length).Append(lines[i]);
    }

    private static IdxArray IdxOf(string path) => Idx.ReadRaw(path);

    /// <summary>Checks that the two IDX arrays are MNIST-style images and labels of the same length.</summary>
    private (byte[] Images, byte[] Labels, int Count, int Height, int Width) Load(IdxArray images, IdxArray labels, string imagesName, string labelsName)
    {
        if (images.Type != IdxType.UInt8 || images.Shape.Length != 3)
            throw new InvalidDataException(
                $"{Name}: '{imagesName}' should hold u8 images [N, H, W], but holds {IdxArray.TypeName(images.Type)} data of shape {Core.Shape.Format(images.Shape)}");
        if (labels.Type != IdxType.UInt8 || labels.Shape.Length != 1)
            throw new InvalidDataException(
                $"{Name}: '{labelsName}' should hold u8 labels [N], but holds {IdxArray.TypeName(labels.Type)} data of shape {Core.Shape.Format(labels.Shape)}");
        int count = images.Shape[0];
        if (labels.Shape[0] != count)
            throw new InvalidDataException($"{Name}: '{imagesName}' holds {count} images but '{labelsName}' holds {labels.Shape[0]} labels");
        var labelBytes = labels.Data;
        for (int i = 0; i < labelBytes.Length; i++)
            if (labelBytes[i] >= _classes.Count)
                throw new InvalidDataException(
                    $"{Name}: label {labelBytes[i]} of sample {i} in '{labelsName}' is not a class index 0..{_classes.Count - 1}");
        return (images.Data, labelBytes, count, images.Shape[1], images.Shape[2]);
    }
}
