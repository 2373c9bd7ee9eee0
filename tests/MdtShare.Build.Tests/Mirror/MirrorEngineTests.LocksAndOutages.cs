using MdtShare.Build.Diagnostics;
using MdtShare.Build.Mirror;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.Mirror;

public sealed partial class MirrorEngineTests
{
    [Fact]
    public void LockHeldByAnotherMachineIsReported_AndCanBeBroken()
    {
        Publish();
        Trees.Write(Target, (TargetOwnership.LockName, "machine=OTHER-AGENT\npid=4242\nrun=4f0c2a9e\nuser=svc_build\nstarted=2026-11-26T11:00:00Z\n"));
        _fs.Changes.Clear();

        MirrorResult locked = Publish();

        Assert.Equal("MDTS2007", locked.Abort?.Code.Id);
        Assert.Contains("machine OTHER-AGENT, pid 4242, user svc_build", locked.Abort!.Message);
        Assert.DoesNotContain(_fs.Changes, c => c.Operation != "CreateNew");

        MirrorResult broken = Publish(o => With(o, breakLock: true));

        Assert.True(broken.Succeeded);
        Assert.Equal(["MDTS2008"], _listener.Codes);
        Assert.False(File.Exists(Path.Combine(Target, TargetOwnership.LockName)));
    }

    [Fact]
    public void LockOfADeadProcessOnThisMachineIsBrokenAutomatically_OneOfALiveOneIsNot()
    {
        Publish();
        Trees.Write(Target, (TargetOwnership.LockName, $"machine={Environment.MachineName}\npid=1\nrun=00000001\n"));
        Assert.Equal("MDTS2007", Publish().Abort?.Code.Id);

        Trees.Write(Target, (TargetOwnership.LockName, $"machine={Environment.MachineName}\npid=2147480000\nrun=00000002\n"));
        MirrorResult result = Publish();

        Assert.True(result.Succeeded);
        Assert.Contains("MDTS2008", _listener.Codes);
    }

    /// <summary>Two publishes to one target at once: the one that holds the lock finishes, the other stops with
    /// MDTS2007 before changing anything, and nothing is torn.</summary>
    [Fact]
    public async Task TwoPublishesAtOnce_OneWins_TheOtherStopsWithTheLockCode()
    {
        using var firstIsCopying = new ManualResetEventSlim();
        using var secondIsDone = new ManualResetEventSlim();
        _fs.Fault = (operation, path) =>
        {
            // The first publisher pauses inside its copies, lock held, until the second one has given up.
            if (operation == "Create" && !firstIsCopying.IsSet)
            {
                firstIsCopying.Set();
                secondIsDone.Wait(TimeSpan.FromSeconds(30));
            }
        };

        Task<MirrorResult> first = Task.Run(() => Publish());
        Assert.True(firstIsCopying.Wait(TimeSpan.FromSeconds(30)));
        var secondListener = new RecordingListener();
        MirrorResult second = new MirrorEngine(PhysicalFileSystem.Instance, _clock, secondListener, isWindows: false)
            .Publish(new MirrorOptions(Source, Target), CancellationToken.None);
        secondIsDone.Set();

        Assert.Equal("MDTS2007", second.Abort?.Code.Id);
        Assert.Equal((0, 0, 0), (second.Copied, second.Updated, second.Deleted));
        MirrorResult winner = await first;
        Assert.True(winner.Succeeded, winner.Abort?.Message);
        Assert.Equal(Expected(), Published());
        AssertNoTempFiles();
    }

    /// <summary>An outage that strikes in the middle of writing a file also fails the removal of that attempt's temp
    /// file; the publish removes it once the target is back, and one that succeeds leaves none (found on Samba).</summary>
    [Fact]
    public void AnOutageMidWrite_LeavesNoTempFileOnceThePublishSucceeds()
    {
        bool struck = false;
        _fs.Fault = (operation, path) =>
        {
            if (operation == "Write" && path.Contains(TreeSnapshot.TempPrefix, StringComparison.Ordinal) && !struck)
            {
                struck = true;
                _fs.OutageAfter(operations: 1, TimeSpan.FromSeconds(30), _temp.Combine("cluster"));
            }
        };

        MirrorResult result = Publish();

        Assert.True(struck);
        Assert.True(result.Succeeded, string.Join("\n", _listener.Diagnostics));
        Assert.Equal(Expected(), Published());
        AssertNoTempFiles();
    }

    /// <summary>Found by the Samba failover test: smbnetfs renames by unlink then rename, so a server restarting between
    /// the two leaves the rename finding nothing; that is an outage, and the file is copied again.</summary>
    [Fact]
    public void ARenameThatFindsNothingAfterARestartIsRiddenThrough_AndTheFileCopiedAgain()
    {
        int failures = 0;
        _fs.Fault = (operation, path) =>
        {
            if (operation == "Replace" && path.EndsWith("install.wim", StringComparison.Ordinal) && Interlocked.Increment(ref failures) == 1)
            {
                throw new FileNotFoundException("No such file or directory", path);
            }
        };

        MirrorResult result = Publish();

        Assert.True(result.Succeeded, result.Abort?.Message + string.Join(" | ", _listener.Diagnostics));
        Assert.Equal(["MDTS2009"], _listener.Codes);
        Assert.Equal(File.ReadAllBytes(Path.Combine(Source, "Operating Systems", "W11", "install.wim")), File.ReadAllBytes(Path.Combine(Target, "Operating Systems", "W11", "install.wim")));
    }

    [Fact]
    public void OutageIsRiddenThroughWithOneWarning_AndFinishedFilesAreNotCopiedAgain()
    {
        _fs.OutageAfter(operations: 40, TimeSpan.FromSeconds(45), _temp.Combine("cluster"));

        MirrorResult result = Publish();

        Assert.True(result.Succeeded, string.Join("\n", _listener.Diagnostics));
        Assert.Equal(1, result.Outages);
        Assert.Equal(["MDTS2009"], _listener.Codes);
        Assert.Contains(_listener.Infos, i => i.Contains("reachable again after"));
        Assert.Contains(_listener.Infos, i => i.StartsWith(Target + ": ", StringComparison.Ordinal) && i.Contains(" files, ") && i.EndsWith(" left", StringComparison.Ordinal));
        Assert.Equal(Expected(), Published());
        var replaced = _fs.Changes.Where(c => c.Operation == "Replace").GroupBy(c => c.Path);
        Assert.All(replaced, g => Assert.Single(g));
        AssertNoTempFiles();
        Assert.InRange(_clock.TotalDelay, TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(120));
    }

    [Fact]
    public void OutageLongerThanTheWindowFails_LeavesNoTornFile_AndTheNextPublishConverges()
    {
        _fs.OutageAfter(operations: 40, TimeSpan.FromSeconds(150), _temp.Combine("cluster"));

        MirrorResult failed = Publish(o => With(o, window: TimeSpan.FromSeconds(60)));

        Assert.Equal("MDTS2010", failed.Abort?.Code.Id);
        Assert.False(failed.Succeeded);
        var expected = Expected();
        Assert.All(Published(), file => Assert.Equal(expected[file.Key], file.Value));
        Assert.True(Published().Count < expected.Count);

        MirrorResult next = Publish();

        Assert.True(next.Succeeded, next.Abort + " / failed " + next.Failed + "\n" + string.Join("\n", _listener.Diagnostics));
        Assert.Equal(expected, Published());
        AssertNoTempFiles();
    }

    /// <summary>An outage that outlasts the window before any file is copied (taking the lock, listing the target,
    /// creating folders, as seen against Samba) stops the publish with the same code, never an exception.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(15)]
    public void OutageOutlastingTheWindowBeforeTheCopiesStopsWithItsCode(int operations)
    {
        _fs.OutageAfter(operations, TimeSpan.FromSeconds(150), _temp.Combine("cluster"));

        MirrorResult failed = Publish(o => With(o, window: TimeSpan.FromSeconds(60)));

        Assert.Equal("MDTS2010", failed.Abort?.Code.Id);
        MirrorResult next = Publish();
        Assert.True(next.Succeeded, next.Abort + " / failed " + next.Failed);
        Assert.Equal(Expected(), Published());
    }
}
