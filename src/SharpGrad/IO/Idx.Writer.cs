using System.Buffers.Binary;
using System.IO.Compression;

namespace SharpGrad.IO;

public static partial class Idx
{
    /// <summary>
    /// Writes unsigned bytes (e.g. images or labels) as an IDX u8 file; gzip-compressed when the path
    /// ends in <c>.gz</c>. The file is replaced atomically (<see cref="AtomicFile"/>).
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="data">The values in row-major order.</param>
    /// <param name="shape">The dimensions; their product must equal <c>data.Length</c>.</param>
    public static void Write(string path, byte[] data, params int[] shape) => Write(path, new IdxArray(IdxType.UInt8, shape, data));

    /// <summary>
    /// Writes a tensor as an IDX file; gzip-compressed when the path ends in <c>.gz</c>, replaced atomically.
    /// The type code comes from the dtype (float32 → f32, float64 → f64, int64 → i32, bool → u8)
    /// unless <paramref name="type"/> says otherwise (see <see cref="IdxArray.FromTensor"/>).
    /// </summary>
    public static void Write(string path, Tensor tensor, IdxType? type = null) => Write(path, IdxArray.FromTensor(tensor, type));

    /// <summary>Writes IDX data to a file; gzip-compressed when the path ends in <c>.gz</c>, replaced atomically.</summary>
    public static void Write(string path, IdxArray array)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(array);
        bool gzip = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        AtomicFile.Write(path, stream =>
        {
            if (!gzip)
            {
                Write(stream, array);
                return;
            }
            using var compressor = new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true);
            Write(compressor, array);
        });
    }

    /// <summary>Writes IDX data uncompressed to a stream (header, then payload); the stream is not closed.</summary>
    public static void Write(Stream stream, IdxArray array)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        var header = new byte[4 + 4 * array.Shape.Length];
        header[2] = (byte)array.Type;
        header[3] = (byte)array.Shape.Length;
        for (int d = 0; d < array.Shape.Length; d++)
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * d, 4), array.Shape[d]);
        stream.Write(header);
        stream.Write(array.Data);
    }
}
