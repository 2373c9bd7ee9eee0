using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace MdtShare.Build.Mirror;

/// <summary>
/// Bounds every call into a target by a time limit. A server that stops answering (a hung cluster node, a frozen
/// SMB session) blocks a call for ever, and the retry window only counts failures: so each call runs on an I/O thread
/// while its caller waits at most the limit. A call that does not return in time fails as a timed-out network call
/// does (ETIMEDOUT; on Windows ERROR_SEM_TIMEOUT), which is an outage: the publish waits for the target as for a
/// failover, and ends with MDTS2010 when the retry window runs out, even if the server never answers: once the
/// publish gives the target up (<paramref name="givenUp"/>), the calls still waiting are abandoned at once. An
/// abandoned call's thread is left to the server; a new one serves the next call. Reads and writes of the streams it
/// opens are bounded the same way.
/// </summary>
internal sealed class BoundedFileSystem(IMirrorFileSystem inner, string target, TimeSpan limit, bool isWindows, CancellationToken givenUp) : IMirrorFileSystem
{
    public IReadOnlyList<FileSystemEntry> Enumerate(string directory) => Call("listing", directory, () => inner.Enumerate(directory));

    public bool DirectoryExists(string path) => Call("reading", path, () => inner.DirectoryExists(path));

    public long? AvailableFreeSpace(string path) => Call("reading the free space of", path, () => inner.AvailableFreeSpace(path));

    public FileSystemEntry? GetEntry(string path) => Call("reading", path, () => inner.GetEntry(path));

    /// <remarks>Reading the share is not bounded: its server is not the target, and a read of it blocked or failing
    /// is not the target's outage.</remarks>
    public Stream OpenRead(string path) =>
        path.StartsWith(target, StringComparison.Ordinal) ? new BoundedStream(this, path, Call("opening", path, () => inner.OpenRead(path))) : inner.OpenRead(path);

    public Stream Create(string path) => new BoundedStream(this, path, Call("creating", path, () => inner.Create(path)));

    public Stream CreateNew(string path) => new BoundedStream(this, path, Call("creating", path, () => inner.CreateNew(path)));

    public void SetLastWriteTimeUtc(string path, DateTime time) => Call("setting the time of", path, () => { inner.SetLastWriteTimeUtc(path, time); return 0; });

    public void SetReadOnly(string path, bool readOnly) => Call("setting the attributes of", path, () => { inner.SetReadOnly(path, readOnly); return 0; });

    public void Replace(string source, string destination) => Call("renaming over", destination, () => { inner.Replace(source, destination); return 0; });

    public void Rename(string from, string to) => Call("renaming", from, () => { inner.Rename(from, to); return 0; });

    public void CreateHardLink(string existing, string link) => Call("linking", link, () => { inner.CreateHardLink(existing, link); return 0; });

    public void DeleteFile(string path) => Call("deleting", path, () => { inner.DeleteFile(path); return 0; });

    public void DeleteDirectory(string path) => Call("deleting", path, () => { inner.DeleteDirectory(path); return 0; });

    public void CreateDirectory(string path) => Call("creating", path, () => { inner.CreateDirectory(path); return 0; });

    private T Call<T>(string what, string path, Func<T> call)
    {
        T? value = default;
        ExceptionDispatchInfo? failure = null;
        var work = new Work(() =>
        {
            try
            {
                value = call();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        });
        IoThreads.Run(work);
        bool answered;
        try
        {
            answered = work.Done.Wait(limit, givenUp);
        }
        catch (OperationCanceledException)
        {
            work.Abandon();
            throw;
        }

        if (!answered)
        {
            work.Abandon();

            // ETIMEDOUT as .NET reports a Unix errno; ERROR_SEM_TIMEOUT as an HRESULT on Windows.
            throw new IOException($"{what} '{path}' got no answer within {limit.TotalSeconds:0} s (MdtShareOperationTimeoutSeconds).",
                isWindows ? unchecked((int)0x80070079) : 110);
        }

        failure?.Throw();
        return value!;
    }

    /// <summary>One call. Abandoned by its caller before a thread took it, it is never made: a call made late could
    /// act on a file the caller's next attempt is writing.</summary>
    private sealed class Work(Action call)
    {
        private int _state;   // 0 waiting, 1 taken by a thread, 2 abandoned

        public ManualResetEventSlim Done { get; } = new();

        /// <summary>Its caller stopped waiting: a call no thread has taken yet is never made; one running goes on.</summary>
        public void Abandon() => Interlocked.CompareExchange(ref _state, 2, 0);

        /// <returns>False when its caller abandoned it first.</returns>
        public bool Take() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

        public void Make() => call();
    }

    /// <summary>Threads that only make file calls: a hung call keeps its thread, never one of the pool's or the
    /// caller's. A thread is added only when every thread is busy (a hung one stays busy); idle ones end after a
    /// minute.</summary>
    private static class IoThreads
    {
        private static readonly BlockingCollection<Work> Queue = [];
        private static int _threads;
        private static int _busy;

        public static void Run(Work work)
        {
            Queue.Add(work);
            if (Volatile.Read(ref _busy) + Queue.Count > Volatile.Read(ref _threads))
            {
                Interlocked.Increment(ref _threads);
                new Thread(Serve) { IsBackground = true, Name = "MdtShare file call" }.Start();
            }
        }

        private static void Serve()
        {
            while (Queue.TryTake(out Work? work, TimeSpan.FromMinutes(1)))
            {
                if (!work.Take())
                {
                    continue;
                }

                Interlocked.Increment(ref _busy);
                work.Make();

                // Free before the caller wakes, so that its next call finds this thread rather than starting one.
                Interlocked.Decrement(ref _busy);
                work.Done.Set();
            }

            Interlocked.Decrement(ref _threads);
        }
    }

    /// <summary>A stream whose reads, writes, flushes and close are bounded like the calls that opened it.</summary>
    private sealed class BoundedStream(BoundedFileSystem owner, string path, Stream stream) : Stream
    {
        public override bool CanRead => stream.CanRead;

        public override bool CanSeek => stream.CanSeek;

        public override bool CanWrite => stream.CanWrite;

        public override long Length => stream.Length;

        public override long Position { get => stream.Position; set => stream.Position = value; }

        public override int Read(byte[] buffer, int offset, int count) => owner.Call("reading", path, () => stream.Read(buffer, offset, count));

        public override void Write(byte[] buffer, int offset, int count) => owner.Call("writing", path, () => { stream.Write(buffer, offset, count); return 0; });

        /// <summary>To the disk: the bytes of a temp file reach the server's disk before it is renamed over a final name.</summary>
        public override void Flush() => owner.Call("flushing", path, () =>
        {
            if (stream is FileStream file)
            {
                file.Flush(flushToDisk: true);
            }
            else
            {
                stream.Flush();
            }

            return 0;
        });

        public override long Seek(long offset, SeekOrigin origin) => stream.Seek(offset, origin);

        public override void SetLength(long value) => stream.SetLength(value);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                owner.Call("closing", path, () => { stream.Dispose(); return 0; });
            }

            base.Dispose(disposing);
        }
    }
}
