namespace SharpGrad.Plotting;

/// <summary>
/// CRC-32 (ISO-HDLC, polynomial 0xEDB88320 reflected), the checksum every PNG chunk carries
/// (what Python's <c>zlib.crc32</c> computes). Table-driven, one byte at a time.
/// </summary>
public static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }

    /// <summary>The CRC-32 of <paramref name="data"/> (<c>zlib.crc32(data)</c>).</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>
    /// Continues a running CRC-32 with more bytes: <c>Append(Compute(a), b) == Compute(a + b)</c>
    /// (<c>zlib.crc32(data, value)</c>).
    /// </summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint c = ~crc;
        foreach (byte b in data) c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        return ~c;
    }
}
