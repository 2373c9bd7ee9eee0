using MdtShare.Build.Mirror;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.Mirror;

/// <summary>The publish lock under races, heartbeats and foreign locks (tests/MdtShare.Build.WindowsTests adds a
/// publisher killed in another Windows process).</summary>
public sealed class PublishLockTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly FakeClock _clock = new();

    public PublishLockTests()
    {
        Trees.Write(Source, ("Control/Bootstrap.ini", "[Settings]"), ("Scripts/LiteTouch.wsf", "<job/>"));
        Directory.CreateDirectory(Target);
    }

    private string Source => _temp.Combine("share");

    private string Target => _temp.Combine("cluster");

    private string LockFile => Path.Combine(Target, TargetOwnership.LockName);

    public void Dispose() => _temp.Dispose();

    /// <summary>Both publishers have read the same stale lock before either breaks it (they meet at a barrier there):
    /// the break goes to exactly one of them, whichever it is, every round.</summary>
    [Fact]
    public void TwoPublishersBreakingTheSameStaleLock_ExactlyOneProceeds_TwoHundredRoundsInARow()
    {
        for (int round = 0; round < 200; round++)
        {
            File.WriteAllText(LockFile, $"machine={Environment.MachineName}\npid=2147480000\nrun=dead{round}\n");
            if (round > 0)
            {
                File.Delete(Path.Combine(Target, "Scripts", "LiteTouch.wsf"));   // a copy to make in every round
            }
            using var bothRead = new Barrier(2);
            using var oneReturned = new ManualResetEventSlim();
            var listeners = new[] { new RecordingListener(), new RecordingListener() };
            var results = new MirrorResult[2];
            Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
            {
                var fs = new FaultyFileSystem(_clock);
                bool read = false, copying = false;
                fs.Fault = (operation, path) =>
                {
                    if (operation == "OpenRead" && path == LockFile && !read)
                    {
                        read = true;
                        bothRead.SignalAndWait(TimeSpan.FromSeconds(30));
                    }

                    // The one that proceeds holds its lock until the other has returned, so that two proceeding can
                    // never pass for one after the other.
                    if (operation == "Create" && !copying)
                    {
                        copying = true;
                        oneReturned.Wait(TimeSpan.FromSeconds(10));
                    }
                };
                results[i] = new MirrorEngine(fs, _clock, listeners[i], isWindows: false)
                    .Publish(new MirrorOptions(Source, Target) { AdoptExistingTarget = true }, CancellationToken.None);
                oneReturned.Set();
            });

            Assert.True(results.Count(r => r.Succeeded) == 1, $"round {round}: " + string.Join(" | ", results.Select(r => r.Abort?.ToString() ?? (r.Succeeded ? "succeeded" : $"failed {r.Failed}"))) + string.Join(" | ", listeners.SelectMany(l => l.Diagnostics)));
            var refused = results.Single(r => !r.Succeeded).Abort;
            Assert.True(refused?.Code.Id == "MDTS2007", $"round {round}: {refused}");
            Assert.Equal(1, listeners.Sum(l => l.Codes.Count(c => c == "MDTS2008")));
            Assert.False(File.Exists(LockFile), $"round {round}: the winner released its lock; left: {(File.Exists(LockFile) ? File.ReadAllText(LockFile) : "")} {string.Join(",", listeners.SelectMany(l => l.Diagnostics))}");
            Assert.Equal([TargetOwnership.MarkerName, "Control", "Scripts"], Directory.EnumerateFileSystemEntries(Target).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void ALockFromAnotherMachine_IsBrokenOnlyOnceItsHeartbeatIsOlderThanTheStaleTime()
    {
        File.WriteAllText(LockFile, "machine=OTHER-AGENT\npid=4242\nrun=abc\nuser=svc_build\nstarted=2026-11-26T11:00:00Z\nheartbeat=file-time\n");
        File.SetLastWriteTimeUtc(LockFile, _clock.UtcNow - TimeSpan.FromMinutes(14));
        var listener = new RecordingListener();

        MirrorResult alive = Publish(listener);

        Assert.Equal("MDTS2007", alive.Abort?.Code.Id);
        Assert.Contains("MdtShareLockStaleMinutes", alive.Abort!.Message);

        File.SetLastWriteTimeUtc(LockFile, _clock.UtcNow - TimeSpan.FromMinutes(16));
        MirrorResult broken = Publish(listener);

        Assert.True(broken.Succeeded);
        Assert.Contains("no sign of life for 16 minutes", Assert.Single(listener.Diagnostics, d => d.Code.Id == "MDTS2008").Message);
    }

    [Fact]
    public void ALockFromAnotherMachineWithoutAHeartbeat_AnOlderPublishers_IsNeverBrokenByTime()
    {
        File.WriteAllText(LockFile, "machine=OTHER-AGENT\npid=4242\nrun=0a1b2c3d\nuser=svc_build\nstarted=2026-11-26T11:00:00Z\n");
        File.SetLastWriteTimeUtc(LockFile, _clock.UtcNow - TimeSpan.FromDays(3));

        Assert.Equal("MDTS2007", Publish(new RecordingListener()).Abort?.Code.Id);
    }

    /// <summary>A publisher that failed between creating its lock and writing it (an outage, a crash) leaves an empty
    /// lock: nobody writes it any more, so the next publish breaks it instead of waiting for the stale time.</summary>
    [Fact]
    public void AnUnfinishedLockThatNobodyWrites_IsBroken()
    {
        File.WriteAllText(LockFile, "machine=OTHER-AGENT\npi");
        var listener = new RecordingListener();

        MirrorResult result = Publish(listener);

        Assert.True(result.Succeeded, result.Abort?.Message);
        Assert.Contains("an unfinished lock file nobody is writing", Assert.Single(listener.Diagnostics).Message);
    }

    [Fact]
    public void TheHolderBeatsWhileItPublishes_SoItsLockNeverLooksStale()
    {
        var fs = new FaultyFileSystem(_clock);
        var holder = new PublishLock(fs, SystemClock.Instance, Retry(fs), Target, "run1", staleAfter: TimeSpan.FromSeconds(5));
        Assert.Null(holder.Take(breakAnyway: false, Target, _ => { }));
        DateTime taken = File.GetLastWriteTimeUtc(LockFile);

        bool beaten = SpinWait.SpinUntil(() => File.GetLastWriteTimeUtc(LockFile) > taken, TimeSpan.FromSeconds(20));
        holder.Release();

        Assert.True(beaten, "the lock's heartbeat moved within 20 s (it beats every second here)");
        Assert.False(File.Exists(LockFile));
    }

    [Fact]
    public void ReleasingRemovesOnlyAnOwnLock()
    {
        var fs = new FaultyFileSystem(_clock);
        var holder = new PublishLock(fs, _clock, Retry(fs), Target, "run1", staleAfter: TimeSpan.FromMinutes(15));
        Assert.Null(holder.Take(breakAnyway: false, Target, _ => { }));
        const string Other = "machine=OTHER-AGENT\npid=7\nrun=run2\nheartbeat=file-time\n";
        File.Delete(LockFile);
        File.WriteAllText(LockFile, Other);

        holder.Release();

        Assert.Equal(Other, File.ReadAllText(LockFile));
        Assert.Equal([TargetOwnership.LockName], Directory.EnumerateFiles(Target).Select(Path.GetFileName));
    }

    private RetryPolicy Retry(IMirrorFileSystem fs) =>
        new(_clock, TimeSpan.FromSeconds(10), Target, () => fs.DirectoryExists(Target), new RecordingListener(), isWindows: false);

    private MirrorResult Publish(RecordingListener listener) =>
        new MirrorEngine(new FaultyFileSystem(_clock), _clock, listener, isWindows: false)
            .Publish(new MirrorOptions(Source, Target) { AdoptExistingTarget = true }, CancellationToken.None);
}
