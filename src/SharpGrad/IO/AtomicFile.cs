using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace SharpGrad.IO;

/// <summary>
/// Writes files so that a reader never sees a half-written file and a failed write never damages
/// the previous version: the content goes to a temporary file in the same directory, is flushed to
/// disk, and then replaces the target with a single rename (what <c>torch.save</c> does not do, and
/// what checkpoints, exported models, metrics and plots written by SharpGrad and its tools all need).
/// The replaced file keeps its identity: its mode and owner are copied to the new file, a symbolic link
/// is written through (its final target is replaced, atomically, and the link stays), and a read-only
/// file is refused as <c>torch.save</c> refuses it (PermissionError).
/// Public so that the command-line tool and the dashboard write their files the same way.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="path"/> atomically: <paramref name="write"/> fills a fresh temporary file
    /// next to it, which is flushed to disk and then moved onto <paramref name="path"/>, replacing any existing file.
    /// The temporary file is named <c>.&lt;name&gt;.&lt;process id&gt;.&lt;random&gt;.tmp</c>; a save killed midway leaves
    /// it behind, and the next save of the same target deletes those whose process no longer runs.
    /// If <paramref name="write"/> or any step throws, the temporary file is deleted, the existing
    /// target is left untouched, and the exception propagates (file-system errors name <paramref name="path"/>,
    /// never the temporary file).
    /// </summary>
    /// <param name="path">The file to create or replace; its directory must exist. A symbolic link is followed to its final target.</param>
    /// <param name="write">Writes the whole content to the stream it is given (do not dispose it).</param>
    /// <exception cref="UnauthorizedAccessException">The target exists and is read-only (no write permission bit, or the OS denies writing).</exception>
    /// <exception cref="IOException">The path names a directory, its directory does not exist, or writing failed.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var (full, target, temp, replacing) = Prepare(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            if (replacing && !OperatingSystem.IsWindows()) CopyIdentity(target, temp);
            File.Move(temp, target, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw NameTarget(ex, temp, full);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// <see cref="Write(string, Action{Stream})"/> for content produced asynchronously (a download): the same temporary
    /// file, flush, identity copy and rename; on an exception or cancellation the temporary file is deleted and the
    /// target left as it was.
    /// </summary>
    /// <param name="path">The file to create or replace; its directory must exist.</param>
    /// <param name="write">Writes the whole content to the stream it is given (do not dispose it).</param>
    /// <param name="cancellationToken">Passed to <paramref name="write"/>.</param>
    /// <exception cref="UnauthorizedAccessException">The target exists and is read-only.</exception>
    /// <exception cref="IOException">The path names a directory, its directory does not exist, or writing failed.</exception>
    public static async Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        var (full, target, temp, replacing) = Prepare(path);
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await write(stream, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            if (replacing && !OperatingSystem.IsWindows()) CopyIdentity(target, temp);
            File.Move(temp, target, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw NameTarget(ex, temp, full);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Checks the target and picks the temporary file beside it (same directory, so the final rename is atomic).</summary>
    private static (string Full, string Target, string Temp, bool Replacing) Prepare(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (Path.GetFileName(full).Length == 0) throw new ArgumentException($"atomic write: '{path}' names a directory, not a file", nameof(path));
        string target = FinalTarget(full);
        string directory = Path.GetDirectoryName(target)
            ?? throw new ArgumentException($"atomic write: '{path}' names no file inside a directory", nameof(path));
        string name = Path.GetFileName(target);
        if (Directory.Exists(target)) throw new IOException($"cannot write '{full}': it is a directory");
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"cannot write '{full}': the directory '{directory}' does not exist");
        bool replacing = File.Exists(target);
        if (replacing) CheckWritable(full, target);
        RemoveStaleTemporaries(directory, name);
        string temp = Path.Combine(directory, $".{name}.{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}.{Guid.NewGuid():N}.tmp");
        return (full, target, temp, replacing);
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

    /// <summary>The file a chain of symbolic links ends at (the path itself when it is no link); the end may not exist yet.</summary>
    private static string FinalTarget(string full)
    {
        var info = new FileInfo(full);
        if (info.LinkTarget is null) return full;
        try
        {
            return info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
        }
        catch (IOException ex)
        {
            throw new IOException($"cannot write '{full}': its symbolic link cannot be followed ({ex.Message})", ex);
        }
    }

    /// <summary>Refuses a target without any write permission bit (even for root, as a read-only file), or one the OS will not let this user write.</summary>
    private static void CheckWritable(string full, string target)
    {
        string shown = target == full ? $"'{full}'" : $"'{full}' (a link to '{target}')";
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(target);
            if ((mode & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0)
                throw new UnauthorizedAccessException($"cannot write {shown}: the file is read-only (mode {Octal(mode)})");
        }
        else if (File.GetAttributes(target).HasFlag(FileAttributes.ReadOnly))
            throw new UnauthorizedAccessException($"cannot write {shown}: the file is read-only");
        try
        {
            // Opening for writing without truncating asks the OS the question the user's permissions answer.
            using var probe = new FileStream(target, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new UnauthorizedAccessException($"cannot write {shown}: permission denied", ex);
        }
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8);

    /// <summary>Gives the new file the mode and owner of the file it replaces (the owner where the OS allows it).</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void CopyIdentity(string target, string temp)
    {
        File.SetUnixFileMode(temp, File.GetUnixFileMode(target));
        if (!OperatingSystem.IsLinux() || !Owner(target, out uint uid, out uint gid) || !Owner(temp, out uint newUid, out uint newGid)) return;
        if (uid == newUid && gid == newGid) return;
        // Only root may give a file away; others may still keep the group when they belong to it.
        if (Chown(temp, uid, gid) != 0 && gid != newGid) _ = Chown(temp, uint.MaxValue, gid);
        // chown clears the set-user-id and set-group-id bits: put the mode back.
        File.SetUnixFileMode(temp, File.GetUnixFileMode(target));
    }

    /// <summary>The owner of a file through statx(2), whose record has the same layout on every Linux architecture.</summary>
    internal static unsafe bool Owner(string path, out uint uid, out uint gid)
    {
        const int AtFdCwd = -100;
        const uint StatxUid = 0x8, StatxGid = 0x10;
        byte* buffer = stackalloc byte[256];
        uid = gid = 0;
        if (Statx(AtFdCwd, path, 0, StatxUid | StatxGid, buffer) != 0) return false;
        uid = *(uint*)(buffer + 20); // struct statx: u32 mask, u32 blksize, u64 attributes, u32 nlink, u32 uid, u32 gid
        gid = *(uint*)(buffer + 24);
        return true;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "chown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Chown(string path, uint owner, uint group);

    /// <summary>
    /// Deletes the temporary files of earlier saves of <paramref name="name"/> whose process no longer runs (a save
    /// killed midway). Those of live processes, saves in progress, stay.
    /// </summary>
    private static void RemoveStaleTemporaries(string directory, string name)
    {
        if (name.IndexOfAny(['*', '?']) >= 0) return;
        string prefix = "." + name + ".";
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(directory, prefix + "*.tmp");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (string file in candidates)
        {
            // .<name>.<pid>.<32 hex digits>.tmp
            string middle = Path.GetFileName(file)[prefix.Length..^".tmp".Length];
            int dot = middle.IndexOf('.', StringComparison.Ordinal);
            if (dot < 0 || middle.Length - dot - 1 != 32 || !int.TryParse(middle.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
            if (pid == Environment.ProcessId || Alive(pid)) continue;
            TryDelete(file);
        }
    }

    private static bool Alive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The same kind of exception with the target's path where the message named the temporary file.</summary>
    private static Exception NameTarget(Exception ex, string temp, string full)
    {
        if (!ex.Message.Contains(temp, StringComparison.Ordinal)) return ex;
        string message = ex.Message.Replace(temp, full, StringComparison.Ordinal);
        return ex switch
        {
            UnauthorizedAccessException => new UnauthorizedAccessException(message, ex),
            DirectoryNotFoundException => new DirectoryNotFoundException(message, ex),
            FileNotFoundException => new FileNotFoundException(message, full, ex),
            PathTooLongException => new PathTooLongException(message, ex),
            _ => new IOException(message, ex) { HResult = ex.HResult },
        };
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
