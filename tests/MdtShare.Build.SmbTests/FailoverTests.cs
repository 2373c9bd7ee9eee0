using System.Diagnostics;
using MdtShare.Build.Mirror;
using MdtShare.Build.Tests.Shared;
using MdtShare.Build.Tests.Support;
using Xunit.Abstractions;

namespace MdtShare.Build.SmbTests;

/// <summary>
/// Cluster failovers for real: the Samba server is killed (every smbd process at once, connections reset) at a random
/// point of a publish and restarted after 1, 5 or 20 s. Each publish must finish within its retry window with no
/// failed file and one outage warning per outage, and the server's disk must then hold the source byte for byte.
/// </summary>
[Collection(SambaCollection.Name)]
public sealed class FailoverTests(SambaFixture samba, ITestOutputHelper output) : IDisposable
{
    private const string OutageWarning = "MDTS2009";
    private readonly TempDirectory _temp = new();

    private string Source => _temp.Path;

    public void Dispose() => _temp.Dispose();

    [SkippableFact]
    public void TenPublishesRideThroughAFailoverEach()
    {
        var (mounted, onServer) = samba.NewTarget("failover");
        SyntheticShare.Create(Source, files: 400, bytes: 120L << 20, seed: 3);
        double[] outageSeconds = [1, 5, 1, 20, 1, 5, 1, 5, 1, 5];
        var random = new Random(4);
        for (int i = 0; i < outageSeconds.Length; i++)
        {
            if (i > 0)
            {
                SyntheticShare.Change(Source, 0.25, seed: 100 + i);
            }

            Dictionary<string, string> expected = SyntheticShare.Hashes(Source);
            var killAfter = TimeSpan.FromMilliseconds(random.Next(0, 150));
            var listener = new RecordingListener();
            int restartsBefore = samba.Require().ClientRestarts;
            MirrorResult result;
            DateTime finished;
            using (Failover failover = Failover.After(samba.Require(), listener, killAfter, TimeSpan.FromSeconds(outageSeconds[i])))
            {
                result = Publish(mounted, listener, TimeSpan.FromSeconds(60));
                finished = DateTime.UtcNow;
                Assert.True(failover.KilledAt < finished, $"publish {i + 1} finished before the server was killed");
            }

            int warnings = listener.Codes.Count(c => c == OutageWarning);
            int clientRestarts = samba.Require().ClientRestarts - restartsBefore;
            output.WriteLine($"publish {i + 1}: server killed {killAfter.TotalSeconds:0.00} s after the first file, down {outageSeconds[i]} s; " +
                $"{result.Copied + result.Updated} files copied in {result.Duration.TotalSeconds:0.0} s, {result.Failed} failed, {warnings} outage warning(s)" +
                (clientRestarts > 0 ? $", {clientRestarts} hung smbnetfs restarted" : string.Empty));
            Assert.True(result.Succeeded, $"publish {i + 1}: {PublishToSmbTests.Describe(result)} {string.Join(" | ", listener.Diagnostics)}");
            var onDisk = SyntheticShare.Hashes(onServer);
            var differing = expected.Keys.Union(onDisk.Keys).Where(k => !expected.TryGetValue(k, out string? a) || !onDisk.TryGetValue(k, out string? b) || a != b).ToList();
            Assert.True(differing.Count == 0, $"publish {i + 1} succeeded, yet the server's disk differs from the share at {string.Join(", ", differing.Take(10))}: "
                + string.Join(", ", differing.Take(10).Select(k => $"{k} {(expected.ContainsKey(k) ? "in the share" : "not in the share")}, {(onDisk.ContainsKey(k) ? "on the server" : "not on the server")}"))
                + $"; {string.Join(" | ", listener.Messages.Where(m => !m.StartsWith("Copied", StringComparison.Ordinal) && !m.StartsWith("Updated", StringComparison.Ordinal)))}");

            // smbnetfs rides through a short outage itself (a call blocks until it has reconnected), so the publish
            // may not see one; an outage it sees is reported once, and one of 5 s or more is always seen. A hung client
            // the watchdog restarted is one more outage.
            Assert.InRange(warnings, outageSeconds[i] >= 5 ? 1 : 0, 1 + clientRestarts);
        }
    }

    [SkippableFact]
    public void AnOutageLongerThanTheRetryWindowFailsWithItsCode_TearsNothing_AndTheNextPublishConverges()
    {
        var (mounted, onServer) = samba.NewTarget("longoutage");
        SyntheticShare.Create(Source, files: 300, bytes: 60L << 20, seed: 5);
        Assert.True(Publish(mounted, new RecordingListener(), TimeSpan.FromSeconds(60)).Succeeded);
        Dictionary<string, string> before = SyntheticShare.Hashes(Source);
        SyntheticShare.Change(Source, 0.5, seed: 6);
        Dictionary<string, string> after = SyntheticShare.Hashes(Source);

        MirrorResult failed;
        var listener = new RecordingListener();
        using (Failover.After(samba.Require(), listener, TimeSpan.Zero, TimeSpan.FromSeconds(12)))
        {
            failed = Publish(mounted, listener, TimeSpan.FromSeconds(4));
        }

        Assert.Equal("MDTS2010", failed.Abort?.Code.Id);

        // Every file under its final name is the old or the new version, never a mix; temp files may be left.
        foreach (var (path, hash) in SyntheticShare.Hashes(onServer).Where(f => !Path.GetFileName(f.Key).StartsWith(".~mdtshare.", StringComparison.Ordinal)))
        {
            Assert.True(hash == before[path] || hash == after[path], $"{path} is torn");
        }

        MirrorResult next = Publish(mounted, new RecordingListener(), TimeSpan.FromSeconds(60));
        Assert.True(next.Succeeded, PublishToSmbTests.Describe(next));
        Assert.Equal(after, SyntheticShare.Hashes(onServer));
    }

    /// <summary>A server that stops answering and never comes back during the publish (every smbd process stopped a
    /// moment into the publish): the calls on the mount block instead of failing, and the publish to it still ends with MDTS2010
    /// within the retry window and one operation timeout (plus that second and a few of slack), while a healthy second
    /// target beside it converges.</summary>
    [SkippableFact]
    public void AServerThatStopsAnsweringEndsThePublishWithinItsBound_AndTheHealthySiteConverges()
    {
        var (mounted, _) = samba.NewTarget("frozen");
        string healthy = Path.Combine(Source + "-healthy", "Distribution$");
        Directory.CreateDirectory(Path.GetDirectoryName(healthy)!);
        SyntheticShare.Create(Source, files: 120, bytes: 20L << 20, seed: 7);
        TimeSpan window = TimeSpan.FromSeconds(8), timeout = TimeSpan.FromSeconds(4);
        var listener = new RecordingListener();
        IReadOnlyList<MirrorResult> results;
        var clock = Stopwatch.StartNew();
        TimeSpan frozenAt = TimeSpan.Zero;

        // Frozen once the first file is in place: mid-publish however fast the agent is.
        var freeze = Task.Run(() =>
        {
            while (!listener.Details.Any(d => d.StartsWith("Copied", StringComparison.Ordinal)) && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                Thread.Sleep(5);
            }

            samba.Require().FreezeServer();
            frozenAt = clock.Elapsed;
        });
        try
        {
            results = new MirrorEngine(listener).Publish(
                [Options(mounted, window, timeout), Options(healthy, window, timeout)], CancellationToken.None);
        }
        finally
        {
            Assert.True(freeze.Wait(TimeSpan.FromSeconds(60)), "the server was never frozen");
            samba.Require().ThawServer();
        }

        Assert.Equal("MDTS2010", results[0].Abort?.Code.Id);
        output.WriteLine($"frozen target given up after {results[0].Duration.TotalSeconds:0.0} s; healthy target done in {results[1].Duration.TotalSeconds:0.0} s");
        Assert.True(results[0].Duration <= frozenAt + window + timeout + TimeSpan.FromSeconds(3),
            $"the frozen target took {results[0].Duration.TotalSeconds:0.0} s: " + string.Join(" | ", listener.Timeline.Where(t => !t.Contains(" Copied ", StringComparison.Ordinal))));
        Assert.True(results[1].Succeeded, PublishToSmbTests.Describe(results[1]));
        Assert.Equal(SyntheticShare.Hashes(Source), SyntheticShare.Hashes(healthy));
        Directory.Delete(Path.GetDirectoryName(healthy)!, recursive: true);
    }

    private MirrorOptions Options(string target, TimeSpan window, TimeSpan timeout) =>
        new(Source, target) { AdoptExistingTarget = true, RetryWindow = window, OperationTimeout = timeout };

    private MirrorResult Publish(string target, RecordingListener listener, TimeSpan retryWindow) =>
        new MirrorEngine(listener).Publish(new MirrorOptions(Source, target) { AdoptExistingTarget = true, RetryWindow = retryWindow }, CancellationToken.None);

    /// <summary>Kills the server a moment after the publish put its first file in place, new or replaced (mid-publish
    /// however fast the agent is) and restarts it after the outage; disposing waits until the server is back.</summary>
    private sealed class Failover : IDisposable
    {
        private readonly Task _bounce;

        private Failover(SambaServer server, RecordingListener publish, TimeSpan after, TimeSpan outage)
        {
            _bounce = Task.Run(() =>
            {
                var waited = Stopwatch.StartNew();
                while (!publish.Details.Any(d => d.StartsWith("Copied", StringComparison.Ordinal) || d.StartsWith("Updated", StringComparison.Ordinal))
                       && waited.Elapsed < TimeSpan.FromSeconds(30))
                {
                    Thread.Sleep(5);
                }

                Thread.Sleep(after);
                server.KillServer();
                KilledAt = DateTime.UtcNow;
                Thread.Sleep(outage);
                server.StartServer();
            });
        }

        public DateTime KilledAt { get; private set; } = DateTime.MaxValue;

        public static Failover After(SambaServer server, RecordingListener publish, TimeSpan after, TimeSpan outage) => new(server, publish, after, outage);

        public void Dispose() => _bounce.GetAwaiter().GetResult();
    }
}
