using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using SharpGrad.IO;

namespace SharpGrad.Vision;

/// <summary>
/// Downloads dataset files safely (the helpers of <c>torchvision.datasets.utils</c>): each file is
/// streamed into a temporary file in the destination folder while its MD5 is computed, and moved to
/// its final name only when the checksum matches, so a half-downloaded or corrupted file is never
/// left under the real name. Mirrors are tried in turn.
/// </summary>
public static class Download
{
    private static readonly HttpClient s_client = new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(30),
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        // Covers the wait for the response headers; reading the body has its own stall timeout.
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>How long a download may receive nothing before it is abandoned.</summary>
    internal static TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Where progress lines ("Downloading ...") go, as torchvision prints them.</summary>
    internal static Action<string> Log { get; set; } = Console.WriteLine;

    /// <summary>The MD5 of a file as 32 lowercase hex digits (<c>torchvision.datasets.utils.calculate_md5</c>).</summary>
    public static string Md5(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(MD5.HashData(file));
    }

    /// <summary>
    /// True when <paramref name="path"/> exists and, if <paramref name="md5"/> is given, has that MD5
    /// (<c>torchvision.datasets.utils.check_integrity</c>).
    /// </summary>
    public static bool CheckIntegrity(string path, string? md5 = null)
        => File.Exists(path) && (md5 is null || string.Equals(Md5(path), md5, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Downloads <paramref name="url"/> into <paramref name="folder"/> (created if missing) and returns the
    /// file's path (<c>torchvision.datasets.utils.download_url</c>). A file already there with the right MD5
    /// is kept. With <paramref name="md5"/>, a download whose checksum differs is deleted and reported.
    /// </summary>
    /// <param name="url">The http(s) address of the file.</param>
    /// <param name="folder">The folder to put the file in.</param>
    /// <param name="fileName">The name to save it under; by default the last segment of the URL.</param>
    /// <param name="md5">The expected MD5 (hex), or null to accept any content.</param>
    /// <exception cref="IOException">The download failed; the message names the URL and the reason.</exception>
    public static string Url(string url, string folder, string? fileName = null, string? md5 = null)
        => UrlAsync(url, folder, fileName, md5).GetAwaiter().GetResult();

    /// <summary>
    /// <see cref="Url"/> without blocking: reports the bytes received through <paramref name="progress"/> and stops
    /// (deleting the partial file) when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    /// <param name="url">The http(s) address of the file.</param>
    /// <param name="folder">The folder to put the file in.</param>
    /// <param name="fileName">The name to save it under; by default the last segment of the URL.</param>
    /// <param name="md5">The expected MD5 (hex), or null to accept any content.</param>
    /// <param name="progress">Told about each chunk received (and once at the start of each attempt), or null.</param>
    /// <param name="cancellationToken">Cancels the download; the task then ends in <see cref="OperationCanceledException"/>.</param>
    /// <returns>The path of the downloaded (or already present) file.</returns>
    /// <exception cref="IOException">The download failed; the message names the URL and the reason.</exception>
    public static Task<string> UrlAsync(string url, string folder, string? fileName = null, string? md5 = null,
        IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        fileName ??= Path.GetFileName(new Uri(url).AbsolutePath);
        return MirrorsAsync([url], "", folder, fileName, md5, progress, cancellationToken);
    }

    /// <summary>
    /// Downloads <paramref name="fileName"/> from the first of <paramref name="mirrors"/> that serves it with
    /// the expected MD5 (each mirror is a base URL the file name is appended to), into <paramref name="folder"/>
    /// (created if missing). Returns the file's path. A file already there with the right MD5 is kept.
    /// </summary>
    /// <exception cref="IOException">No mirror delivered the file; the message lists every URL tried and why it failed.</exception>
    public static string FromMirrors(IReadOnlyList<string> mirrors, string fileName, string folder, string? md5 = null)
        => FromMirrorsAsync(mirrors, fileName, folder, md5).GetAwaiter().GetResult();

    /// <summary><see cref="FromMirrors"/> without blocking, with progress reports and cancellation (see <see cref="UrlAsync"/>).</summary>
    /// <param name="mirrors">Base URLs the file name is appended to, tried in turn.</param>
    /// <param name="fileName">The file to fetch and the name to save it under.</param>
    /// <param name="folder">The folder to put the file in.</param>
    /// <param name="md5">The expected MD5 (hex), or null to accept any content.</param>
    /// <param name="progress">Told about each chunk received, or null.</param>
    /// <param name="cancellationToken">Cancels the download; the task then ends in <see cref="OperationCanceledException"/>.</param>
    /// <returns>The path of the downloaded (or already present) file.</returns>
    /// <exception cref="IOException">No mirror delivered the file; the message lists every URL tried and why it failed.</exception>
    public static Task<string> FromMirrorsAsync(IReadOnlyList<string> mirrors, string fileName, string folder, string? md5 = null,
        IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mirrors);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        if (mirrors.Count == 0) throw new ArgumentException("download: no mirrors given", nameof(mirrors));
        return MirrorsAsync(mirrors, fileName, folder, fileName, md5, progress, cancellationToken);
    }

    private static async Task<string> MirrorsAsync(IReadOnlyList<string> bases, string suffix, string folder, string fileName, string? md5,
        IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (fileName.Length == 0 || fileName != Path.GetFileName(fileName))
            throw new ArgumentException($"download: '{fileName}' is not a plain file name", nameof(fileName));
        Directory.CreateDirectory(folder);
        string destination = Path.Combine(folder, fileName);
        if (File.Exists(destination) && (md5 is null || CheckIntegrity(destination, md5)))
            return destination;

        var failures = new List<string>();
        foreach (string mirror in bases)
        {
            string url = suffix.Length == 0 ? mirror : mirror.TrimEnd('/') + "/" + suffix;
            Log($"Downloading {url} to {destination}");
            try
            {
                await FetchAsync(url, destination, fileName, md5, progress, cancellationToken).ConfigureAwait(false);
                return destination;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested &&
                e is HttpRequestException or IOException or InvalidDataException or OperationCanceledException or UriFormatException or NotSupportedException)
            {
                string reason = e is OperationCanceledException ? "timed out" : e.Message;
                failures.Add($"  {url}: {reason}");
                Log($"Failed to download {url} ({reason}); trying the next mirror if there is one");
            }
        }
        throw new IOException(
            $"download: could not get {fileName}; tried:\n{string.Join('\n', failures)}\n" +
            $"Put the file into {folder} yourself (from any copy{(md5 is null ? "" : $" whose MD5 is {md5}")}) and try again.");
    }

    /// <summary>Streams <paramref name="url"/> into a temp file next to <paramref name="destination"/>, checks it, then renames it.</summary>
    private static async Task FetchAsync(string url, string destination, string fileName, string? md5, IProgress<DownloadProgress>? progress,
        CancellationToken cancellationToken)
    {
        // Cancelled by the caller, or after StallTimeout without data (the timer restarts with every chunk).
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StallTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        using var response = await s_client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
        long? expectedLength = response.Content.Headers.ContentLength;
        await using var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
        progress?.Report(new DownloadProgress(fileName, url, 0, expectedLength));
        await AtomicFile.WriteAsync(destination, async (file, token) =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            var buffer = new byte[1 << 16];
            long total = 0;
            while (true)
            {
                timeout.CancelAfter(StallTimeout);
                int n = await body.ReadAsync(buffer, token).ConfigureAwait(false);
                if (n == 0) break;
                hash.AppendData(buffer, 0, n);
                await file.WriteAsync(buffer.AsMemory(0, n), token).ConfigureAwait(false);
                total += n;
                progress?.Report(new DownloadProgress(fileName, url, total, expectedLength));
            }
            if (expectedLength is long length && total != length)
                throw new IOException($"the connection closed after {total} of {length} bytes");
            string actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (md5 is not null && !string.Equals(actual, md5, StringComparison.OrdinalIgnoreCase))
                throw new InvalidDataException($"checksum mismatch: the downloaded file's MD5 is {actual}, expected {md5.ToLowerInvariant()} (file discarded)");
        }, timeout.Token).ConfigureAwait(false);
    }
}

/// <summary>Where a download stands, as reported to an <see cref="IProgress{T}"/> (what tqdm shows for torchvision's downloads).</summary>
/// <param name="FileName">The file being fetched.</param>
/// <param name="Url">The address it comes from (the mirror being tried).</param>
/// <param name="BytesReceived">Bytes received so far.</param>
/// <param name="TotalBytes">The file's size when the server said it, else null.</param>
public readonly record struct DownloadProgress(string FileName, string Url, long BytesReceived, long? TotalBytes)
{
    /// <summary>The fraction done in [0, 1], or null when the size is unknown.</summary>
    public double? Fraction => TotalBytes is > 0 ? Math.Min(1.0, (double)BytesReceived / TotalBytes.Value) : null;
}
