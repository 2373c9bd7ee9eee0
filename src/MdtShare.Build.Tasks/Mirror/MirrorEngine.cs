using System.Collections.Concurrent;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.IO;
using MdtShare.Build.Manifest;

namespace MdtShare.Build.Mirror;

/// <summary>
/// Makes one destination equal the source share plus overlays, safely: guarded purges, one publisher at a time,
/// atomic per-file replace (temp name, flush, timestamps, rename), bulk first and metadata last, and outages
/// ridden through. Knows nothing of MSBuild.
/// </summary>
internal sealed partial class MirrorEngine
{
    private readonly IMirrorFileSystem _fileSystem;
    private readonly IClock _clock;
    private readonly IMirrorListener _listener;
    private readonly bool _isWindows;

    public MirrorEngine(IMirrorFileSystem fileSystem, IClock clock, IMirrorListener listener, bool isWindows)
    {
        _fileSystem = fileSystem;
        _clock = clock;
        _listener = listener;
        _isWindows = isWindows;
    }

    public MirrorEngine(IMirrorListener listener)
        : this(PhysicalFileSystem.Instance, SystemClock.Instance, listener, Path.DirectorySeparatorChar == '\\')
    {
    }

    public MirrorResult Publish(MirrorOptions options, CancellationToken cancellation) => Publish([options], cancellation)[0];

    /// <summary>
    /// Publishes to several destinations at once (one cluster per site). Each file of the share that more than one
    /// destination needs is read once and written to all of them as it is read. A destination that fails a write
    /// (an outage, a full disk) drops out of that file and copies it on its own afterwards, with its own retries:
    /// it holds the others back for no longer than its retry window. Every destination keeps its own phases (bulk
    /// first, Control last, deletes after every copy), lock, guards and result.
    /// </summary>
    public IReadOnlyList<MirrorResult> Publish(IReadOnlyList<MirrorOptions> targets, CancellationToken cancellation)
    {
        var runs = targets.Select(o => new Run(this, o, new MirrorResult(o.DestinationRoot), cancellation)).ToList();
        var plans = new Dictionary<Run, MirrorPlan>();
        try
        {
            EachRun(runs, run =>
            {
                if (run.Prepare() is { } plan)
                {
                    lock (plans)
                    {
                        plans[run] = plan;
                    }
                }
            });
            var publishing = runs.Where(plans.ContainsKey).ToList();
            EachRun(publishing, run => run.CreateFolders(plans[run]));
            CopyPhase(publishing, run => plans[run].BulkCopies, cancellation);
            CopyPhase(publishing, run => plans[run].MetadataCopies, cancellation);
            EachRun(publishing, run => run.Finish(plans[run]));
            EachRun(publishing, run => run.WaitForHeldFiles());
            EachRun(publishing, run => run.RemoveOwnTemps());
            EachRun(publishing, run => run.RecordPublished());
        }
        finally
        {
            runs.AsParallel().WithDegreeOfParallelism(Math.Max(1, runs.Count)).ForAll(run => run.Release());
        }

        return runs.Select(run => run.Result).ToList();
    }

    /// <summary>One step for every destination still publishing, all at once; a destination whose step fails for
    /// good (a guard, an exhausted retry window, a refused operation) gets its code and takes no further step.</summary>
    private static void EachRun(List<Run> runs, Action<Run> step) =>
        runs.AsParallel().WithDegreeOfParallelism(Math.Max(1, runs.Count)).ForAll(run =>
        {
            if (run.Ended)
            {
                return;
            }

            try
            {
                step(run);
            }
            catch (AbortException e)
            {
                run.End(e.Diagnostic);
            }
            catch (RetryWindowExhaustedException e)
            {
                // Outside the copies (creating folders, taking the lock, reading the target): the same stop.
                run.GiveUp();
                run.End(WindowExhausted(e, run.Result.Destination));
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                // The target's bookkeeping (root folder, marker, lock, leftovers) failed for good; files fail one by one.
                run.End(new Diagnostic(DiagnosticCode.TargetRefused,
                    $"{run.Result.Destination}: {e.Message} Publishing stopped; no file is left torn, and the next publish resumes."));
            }
        });

    /// <summary>
    /// One copy phase for every destination: the files two or more of them need are fanned out (read once, written
    /// to each); then each destination copies, on its own and at once with the others, what is left of its part.
    /// </summary>
    private void CopyPhase(List<Run> runs, Func<Run, List<CopyItem>> items, CancellationToken cancellation)
    {
        var shared = runs.Where(run => !run.Ended && !run.Stopped)
            .SelectMany(run => items(run).Select(item => (Run: run, Item: item)))
            .GroupBy(pair => pair.Item.Source.FullPath, StringComparer.Ordinal)
            .Where(group => group.Count() > 1)
            .ToList();
        var done = new ConcurrentDictionary<CopyItem, bool>();
        if (shared.Count > 0)
        {
            var parallel = new ParallelOptions
            {
                MaxDegreeOfParallelism = Math.Max(1, runs.Max(run => run.Parallelism)),
                CancellationToken = cancellation,
            };
            try
            {
                Parallel.ForEach(shared, parallel, group =>
                {
                    foreach (CopyItem item in FanOut(group.Key, group.ToList(), cancellation))
                    {
                        done[item] = true;
                    }
                });
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
            }
        }

        EachRun(runs, run => run.CopyOwn(items(run).Where(item => !done.ContainsKey(item)).ToList()));
    }

    /// <summary>
    /// Reads one source file once and writes it to every destination's temp file as it goes, hashing it once.
    /// Each copy is then checked against its destination's manifest, closed, timed and renamed into place. A
    /// destination that fails a call (an outage, a target that stopped answering) or writes a block far slower than
    /// the fastest falls behind: it leaves the shared copies of this phase and copies its part on its own, with its
    /// own retries, so it holds the others back no longer than one call.
    /// </summary>
    /// <returns>The items settled here: renamed into place, or failed for good (changed since the manifest).</returns>
    private List<CopyItem> FanOut(string source, List<(Run Run, CopyItem Item)> destinations, CancellationToken cancellation)
    {
        var settled = new List<CopyItem>();
        var writers = new List<(Run Run, CopyItem Item, string Temp, Stream Stream)>();
        void Drop((Run Run, CopyItem Item, string Temp, Stream Stream) writer, string reason, bool unhealthy = true, (Exception Error, DateTime Started)? failure = null)
        {
            writers.Remove(writer);
            writer.Run.FellBehind |= unhealthy;
            writer.Run.Listener.Detail($"{writer.Run.Result.Destination}: {writer.Item.RelativePath}{(unhealthy ? " and the rest of its part are" : " is")} copied on its own ({reason})");
            void Discard()
            {
                try
                {
                    writer.Stream.Dispose();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }

                writer.Run.TryDelete(writer.Temp);
            }

            // On a target that lags or does not answer, closing and removing the temp file would wait for it: the
            // others go on (what is left is swept by the next publish).
            if (unhealthy)
            {
                Task.Run(() =>
                {
                    // The target's outage began with this call: its own retries later get no fresh window.
                    if (failure is var (error, started))
                    {
                        writer.Run.NoteFailure(error, started);
                    }

                    Discard();
                });
            }
            else
            {
                Discard();
            }
        }

        foreach (var (run, item) in destinations.Where(d => !d.Run.Stopped && !d.Run.FellBehind))
        {
            string temp = run.NewTemp(item);
            DateTime started = _clock.UtcNow;
            try
            {
                writers.Add((run, item, temp, run.FileSystem.Create(temp)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Drop((run, item, temp, Stream.Null), e.Message, failure: (e, started));
            }
        }

        try
        {
            if (writers.Count == 0)
            {
                return settled;
            }

            string hash;
            using (Stream input = writers[0].Run.FileSystem.OpenRead(source))
            {
                hash = FileHasher.Hash(input, cancellation, (buffer, read) =>
                {
                    var took = new List<((Run Run, CopyItem Item, string Temp, Stream Stream) Writer, TimeSpan Time)>();
                    foreach (var writer in writers.ToList())
                    {
                        var watch = System.Diagnostics.Stopwatch.StartNew();
                        DateTime started = _clock.UtcNow;
                        try
                        {
                            writer.Stream.Write(buffer, 0, read);
                            took.Add((writer, watch.Elapsed));
                        }
                        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                        {
                            Drop(writer, e.Message, failure: (e, started));
                        }
                    }

                    if (took.Count > 1)
                    {
                        TimeSpan fastest = took.Min(t => t.Time);
                        foreach (var (writer, time) in took.Where(t => t.Time > SlowWrite && t.Time.Ticks > 4 * fastest.Ticks))
                        {
                            Drop(writer, $"it wrote a block in {time.TotalSeconds:0.0} s, the fastest target in {fastest.TotalSeconds:0.0} s");
                        }
                    }

                    return writers.Count > 0;
                });
            }

            foreach (var writer in writers.ToList())
            {
                // Several calls follow (flush, close, time, rename): the outage is dated from the first.
                DateTime started = _clock.UtcNow;
                try
                {
                    FlushToDisk(writer.Stream);
                    writer.Stream.Dispose();
                    if (!writer.Run.Matches(writer.Item, hash))
                    {
                        writer.Run.TryDelete(writer.Temp);
                        writers.Remove(writer);
                        writer.Run.ReportSourceChanged(writer.Item.RelativePath);
                        settled.Add(writer.Item);
                        continue;
                    }

                    if (writer.Run.InstallOrHold(writer.Item, writer.Temp))
                    {
                        writer.Run.CountCopied(writer.Item);
                    }

                    writers.Remove(writer);
                    settled.Add(writer.Item);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Drop(writer, e.Message, failure: (e, started));
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The source could not be read: each destination copies the file on its own and reports what it meets.
            writers.ToList().ForEach(writer => Drop(writer, e.Message));
        }
        finally
        {
            // Cancelled: no temp file of this file stays behind.
            writers.ToList().ForEach(writer => Drop(writer, "cancelled", unhealthy: false));
        }

        return settled;
    }

    /// <summary>A block written this much slower than the fastest target's (and more than 4 times slower) makes its target
    /// fall behind the shared copies.</summary>
    private static readonly TimeSpan SlowWrite = TimeSpan.FromSeconds(1);

    /// <summary>A temp file's bytes reach the disk before it is renamed over a final name (a bounded stream's flush is
    /// durable).</summary>
    private static void FlushToDisk(Stream stream)
    {
        if (stream is FileStream file)
        {
            file.Flush(flushToDisk: true);
        }
        else
        {
            stream.Flush();
        }
    }

    private static Diagnostic WindowExhausted(RetryWindowExhaustedException e, string target) =>
        new(DiagnosticCode.RetryWindowExhausted,
            $"{e.Message} Publishing to {target} stopped; no file is left torn, and the next publish resumes where this one stopped (breaking the lock this one leaves).");

    /// <summary>The bytes copied do not hash to the manifest's value: never renamed into place, never retried.</summary>
    private sealed class SourceChangedException(string relativePath) : Exception(relativePath);

    private sealed class AbortException(Diagnostic diagnostic) : Exception(diagnostic.Message)
    {
        public Diagnostic Diagnostic { get; } = diagnostic;
    }

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

        /// <summary>Failed or lagged in the shared copies: copies the rest of its part on its own.</summary>
        public bool FellBehind { get; set; }

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

        /// <summary>Checks, locks, reads both trees, plans and guards; null when the plan is only reported (what-if).</summary>
        public MirrorPlan? Prepare()
        {
            if (TargetOwnership.CheckPaths(_options.SourceRoot, _options.DestinationRoot) is { } refused)
            {
                throw new AbortException(refused);
            }

            bool owned = CheckOwnership();
            if (!_options.WhatIf)
            {
                TakeLock();
            }

            // The two trees are read at once: on a no-op publish that is nearly all the work.
            Task<SourceTree> reading = Task.Run(ReadSource);
            TreeSnapshot destination;
            try
            {
                destination = ReadDestination();
            }
            finally
            {
                // Never leave the reader running (and reporting) after the publish returned.
                ((IAsyncResult)reading).AsyncWaitHandle.WaitOne();
            }

            SourceTree source = reading.GetAwaiter().GetResult();
            _result.SourceFiles = source.Files;
            if (!owned && !_options.WhatIf)
            {
                WriteMarker();
            }

            SweepLeftovers(destination);
            ReadPublished();
            MirrorPlan plan = MirrorPlan.Create(source, destination, _options.DestinationRoot, IsUnchanged, _options.TimestampTolerance);
            _result.Skipped = plan.Unchanged;
            GuardDeletes(plan);
            GuardSpace(plan);
            if (_options.WhatIf)
            {
                ReportPlan(plan);
                return null;
            }

            _totalFiles = plan.BulkCopies.Count + plan.MetadataCopies.Count;
            _totalBytes = plan.Copies.Sum(c => c.Source.Length);
            return plan;
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

        private SourceTree ReadSource()
        {
            SourceTree source;
            try
            {
                source = SourceTree.Create(_fs, _options.SourceRoot, _options.OverlayRoots, _exclude, _ => false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new AbortException(new Diagnostic(DiagnosticCode.SourceUnreadable,
                    $"The deployment share '{_options.SourceRoot}' could not be read completely ({e.Message}); nothing was published to {_name}, and nothing deleted."));
            }

            if (source.Files.Count == 0)
            {
                throw new AbortException(new Diagnostic(DiagnosticCode.SourceEmpty,
                    $"The deployment share '{_options.SourceRoot}' holds no files (not mounted? wrong path?); nothing was published to {_name}, and nothing deleted."));
            }

            foreach (string link in source.Links)
            {
                Listener.Report(new Diagnostic(DiagnosticCode.SourceLinkSkipped,
                    $"'{link}' in the deployment share is a symbolic link or junction; links are not followed or published."));
            }

            return source;
        }

        private TreeSnapshot ReadDestination()
        {
            if (_options.WhatIf && !_fs.DirectoryExists(_options.DestinationRoot))
            {
                return new TreeSnapshot();
            }

            try
            {
                return Retry(() => TreeSnapshot.Take(_fs, _options.DestinationRoot, _exclude, TargetOwnership.IsReserved), "reading the target");
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException and not RetryWindowExhaustedException)
            {
                throw new AbortException(new Diagnostic(DiagnosticCode.TargetUnreadable,
                    $"{_name} could not be read completely ({e.Message}); without knowing what it holds nothing is published there, and nothing deleted."));
            }
        }

        /// <returns>Whether the destination already carries our marker.</returns>
        private bool CheckOwnership()
        {
            string root = _options.DestinationRoot;
            Retry(() =>
            {
                if (!_fs.DirectoryExists(root))
                {
                    // Never create the parents: a missing parent is an unmounted share, not a folder to make.
                    string? parent = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
                    if (parent is null || !_fs.DirectoryExists(parent))
                    {
                        throw new DirectoryNotFoundException($"Could not find a part of the path '{root}'.");
                    }

                    if (!_options.WhatIf)
                    {
                        _fs.CreateDirectory(root);
                    }
                }

                return true;
            }, "opening the target");

            IReadOnlyList<FileSystemEntry> entries = _fs.DirectoryExists(root) ? Retry(() => _fs.Enumerate(root), "reading the target") : [];
            bool owned = entries.Any(e => string.Equals(e.Name, TargetOwnership.MarkerName, StringComparison.OrdinalIgnoreCase));
            bool empty = entries.All(e => TargetOwnership.IsReserved(e.Name) || IsTemp(e.Name));
            if (!owned && !empty && !_options.AdoptExistingTarget)
            {
                throw new AbortException(new Diagnostic(DiagnosticCode.TargetNotOwned,
                    $"{root} is not empty and was not created by MdtShare.Build (no {TargetOwnership.MarkerName}); refusing to mirror into it, since that could delete files. If it is a copy of the share made by other means, publish once with -p:AdoptExistingTarget=true."));
            }

            return owned;
        }

        private void TakeLock()
        {
            if (Retry(() => _lock.Take(_options.BreakLock, _name, Listener.Report), "taking the publish lock") is { } held)
            {
                throw new AbortException(held);
            }

            _locked = true;
        }

        /// <returns>False when the file already exists.</returns>
        private bool TryCreate(string path, byte[] content)
        {
            try
            {
                using Stream stream = _fs.CreateNew(path);
                stream.Write(content, 0, content.Length);
                return true;
            }
            catch (IOException) when (_fs.GetEntry(path) is not null)
            {
                return false;
            }
        }

        private void ReleaseLock()
        {
            try
            {
                // A target given up is not waited for again: its lock is left to the next publish, which breaks it.
                if (_givenUp.IsCancellationRequested)
                {
                    _lock.Forget();
                }
                else
                {
                    _retry.Execute(_lock.Release, "releasing the publish lock", CancellationToken.None);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Listener.Report(new Diagnostic(DiagnosticCode.FileFailed,
                    $"{_name}: could not remove the publish lock ({e.Message}); the next publish breaks it once it is stale, or with -p:MirrorBreakLock=true."));
            }
        }

        private void WriteMarker()
        {
            string path = Path.Combine(_options.DestinationRoot, TargetOwnership.MarkerName);
            byte[] content = TargetOwnership.Bytes(TargetOwnership.MarkerContent(_options.SourceRoot, _engine._clock.UtcNow));
            Retry(() => TryCreate(path, content), "writing " + TargetOwnership.MarkerName);
        }

        private void SweepLeftovers(TreeSnapshot destination)
        {
            foreach (string temp in destination.LeftoverTempFiles)
            {
                Listener.Detail($"{(_options.WhatIf ? "Would remove" : "Removing")} temp file of an interrupted publish: {temp}");
                if (!_options.WhatIf)
                {
                    Retry(() => { DeleteTemp(temp); return true; }, "removing " + temp);
                }
            }

            _result.SweptTempFiles = destination.LeftoverTempFiles.Count;
            if (destination.LeftoverTempFiles.Count > 0)
            {
                Listener.Info($"{_name}: removed {destination.LeftoverTempFiles.Count} temp file(s) left by an interrupted publish.");
            }
        }

        private void GuardDeletes(MirrorPlan plan)
        {
            int deletes = plan.FileDeleteCount;
            double percent = deletes * 100.0 / Math.Max(1, plan.DestinationFileCount);
            if (deletes > 0 && percent > _options.MaxDeletePercent)
            {
                throw new AbortException(new Diagnostic(DiagnosticCode.TooManyDeletions,
                    $"Publishing to {_name} would delete {deletes} of its {plan.DestinationFileCount} files ({percent:0.#} %), more than MirrorMaxDeletePercent ({_options.MaxDeletePercent:0.#} %). Nothing was changed. Check DeploymentShare; if the deletions are intended, raise MirrorMaxDeletePercent for this publish."));
            }
        }

        private void GuardSpace(MirrorPlan plan)
        {
            long needed = plan.BytesNeeded(Math.Max(1, _options.Parallelism));
            if (needed == 0)
            {
                return;
            }

            long? free = Retry(() => _fs.AvailableFreeSpace(_options.DestinationRoot), "reading the free space");
            if (free is null)
            {
                Listener.Report(new Diagnostic(DiagnosticCode.FreeSpaceUnknown,
                    $"{_name}: the free space of the target could not be read, so the publish goes ahead without checking that the {ProgressLine.Size(needed)} it writes fit. A target that fills up stops the publish with MDTS2017, leaving nothing torn."));
            }
            else if (free < needed)
            {
                throw new AbortException(new Diagnostic(DiagnosticCode.TargetTooSmall,
                    $"Publishing to {_name} needs {ProgressLine.Size(needed)} of free space and the target has {ProgressLine.Size(free.Value)}. Nothing was changed."));
            }
        }

        private void ReportPlan(MirrorPlan plan)
        {
            foreach (CaseRename rename in plan.CaseRenames)
            {
                Listener.Info($"Would rename {Path.GetFileName(rename.From)} to {rename.RelativePath} (letter case only)");
            }

            foreach (DeleteItem delete in plan.SwapDeletes)
            {
                Listener.Info($"Would delete {delete.RelativePath} (replaced by another kind of entry)");
            }

            foreach (string folder in plan.DirectoriesToCreate)
            {
                Listener.Info($"Would create folder {folder}");
            }

            foreach (CopyItem copy in plan.Copies)
            {
                Listener.Info($"Would {(copy.Reason == CopyReason.New ? "copy" : "update")} {copy.RelativePath} ({copy.Source.Length:N0} bytes)");
            }

            foreach (AttributeFix fix in plan.AttributeFixes)
            {
                Listener.Info($"Would set the attributes and time of {fix.RelativePath}");
            }

            foreach (DeleteItem delete in plan.Deletes)
            {
                Listener.Info($"Would delete {delete.RelativePath}");
            }

            _result.SetPlanned(plan);
        }

        /// <summary>Before the copies: case renames, entries replaced by another kind, new folders.</summary>
        public void CreateFolders(MirrorPlan plan) =>
            Step(() =>
            {
                foreach (CaseRename rename in plan.CaseRenames)
                {
                    Guarded(rename.RelativePath, () => Retry(() => Rename(rename), "renaming " + rename.RelativePath),
                        completed: () => Listener.Detail($"Renamed {rename.RelativePath}{(rename.IsDirectory ? "/" : string.Empty)} to the share's letter case"));
                }

                foreach (DeleteItem delete in plan.SwapDeletes)
                {
                    DeleteOne(delete);
                }

                foreach (string folder in plan.DirectoriesToCreate)
                {
                    // A folder that cannot be made fails like a file: nothing is deleted, its files fail on their own.
                    Guarded(folder + "/", () => Retry(() => { _fs.CreateDirectory(TreeSnapshot.Combine(_options.DestinationRoot, folder)); return true; }, "creating " + folder));
                }
            });

        private bool Rename(CaseRename rename)
        {
            try
            {
                _fs.Rename(rename.From, rename.To);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException && IsGone(rename.From) && _fs.GetEntry(rename.To) is not null)
            {
                // Already renamed: an earlier attempt whose answer a failover lost did it.
            }

            return true;
        }

        private bool FixAttributes(AttributeFix fix)
        {
            _fs.SetLastWriteTimeUtc(fix.DestinationPath, fix.LastWriteTimeUtc);
            _fs.SetReadOnly(fix.DestinationPath, fix.ReadOnly);
            return true;
        }

        /// <summary>This destination's own copies of a phase (what no other destination shared), then the phase's
        /// time check over everything it copied.</summary>
        public void CopyOwn(List<CopyItem> items) => Step(() => CopyAll(items));

        /// <summary>After the copies: respelling, then the deletes, unless a file failed.</summary>
        public void Finish(MirrorPlan plan)
        {
            Step(() => RespellReplaced(plan));
            if (_result.Failed > 0)
            {
                Listener.Info($"{_name}: {_result.Failed} file(s) failed to copy, so nothing is deleted in this publish.");
                return;
            }

            Step(() =>
            {
                foreach (AttributeFix fix in plan.AttributeFixes)
                {
                    Guarded(fix.RelativePath, () => Retry(() => FixAttributes(fix), "setting the attributes of " + fix.RelativePath),
                        completed: () => Listener.Detail($"Set the attributes and time of {fix.RelativePath}"));
                }

                foreach (DeleteItem delete in plan.Deletes)
                {
                    DeleteOne(delete);
                }
            });
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

        private void CopyAll(List<CopyItem> items)
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.Parallelism), CancellationToken = Token };
            Parallel.ForEach(items, parallel, item =>
            {
                // A temp name per attempt: an abandoned call of an earlier attempt that the server makes late can only
                // act on that attempt's own temp file.
                Guarded(item.RelativePath, () => Retry(() => CopyOnce(item, NewTemp(item)), item.RelativePath), completed: () => CountCopied(item));
            });

            var copied = new List<CopyItem>();
            while (_copiedThisPhase.TryTake(out CopyItem? item))
            {
                copied.Add(item);
            }

            // A server may stamp its own time on a file after ours: Samba does when the client (smbnetfs over FUSE)
            // closes the written handle only after close() has returned. Once the phase's copies are done, each
            // copied file's time is checked, and set again where it moved; else the next publish would copy it again.
            Parallel.ForEach(copied, parallel, item =>
                Guarded(item.RelativePath, () => Retry(() => KeepTime(item), "setting the time of " + item.RelativePath)));
        }

        /// <summary>
        /// Samba resolves a rename's target name through its cache of names, so replacing a file just renamed to
        /// another letter case puts the old spelling back. Such a file is renamed again once its content is in place:
        /// only when its folder lists one other spelling and not the wanted one (a case-insensitive target).
        /// </summary>
        private void RespellReplaced(MirrorPlan plan)
        {
            var copied = new HashSet<string>(plan.Copies.Select(c => c.RelativePath), StringComparer.Ordinal);
            foreach (CaseRename rename in plan.CaseRenames.Where(r => !r.IsDirectory && copied.Contains(r.RelativePath)))
            {
                Guarded(rename.RelativePath, () => Retry(() =>
                {
                    string folder = Path.GetDirectoryName(rename.To)!;
                    string wanted = Path.GetFileName(rename.To);
                    var spellings = _fs.Enumerate(folder).Where(e => string.Equals(e.Name, wanted, StringComparison.OrdinalIgnoreCase)).ToList();
                    if (spellings.Count == 1 && spellings[0].Name != wanted)
                    {
                        _fs.Rename(Path.Combine(folder, spellings[0].Name), rename.To);
                    }

                    return true;
                }, "renaming " + rename.RelativePath));
            }
        }

        private bool KeepTime(CopyItem item)
        {
            DateTime wanted = item.Source.LastWriteTimeUtc;
            if (_fs.GetEntry(item.DestinationPath) is { } written && (written.LastWriteTimeUtc - wanted).Duration() > _options.TimestampTolerance)
            {
                _fs.SetLastWriteTimeUtc(item.DestinationPath, wanted);
            }

            return true;
        }

        /// <summary>One attempt: never opens the final name for writing; a failure leaves at most a temp file.</summary>
        public string NewTemp(CopyItem item) => Path.Combine(Path.GetDirectoryName(item.DestinationPath)!,
            $"{TreeSnapshot.TempPrefix}{_runId}.{Interlocked.Increment(ref _tempCounter)}{TreeSnapshot.TempSuffix}");

        /// <summary>A file is under its final name: counted once, so a publish stopped later still reports it.</summary>
        public void CountCopied(CopyItem item)
        {
            _copiedThisPhase.Add(item);
            _result.AddCopied(item);
            Listener.Detail($"{(item.Reason == CopyReason.New ? "Copied" : "Updated")} {item.RelativePath} ({item.Source.Length:N0} bytes)");
            Progress(Interlocked.Increment(ref _filesDone), Interlocked.Add(ref _bytesDone, item.Source.Length), _totalFiles, _totalBytes);
        }

        /// <summary>Whether copied bytes with this SHA-256 are what the build's manifest says the file holds.</summary>
        public bool Matches(CopyItem item, string hash) =>
            _options.ExpectedHashes is not { } expected || (expected.TryGetValue(item.RelativePath, out string? wanted) && wanted == hash);

        public void ReportSourceChanged(string relativePath)
        {
            _result.AddFailed();
            Listener.Report(new Diagnostic(DiagnosticCode.SourceChangedSinceBuild,
                $"{_name}: {relativePath} in the deployment share no longer matches the manifest written by the build (it changed since); the target keeps its previous version. Build and publish again."));
        }

        /// <summary>A closed, complete temp file takes the source's time and replaces the final name in one step.</summary>
        public void Install(CopyItem item, string temp)
        {
            // After close: SMB drops times set on an open handle.
            _fs.SetLastWriteTimeUtc(temp, item.Source.LastWriteTimeUtc);
            if (item.Source.ReadOnly)
            {
                // As robocopy does (/COPY:DAT): the published file is read-only where the share's is.
                _fs.SetReadOnly(temp, true);
            }

            if (item.ReplacesReadOnly)
            {
                // Windows refuses to rename over a read-only file.
                _fs.SetReadOnly(item.DestinationPath, false);
            }

            _fs.Replace(temp, item.DestinationPath);
        }

        /// <returns>Whether the file is in place; false when its final name is held open (it is installed later).</returns>
        private bool CopyOnce(CopyItem item, string temp)
        {
            try
            {
                // The bytes are hashed as they are written: the source is read once, and what lands under the final
                // name is exactly what the manifest describes.
                using (Stream input = _fs.OpenRead(item.Source.FullPath))
                using (Stream output = _fs.Create(temp))
                {
                    string hash = FileHasher.Hash(input, Token, (buffer, read) =>
                    {
                        output.Write(buffer, 0, read);
                        return true;
                    });
                    FlushToDisk(output);
                    if (!Matches(item, hash))
                    {
                        throw new SourceChangedException(item.RelativePath);
                    }
                }

                return InstallOrHold(item, temp);
            }
            catch
            {
                TryDelete(temp);
                throw;
            }
        }

        private void DeleteOne(DeleteItem delete)
        {
            string shown = delete.RelativePath + (delete.Kind == DeleteKind.Directory ? "/" : string.Empty);
            void Deleted()
            {
                if (delete.Kind != DeleteKind.Directory)
                {
                    _result.AddDeleted();
                }

                Listener.Detail($"Deleted {shown}");
            }

            bool Delete()
            {
                try
                {
                    switch (delete.Kind)
                    {
                        case DeleteKind.Directory:
                            _fs.DeleteDirectory(delete.FullPath);
                            break;
                        case DeleteKind.Link:
                            // A link is removed as a link: what it points to is never touched.
                            _fs.DeleteFile(delete.FullPath);
                            break;
                        default:
                            if (delete.ReadOnly)
                            {
                                _fs.SetReadOnly(delete.FullPath, false);
                            }

                            _fs.DeleteFile(delete.FullPath);
                            break;
                    }
                }
                catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException && IsGone(delete.FullPath))
                {
                    // Already gone: an earlier attempt whose answer a failover lost did it.
                }

                return true;
            }

            // A folder still holding a file that waits to be deleted goes after it.
            if (delete.Kind == DeleteKind.Directory && HoldsBelow(delete.RelativePath))
            {
                HoldBehind(shown, () => Retry(Delete, "deleting " + shown), Deleted);
                return;
            }

            Guarded(shown, () => Retry(Delete, "deleting " + shown), completed: Deleted);
        }

        /// <summary>The entry is not there while the target is: not an outage.</summary>
        private bool IsGone(string path) => _fs.DirectoryExists(_options.DestinationRoot) && _fs.GetEntry(path) is null;

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

        /// <summary>Ends the publish with its first reason; the copies in flight finish or fail, no new one starts.</summary>
        /// <summary>The retry window ran out: calls still waiting on the target are abandoned, and the lock is left to the
        /// next publish, which breaks it (its run is over; from another machine, once its heartbeat is stale).</summary>
        public void GiveUp()
        {
            _givenUpAt ??= _engine._clock.UtcNow;
            _stop.Cancel();
            _givenUp.Cancel();
        }

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

        public void TryDelete(string path)
        {
            try
            {
                DeleteTemp(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or OperationCanceledException)
            {
                // Tried again at the end, with the retries an outage needs (a target given up is not waited for).
                _tempsLeft.Add(path);
            }
        }

        /// <summary>The temp files this publish could not remove when an attempt failed (in an outage, typically):
        /// removed at the end, so that a publish that succeeds leaves none.</summary>
        public void RemoveOwnTemps() => Step(() =>
        {
            while (_tempsLeft.TryTake(out string? temp))
            {
                Guarded(Path.GetFileName(temp), () => Retry(() => { DeleteTemp(temp); return true; }, "removing " + temp));
            }
        });

        /// <summary>A temp file may carry the read-only attribute it was to be published with, which Windows will not
        /// delete.</summary>
        private void DeleteTemp(string path)
        {
            try
            {
                _fs.DeleteFile(path);
            }
            catch (UnauthorizedAccessException)
            {
                _fs.SetReadOnly(path, false);
                _fs.DeleteFile(path);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException && IsGone(path))
            {
                // Never made, or already removed.
            }
        }

        private void Progress(int files, long bytes, int totalFiles, long totalBytes)
        {
            DateTime now = _engine._clock.UtcNow;
            if (_progress.Due(now))
            {
                Listener.Progress(new ProgressLine(_name, files, totalFiles, bytes, totalBytes, now - _progress.Started));
            }
        }

        private static bool IsTemp(string name) =>
            name.StartsWith(TreeSnapshot.TempPrefix, StringComparison.Ordinal) && name.EndsWith(TreeSnapshot.TempSuffix, StringComparison.Ordinal);
    }
}
