using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using SharpGrad.Vision;

namespace SharpGrad.Tests;

/// <summary>Downloads against a real HTTP server on 127.0.0.1 serving small generated IDX files.</summary>
public sealed class DownloadTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sharpgrad-download-").FullName;
    private readonly LocalServer _server = new();
    private readonly Dictionary<string, byte[]> _files = new();

    public DownloadTests()
    {
        string staging = Path.Combine(_root, "staging");
        FakeMnist.Write(staging, gzip: true);
        foreach (string path in Directory.GetFiles(staging))
        {
            _files[Path.GetFileName(path)] = File.ReadAllBytes(path);
            _server.Routes["/good/" + Path.GetFileName(path)] = File.ReadAllBytes(path);
            var corrupted = File.ReadAllBytes(path);
            corrupted[^5] ^= 0x40;
            _server.Routes["/corrupt/" + Path.GetFileName(path)] = corrupted;
            _server.Truncated.Add("/truncated/" + Path.GetFileName(path));
            _server.Routes["/truncated/" + Path.GetFileName(path)] = File.ReadAllBytes(path);
        }
        Directory.Delete(staging, recursive: true);
    }

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private MnistSource Source(params string[] mirrors) => new(
        "MNIST",
        mirrors.Select(m => _server.Url(m)).ToArray(),
        _files.Keys.Order().Select(name => (name, Convert.ToHexStringLower(MD5.HashData(_files[name])))).ToArray(),
        MNIST.ClassNames,
        "");

    private string Raw => Path.Combine(_root, "MNIST", "raw");

    private void AssertRawFolderHoldsExactlyTheFiles()
    {
        Assert.Equal(_files.Keys.Order(), Directory.GetFiles(Raw).Select(Path.GetFileName).Order());
        foreach (var (name, bytes) in _files) Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(Raw, name)));
    }

    [Fact]
    public void Download_FetchesTheFourFilesIntoTheRawFolder_AndLoads()
    {
        var train = new MNIST(_root, true, null, null, download: true, Source("good/"));
        Assert.Equal(FakeMnist.TrainCount, train.Count);
        Assert.Equal(FakeMnist.Label(3), train[3].Label);
        AssertRawFolderHoldsExactlyTheFiles();
        Assert.Equal(4, _server.Requests.Count);
        Assert.Contains("/good/t10k-labels-idx1-ubyte.gz", _server.Requests);

        // Everything is on disk now: no second download, for either split.
        var test = new MNIST(_root, false, null, null, download: true, Source("good/"));
        Assert.Equal(FakeMnist.TestCount, test.Count);
        Assert.Equal(4, _server.Requests.Count);
    }

    [Fact]
    public void Download_FashionMnist_GoesToItsOwnFolder()
    {
        var source = Source("good/") with { Name = "FashionMNIST", Classes = FashionMNIST.ClassNames };
        var ds = new FashionMNIST(_root, false, null, null, download: true, source);
        Assert.Equal(FakeMnist.TestCount, ds.Count);
        Assert.Equal(4, Directory.GetFiles(Path.Combine(_root, "FashionMNIST", "raw")).Length);
    }

    [Fact]
    public void Download_SkipsAMirrorThatAnswers404()
    {
        var ds = new MNIST(_root, true, null, null, download: true, Source("missing/", "good/"));
        Assert.Equal(FakeMnist.TrainCount, ds.Count);
        AssertRawFolderHoldsExactlyTheFiles();
        Assert.Contains("/missing/train-images-idx3-ubyte.gz", _server.Requests);
        Assert.Contains("/good/train-images-idx3-ubyte.gz", _server.Requests);
    }

    [Fact]
    public void Download_RejectsAFileWithTheWrongChecksum_AndTriesTheNextMirror()
    {
        var ds = new MNIST(_root, true, null, null, download: true, Source("corrupt/", "good/"));
        AssertIsFirstImageOfFake(ds);
        AssertRawFolderHoldsExactlyTheFiles();
        Assert.Contains("/corrupt/train-labels-idx1-ubyte.gz", _server.Requests);
    }

    [Fact]
    public void Download_CorruptedEverywhere_LeavesNothingOnDisk()
    {
        Check.Throws<IOException>(() => new MNIST(_root, true, null, null, download: true, Source("corrupt/")),
            "could not get", "checksum mismatch", _server.Url("corrupt/") + "t10k-images-idx3-ubyte.gz", "expected " + Source().Resources[0].Md5);
        Assert.Empty(Directory.GetFileSystemEntries(Raw));
    }

    [Fact]
    public void Download_CutOffTransfer_IsNeverUsed()
    {
        Check.Throws<IOException>(() => new MNIST(_root, true, null, null, download: true, Source("truncated/")),
            "could not get", _server.Url("truncated/") + "t10k-images-idx3-ubyte.gz");
        Assert.Empty(Directory.GetFileSystemEntries(Raw));
        var ds = new MNIST(_root, true, null, null, download: true, Source("truncated/", "good/"));
        AssertIsFirstImageOfFake(ds);
        AssertRawFolderHoldsExactlyTheFiles();
    }

    [Fact]
    public void Download_AllMirrorsFailing_ListsEveryUrlTried()
    {
        int closedPort = LocalServer.FreePort();
        var source = Source("nothing/", "gone/") with
        {
            Mirrors = [_server.Url("nothing/"), _server.Url("gone/"), $"http://127.0.0.1:{closedPort}/mnist/"],
        };
        Check.Throws<IOException>(() => new MNIST(_root, true, null, null, download: true, source),
            "download: could not get t10k-images-idx3-ubyte.gz; tried:",
            _server.Url("nothing/") + "t10k-images-idx3-ubyte.gz: HTTP 404",
            _server.Url("gone/") + "t10k-images-idx3-ubyte.gz: HTTP 404",
            $"http://127.0.0.1:{closedPort}/mnist/t10k-images-idx3-ubyte.gz: ",
            "Put the file into " + Raw);
        Assert.Empty(Directory.GetFileSystemEntries(Raw));
    }

    [Fact]
    public void Download_NotNeeded_WhenTheFilesAreInAnyRootLayout()
    {
        FakeMnist.Write(_root, gzip: false);
        var ds = new MNIST(_root, false, null, null, download: true, Source("good/"));
        Assert.Equal(FakeMnist.TestCount, ds.Count);
        Assert.Empty(_server.Requests);
        Assert.False(Directory.Exists(Raw));
    }

    [Fact]
    public void Download_OnlyFetchesWhatIsMissing()
    {
        Directory.CreateDirectory(Raw);
        File.WriteAllBytes(Path.Combine(Raw, "train-images-idx3-ubyte.gz"), _files["train-images-idx3-ubyte.gz"]);
        new MNIST(_root, true, null, null, download: true, Source("good/"));
        Assert.Equal(3, _server.Requests.Count);
        Assert.DoesNotContain("/good/train-images-idx3-ubyte.gz", _server.Requests);
    }

    [Fact]
    public void Url_DownloadsOnce_AndChecksIntegrity()
    {
        string folder = Path.Combine(_root, "direct");
        string name = "train-labels-idx1-ubyte.gz";
        string md5 = Convert.ToHexStringLower(MD5.HashData(_files[name]));
        string path = Download.Url(_server.Url("good/") + name, folder, md5: md5);
        Assert.Equal(Path.Combine(folder, name), path);
        Assert.Equal(_files[name], File.ReadAllBytes(path));
        Assert.Equal(md5, Download.Md5(path));
        Assert.True(Download.CheckIntegrity(path, md5.ToUpperInvariant()));
        Assert.False(Download.CheckIntegrity(path, new string('0', 32)));
        Assert.False(Download.CheckIntegrity(Path.Combine(folder, "absent")));
        Download.Url(_server.Url("good/") + name, folder, "copy.gz", md5);
        Download.Url(_server.Url("good/") + name, folder, md5: md5);
        Assert.Equal(2, _server.Requests.Count);
        Check.Throws<ArgumentException>(() => Download.Url(_server.Url("good/") + name, folder, "../escape.gz"), "not a plain file name");
    }

    [Fact]
    public void Md5_OfAKnownString()
    {
        string path = Path.Combine(_root, "abc.txt");
        File.WriteAllText(path, "abc");
        Assert.Equal("900150983cd24fb0d6963f7d28e17f72", Download.Md5(path));
    }

    [Fact]
    public void DefaultSources_AreTorchvisions()
    {
        Assert.Equal("https://ossci-datasets.s3.amazonaws.com/mnist/", MNIST.Mirrors[0]);
        Assert.Equal("http://yann.lecun.com/exdb/mnist/", MNIST.Mirrors[1]);
        Assert.Equal(("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"), MNIST.Resources[0]);
        Assert.Equal(("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"), MNIST.Resources[3]);
        Assert.Equal(["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"], FashionMNIST.Mirrors);
        Assert.Equal(("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"), FashionMNIST.Resources[1]);
        Assert.Equal(("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"), FashionMNIST.Resources[2]);
    }

    /// <summary>IProgress that records synchronously (Progress&lt;T&gt; posts to the thread pool, out of order).</summary>
    private sealed class Recorder : IProgress<DownloadProgress>
    {
        public List<DownloadProgress> Reports { get; } = [];

        public void Report(DownloadProgress value)
        {
            lock (Reports) Reports.Add(value);
        }
    }

    [Fact]
    public async Task DownloadAsync_ReportsProgressPerFile_ThenTheDatasetLoads()
    {
        var recorder = new Recorder();
        await MnistFiles.DownloadAsync(_root, Source("good/"), recorder);
        AssertRawFolderHoldsExactlyTheFiles();
        foreach (var (name, bytes) in _files)
        {
            var reports = recorder.Reports.Where(r => r.FileName == name).ToList();
            Assert.Equal(0, reports[0].BytesReceived);
            Assert.Equal(bytes.Length, reports[^1].BytesReceived);
            Assert.Equal(bytes.Length, reports[^1].TotalBytes);
            Assert.Equal(1.0, reports[^1].Fraction);
            Assert.True(reports.Zip(reports.Skip(1)).All(p => p.First.BytesReceived <= p.Second.BytesReceived));
        }
        Assert.Equal(FakeMnist.TestCount, new MNIST(_root, false, null, null, download: false, Source("good/")).Count);
    }

    [Fact]
    public async Task DownloadAsync_Cancelled_StopsAndLeavesNoFile()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => MnistFiles.DownloadAsync(_root, Source("good/"), null, cts.Token));
        Assert.Empty(Directory.Exists(Raw) ? Directory.GetFileSystemEntries(Raw) : []);

        // Cancelled in the middle (after the first chunk of the first file): the partial file is deleted, no mirror is tried next.
        using var midway = new CancellationTokenSource();
        var cancelOnFirstBytes = new CancelOnBytes(midway);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => MnistFiles.DownloadAsync(_root, Source("good/", "corrupt/"), cancelOnFirstBytes, midway.Token));
        Assert.Empty(Directory.GetFileSystemEntries(Raw));
        Assert.DoesNotContain(_server.Requests, r => r.StartsWith("/corrupt/", StringComparison.Ordinal));
    }

    private sealed class CancelOnBytes(CancellationTokenSource cts) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value)
        {
            if (value.BytesReceived > 0) cts.Cancel();
        }
    }

    private static void AssertIsFirstImageOfFake(MNIST ds)
    {
        Assert.Equal(FakeMnist.TrainCount, ds.Count);
        Assert.Equal(FakeMnist.Pixel(0, 100), ds[0].Image[3, 16].Item<long>());
    }

    /// <summary>An HTTP server on 127.0.0.1 that serves fixed bytes by path (404 otherwise) and records each request's path.</summary>
    private sealed class LocalServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;

        public LocalServer()
        {
            for (int attempt = 0; ; attempt++)
            {
                Port = FreePort();
                _listener.Prefixes.Clear();
                _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
                try
                {
                    _listener.Start();
                    break;
                }
                catch (HttpListenerException) when (attempt < 5)
                {
                }
            }
            _loop = Task.Run(Serve);
        }

        public int Port { get; private set; }

        public ConcurrentDictionary<string, byte[]> Routes { get; } = new();

        /// <summary>Paths whose response announces the full length but sends only half the bytes before the connection drops.</summary>
        public HashSet<string> Truncated { get; } = [];

        public ConcurrentQueue<string> Requests { get; } = new();

        public string Url(string relative) => $"http://127.0.0.1:{Port}/{relative}";

        public static int FreePort()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            return port;
        }

        private async Task Serve()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                string path = context.Request.Url!.AbsolutePath;
                Requests.Enqueue(path);
                var response = context.Response;
                if (!Routes.TryGetValue(path, out var body))
                {
                    response.StatusCode = 404;
                    response.Close();
                    continue;
                }
                response.ContentLength64 = body.Length;
                if (Truncated.Contains(path))
                {
                    await response.OutputStream.WriteAsync(body.AsMemory(0, body.Length / 2));
                    await response.OutputStream.FlushAsync();
                    response.Abort();
                    continue;
                }
                await response.OutputStream.WriteAsync(body);
                response.Close();
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
