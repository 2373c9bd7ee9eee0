using MdtShare.Build.BootImage;
using MdtShare.Build.BootPaths;
using MdtShare.Build.Mirror;
using MdtShare.Build.Reports;
using MdtShare.Build.Tasks;
using MdtShare.Build.Tests.Support;
using Microsoft.Build.Utilities;

namespace MdtShare.Build.Tests.BootPaths;

/// <summary>WIMs a publish leaves in a target's Boot folder, and whether they still send clients to the old share.</summary>
public sealed class TargetBootFolderTests : IDisposable
{
    private const string ClusterIni = "[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nDeployRoot=\\\\MDTCLUSTER\\Distribution$\r\n";
    private const string OldIni = "[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nDeployRoot=\\\\MDT01\\DeploymentShare$\r\n";

    private readonly TempDirectory _temp = new();
    private readonly RecordingBuildListener _listener = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>The share publishes LiteTouchPE_x64.wim (the target's copy is the build's); the target also holds
    /// a WIM excluded from the mirror and one the share no longer has, both naming the MDT server, and one of the
    /// share's old ones already pointing at the cluster.</summary>
    [SkippableFact]
    public void AWimThePublishLeftInATargetWithAnOldDeployRootIsMDTS4016_SayingWhyItWasLeft()
    {
        WimlibImagex tool = Wimlib.Require();
        string target = _temp.Combine("cluster");
        Trees.Write(_temp.Combine("share"), ("Control/Bootstrap.ini", OldIni), ("Boot/LiteTouchPE_x64.wim", "wim"));
        Trees.Write(target, ("Control/Bootstrap.ini", ClusterIni));
        Wimlib.CaptureLiteTouch(OldIni, Path.Combine(target, "Boot", "LiteTouchPE_x64.wim"));
        Wimlib.CaptureLiteTouch(OldIni, Path.Combine(target, "Boot", "LiteTouchPE_x64 Stockholm.wim"));
        Wimlib.CaptureLiteTouch(OldIni, Path.Combine(target, "Boot", "LiteTouchPE_x86.wim"));
        Wimlib.CaptureLiteTouch(ClusterIni, Path.Combine(target, "Boot", "LiteTouchPE_arm64.wim"));

        var found = new ForgottenBootImages(tool, new StampFile(_temp.Combine("obj", "boot-paths.txt")), _listener)
            .CheckTargets([(target, @"\\MDTCLUSTER\Distribution$")], _temp.Combine("share"), new ExcludeFilter(["Boot/*Stockholm.wim"]));

        Assert.Equal(["MDTS4016", "MDTS4016"], _listener.Codes);
        string excluded = Path.Combine(target, "Boot", "LiteTouchPE_x64 Stockholm.wim");
        Assert.Equal($@"{excluded}, in the Boot folder of PublishTarget {target} but not published by this build (excluded by MirrorExclude), still names DeployRoot \\MDT01\DeploymentShare$, " +
            @"not \\MDTCLUSTER\Distribution$: a WDS server or media made from it send clients to the old share. Delete it from the target, or stop excluding it.", _listener.Diagnostics[0].Message);
        Assert.Equal(
        [
            new BootPathEntry("targetCopy", excluded, "old DeployRoot", @"excluded by MirrorExclude; DeployRoot \\MDT01\DeploymentShare$; the target's is \\MDTCLUSTER\Distribution$"),
            new BootPathEntry("targetCopy", Path.Combine(target, "Boot", "LiteTouchPE_x86.wim"), "old DeployRoot",
                @"not in the deployment share; DeployRoot \\MDT01\DeploymentShare$; the target's is \\MDTCLUSTER\Distribution$"),
        ], found);
    }

    /// <summary>The task runs the check on each target it published, after publishing: the excluded WIM is left by
    /// the mirror, warned of and in the report.</summary>
    [SkippableFact]
    public void APublishWarnsOfAnExcludedWimWithAnOldDeployRoot_AndReportsIt()
    {
        Wimlib.Require();
        var engine = new FakeBuildEngine(_temp.Combine("deploymentshare.proj"));
        Trees.Write(_temp.Combine("share"), ("Control/Bootstrap.ini", OldIni), ("Scripts/LiteTouch.wsf", "<job/>"));
        Trees.Write(_temp.Combine("bin", "overlay"), ("Control/Bootstrap.ini", ClusterIni));
        Wimlib.CaptureLiteTouch(OldIni, _temp.Combine("cluster", "Boot", "LiteTouchPE_x64 Stockholm.wim"));
        var task = new MirrorDeploymentShare
        {
            BuildEngine = engine, ProjectFile = engine.ProjectFileOfTaskNode, DeploymentShare = "share", OverlayDirectory = "bin/overlay",
            Targets = [new TaskItem("cluster")], Exclude = [new TaskItem(@"Boot\*Stockholm.wim")], AdoptExistingTarget = true,
            DeployRoot = @"\\MDTCLUSTER\Distribution$", BootPathStampFile = "obj/boot-paths.txt", PublishReportFile = "bin/publish-report.json",
        };

        Assert.True(task.Execute(), string.Join("\n", engine.AllText));

        Assert.Equal(["MDTS4016"], engine.WarningCodes);
        Assert.Contains("\"kind\": \"targetCopy\"", File.ReadAllText(_temp.Combine("bin", "publish-report.json")));
    }

    /// <summary>A read problem in the check after the publish (here a WIM left in the target that links to nothing)
    /// is a warning naming it, never a failed build: the publish itself succeeded.</summary>
    [SkippableFact]
    public void AWimLeftInATargetThatCannotBeReadIsMDTS4017_AndThePublishStillSucceeds()
    {
        Wimlib.Require();
        var engine = new FakeBuildEngine(_temp.Combine("deploymentshare.proj"));
        Trees.Write(_temp.Combine("share"), ("Control/Bootstrap.ini", OldIni), ("Scripts/LiteTouch.wsf", "<job/>"));
        Directory.CreateDirectory(_temp.Combine("cluster", "Boot"));
        File.CreateSymbolicLink(_temp.Combine("cluster", "Boot", "LiteTouchPE_x64 Stockholm.wim"), _temp.Combine("gone.wim"));
        var task = new MirrorDeploymentShare
        {
            BuildEngine = engine, ProjectFile = engine.ProjectFileOfTaskNode, DeploymentShare = "share",
            Targets = [new TaskItem("cluster")], Exclude = [new TaskItem(@"Boot\*Stockholm.wim")], AdoptExistingTarget = true,
            DeployRoot = @"\\MDTCLUSTER\Distribution$", BootPathStampFile = "obj/boot-paths.txt",
        };

        Assert.True(task.Execute(), string.Join("\n", engine.AllText));

        Assert.Equal(["MDTS4017"], engine.WarningCodes);
    }
}
