using System.Collections.Concurrent;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.Mirror;

namespace MdtShare.Build.Tests.Support;

/// <summary>A clock whose delays take no real time: an outage of minutes passes instantly.</summary>
internal sealed class FakeClock : IClock
{
    private readonly object _gate = new();
    private DateTime _now = new(2026, 11, 26, 12, 0, 0, DateTimeKind.Utc);

    public DateTime UtcNow
    {
        get { lock (_gate) { return _now; } }
    }

    public TimeSpan TotalDelay { get; private set; }

    public void Delay(TimeSpan delay, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _now += delay;
            TotalDelay += delay;
        }
    }
}

/// <summary>
/// The real file system with a hook before every operation (and every write into a file it created), for faults the
/// real world cannot produce on demand, and a log of the operations that changed something.
/// </summary>
internal sealed class FaultyFileSystem(FakeClock clock) : IMirrorFileSystem
{
    private readonly PhysicalFileSystem _real = PhysicalFileSystem.Instance;
    private DateTime? _outageEnds;
    private int _operationsUntilOutage = -1;
    private TimeSpan _outageLength;
    private string _outageRoot = string.Empty;

    /// <summary>Called with (operation, path) before each operation; may throw.</summary>
    public Action<string, string>? Fault { get; set; }

    /// <summary>Called with (operation, path) after each operation that succeeded; may throw, as a failover does when
    /// the server did the work and the answer was lost.</summary>
    public Action<string, string>? FaultAfter { get; set; }

    public ConcurrentQueue<(string Operation, string Path)> Changes { get; } = new();

    /// <summary>After <paramref name="operations"/> more operations, every operation below <paramref name="root"/> (the
    /// failing-over cluster share) fails with ENOTCONN for <paramref name="length"/> of clock time.</summary>
    public void OutageAfter(int operations, TimeSpan length, string root)
    {
        _operationsUntilOutage = operations;
        _outageLength = length;
        _outageRoot = root;
    }

    public IReadOnlyList<FileSystemEntry> Enumerate(string directory) => Do("Enumerate", directory, () => _real.Enumerate(directory));

    /// <summary>When set, the free space every volume reports.</summary>
    public long? FreeSpace { get; set; }

    /// <summary>When set, no volume can tell its free space (a server or mount that does not answer).</summary>
    public bool FreeSpaceUnknown { get; set; }

    public long? AvailableFreeSpace(string path) => FreeSpaceUnknown ? null : FreeSpace ?? _real.AvailableFreeSpace(path);

    public bool DirectoryExists(string path) => !InOutage(path) && _real.DirectoryExists(path);

    public FileSystemEntry? GetEntry(string path) => Do("GetEntry", path, () => _real.GetEntry(path));

    public Stream OpenRead(string path) => Do("OpenRead", path, () =>
    {
        Reads.Enqueue(path);
        return _real.OpenRead(path);
    });

    /// <summary>Every file opened for reading, in order.</summary>
    public ConcurrentQueue<string> Reads { get; } = new();

    public Stream Create(string path) => Change("Create", path, () => new FaultyStream(this, path, _real.Create(path)));

    public Stream CreateNew(string path) => Change("CreateNew", path, () => new FaultyStream(this, path, _real.CreateNew(path)));

    public void SetLastWriteTimeUtc(string path, DateTime time) => Change("SetTime", path, () => { _real.SetLastWriteTimeUtc(path, time); return 0; });

    public void SetReadOnly(string path, bool readOnly) => Change("SetReadOnly", path, () => { _real.SetReadOnly(path, readOnly); return 0; });

    public void Replace(string source, string destination) => Change("Replace", destination, () => { _real.Replace(source, destination); return 0; });

    public void Rename(string from, string to) => Change("Rename", to, () => { _real.Rename(from, to); return 0; });

    public void CreateHardLink(string existing, string link) => Change("CreateHardLink", link, () => { _real.CreateHardLink(existing, link); return 0; });

    public void DeleteFile(string path) => Change("DeleteFile", path, () => { _real.DeleteFile(path); return 0; });

    public void DeleteDirectory(string path) => Change("DeleteDirectory", path, () => { _real.DeleteDirectory(path); return 0; });

    public void CreateDirectory(string path) => Change("CreateDirectory", path, () => { _real.CreateDirectory(path); return 0; });

    private T Change<T>(string operation, string path, Func<T> action)
    {
        T result = Do(operation, path, action);
        Changes.Enqueue((operation, path));
        return result;
    }

    private T Do<T>(string operation, string path, Func<T> action)
    {
        lock (this)
        {
            if (_operationsUntilOutage > 0 && --_operationsUntilOutage == 0)
            {
                _outageEnds = clock.UtcNow + _outageLength;
            }
        }

        if (InOutage(path))
        {
            throw new IOException("Transport endpoint is not connected", 107);
        }

        Fault?.Invoke(operation, path);
        T result = action();
        FaultAfter?.Invoke(operation, path);
        return result;
    }

    /// <summary>A file being written, whose every write meets the hooks as operation "Write" (a fault mid-file).</summary>
    private sealed class FaultyStream(FaultyFileSystem owner, string path, Stream inner) : Stream
    {
        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => inner.CanSeek;

        public override bool CanWrite => inner.CanWrite;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override void Write(byte[] buffer, int offset, int count) =>
            owner.Do("Write", path, () => { inner.Write(buffer, offset, count); return 0; });

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void SetLength(long value) => inner.SetLength(value);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private bool InOutage(string path)
    {
        lock (this)
        {
            return _outageEnds is { } end && clock.UtcNow < end && path.StartsWith(_outageRoot, StringComparison.Ordinal);
        }
    }
}
