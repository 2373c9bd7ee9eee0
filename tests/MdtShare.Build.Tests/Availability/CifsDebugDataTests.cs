using MdtShare.Build.Availability;

namespace MdtShare.Build.Tests.Availability;

public class CifsDebugDataTests
{
    [Fact]
    public void AClusterShareOverSmb311ListsItsShareCapabilities_NotTheIpcShareNorTheSectorFlags()
    {
        var share = Assert.Single(CifsDebugData.Parse(RecordedSource.Read("debugdata-smb311-cluster-ca.txt")));

        Assert.Equal(@"\\mdtcluster.corp.contoso.com\Distribution$", share.TreeName);
        Assert.Equal("3.1.1", share.Dialect);
        Assert.Equal(["CONTINUOUS AVAILABILITY", "CLUSTER"], share.Capabilities);
    }

    [Fact]
    public void EachServersSharesGetThatServersDialect()
    {
        var shares = CifsDebugData.Parse(RecordedSource.Read("debugdata-smb30-sofs-and-smb311-standalone.txt"));

        Assert.Equal(2, shares.Count);
        Assert.Equal((@"\\sofs.corp.contoso.com\Deploy", "3.0"), (shares[0].TreeName, shares[0].Dialect));
        Assert.Equal(["CONTINUOUS AVAILABILITY", "SCALEOUT", "CLUSTER"], shares[0].Capabilities);
        Assert.Equal((@"\\mdt01\DeploymentShare$", "3.1.1"), (shares[1].TreeName, shares[1].Dialect));
        Assert.Empty(shares[1].Capabilities);
    }

    [Fact]
    public void AnSmb1MountOfAnOldKernelHasNoDialectAndNoCapabilities()
    {
        var share = Assert.Single(CifsDebugData.Parse(RecordedSource.Read("debugdata-smb1-cifs209.txt")));

        Assert.Equal(@"\\oldmdt\Deploy$", share.TreeName);
        Assert.Null(share.Dialect);
        Assert.Empty(share.Capabilities);
    }

    [Fact]
    public void AMountPointWithASpaceIsReadAsTheKernelEscapedIt()
    {
        var mounts = MountTable.Parse(RecordedSource.Read("mounts.txt"));

        MountEntry? mount = MountTable.Containing(mounts, "/mnt/mdt cluster/Distribution");
        Assert.NotNull(mount);
        Assert.Equal(("/mnt/mdt cluster", "cifs", @"\\mdtcluster.corp.contoso.com\Distribution$"), (mount.MountPoint, mount.FileSystem, mount.Share));
        Assert.Equal(@"\\sofs.corp.contoso.com\Deploy", MountTable.Containing(mounts, "/mnt/sofs-berlin")!.Share);
        Assert.Equal("/srv/agent", MountTable.Containing(mounts, "/srv/agent/work/bin")!.MountPoint);
        Assert.Equal("/", MountTable.Containing(mounts, "/srv/agentx")!.MountPoint);
    }
}
