using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using MdtShare.Build.Diagnostics;

namespace MdtShare.Build.Mirror;

/// <summary>
/// One publisher at a time per target: <c>.mdtshare-publish.lock</c> at the target root names its holder (machine,
/// process, run, user, start). The lock is only ever created exclusively (CreateNew), never overwritten, and never
/// left vacant by its holder while held; its last-write time is the holder's heartbeat.
/// <para>
/// Breaking a stale lock takes the lock file aside under a name of one's own first (a rename: of two publishers doing
/// it at once exactly one succeeds) and looks at what it took: only the lock judged stale is deleted; anything else is
/// renamed back. So two publishers breaking the same stale lock never both proceed. A release deletes the lock only
/// if it names this run.
/// </para>
/// </summary>
internal sealed class PublishLock
{
    public const string Name = ".mdtshare-publish.lock";

    /// <summary>Publishes running in this process, by run id: a lock of this process that names none of them is stale
    /// (a release that failed in an outage), which matters for long-lived MSBuild nodes.</summary>
    private static readonly ConcurrentDictionary<string, bool> ActiveRuns = new(StringComparer.Ordinal);

    private static readonly int CurrentProcessId = GetCurrentProcessId();

    private readonly IMirrorFileSystem _fs;
    private readonly IClock _clock;
    private readonly RetryPolicy _retry;
    private readonly string _path;
    private readonly string _runId;
    private readonly TimeSpan _staleAfter;
    private Timer? _heartbeat;

    public PublishLock(IMirrorFileSystem fs, IClock clock, RetryPolicy retry, string root, string runId, TimeSpan staleAfter)
    {
        _fs = fs;
        _clock = clock;
        _retry = retry;
        _path = Path.Combine(root, Name);
        _runId = runId;
        _staleAfter = staleAfter;
        ActiveRuns[runId] = true;
    }

    /// <summary>Takes the lock, breaking a stale one (reported through <paramref name="broken"/>).</summary>
    /// <returns>Null when taken; else why not (MDTS2007).</returns>
    public Diagnostic? Take(bool breakAnyway, string target, Action<Diagnostic> broken)
    {
        byte[] content = Encoding.UTF8.GetBytes(Content());
        while (!TryCreate(_path, content))
        {
            string? text;
            try
            {
                text = ReadOrNull(_path);
            }
            catch (IOException e) when (IsBusy(e))
            {
                return new Diagnostic(DiagnosticCode.TargetLocked, $"{target} is being locked by another publisher at this very moment.");
            }

            if (text is null)
            {
                continue;   // released or broken meanwhile: try again
            }

            // A lock is complete once its run line is: one read while its holder writes it names nobody yet.
            var holder = Parse(text);
            if (holder.TryGetValue("run", out string? run) && run == _runId && text == Encoding.UTF8.GetString(content))
            {
                break;   // created by an attempt of ours whose answer a failover lost
            }

            DateTime? lastWrite = _fs.GetEntry(_path)?.LastWriteTimeUtc;
            bool unfinished = !holder.ContainsKey("run") || !text.EndsWith("\n", StringComparison.Ordinal);
            string? stale = !unfinished ? StaleReason(holder, lastWrite) : Abandoned(text);
            if (!breakAnyway && stale is null && unfinished)
            {
                return new Diagnostic(DiagnosticCode.TargetLocked, $"{target} is being locked by another publisher at this very moment.");
            }

            if (!breakAnyway && stale is null)
            {
                string wait = holder.ContainsKey("heartbeat")
                    ? $", or wait: a lock whose holder shows no sign of life for {_staleAfter.TotalMinutes:0} minutes (MdtShareLockStaleMinutes) is broken by the next publish"
                    : string.Empty;
                return new Diagnostic(DiagnosticCode.TargetLocked,
                    $"{target} is being published by another publisher ({Describe(holder)}). If that publish crashed, break the lock with -p:MdtShareBreakLock=true{wait}.");
            }

            if (TakeAside(text))
            {
                broken(new Diagnostic(DiagnosticCode.StaleLockBroken,
                    $"{target}: removed the publish lock of {Describe(holder)} ({(breakAnyway ? "MdtShareBreakLock=true" : stale)})."));
            }
        }

        // A sign of life well within the stale time, also while one large file is being copied.
        TimeSpan beat = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(1).Ticks, Math.Min(TimeSpan.FromMinutes(1).Ticks, _staleAfter.Ticks / 5)));
        _heartbeat = new Timer(_ => Beat(), null, beat, beat);
        return null;
    }

    /// <summary>
    /// An unfinished lock is one being written this very moment, or one whose writer failed (an outage, a crash)
    /// between creating and writing it. A writer takes a round trip at most: one still unfinished and unchanged after
    /// half a second of real time, whatever the machines' clocks say, is abandoned.
    /// </summary>
    private string? Abandoned(string unfinished)
    {
        Thread.Sleep(UnfinishedLockPatience);
        string? again;
        try
        {
            again = ReadOrNull(_path);
        }
        catch (IOException e) when (IsBusy(e))
        {
            return null;
        }

        return again == unfinished ? "an unfinished lock file nobody is writing" : null;
    }

    private static readonly TimeSpan UnfinishedLockPatience = TimeSpan.FromMilliseconds(500);

    /// <summary>Removes the lock if it is still this run's; the caller reports a failure. Only a publisher that judged
    /// this lock stale could have replaced it, which it cannot while the heartbeat beats: reading, then deleting, is
    /// enough.</summary>
    public void Release()
    {
        StopHeartbeat();
        ActiveRuns.TryRemove(_runId, out _);
        if (ReadOrNull(_path) is { } text && Parse(text).TryGetValue("run", out string? run) && run == _runId)
        {
            _fs.DeleteFile(_path);
        }
    }

    /// <summary>The run ended without taking the lock (a guard tripped, or a dry run).</summary>
    public void Forget()
    {
        StopHeartbeat();
        ActiveRuns.TryRemove(_runId, out _);
    }

    /// <summary>
    /// Renames the lock to a name of this run's, then deletes what it took if it is <paramref name="expected"/>;
    /// anything else (a lock taken in between, perhaps still being written) is renamed back where it was, the very
    /// file its holder writes to and beats.
    /// </summary>
    /// <returns>Whether the expected lock was removed.</returns>
    private bool TakeAside(string expected)
    {
        // Reserved like the lock itself (never swept, copied or purged): the holder of a lock another publisher has
        // aside must not remove it as a leftover.
        string aside = _path + "." + _runId;
        try
        {
            _fs.Rename(_path, aside);
        }
        catch (FileNotFoundException)
        {
            return false;   // another publisher took it aside first
        }

        string? taken;
        try
        {
            taken = ReadOrNull(aside);
        }
        catch (IOException e) when (IsBusy(e))
        {
            taken = null;
        }

        if (taken == expected)
        {
            _fs.DeleteFile(aside);
            return true;
        }

        _fs.Rename(aside, _path);
        return false;
    }

    private bool IsBusy(IOException e) => _retry.Classify(e) == FailureKind.Busy;

    private void Beat()
    {
        try
        {
            _fs.SetLastWriteTimeUtc(_path, _clock.UtcNow);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // An outage: the next beat tries again, well within the stale time.
        }
    }

    /// <summary>Without waiting for a beat in flight: on a target that stopped answering it may never end (a late one
    /// finds the lock gone, or another publisher's, whose time it merely refreshes).</summary>
    private void StopHeartbeat()
    {
        _heartbeat?.Dispose();
        _heartbeat = null;
    }

    private string Content() => string.Join("\n",
        "machine=" + Environment.MachineName,
        "pid=" + CurrentProcessId.ToString(CultureInfo.InvariantCulture),
        "run=" + _runId,
        "user=" + Environment.UserName,
        "started=" + _clock.UtcNow.ToString("o", CultureInfo.InvariantCulture),
        "heartbeat=file-time") + "\n";

    /// <returns>False when the file already exists.</returns>
    private bool TryCreate(string path, byte[] content)
    {
        Stream stream;
        try
        {
            stream = _fs.CreateNew(path);
        }
        catch (IOException e) when (FailureClassifier.IsAlreadyExists(e))
        {
            return false;
        }

        try
        {
            using (stream)
            {
                stream.Write(content, 0, content.Length);
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A lock left unfinished would keep every publisher out until it is stale.
            try
            {
                _fs.DeleteFile(path);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // Unfinished, it is broken once it is older than the stale time.
            }

            throw;
        }
    }

    private string? ReadOrNull(string path)
    {
        try
        {
            using Stream stream = _fs.OpenRead(path);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Why a lock is stale, or null: its holder keeps a heartbeat (the lock file's last-write time) and has not beaten
    /// for the stale time, from any machine, since a lock from another machine can never be checked for a live
    /// process; or its process is gone from this very machine. A lock of an older publisher without a heartbeat, from
    /// another machine, is never stale by time.
    /// </summary>
    private string? StaleReason(IReadOnlyDictionary<string, string> holder, DateTime? lastBeat)
    {
        if (holder.ContainsKey("heartbeat") && lastBeat is { } beat && _clock.UtcNow - beat > _staleAfter)
        {
            return $"no sign of life for {(_clock.UtcNow - beat).TotalMinutes:0} minutes, more than MdtShareLockStaleMinutes ({_staleAfter.TotalMinutes:0})";
        }

        if (!IsThisMachine(holder)
            || !holder.TryGetValue("pid", out string? pidText) || !int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
        {
            return null;
        }

        if (pid == CurrentProcessId)
        {
            return holder.TryGetValue("run", out string? run) && ActiveRuns.ContainsKey(run) ? null : "this process no longer runs that publish";
        }

        try
        {
            using Process process = Process.GetProcessById(pid);
            return process.HasExited ? "its process no longer runs"
                : StartedAfter(process, holder) ? "its process no longer runs; the id belongs to a later process"
                : null;
        }
        catch (ArgumentException)
        {
            return "its process no longer runs";
        }
    }

    private static bool IsThisMachine(IReadOnlyDictionary<string, string> holder) =>
        holder.TryGetValue("machine", out string? machine) && string.Equals(machine, Environment.MachineName, StringComparison.OrdinalIgnoreCase);

    /// <summary>Windows hands a dead process's id to the next process soon: a process with the lock's id that started
    /// after the lock was taken is another one.</summary>
    private static bool StartedAfter(Process process, IReadOnlyDictionary<string, string> holder)
    {
        if (!holder.TryGetValue("started", out string? text)
            || !DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTime started))
        {
            return false;
        }

        try
        {
            return process.StartTime.ToUniversalTime() > started.ToUniversalTime().AddSeconds(1);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return false;
        }
    }

    private static Dictionary<string, string> Parse(string content) =>
        content.Split('\n')
            .Select(line => line.Split(['='], 2))
            .Where(parts => parts.Length == 2)
            .GroupBy(parts => parts[0].Trim(), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First()[1].Trim(), StringComparer.OrdinalIgnoreCase);

    private static string Describe(IReadOnlyDictionary<string, string> holder) =>
        string.Join(", ", new[] { "machine", "pid", "user", "started" }
            .Where(holder.ContainsKey).Select(k => $"{k} {holder[k]}"));

    private static int GetCurrentProcessId()
    {
        using Process process = Process.GetCurrentProcess();
        return process.Id;
    }
}
