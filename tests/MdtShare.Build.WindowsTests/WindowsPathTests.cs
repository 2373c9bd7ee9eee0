using MdtShare.Build.Mirror;
using MdtShare.Build.Tests.Support;
using MdtShare.Build.WindowsTests.Support;

namespace MdtShare.Build.WindowsTests;

/// <summary>Drive letters, UNC share roots and long paths as the Win32 API takes them.</summary>
[Trait("Semantics", "Windows")]
public sealed class WindowsPathTests : IDisposable
{
    private readonly TempDirectory _source = new();
    private readonly TempDirectory _cluster = new();

    public void Dispose()
    {
        _source.Dispose();
        _cluster.Dispose();
    }

    [Theory]
    [InlineData(@"\\MDTCLUSTER\Distribution$")]
    [InlineData(@"\\MDTCLUSTER\Distribution$\")]
    [InlineData(@"\\mdtcluster.contoso.local\Distribution$\NewYork")]
    [InlineData(@"\\10.1.20.5\Distribution$")]
    public void AUncShareRoot_WithOrWithoutItsTrailingSeparator_IsATargetAPublishMayPurge(string target) =>
        Assert.Null(TargetOwnership.CheckPaths(@"D:\DeploymentShare", target));

    [Theory]
    [InlineData(@"C:\")]
    [InlineData(@"Z:\")]
    [InlineData(@"c:/")]
    public void ADriveRootIsRefused(string target) =>
        Assert.Equal("MDTS2002", TargetOwnership.CheckPaths(@"D:\DeploymentShare", target)?.Code.Id);

    [Theory]
    [InlineData(@"D:\DeploymentShare", @"d:\deploymentshare\Cluster")]
    [InlineData(@"\\MDT01\DeploymentShare$", @"\\mdt01\DEPLOYMENTSHARE$")]
    public void ATargetInsideTheShare_SpelledInAnotherLetterCase_IsRefused(string share, string target) =>
        Assert.Equal("MDTS2001", TargetOwnership.CheckPaths(share, target)?.Code.Id);

    [Theory]
    [InlineData(@"\\MDTCLUSTER\Distribution$", @"\\MDTCLUSTER\Distribution$\")]
    [InlineData(@"\\MDTCLUSTER\Distribution$\", @"\\MDTCLUSTER\Distribution$\")]
    [InlineData(@"E:\Distribution", @"E:\Distribution\")]
    public void TheFreeSpaceIsAskedOfTheFolderWithItsTrailingBackslash(string target, string asked) =>
        Assert.Equal(asked, PhysicalFileSystem.FreeSpaceQueryPath(target));

    [Fact]
    public void TheFreeSpaceOfAFolderIsRead_AndAShareThatCannotBeReachedHasNone()
    {
        long? free = PhysicalFileSystem.Instance.AvailableFreeSpace(_cluster.Path);

        Assert.True(free > 0, $"free space {free}");
        Assert.Null(PhysicalFileSystem.Instance.AvailableFreeSpace(@"\\192.0.2.1\Distribution$"));
    }

    [Fact(Timeout = 120_000)]
    public async Task AUncTargetThatCannotBeReached_IsWaitedForAsAnOutage_ThenStopsWithItsCode()
    {
        Shares.WriteSample(_source);
        var listener = new RecordingListener();

        MirrorResult result = await Task.Run(
            () => Shares.Publish(_source.Path, @"\\192.0.2.1\Distribution$", listener, retryWindow: TimeSpan.FromSeconds(3)),
            TestContext.Current.CancellationToken).Within(TimeSpan.FromSeconds(60));

        Assert.Equal("MDTS2010", result.Abort?.Code.Id);
        Assert.Equal(["MDTS2009"], listener.Codes);
    }

    [Fact]
    public void PathsLongerThan260Characters_ArePublishedAndUpdated()
    {
        string deep = string.Join("/", Enumerable.Range(1, 6).Select(i => $"Out-of-Box Drivers {i} Intel Ethernet Connection I219-LM"));
        Shares.WriteSample(_source);
        _source.WriteFile(deep + "/e1d68x64.inf", "[Version]");
        string target = _cluster["Distribution"];
        Assert.True((target + "/" + deep + "/e1d68x64.inf").Length > 300);

        Assert.True(Shares.Publish(_source.Path, target, new RecordingListener()).Succeeded);
        _source.WriteFile(deep + "/e1d68x64.inf", "[Version]\r\nDriverVer=2.0");
        File.SetLastWriteTimeUtc(_source[deep + "/e1d68x64.inf"], DateTime.UtcNow.AddHours(1));
        var listener = new RecordingListener();
        MirrorResult update = Shares.Publish(_source.Path, target, listener);

        Assert.True(update.Succeeded, string.Join(Environment.NewLine, listener.Diagnostics));
        Assert.Equal(1, update.Updated);
        Assert.Equal(Shares.Hashes(_source.Path), Shares.Hashes(target));
    }
}
