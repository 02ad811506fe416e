using System.Buffers.Binary;
using System.IO.Compression;

namespace SharpGrad.IO;

/// <summary>
/// Reads and writes IDX files, the format of MNIST and its relatives: two zero bytes, a type code,
/// the number of dimensions, each dimension as a big-endian 32-bit integer, then the elements in
/// row-major order, big-endian. Files may be gzip-compressed (recognised by their content, not by the
/// name). The reader validates the header before allocating anything from it and insists that the
/// data is exactly as long as the header says.
/// </summary>
public static partial class Idx
{
    /// <summary>
    /// The largest payload the reader accepts, in bytes (the largest .NET byte array). Anything bigger
    /// is a corrupt or hostile header, not a real IDX file.
    /// </summary>
    public static readonly long MaxPayloadBytes = Array.MaxLength;

    private const int FirstChunk = 1 << 20;

    /// <summary>
    /// Reads an IDX file (raw or gzip) as a tensor: u8, i8, i16 and i32 data become int64, f32 becomes
    /// float32 and f64 float64 (like <c>torchvision.datasets.mnist.read_sn3_pascalvincent_tensor</c>).
    /// </summary>
    /// <exception cref="IdxFormatException">The file is not a well-formed IDX file; the message names it and the problem.</exception>
    public static Tensor Read(string path) => ReadRaw(path).ToTensor();

    /// <summary>Reads IDX data (raw or gzip) from a stream as a tensor; see <see cref="Read(string)"/>.</summary>
    /// <param name="stream">The stream, positioned at the start of the IDX data; it is read to its end and not closed.</param>
    /// <param name="name">A name for error messages, e.g. where the stream came from.</param>
    public static Tensor Read(Stream stream, string? name = null) => ReadRaw(stream, name).ToTensor();

    /// <summary>
    /// Reads an IDX file (raw or gzip) as stored: type, dimensions and payload bytes, without widening
    /// the elements (60,000 MNIST images stay 47 MB instead of 376 MB as int64).
    /// </summary>
    /// <exception cref="IdxFormatException">The file is not a well-formed IDX file.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IdxArray ReadRaw(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path)) throw new IOException($"idx: '{path}' is a directory, not an IDX file");
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return ReadRaw(file, path);
    }

    /// <summary>Reads IDX data (raw or gzip) from a stream as stored; see <see cref="ReadRaw(string)"/>.</summary>
    /// <param name="stream">The stream, positioned at the start of the IDX data; it is read to its end and not closed.</param>
    /// <param name="name">A name for error messages, e.g. where the stream came from.</param>
    public static IdxArray ReadRaw(Stream stream, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        name ??= "<stream>";
        long? available = stream.CanSeek ? stream.Length - stream.Position : null;
        var start = new byte[2];
        int got = ReadFully(stream, start, name, compressed: false);
        var replay = new ReplayStream(start.AsSpan(0, got).ToArray(), stream);
        if (got == 2 && start[0] == 0x1f && start[1] == 0x8b)
        {
            var tail = new TailStream(replay);
            IdxArray array;
            using (var gzip = new GZipStream(tail, CompressionMode.Decompress, leaveOpen: true))
                array = Parse(gzip, name, available: null, compressed: true);
            CheckGzipTrailer(tail, array, name);
            return array;
        }
        return Parse(replay, name, available, compressed: false);
    }

    private static IdxArray Parse(Stream stream, string name, long? available, bool compressed)
    {
        string what = compressed ? "the decompressed data" : "the file";
        Span<byte> magic = stackalloc byte[4];
        int got = ReadFully(stream, magic, name, compressed);
        if (got < 4)
            throw Error(name, $"truncated header: {what} has only {got} byte(s), but an IDX file starts with a 4-byte magic number");
        if (magic[0] != 0 || magic[1] != 0)
            throw Error(name,
                $"bad magic number 0x{magic[0]:X2}{magic[1]:X2}{magic[2]:X2}{magic[3]:X2}: an IDX file starts with two zero bytes, then a type code and the number of dimensions (is this an IDX file?)");
        var type = (IdxType)magic[2];
        if (!Enum.IsDefined(type))
            throw Error(name,
                $"unknown data type code 0x{magic[2]:X2}; IDX defines 0x08 (unsigned byte), 0x09 (signed byte), 0x0B (short), 0x0C (int), 0x0D (float) and 0x0E (double)");
        int ndim = magic[3];
        if (ndim == 0)
            throw Error(name, "the header declares 0 dimensions; IDX data has at least one");

        int headerBytes = 4 + 4 * ndim;
        var dimBytes = new byte[4 * ndim];
        got = ReadFully(stream, dimBytes, name, compressed);
        if (got < dimBytes.Length)
            throw Error(name,
                $"truncated header: {ndim} dimensions need a {headerBytes}-byte header, but {what} ends after {4 + got} bytes");

        var shape = new int[ndim];
        bool empty = false;
        for (int d = 0; d < ndim; d++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(dimBytes.AsSpan(4 * d, 4));
            if (size > int.MaxValue)
                throw Error(name, $"dimension {d} of the header is {size}, larger than the maximum {int.MaxValue} (corrupt header?)");
            shape[d] = (int)size;
            empty |= size == 0;
        }
        int itemSize = IdxArray.ItemSize(type);
        long payload = empty ? 0 : itemSize;
        if (!empty)
        {
            foreach (int size in shape)
            {
                if (payload > MaxPayloadBytes / size)
                    throw Error(name,
                        $"the header's dimensions {Core.Shape.Format(shape)} of {IdxArray.TypeName(type)} describe more than {MaxPayloadBytes} bytes of data, the most an IDX array may hold here (corrupt header?)");
                payload *= size;
            }
        }
        string described = $"the header {Core.Shape.Format(shape)} of {IdxArray.TypeName(type)} needs {payload} bytes of data after the {headerBytes}-byte header";

        // A file of known length is checked before anything is allocated.
        if (available is long total)
        {
            long after = total - headerBytes;
            if (after < payload) throw Error(name, $"truncated data: {described}, but only {after} follow");
            if (after > payload) throw Error(name, $"{after - payload} unexpected trailing byte(s): {described}, but {after} follow");
        }

        // Otherwise the buffer grows only as far as data actually arrives, so a lying header costs nothing.
        var data = new byte[(int)(available is null ? Math.Min(payload, FirstChunk) : payload)];
        long filled = 0;
        while (true)
        {
            int n = ReadFully(stream, data.AsSpan((int)filled), name, compressed);
            filled += n;
            if (filled < data.Length)
                throw Error(name, $"truncated data: {described}, but {what} ends after {filled} of them");
            if (filled == payload) break;
            Array.Resize(ref data, (int)Math.Min(payload, 2L * data.Length));
        }
        long extra = CountRemaining(stream, name, compressed);
        if (extra > 0)
            throw Error(name, $"{extra} unexpected trailing byte(s): {described}, but {what} has more after them");
        return new IdxArray(type, shape, data);
    }

    private static long CountRemaining(Stream stream, string name, bool compressed)
    {
        // Counts at most a few megabytes: enough for the message, bounded for a gzip bomb.
        const long Limit = 1 << 22;
        var scratch = new byte[1 << 14];
        long count = 0;
        while (count < Limit)
        {
            int n = ReadFully(stream, scratch, name, compressed);
            count += n;
            if (n < scratch.Length) break;
        }
        return count;
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns the bytes read.</summary>
    private static int ReadFully(Stream stream, Span<byte> buffer, string name, bool compressed)
    {
        int total = 0;
        try
        {
            while (total < buffer.Length)
            {
                int n = stream.Read(buffer[total..]);
                if (n == 0) break;
                total += n;
            }
        }
        catch (InvalidDataException e) when (compressed)
        {
            // zlib's checks (a damaged deflate stream, a CRC-32 or length trailer that does not match) all reach .NET as one
            // misleading "unsupported compression method".
            throw new IdxFormatException(
                $"idx: '{name}': the gzip data is corrupt: the compressed data is damaged, or the data does not match the CRC-32 and length in the gzip trailer",
                name, e);
        }
        return total;
    }

    private static IdxFormatException Error(string name, string problem) => new($"idx: '{name}': {problem}", name);

    /// <summary>Plays back bytes already taken from a stream, then reads the rest of it (so the format can be sniffed on unseekable streams).</summary>
    private sealed class ReplayStream(byte[] prefix, Stream inner) : ForwardOnlyStream
    {
        private int _used;


        public override int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty) return 0;
            if (_used < prefix.Length)
            {
                int n = Math.Min(buffer.Length, prefix.Length - _used);
                prefix.AsSpan(_used, n).CopyTo(buffer);
                _used += n;
                return n;
            }
            return inner.Read(buffer);
        }
    }

    /// <summary>A read-only, forward-only stream: the members every such wrapper refuses.</summary>
    private abstract class ForwardOnlyStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public abstract override int Read(Span<byte> buffer);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
