using System.Buffers.Binary;

namespace SharpGrad.IO;

public static partial class Idx
{
    /// <summary>
    /// .NET's gzip decoder stops silently at the end of the input, even when the last member's 8-byte trailer (CRC-32 and
    /// length of its data) is missing or cut short. The last 8 bytes of the input must be that trailer: its length names a
    /// suffix of the decompressed data (all of it for a single member) whose CRC-32 it must match.
    /// </summary>
    private static void CheckGzipTrailer(TailStream tail, IdxArray array, string name)
    {
        var problem = $"idx: '{name}': the gzip data is corrupt: its trailer (CRC-32 and length of the data) is missing, truncated or does not match the data";
        if (tail.Count < 18) throw new IdxFormatException($"{problem} (the file has only {tail.Count} bytes)", name);
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(tail.Last8);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(tail.Last8[4..]);
        // The decompressed data: magic (4 bytes), dimensions (4 each), payload.
        var shape = array.Shape;
        var header = new byte[4 + 4 * shape.Length];
        header[2] = (byte)array.Type;
        header[3] = (byte)shape.Length;
        for (int d = 0; d < shape.Length; d++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * d), shape[d]);
        long total = header.Length + (long)array.Data.Length;
        if (length > total) throw new IdxFormatException(problem, name);
        long skip = total - length;
        uint actual = 0;
        if (skip < header.Length) actual = Core.Checksum.Crc32(actual, header.AsSpan((int)skip));
        actual = Core.Checksum.Crc32(actual, array.Data.AsSpan((int)Math.Max(0, skip - header.Length)));
        if (actual != crc) throw new IdxFormatException(problem, name);
    }

    /// <summary>Passes reads through and remembers how many bytes went by and the last 8 of them.</summary>
    private sealed class TailStream(Stream inner) : ForwardOnlyStream
    {
        private readonly byte[] _last = new byte[8];

        public long Count { get; private set; }

        /// <summary>The last 8 bytes read, oldest first (meaningful once <see cref="Count"/> is at least 8).</summary>
        public ReadOnlySpan<byte> Last8 => _last;


        public override int Read(Span<byte> buffer)
        {
            int n = inner.Read(buffer);
            if (n >= 8) buffer.Slice(n - 8, 8).CopyTo(_last);
            else if (n > 0)
            {
                _last.AsSpan(n).CopyTo(_last);
                buffer[..n].CopyTo(_last.AsSpan(8 - n));
            }
            Count += n;
            return n;
        }
    }
}
