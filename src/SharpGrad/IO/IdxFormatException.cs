namespace SharpGrad.IO;

/// <summary>
/// An IDX file (the MNIST file format) that breaks the format: a truncated header or payload, bytes
/// after the data, a wrong magic number, an unknown type code, zero dimensions, sizes too large to be
/// real, or gzip data that does not decompress. The message names the file and the problem.
/// </summary>
public sealed class IdxFormatException : FormatException
{
    /// <summary>Creates the exception for a problem in <paramref name="fileName"/>.</summary>
    /// <param name="message">The full message, naming the file.</param>
    /// <param name="fileName">The file (or stream name) that was read.</param>
    /// <param name="innerException">The underlying error, e.g. the gzip decoder's.</param>
    public IdxFormatException(string message, string? fileName = null, Exception? innerException = null)
        : base(message, innerException)
    {
        FileName = fileName;
    }

    /// <summary>The file that was read, or the name given for a stream; null when none was given.</summary>
    public string? FileName { get; }
}
