namespace SharpGrad.IO;

/// <summary>
/// A safetensors file (or byte buffer) that breaks the format: truncated, a hostile header length,
/// bad JSON, offsets that overlap, leave gaps or run past the end, sizes that disagree with the shape,
/// an unsupported dtype, ... (the Python library raises <c>SafetensorError</c> for these).
/// The message names the file and, where there is one, the tensor.
/// </summary>
public sealed class SafeTensorsFormatException : FormatException
{
    /// <summary>Creates the exception for a problem in <paramref name="fileName"/>, optionally in one tensor's entry.</summary>
    /// <param name="message">The full message, naming the file and the tensor.</param>
    /// <param name="fileName">The file that was read, or null for an in-memory buffer.</param>
    /// <param name="tensorName">The tensor whose entry is wrong, or null for a problem of the whole file.</param>
    /// <param name="innerException">The underlying error, e.g. the JSON parser's.</param>
    public SafeTensorsFormatException(string message, string? fileName = null, string? tensorName = null, Exception? innerException = null)
        : base(message, innerException)
    {
        FileName = fileName;
        TensorName = tensorName;
    }

    /// <summary>The file that was read, or null when an in-memory buffer was deserialized.</summary>
    public string? FileName { get; }

    /// <summary>The tensor whose header entry or data is wrong, or null when the problem concerns the whole file.</summary>
    public string? TensorName { get; }
}
