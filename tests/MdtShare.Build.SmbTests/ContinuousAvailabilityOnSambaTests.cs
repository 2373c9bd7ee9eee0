using MdtShare.Build.Availability;

namespace MdtShare.Build.SmbTests;

/// <summary>The Linux probe on this machine's real SMB target, read from the real /proc/mounts.</summary>
[Collection(SambaCollection.Name)]
public sealed class ContinuousAvailabilityOnSambaTests(SambaFixture samba)
{
    /// <summary>smbnetfs talks SMB from user space: the kernel has no view of the share, so the probe cannot tell,
    /// and says the mount is FUSE, not that the share is or is not continuously available.</summary>
    [SkippableFact]
    public void TheSambaShareMountedThroughFuseIsUnknown_NamingTheFuseMount()
    {
        var (mounted, _) = samba.NewTarget("ca");

        ShareAvailability result = new ContinuousAvailabilityProbe(new SystemAvailabilitySource())
            .Check([new AvailabilityTarget("samba", mounted)], default).Single();

        Assert.Equal(AvailabilityState.Unknown, result.State);
        Assert.Contains("a FUSE mount (fuse.smbnetfs) hides the share's SMB capabilities", result.Detail);
    }
}
