namespace SharpGrad.Plotting;

/// <summary>
/// CRC-32 (ISO-HDLC, polynomial 0xEDB88320 reflected), the checksum every PNG chunk carries
/// (what Python's <c>zlib.crc32</c> computes).
/// </summary>
public static class Crc32
{
    /// <summary>The CRC-32 of <paramref name="data"/> (<c>zlib.crc32(data)</c>).</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>
    /// Continues a running CRC-32 with more bytes: <c>Append(Compute(a), b) == Compute(a + b)</c>
    /// (<c>zlib.crc32(data, value)</c>).
    /// </summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data) => Core.Checksum.Crc32(crc, data);
}
