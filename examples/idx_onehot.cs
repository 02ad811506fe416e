// Port of course 004 (第12关 手写数字识别之数据读取及预处理): parsing MNIST's IDX files by hand the way the course does
// with struct.unpack_from('>iiii') (big-endian magic number, image count, rows, columns, then one byte per pixel;
// labels: magic, count, one byte per label), then the preprocessing: x / 255 into [0, 1] and one-hot labels of
// depth 10 (the course's TensorFlow lines tf.convert_to_tensor / tf.one_hot become SharpGrad tensors and F.OneHot).
// The files read are the 10,000 embedded digits in data/mnist-embedded/ (gzip-compressed IDX, as MNIST is
// distributed); SharpGrad.IO.Idx.Read is the library's reader and must agree with the hand-written one.
// Run from the repository root: dotnet run -c Release examples/idx_onehot.cs
#:project ../src/SharpGrad/SharpGrad.csproj
#:property PublishAot=false
// (PublishAot=false: file-based programs default to native AOT, which this program does not need.)

using System.Buffers.Binary;
using System.IO.Compression;
using SharpGrad;
using SharpGrad.IO;
using F = SharpGrad.NN.Functional;

string file1 = "data/mnist-embedded/images-idx3-ubyte.gz";
string file2 = "data/mnist-embedded/labels-idx1-ubyte.gz";

byte[] ReadAll(string path)                                                   // with open(filepath,'rb') as fbj: bin_data=fbj.read()
{
    using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
    using var ms = new MemoryStream();
    gz.CopyTo(ms);
    return ms.ToArray();
}

Tensor TrainImagesAna(string filepath)                                        // 解析图片数据集 .idx3-ubyte格式
{
    var binData = ReadAll(filepath);
    int offset = 0;
    int magicNum = BinaryPrimitives.ReadInt32BigEndian(binData.AsSpan(offset));        // struct.unpack_from('>iiii', bin_data, offset)
    int imageNum = BinaryPrimitives.ReadInt32BigEndian(binData.AsSpan(offset + 4));
    int rowsNum = BinaryPrimitives.ReadInt32BigEndian(binData.AsSpan(offset + 8));
    int columnNum = BinaryPrimitives.ReadInt32BigEndian(binData.AsSpan(offset + 12));
    offset += 16;                                                                        // offset += struct.calcsize('>iiii')
    Console.WriteLine($"images: magic {magicNum}, {imageNum} images of {rowsNum}x{columnNum}");
    int imgsize = imageNum * rowsNum * columnNum;
    var imgs = binData.AsSpan(offset, imgsize).ToArray();                               // struct.unpack_from('>' + str(imgsize) + 'B', ...)
    return Tensor.From(imgs).Reshape(imageNum, rowsNum * columnNum);                    // np.reshape(imgs, (image_num, rows_num*column_num))
}

Tensor TrainLabelsAna(string filepath)                                        // 解析特征数据集 .idx1-ubyte格式
{
    var binData = ReadAll(filepath);
    int offset = 0;
    int magicNum = BinaryPrimitives.ReadInt32BigEndian(binData.AsSpan(offset));        // struct.unpack_from('>ii', bin_data, offset)
    int itemsNum = BinaryPrimitives.ReadInt32BigEndian(binData.AsSpan(offset + 4));
    offset += 8;
    Console.WriteLine($"labels: magic {magicNum}, {itemsNum} labels");
    var labels = binData.AsSpan(offset, itemsNum).ToArray();
    return Tensor.From(labels).Reshape(itemsNum);                                       // np.reshape(labels, [items_num])
}

var labels = TrainLabelsAna(file2);
Console.WriteLine(labels);                                                    // print(labels)
var imgs = TrainImagesAna(file1);
Console.WriteLine($"[{string.Join(", ", imgs[1].Shape)}]");                  // print(np.shape(imgs[1])) -> (784,)

// The library's IDX reader gives the same numbers.
bool same = Idx.Read(file1).Reshape(imgs.Shape).Ne(imgs).Sum().Item<long>() == 0 && Idx.Read(file2).Ne(labels).Sum().Item<long>() == 0;
Console.WriteLine($"Idx.Read agrees: {same}");

// 数据预处理 (preprocessing)
var x = imgs.Reshape(-1, 28, 28).Float();                                     // tf.convert_to_tensor(x, dtype=tf.float32)
var y = labels;                                                               // int labels (int64 here; tf.int32 in the course)
Console.WriteLine($"shape: [{string.Join(", ", x.Shape)}] [{string.Join(", ", y.Shape)}] \ndtype: {x.DType} {y.DType}");
Console.WriteLine($"x的最小值: {x.Min()} \nx的最大值: {x.Max()}");
Console.WriteLine($"y的最小值: {y.Min()} \ny的最大值: {y.Max()}");
x = x / 255.0;                                                                // 归一化处理: [0,255] -> [0,1]
var yOneHot = F.OneHot(y, 10);                                                // y = tf.one_hot(y, depth=10): shape [b, 10]
Console.WriteLine($"after: x in [{x.Min().Item()}, {x.Max().Item()}], one-hot y shape [{string.Join(", ", yOneHot.Shape)}]");
Console.WriteLine($"first label {y[0].Item()} -> {yOneHot[0]}");
