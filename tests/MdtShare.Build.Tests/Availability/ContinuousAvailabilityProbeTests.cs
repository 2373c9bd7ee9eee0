using MdtShare.Build.Availability;
using MdtShare.Build.Diagnostics;

namespace MdtShare.Build.Tests.Availability;

/// <summary>The decision for each kind of target, from the recorded outputs of each source (<see cref="RecordedSource"/>).</summary>
public class ContinuousAvailabilityProbeTests
{
    [Fact]
    public void Linux_AClusterShareMountedWithSmb311AndContinuouslyAvailable_IsAvailable_WithNoFinding()
    {
        ShareAvailability result = CheckLinux("debugdata-smb311-cluster-ca.txt", "/mnt/mdt cluster/Distribution");

        Assert.Equal(AvailabilityState.Available, result.State);
        Assert.Equal((@"\\mdtcluster.corp.contoso.com\Distribution$", "3.1.1", CifsDebugData.Path), (result.Share, result.Dialect, result.Source));
        Assert.Equal(["CONTINUOUS AVAILABILITY", "CLUSTER"], result.Capabilities);
        Assert.Equal("/proc/fs/cifs/DebugData: SMB 3.1.1 (CONTINUOUS AVAILABILITY, CLUSTER), the share is continuously available", result.Detail);
        Assert.Null(ContinuousAvailabilityProbe.Finding(result, required: true));
    }

    [Fact]
    public void Linux_AScaleOutShareOverSmb30MountedWithAPrefixPath_IsAvailable()
    {
        ShareAvailability result = CheckLinux("debugdata-smb30-sofs-and-smb311-standalone.txt", "/mnt/sofs-berlin");

        Assert.Equal(AvailabilityState.Available, result.State);
        Assert.Equal("3.0", result.Dialect);
        Assert.Contains("SCALEOUT", result.Capabilities);
    }

    [Fact]
    public void Linux_AStandAloneServerOverSmb311_IsNotAvailable_AWarningSaysWhatItMeansAndHowToChangeIt()
    {
        ShareAvailability result = CheckLinux("debugdata-smb30-sofs-and-smb311-standalone.txt", "/mnt/mdt01");

        Assert.Equal(AvailabilityState.NotAvailable, result.State);
        Diagnostic warning = ContinuousAvailabilityProbe.Finding(result, required: false)!;
        Assert.Equal(DiagnosticCode.NotContinuouslyAvailable, warning.Code);
        Assert.Equal(Severity.Warning, warning.Code.Severity);
        Assert.Contains("a failover of the cluster node serving it fails every deployment applying an image", warning.Message);
        Assert.Contains("Set-SmbShare -Name 'DeploymentShare$' -ScopeName 'mdt01' -ContinuouslyAvailable $true", warning.Message);
        Assert.Contains("SMB 3.0 or later", warning.Message);
    }

    [Fact]
    public void Linux_NotAvailableWithContinuousAvailabilityRequired_IsAnError()
    {
        ShareAvailability result = CheckLinux("debugdata-smb30-sofs-and-smb311-standalone.txt", "/mnt/mdt01");

        Diagnostic error = ContinuousAvailabilityProbe.Finding(result, required: true)!;
        Assert.Equal(DiagnosticCode.ContinuousAvailabilityRequired, error.Code);
        Assert.Equal(Severity.Error, error.Code.Severity);
        Assert.Contains("is not continuously available", error.Message);
    }

    [Fact]
    public void Linux_AMountWithSmb21CannotTell_ItIsUnknownNotNo()
    {
        ShareAvailability result = CheckLinux("debugdata-smb21-cluster.txt", "/mnt/cluster-smb21");

        Assert.Equal(AvailabilityState.Unknown, result.State);
        Assert.Contains("SMB 2.1, which never carries continuous availability", result.Detail);
        Assert.Null(ContinuousAvailabilityProbe.Finding(result, required: false));
        Assert.Equal(DiagnosticCode.ContinuousAvailabilityRequired, ContinuousAvailabilityProbe.Finding(result, required: true)!.Code);
    }

    [Fact]
    public void Linux_FuseAndLocalTargetsAreUnknown_SayingWhy()
    {
        var source = RecordedSource.Linux("debugdata-smb311-cluster-ca.txt");
        var results = new ContinuousAvailabilityProbe(source).Check(
            [new AvailabilityTarget("fuse", "/mnt/smbnetfs/mdtcluster/Distribution$"), new AvailabilityTarget("local", "/srv/agent/cluster-copy")], default);

        Assert.All(results, r => Assert.Equal(AvailabilityState.Unknown, r.State));
        Assert.Contains("a FUSE mount (fuse.smbnetfs) hides the share's SMB capabilities", results[0].Detail);
        Assert.Equal("not an SMB share (ext4 file system)", results[1].Detail);
    }

    [Fact]
    public void Linux_AKernelMountTheDebugDataDoesNotList_IsUnknown()
    {
        var source = RecordedSource.Linux("debugdata-smb1-cifs209.txt");
        ShareAvailability result = new ContinuousAvailabilityProbe(source).Check([new AvailabilityTarget("t", "/mnt/mdt cluster")], default).Single();

        Assert.Equal(AvailabilityState.Unknown, result.State);
        Assert.Contains("not listed in /proc/fs/cifs/DebugData", result.Detail);
    }

    [Fact]
    public void Windows_TheServersOwnViewDecides_WithItsScopeAndTimeout_AndADriveLetterFollowsItsMapping()
    {
        var source = new RecordedSource(windows: true) { SmbClientOutput = RecordedSource.Read("smbclient-server-readable.txt") };
        source.NetworkDrives.Add(@"Z:\");
        var results = new ContinuousAvailabilityProbe(source).Check(
            [new AvailabilityTarget("unc", @"\\MDTCLUSTER\Distribution$"), new AvailabilityTarget("drive", @"Z:\")], default);

        Assert.All(results, r => Assert.Equal(AvailabilityState.Available, r.State));
        ShareAvailability unc = results[0];
        Assert.Equal(("Get-SmbShare", "MDTCLUSTER", 0L, "3.1.1"), (unc.Source, unc.ScopeName, unc.CaTimeoutSeconds!.Value, unc.Dialect));
        Assert.Contains("Clustered", unc.Detail);
        Assert.Equal(@"\\MDTCLUSTER\Distribution$", results[1].Share);
        Assert.Equal([@"MDTCLUSTER\Distribution$", "Z:"], Assert.Single(source.Queries));
    }

    [Fact]
    public void Windows_WithoutTheServersView_TheConnectionDecides_AndSaysWhyTheServerWasNotRead()
    {
        var source = new RecordedSource(windows: true) { SmbClientOutput = RecordedSource.Read("smbclient-server-unreadable.txt") };
        var results = new ContinuousAvailabilityProbe(source).Check(
        [
            new AvailabilityTarget("cluster", @"\\MDTCLUSTER\Distribution$\"),
            new AvailabilityTarget("standalone", @"\\mdt01.corp.contoso.com\DeploymentShare$\Sites"),
            new AvailabilityTarget("nas", @"\\nas-berlin\MDT Site Berlin"),
            new AvailabilityTarget("not connected", @"\\?\UNC\fs02\Deploy$\MDT"),
        ], default);

        Assert.Equal(
            [AvailabilityState.Available, AvailabilityState.NotAvailable, AvailabilityState.Unknown, AvailabilityState.Unknown],
            results.Select(r => r.State));
        Assert.All(results.Take(2), r => Assert.Equal("Get-SmbConnection", r.Source));
        Assert.Contains("the server's own view could not be read: WinRM cannot complete the operation.", results[0].Detail);
        Assert.Contains("SMB 2.1, which never carries continuous availability", results[2].Detail);
        Assert.Contains(@"no SMB connection to \\fs02\Deploy$ open", results[3].Detail);
        Assert.Equal(DiagnosticCode.NotContinuouslyAvailable, ContinuousAvailabilityProbe.Finding(results[1], required: false)!.Code);
    }

    [Fact]
    public void Windows_LocalFoldersAskPowerShellNothing()
    {
        var source = new RecordedSource(windows: true);
        ShareAvailability result = new ContinuousAvailabilityProbe(source).Check([new AvailabilityTarget("local", @"D:\ClusterCopy")], default).Single();

        Assert.Equal(AvailabilityState.Unknown, result.State);
        Assert.Equal("a local folder, not an SMB share", result.Detail);
        Assert.Empty(source.Queries);
    }

    [Fact]
    public void Windows_PowerShellThatDoesNotAnswer_LeavesEveryShareUnknown_SayingSo()
    {
        var source = new RecordedSource(windows: true);
        ShareAvailability result = new ContinuousAvailabilityProbe(source).Check([new AvailabilityTarget("unc", @"\\MDTCLUSTER\Distribution$")], default).Single();

        Assert.Equal(AvailabilityState.Unknown, result.State);
        Assert.Equal(source.QueryFailure, result.Detail);
    }

    /// <summary>4.18 and 5.4 print a server's dialect before its sessions' "N) Name:" lines, not after.</summary>
    [Fact]
    public void Linux_TheOlderLayoutKeepsEachServersDialect_SoAStandAloneShareIsNo_NotUnknown()
    {
        var source = RecordedSource.Linux("debugdata-5.4-layout-standalone-and-cluster.txt");
        var results = new ContinuousAvailabilityProbe(source).Check(
            [new AvailabilityTarget("standalone", "/mnt/mdt01-old"), new AvailabilityTarget("cluster", "/mnt/mdtcluster-old")], default);

        Assert.Equal((AvailabilityState.NotAvailable, "3.1.1"), (results[0].State, results[0].Dialect));
        Assert.Equal((AvailabilityState.Available, "3.0.2"), (results[1].State, results[1].Dialect));
    }

    /// <summary>The mount names the namespace; the kernel's tcon for it is the namespace root, not the share that
    /// holds the data, so its capabilities say nothing about the target.</summary>
    [Fact]
    public void Linux_ADfsNamespaceMountIsUnknown_NotTheRootSharesNo()
    {
        ShareAvailability result = CheckLinux("debugdata-smb311-dfs-namespace.txt", "/mnt/dfs-deploy/MDT");

        Assert.Equal(AvailabilityState.Unknown, result.State);
        Assert.Contains(@"\\corp.contoso.com\dfs is a DFS namespace", result.Detail);
    }

    [Fact]
    public void Linux_ADebugDataThatCannotBeReadIsSaidSo()
    {
        var source = RecordedSource.Linux("debugdata-smb311-cluster-ca.txt");
        source.SystemFiles.Remove(CifsDebugData.Path);

        ShareAvailability result = new ContinuousAvailabilityProbe(source).Check([new AvailabilityTarget("t", "/mnt/mdt cluster")], default).Single();

        Assert.Equal("/proc/fs/cifs/DebugData could not be read", result.Detail);
    }

    /// <summary>A cluster node has a share of the same name in its own scope; the role's scope is the one the
    /// cluster's name reaches. Two scopes neither of which the name reaches tell nothing.</summary>
    [Fact]
    public void Windows_OfSeveralScopesTheOneTheServerNameReachesDecides_AndNoneOfThemIsUnknown()
    {
        var source = new RecordedSource(windows: true) { SmbClientOutput = RecordedSource.Read("smbclient-cluster-node.txt") };
        var results = new ContinuousAvailabilityProbe(source).Check(
            [new AvailabilityTarget("cluster", @"\\MDTCLUSTER\Distribution$"),
             new AvailabilityTarget("nas", @"\\NAS01\Distribution$")], default);

        Assert.Equal((AvailabilityState.Available, "MDTCLUSTER"), (results[0].State, results[0].ScopeName));
        Assert.Equal(AvailabilityState.Unknown, results[1].State);
        Assert.Contains("2 shares named Distribution$, none scoped to NAS01", results[1].Detail);
    }

    /// <summary>The output starts with a byte order mark where PowerShell writes one; the first part must survive it.</summary>
    [Fact]
    public void Windows_AByteOrderMarkBeforeTheFirstLineLosesNothing()
    {
        SmbClientReport report = SmbClientReport.Parse(RecordedSource.Read("smbclient-cluster-node.txt"));

        Assert.Equal([new SmbConnection("MDTCLUSTER", "Distribution$", "3.1.1", true)], report.Connections);
    }

    /// <summary>A target given by its drive letter gets the server's own view too: the command asks about the
    /// drive's share.</summary>
    [Fact]
    public void Windows_AMappedDriveAloneGetsTheServersView()
    {
        var source = new RecordedSource(windows: true) { SmbClientOutput = RecordedSource.Read("smbclient-cluster-node.txt") };
        source.NetworkDrives.Add(@"Y:\");

        ShareAvailability result = new ContinuousAvailabilityProbe(source).Check([new AvailabilityTarget("drive", @"Y:\Distribution")], default).Single();

        Assert.Equal((AvailabilityState.Available, "Get-SmbShare"), (result.State, result.Source));
        Assert.Equal(["Y:"], Assert.Single(source.Queries));
    }

    [Theory]
    [InlineData(@"\\.\UNC\MDTCLUSTER\Distribution$\Boot")]
    [InlineData(@"\\?\UNC\MDTCLUSTER\Distribution$")]
    public void Windows_LongAndDevicePathFormsOfAUncPathAreTheShare(string path)
    {
        var source = new RecordedSource(windows: true) { SmbClientOutput = RecordedSource.Read("smbclient-server-readable.txt") };

        ShareAvailability result = new ContinuousAvailabilityProbe(source).Check([new AvailabilityTarget("t", path)], default).Single();

        Assert.Equal(@"\\MDTCLUSTER\Distribution$", result.Share);
        Assert.Equal(AvailabilityState.Available, result.State);
    }

    /// <summary>The mount table holds the publishing account (username=…) and the connections carry user names; no
    /// detail, report or message may repeat them.</summary>
    [Fact]
    public void NoDetailNamesTheAccountTheSharesAreMountedWith()
    {
        var linux = RecordedSource.Linux("debugdata-smb30-sofs-and-smb311-standalone.txt");
        string[] mounted = ["/mnt/mdt cluster", "/mnt/sofs-berlin", "/mnt/mdt01", "/mnt/cluster-smb21", "/mnt/smbnetfs/x", "/srv/agent", "/mnt/dfs-deploy"];
        var all = new ContinuousAvailabilityProbe(linux).Check(mounted.Select(m => new AvailabilityTarget(m, m)).ToList(), default).ToList();
        var windows = new RecordedSource(windows: true) { SmbClientOutput = RecordedSource.Read("smbclient-server-unreadable.txt") };
        all.AddRange(new ContinuousAvailabilityProbe(windows).Check([new AvailabilityTarget("w", @"\\MDTCLUSTER\Distribution$")], default));

        Assert.Contains("username=svc-mdtpublish", RecordedSource.Read("mounts.txt"));
        Assert.All(all, a => Assert.DoesNotContain("svc-mdtpublish", a.Detail + a.Share + string.Join(",", a.Capabilities)));
    }

    private static ShareAvailability CheckLinux(string debugData, string target) =>
        new ContinuousAvailabilityProbe(RecordedSource.Linux(debugData)).Check([new AvailabilityTarget(target, target)], default).Single();
}
