namespace SharpGrad.Core;

/// <summary>
/// CRC-32 (ISO-HDLC, polynomial 0xEDB88320 reflected), the checksum of PNG chunks and gzip trailers,
/// table-driven, one byte at a time. Here so that every layer (IO's gzip checks, Plotting's PNG) shares one.
/// </summary>
internal static class Checksum
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

    /// <summary>Continues a running CRC-32 (start from 0) with more bytes (<c>zlib.crc32(data, value)</c>).</summary>
    public static uint Crc32(uint crc, ReadOnlySpan<byte> data)
    {
        uint c = ~crc;
        foreach (byte b in data) c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        return ~c;
    }
}
