using System.Collections.Concurrent;
using MdtShare.Build.Diagnostics;

namespace MdtShare.Build.Mirror;

internal sealed partial class MirrorEngine
{
    /// <summary>The state of one publish to one destination.</summary>
    private sealed partial class Run
    {
        private readonly MirrorEngine _engine;
        private readonly IMirrorFileSystem _fs;
        private readonly MirrorOptions _options;
        private readonly MirrorResult _result;
        private readonly CancellationTokenSource _stop;

        // Cancelled when the retry window runs out: the target is given up, and calls still waiting on it are abandoned.
        private readonly CancellationTokenSource _givenUp = new();
        private DateTime? _givenUpAt;
        private readonly RetryPolicy _retry;
        private readonly ExcludeFilter _exclude;
        private readonly string _name;
        private readonly string _runId = Guid.NewGuid().ToString("N").Substring(0, 8);
        private readonly object _progressGate = new();
        private int _tempCounter;
        private int _filesDone;
        private long _bytesDone;
        private readonly ProgressThrottle _progress;
        private readonly DateTime _started;
        private readonly ConcurrentBag<CopyItem> _copiedThisPhase = new();
        private readonly ConcurrentBag<string> _tempsLeft = new();
        private Diagnostic? _abort;
        private readonly PublishLock _lock;
        private bool _locked;
        private int _totalFiles;
        private long _totalBytes;

        public Run(MirrorEngine engine, MirrorOptions options, MirrorResult result, CancellationToken cancellation)
        {
            _engine = engine;
            _fs = new BoundedFileSystem(engine._fileSystem, options.DestinationRoot, options.OperationTimeout, engine._isWindows, _givenUp.Token);
            _options = options;
            _result = result;
            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            _name = options.DestinationRoot;
            _exclude = new ExcludeFilter(options.Exclude);
            _retry = new RetryPolicy(engine._clock, options.RetryWindow, _name, () => _fs.DirectoryExists(options.DestinationRoot), engine._listener, engine._isWindows);
            _started = engine._clock.UtcNow;
            _progress = new ProgressThrottle(options.ProgressInterval, _started);
            _lock = new PublishLock(_fs, engine._clock, _retry, options.DestinationRoot, _runId, options.LockStaleAfter);
        }

        public IMirrorListener Listener => _engine._listener;

        /// <summary>The file system as this destination's publish sees it: every call bounded by its operation timeout.</summary>
        public IMirrorFileSystem FileSystem => _fs;

        public MirrorResult Result => _result;

        public int Parallelism => _options.Parallelism;

        /// <summary>A call made outside this run's retries (a shared copy) failed.</summary>
        public void NoteFailure(Exception error, DateTime started) => _retry.Observe(error, started);

        /// <summary>A step failed for good: the destination takes no further step.</summary>
        public bool Ended { get; private set; }

        /// <summary>Cancelled, or stopped by a file's failure that ends the publish (window exhausted, disk full).</summary>
        public bool Stopped => Token.IsCancellationRequested;

        private CancellationToken Token => _stop.Token;

        public void End(Diagnostic reason)
        {
            Ended = true;
            _result.Abort ??= reason;
        }

        /// <summary>After the last step, whatever happened: the lock is released and the result completed.</summary>
        public void Release()
        {
            _result.Outages = _retry.Outages;
            _result.Retries = _retry.Retries;
            AbandonHeldFiles();
            if (_locked)
            {
                ReleaseLock();
            }
            else
            {
                _lock.Forget();
            }

            _result.Abort ??= _abort;
            _result.Duration = (_givenUpAt ?? _engine._clock.UtcNow) - _started;
        }

        /// <summary>Runs a phase unless the publish was stopped (cancellation or an exhausted retry window).</summary>
        private void Step(Action phase)
        {
            if (Token.IsCancellationRequested)
            {
                return;
            }

            try
            {
                phase();
            }
            catch (OperationCanceledException) when (Token.IsCancellationRequested)
            {
            }
        }

        /// <summary>
        /// Does one file's work and turns its failure into its coded error; an exhausted retry window stops the whole
        /// publish. Work that meets a file held open by another process is held back and done once the rest is
        /// published (<see cref="WaitForHeldFiles"/>); <paramref name="completed"/> runs when the work is done.
        /// </summary>
        /// <param name="work">Returns false when it held part of itself back (a copy whose final name is held open).</param>
        private void Guarded(string relativePath, Func<bool> work, Action? completed = null)
        {
            if (Attempt(relativePath, work, completed) is { } busy)
            {
                Hold(new HeldWork(relativePath, work, completed, Abandon: null), busy);
            }
        }

        /// <returns>The failure when the work met a file held open; null when it is done or failed for good.</returns>
        private IOException? Attempt(string relativePath, Func<bool> work, Action? completed)
        {
            try
            {
                if (work())
                {
                    completed?.Invoke();
                }

                return null;
            }
            catch (IOException e) when (e is not RetryWindowExhaustedException && _retry.Classify(e) == FailureKind.Busy)
            {
                return e;
            }
            catch (OperationCanceledException) when (Token.IsCancellationRequested)
            {
                return null;
            }
            catch (RetryWindowExhaustedException e)
            {
                Stop(WindowExhausted(e, _name));
                GiveUp();
                return null;
            }
            catch (SourceChangedException)
            {
                ReportSourceChanged(relativePath);
                return null;
            }
            catch (IOException e) when (FailureClassifier.IsDiskFull(e, _engine._isWindows))
            {
                _result.AddFailed();
                Stop(new Diagnostic(DiagnosticCode.TargetTooSmall,
                    $"{_name} filled up during the publish, writing {relativePath} ({e.Message}). The files not yet copied keep their previous versions and nothing was deleted. Free space on the target and publish again."));
                return null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _result.AddFailed();
                Listener.Report(new Diagnostic(DiagnosticCode.FileFailed, $"{_name}: {relativePath}: {e.Message}"));
                return null;
            }
        }

        /// <summary>The retry window ran out: calls still waiting on the target are abandoned, and the lock is left to the
        /// next publish, which breaks it (its run is over; from another machine, once its heartbeat is stale).</summary>
        public void GiveUp()
        {
            _givenUpAt ??= _engine._clock.UtcNow;
            _stop.Cancel();
            _givenUp.Cancel();
        }

        /// <summary>Ends the publish with its first reason; the copies in flight finish or fail, no new one starts.</summary>
        private void Stop(Diagnostic reason)
        {
            lock (_progressGate)
            {
                if (_abort is null)
                {
                    _abort = reason;
                    _stop.Cancel();
                }
            }
        }

        private T Retry<T>(Func<T> operation, string what) => _retry.Execute(operation, what, Token);

        private void Progress(int files, long bytes, int totalFiles, long totalBytes)
        {
            DateTime now = _engine._clock.UtcNow;
            if (_progress.Due(now))
            {
                Listener.Progress(new ProgressLine(_name, files, totalFiles, bytes, totalBytes, now - _progress.Started));
            }
        }
    }
}
