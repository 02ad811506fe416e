using System.Diagnostics;
using SharpGrad.IO;

namespace SharpGrad.Tests;

/// <summary>
/// AtomicFile keeps the identity of the file it replaces: its mode and owner, a symlink (written through to its target),
/// and refuses a read-only file, as torch.save (PermissionError) does. Killed saves leave no temporary file behind for long.
/// </summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sharpgrad-atomic-").FullName;

    public void Dispose()
    {
        foreach (var f in Directory.EnumerateFiles(_dir, "*", SearchOption.AllDirectories))
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Directory.Delete(_dir, recursive: true);
    }

    private static string Stat(string format, string path)
    {
        var p = Process.Start(new ProcessStartInfo("stat", ["-c", format, path]) { RedirectStandardOutput = true })!;
        string text = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return text;
    }

    [Fact]
    public void Write_KeepsAPrivateFilesMode()
    {
        if (OperatingSystem.IsWindows()) return; // Unix file modes and owners
        string path = Path.Combine(_dir, "m.safetensors");
        File.WriteAllText(path, "old");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        AtomicFile.WriteAllText(path, "new");
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.UserExecute);
        AtomicFile.WriteAllText(path, "newer");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.UserExecute, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Write_KeepsTheOwner()
    {
        if (OperatingSystem.IsWindows()) return; // Unix file modes and owners
        if (Environment.UserName != "root") return; // giving a file to another user needs root (CI runs as root)
        string path = Path.Combine(_dir, "owned.bin");
        File.WriteAllText(path, "old");
        Process.Start("chown", ["1234:2345", path]).WaitForExit();
        Assert.Equal("1234:2345", Stat("%u:%g", path));
        AtomicFile.WriteAllText(path, "new");
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal("1234:2345", Stat("%u:%g", path));
    }

    [Fact]
    public void Write_RefusesAReadOnlyFileAndLeavesItAlone()
    {
        if (OperatingSystem.IsWindows()) return; // Unix file modes and owners
        string path = Path.Combine(_dir, "frozen.safetensors");
        File.WriteAllText(path, "keep me");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var ex = Assert.Throws<UnauthorizedAccessException>(() => AtomicFile.WriteAllText(path, "overwritten"));
        Assert.Contains(path, ex.Message);
        Assert.Contains("read-only", ex.Message);
        Assert.Equal("keep me", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    [Fact]
    public void Write_GoesThroughASymlinkToItsTarget()
    {
        string real = Directory.CreateDirectory(Path.Combine(_dir, "real")).FullName;
        string target = Path.Combine(real, "m.safetensors");
        File.WriteAllText(target, "stale");
        string link = Path.Combine(_dir, "link.safetensors");
        File.CreateSymbolicLink(link, Path.Combine("real", "m.safetensors"));

        AtomicFile.WriteAllText(link, "fresh");

        Assert.NotNull(new FileInfo(link).LinkTarget);                    // still a link
        Assert.Equal("fresh", File.ReadAllText(target));                   // the target got the content
        Assert.Equal([target], Directory.GetFiles(real));                  // replaced atomically there, no temporary left
        Assert.Equal([link], Directory.GetFiles(_dir));

        // A chain of links and a dangling link end at the final target too.
        string second = Path.Combine(_dir, "second.safetensors");
        File.CreateSymbolicLink(second, link);
        AtomicFile.WriteAllText(second, "again");
        Assert.Equal("again", File.ReadAllText(target));
        string dangling = Path.Combine(_dir, "dangling.bin");
        File.CreateSymbolicLink(dangling, Path.Combine(real, "new.bin"));
        AtomicFile.WriteAllText(dangling, "created");
        Assert.Equal("created", File.ReadAllText(Path.Combine(real, "new.bin")));
    }

    [Fact]
    public void Write_RemovesTemporaryFilesOfKilledSaves()
    {
        string path = Path.Combine(_dir, "m.safetensors");
        // What a save killed in a process that no longer exists leaves: the naming AtomicFile documents.
        int deadPid = DeadProcessId();
        string stale = Path.Combine(_dir, $".m.safetensors.{deadPid}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(stale, new byte[100]);
        // One of a save in progress in a live process (this one) stays.
        string live = Path.Combine(_dir, $".m.safetensors.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(live, new byte[100]);
        // A temporary file of another target and an unrelated file stay too.
        string other = Path.Combine(_dir, $".other.bin.{deadPid}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(other, new byte[10]);

        AtomicFile.WriteAllText(path, "x");

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(other));
        Assert.Equal("x", File.ReadAllText(path));
    }

    [Fact]
    public void Write_ErrorsNameTheTargetNotTheTemporaryFile()
    {
        string path = Path.Combine(_dir, "missing", "m.safetensors");
        var ex = Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.WriteAllText(path, "x"));
        Assert.Contains(path, ex.Message);
        Assert.DoesNotContain(".tmp", ex.Message);

        string folder = Directory.CreateDirectory(Path.Combine(_dir, "taken")).FullName;
        var io = Assert.ThrowsAny<IOException>(() => AtomicFile.WriteAllText(folder, "x"));
        Assert.Contains(folder, io.Message);
        Assert.Contains("directory", io.Message);
        Assert.DoesNotContain(".tmp", io.Message);
        Assert.Equal([folder], Directory.GetDirectories(_dir).Where(d => d.EndsWith("taken", StringComparison.Ordinal)));
        Assert.Empty(Directory.GetFiles(_dir));
    }

    /// <summary>A process id that no running process has.</summary>
    private static int DeadProcessId()
    {
        var p = Process.Start(new ProcessStartInfo("true"))!;
        p.WaitForExit();
        return p.Id;
    }
}
