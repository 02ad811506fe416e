namespace SharpGrad.IO;

/// <summary>
/// Writes files so that a reader never sees a half-written file and a failed write never damages
/// the previous version: the content goes to a temporary file in the same directory, is flushed to
/// disk, and then replaces the target with a single rename (what <c>torch.save</c> does not do, and
/// what checkpoints, exported models, metrics and plots written by SharpGrad and its tools all need).
/// Public so that the command-line tool and the dashboard write their files the same way.
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="path"/> atomically: <paramref name="write"/> fills a fresh temporary file
    /// next to it (a unique name starting with the target's name and ending in <c>.tmp</c>), which is
    /// flushed to disk and then moved onto <paramref name="path"/>, replacing any existing file.
    /// If <paramref name="write"/> or any step throws, the temporary file is deleted, the existing
    /// target is left untouched, and the exception propagates.
    /// </summary>
    /// <param name="path">The file to create or replace; its directory must exist.</param>
    /// <param name="write">Writes the whole content to the stream it is given (do not dispose it).</param>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var (full, temp) = Prepare(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// <see cref="Write(string, Action{Stream})"/> for content produced asynchronously (a download): the same temporary
    /// file, flush and rename; on an exception or cancellation the temporary file is deleted and the target left as it was.
    /// </summary>
    /// <param name="path">The file to create or replace; its directory must exist.</param>
    /// <param name="write">Writes the whole content to the stream it is given (do not dispose it).</param>
    /// <param name="cancellationToken">Passed to <paramref name="write"/>.</param>
    public static async Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        var (full, temp) = Prepare(path);
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await write(stream, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>The full target path and a fresh temporary name beside it (same directory, so the rename is atomic).</summary>
    private static (string Full, string Temp) Prepare(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)
            ?? throw new ArgumentException($"atomic write: '{path}' names no file inside a directory", nameof(path));
        string name = Path.GetFileName(full);
        if (name.Length == 0) throw new ArgumentException($"atomic write: '{path}' names a directory, not a file", nameof(path));
        return (full, Path.Combine(directory, $".{name}.{Guid.NewGuid():N}.tmp"));
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically (see <see cref="Write(string, Action{Stream})"/>).</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark) to <paramref name="path"/> atomically.</summary>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Write(path, s =>
        {
            using var writer = new StreamWriter(s, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
            writer.Write(text);
        });
    }

    private static void TryDelete(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (IOException)
        {
            // The original exception matters more than a leftover temporary file.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
