using System.Diagnostics;
using MdtShare.Build.Mirror;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.Mirror;

/// <summary>
/// A target that stops answering: its calls block instead of failing (a hung node, a frozen SMB session). The clock
/// is the real one here, since what is under test is that the publish ends in time. The same against a frozen Samba
/// server: tests/MdtShare.Build.SmbTests/FailoverTests.cs.
/// </summary>
public sealed class HungTargetTests : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    private readonly TempDirectory _temp = new();
    private readonly ManualResetEventSlim _answer = new();
    private readonly RecordingListener _listener = new();
    private readonly FaultyFileSystem _fs = new(new FakeClock());

    public HungTargetTests()
    {
        Trees.Write(Source, ("Control/CustomSettings.ini", "[Settings]"), ("Scripts/LiteTouch.wsf", "<job/>"),
            ("Operating Systems/W11/install.wim", new string('w', 300_000)), ("Boot/LiteTouchPE_x64.wim", new string('b', 100_000)));
        Directory.CreateDirectory(_temp.Combine("cluster"));
    }

    private string Source => _temp.Combine("share");

    public void Dispose()
    {
        _answer.Set();   // the abandoned calls return, and their threads end
        _temp.Dispose();
    }

    /// <summary>Every call below <paramref name="root"/>, from the <paramref name="after"/>-th on, waits for an answer
    /// that does not come.</summary>
    private void Hang(string root, int after)
    {
        int calls = 0;
        _fs.Fault = (_, path) =>
        {
            if (path.StartsWith(root, StringComparison.Ordinal) && Interlocked.Increment(ref calls) >= after)
            {
                _answer.Wait();
            }
        };
    }

    [Theory]
    [InlineData(1)]
    [InlineData(12)]
    public void ATargetThatStopsAnswering_EndsThePublishWithItsCode_WithinTheWindowAndOneTimeout(int after)
    {
        string target = _temp.Combine("cluster", "Distribution$");
        Hang(target, after);
        var clock = Stopwatch.StartNew();

        MirrorResult result = Publish(Options(target));

        Assert.Equal("MDTS2010", result.Abort?.Code.Id);
        Assert.Contains("got no answer within 1 s", result.Abort!.Message);
        Assert.Equal("MDTS2009", _listener.Codes.First());

        // No file failed: the only other finding is the lock the stopped publish could not remove from the silent target.
        Assert.All(_listener.Diagnostics.Skip(1), d => Assert.Contains("could not remove the publish lock", d.Message));

        // The window, one more timeout, and at most one backoff (4 s) of slack: never the server's "for ever".
        Assert.InRange(clock.Elapsed, Window, Window + Timeout + TimeSpan.FromSeconds(4) + TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void OneSiteThatStopsAnswering_DoesNotStallTheOther()
    {
        string hung = _temp.Combine("cluster", "Stockholm$");
        string healthy = _temp.Combine("cluster", "NewYork$");
        Hang(hung, after: 8);

        IReadOnlyList<MirrorResult> results = new MirrorEngine(_fs, SystemClock.Instance, _listener, isWindows: false)
            .Publish([Options(hung), Options(healthy)], CancellationToken.None);

        Assert.Equal("MDTS2010", results[0].Abort?.Code.Id);
        Assert.True(results[1].Succeeded, string.Join("\n", _listener.Diagnostics));
        Assert.Equal(Trees.Read(Source), Trees.Read(healthy, TargetOwnership.MarkerName));
    }

    /// <summary>A site that stops answering in the middle of the shared copies is given up within its window and one
    /// timeout of that moment, while the other site's copies of the same phase still go on for seconds: it copies
    /// its part on its own at once instead of after them.</summary>
    [Fact]
    public void ASiteThatStopsAnsweringMidCopy_IsGivenUpWithoutWaitingForTheOtherSitesCopies()
    {
        Trees.Write(Source, Enumerable.Range(0, 24).Select(i => ($"Applications/App{i:00}/setup.exe", new string('a', 1000 + i))).ToArray());
        string hung = _temp.Combine("cluster", "Stockholm$");
        string slow = _temp.Combine("cluster", "NewYork$");
        var clock = Stopwatch.StartNew();
        TimeSpan? frozenAt = null;
        object gate = new();
        _fs.Fault = (operation, path) =>
        {
            // Frozen once the slow site installs its first shared copy: mid-phase, never while taking the lock.
            if (path.StartsWith(slow, StringComparison.Ordinal) && operation == "Replace" && path.Contains("Applications"))
            {
                lock (gate)
                {
                    frozenAt ??= clock.Elapsed;
                }

                Thread.Sleep(500);
            }
            else if (path.StartsWith(hung, StringComparison.Ordinal) && frozenAt is not null)
            {
                _answer.Wait();
            }
        };
        TimeSpan window = TimeSpan.FromSeconds(1), timeout = TimeSpan.FromSeconds(0.5);
        // The slow site's calls take 0.5 s each: its own timeout is far above that, so only the hung site fails.
        MirrorOptions Site(string target, TimeSpan callTimeout) => new(Source, target) { RetryWindow = window, OperationTimeout = callTimeout, Parallelism = 2 };

        IReadOnlyList<MirrorResult> results = new MirrorEngine(_fs, SystemClock.Instance, _listener, isWindows: false)
            .Publish([Site(hung, timeout), Site(slow, TimeSpan.FromSeconds(10))], CancellationToken.None);

        Assert.True(results[0].Abort?.Code.Id == "MDTS2010", string.Join("\n", _listener.Messages));
        Assert.True(results[1].Succeeded, string.Join("\n", _listener.Diagnostics));
        Assert.Equal(Trees.Read(Source), Trees.Read(slow, TargetOwnership.MarkerName));

        // The slow site's renames alone take about 6 s; the hung site is given up within its window and one timeout of
        // its first unanswered call (the one that dropped it from the shared copy), plus 2 s for a loaded agent's
        // thread pool, whose threads the unanswered calls hold.
        Assert.True(results[1].Duration > TimeSpan.FromSeconds(5), $"the slow site took only {results[1].Duration.TotalSeconds:0.0} s");
        Assert.True(results[0].Duration <= frozenAt + window + timeout + TimeSpan.FromSeconds(2),
            $"the hung site was given up after {results[0].Duration.TotalSeconds:0.0} s, frozen at {frozenAt?.TotalSeconds:0.0} s");
    }

    private MirrorOptions Options(string target) => new(Source, target) { RetryWindow = Window, OperationTimeout = Timeout };

    private MirrorResult Publish(MirrorOptions options) =>
        new MirrorEngine(_fs, SystemClock.Instance, _listener, isWindows: false).Publish(options, CancellationToken.None);
}
