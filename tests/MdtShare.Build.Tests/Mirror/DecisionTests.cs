using MdtShare.Build.Mirror;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.Mirror;

/// <summary>Decisions whose inputs this machine cannot produce for real (Windows error codes, a failover).</summary>
public class DecisionTests
{
    private static IOException Win32(int code) => new("x", unchecked((int)0x80070000) | code);

    /// <summary>What a Windows SMB client returns while the share's node fails over or the network drops: Wine has no
    /// SMB client (every UNC path is ERROR_PATH_NOT_FOUND there), so these are decided here; the Windows layer shows
    /// the sharing-violation and access-denied cases for real.</summary>
    [Theory]
    [InlineData(51, "Outage")]    // ERROR_REM_NOT_LIST: the node does not listen (yet)
    [InlineData(53, "Outage")]    // ERROR_BAD_NETPATH
    [InlineData(58, "Outage")]    // ERROR_BAD_NET_RESP
    [InlineData(59, "Outage")]    // ERROR_UNEXP_NET_ERR: the session expired or was deleted
    [InlineData(64, "Outage")]    // ERROR_NETNAME_DELETED: the connection was reset
    [InlineData(67, "Outage")]    // ERROR_BAD_NET_NAME: the cluster name is between nodes
    [InlineData(121, "Outage")]   // ERROR_SEM_TIMEOUT (STATUS_IO_TIMEOUT)
    [InlineData(240, "Outage")]   // ERROR_VC_DISCONNECTED
    [InlineData(1167, "Outage")]  // ERROR_DEVICE_NOT_CONNECTED
    [InlineData(1222, "Outage")]  // ERROR_NO_NETWORK
    [InlineData(1225, "Outage")]  // ERROR_CONNECTION_REFUSED
    [InlineData(1229, "Outage")]  // ERROR_CONNECTION_INVALID
    [InlineData(1231, "Outage")]  // ERROR_NETWORK_UNREACHABLE
    [InlineData(1232, "Outage")]  // ERROR_HOST_UNREACHABLE
    [InlineData(1236, "Outage")]  // ERROR_CONNECTION_ABORTED
    [InlineData(2250, "Outage")]  // ERROR_NOT_CONNECTED
    [InlineData(1326, "Permanent")]  // ERROR_LOGON_FAILURE: a wrong password does not heal
    [InlineData(65, "Permanent")]    // ERROR_NETWORK_ACCESS_DENIED
    [InlineData(6, "Permanent")]     // ERROR_INVALID_HANDLE (a device name such as CON)
    [InlineData(32, "Busy")]
    [InlineData(33, "Busy")]
    [InlineData(112, "Permanent")]
    [InlineData(123, "Permanent")]
    [InlineData(206, "Permanent")]
    public void WindowsErrorCodes(int code, string expected) =>
        Assert.Equal(expected, FailureClassifier.Classify(Win32(code), isWindows: true, () => true).ToString());

    [Theory]
    [InlineData(107, "Outage")]
    [InlineData(116, "Outage")]
    [InlineData(5, "Outage")]
    [InlineData(112, "Outage")]
    [InlineData(110, "Outage")]
    [InlineData(103, "Outage")]
    [InlineData(16, "Busy")]
    [InlineData(28, "Permanent")]
    [InlineData(36, "Permanent")]
    [InlineData(30, "Permanent")]
    public void PosixErrnos(int errno, string expected) =>
        Assert.Equal(expected, FailureClassifier.Classify(new IOException("x", errno), isWindows: false, () => true).ToString());

    [Theory]
    [InlineData(true, 112, true)]
    [InlineData(true, 39, true)]
    [InlineData(true, 5, false)]
    [InlineData(false, 28, true)]
    [InlineData(false, 122, true)]
    [InlineData(false, 112, false)]
    public void DiskFullIsKnownOnBothSystems(bool isWindows, int code, bool diskFull)
    {
        IOException e = isWindows ? Win32(code) : new IOException("x", code);
        Assert.Equal(diskFull, FailureClassifier.IsDiskFull(e, isWindows));
        if (diskFull)
        {
            Assert.Equal(FailureKind.Permanent, FailureClassifier.Classify(e, isWindows, () => true));
        }
    }

    [Fact]
    public void AccessDeniedAndLongPathsArePermanent()
    {
        Assert.Equal(FailureKind.Permanent, FailureClassifier.Classify(new UnauthorizedAccessException(), true, () => true));
        Assert.Equal(FailureKind.Permanent, FailureClassifier.Classify(new PathTooLongException(), false, () => true));
    }

    [Fact]
    public void AMissingPathIsAnOutageOnlyWhenTheTargetRootVanished()
    {
        Assert.Equal(FailureKind.Outage, FailureClassifier.Classify(new DirectoryNotFoundException(), false, () => false));
        Assert.Equal(FailureKind.Permanent, FailureClassifier.Classify(new DirectoryNotFoundException(), false, () => true));
        Assert.Equal(FailureKind.Outage, FailureClassifier.Classify(new FileNotFoundException(), true, () => throw new IOException("gone", 107)));
    }

    [Theory]
    [InlineData("Logs/client/BDD.log", true)]
    [InlineData("logs/x", true)]
    [InlineData("Captures/ref.wim", true)]
    [InlineData("Backup/Automatic/Settings.001.xml", true)]
    [InlineData("Audit.log", true)]
    [InlineData("Control/Audit.log", false)]
    [InlineData("Scripts/Logs/x", false)]
    [InlineData("LogsArchive/x", false)]
    [InlineData("Control/Bootstrap.ini", false)]
    public void DefaultExcludes(string path, bool excluded) =>
        Assert.Equal(excluded, new ExcludeFilter(ExcludeFilter.Defaults).IsExcluded(path));

    [Theory]
    [InlineData("**/*.tmp", "a/b/c.tmp", true)]
    [InlineData("**/*.tmp", "c.tmp", true)]
    [InlineData("Out-of-Box Drivers/**/Test*", "Out-of-Box Drivers/Dell/net/TestDriver/x.inf", true)]
    [InlineData(@"Applications\Old", "Applications/Old/setup.exe", true)]
    [InlineData("Applications/Old", "Applications/Older/setup.exe", false)]
    [InlineData("Tools/?86", "Tools/x86/a", true)]
    [InlineData("Tools/?86", "Tools/ax86/a", false)]
    [InlineData("*.iso", "Boot/LiteTouchPE_x64.iso", false)]
    [InlineData("Boot/*.iso", "Boot/LiteTouchPE_x64.iso", true)]
    [InlineData("boot/LITETOUCH*", "Boot/LiteTouchPE_x64.iso", true)]
    [InlineData("Tools/@x", "Tools/`x", false)]
    [InlineData("Tools/[x]", "tools/[X]/a", true)]
    [InlineData("Kits/**", "\u212Aits/a", true)] // the Kelvin sign folds to K: the regex decides, not the ASCII prefilter
    [InlineData("Apps", "Ap", false)]
    public void UserPatterns(string pattern, string path, bool excluded) =>
        Assert.Equal(excluded, new ExcludeFilter([pattern]).IsExcluded(path));

    [Fact]
    public void WholeFolderExclusionIsKnownBeforeEnumerating()
    {
        var filter = new ExcludeFilter(ExcludeFilter.Defaults);
        Assert.True(filter.ExcludesWholeFolder("Logs"));
        Assert.False(filter.ExcludesWholeFolder("Control"));
        Assert.True(new ExcludeFilter(["**/obj/**"]).ExcludesWholeFolder("a/obj"));
    }

    [Fact]
    public void ProgressLineGivesFilesBytesRateAndTimeLeft()
    {
        var progress = new ProgressLine("/mnt/cluster", 1234, 5678, 3L << 30, 12L << 30, TimeSpan.FromSeconds(30));
        Assert.Equal("/mnt/cluster: 1,234/5,678 files, 3.00 GB/12.00 GB, 102.4 MB/s, about 1m30s left", progress.ToString());
        Assert.Equal(25, progress.Percent);
        Assert.Equal(50, (progress with { Bytes = 0, TotalBytes = 0, Files = 5, TotalFiles = 10 }).Percent);
    }

    [Fact]
    public void UncShareRootIsAllowed_AFolderInsideTheSourceIsNot()
    {
        Assert.Null(TargetOwnership.CheckPaths("/srv/share", "/mnt/cluster/Distribution$"));
        Assert.Equal("MDTS2001", TargetOwnership.CheckPaths("/srv/share", "/srv/share/sub")?.Code.Id);
        Assert.Equal("MDTS2001", TargetOwnership.CheckPaths("/srv/share/", "/srv/share")?.Code.Id);
        Assert.Null(TargetOwnership.CheckPaths("/srv/share", "/srv/share2"));
    }

    /// <summary>Seen in CI: a worker whose operation began during an outage fails just after another worker proved the
    /// target back. That failure belongs to the outage that ended, not to a new one.</summary>
    [Fact]
    public void AFailureFromBeforeTheRecoveryIsNotASecondOutage()
    {
        var listener = new RecordingListener();
        var policy = new RetryPolicy(new FakeClock(), TimeSpan.FromSeconds(60), "target", () => true, listener, isWindows: false);
        int attempts = 0;

        policy.Execute(() =>
        {
            attempts++;
            if (attempts == 2)
            {
                policy.Execute(() => { }, "another file", CancellationToken.None);
            }

            if (attempts <= 2)
            {
                throw new IOException("Transport endpoint is not connected", 107);
            }
        }, "a file", CancellationToken.None);

        Assert.Equal(3, attempts);
        Assert.Equal(1, policy.Outages);
        Assert.Equal(2, policy.Retries);
        Assert.Equal(["MDTS2009"], listener.Codes);
        Assert.Single(listener.Infos, i => i.Contains("reachable again"));
    }

    /// <summary>Seen on Samba with a frozen server and a second, healthy target: a call first tried late in the outage
    /// (its target had fallen behind) got a fresh window of its own, and the publish ended 20 s in, not 13. The window
    /// measures the outage.</summary>
    [Fact]
    public void ACallFirstTriedLateInAnOutageGetsNoFreshWindow()
    {
        var clock = new FakeClock();
        var policy = new RetryPolicy(clock, TimeSpan.FromSeconds(60), "target", () => true, new RecordingListener(), isWindows: false);
        DateTime outageBegan = clock.UtcNow;
        DateTime? gaveUp = null;
        int attempts = 0;

        Assert.Throws<RetryWindowExhaustedException>(() => policy.Execute(() =>
        {
            if (++attempts == 2)
            {
                clock.Delay(TimeSpan.FromSeconds(50), CancellationToken.None);
                try
                {
                    policy.Execute(() => throw new IOException("Connection timed out", 110), "a late file", CancellationToken.None);
                }
                finally
                {
                    gaveUp = clock.UtcNow;
                }
            }

            throw new IOException("Connection timed out", 110);
        }, "a file", CancellationToken.None));

        Assert.InRange(gaveUp!.Value - outageBegan, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(61));
    }

    [Fact]
    public void AFailureAfterTheRecoveryIsANewOutage()
    {
        var listener = new RecordingListener();
        var policy = new RetryPolicy(new FakeClock(), TimeSpan.FromSeconds(60), "target", () => true, listener, isWindows: false);

        foreach (string file in new[] { "first", "second" })
        {
            bool failed = false;
            policy.Execute(() =>
            {
                if (!failed)
                {
                    failed = true;
                    throw new IOException("Transport endpoint is not connected", 107);
                }
            }, file, CancellationToken.None);
        }

        Assert.Equal(2, policy.Outages);
        Assert.Equal(["MDTS2009", "MDTS2009"], listener.Codes);
    }
}
