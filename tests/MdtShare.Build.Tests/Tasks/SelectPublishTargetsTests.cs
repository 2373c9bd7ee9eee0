using MdtShare.Build.Tasks;
using MdtShare.Build.Tests.Support;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace MdtShare.Build.Tests.Tasks;

/// <summary>Two sites with a cluster each, a DR target without a DeployRoot of its own, as a multi-site project has them.</summary>
public sealed class SelectPublishTargetsTests
{
    private readonly FakeBuildEngine _engine = new("/agent/work/deploymentshare.proj");

    private static ITaskItem Target(string path, string site, string deployRoot = "")
    {
        var item = new TaskItem(path);
        item.SetMetadata("Site", site);
        if (deployRoot.Length > 0)
        {
            item.SetMetadata("DeployRoot", deployRoot);
        }

        return item;
    }

    private readonly ITaskItem[] _targets =
    [
        Target(@"\\STOCLUSTER.corp.example.com\Distribution$", "Stockholm", @"\\STOCLUSTER.corp.example.com\Distribution$"),
        Target(@"\\NYCLUSTER\Distribution$", "NewYork", @"\\NYCLUSTER\Distribution$"),
        Target("/mnt/dr-copy", "stockholm"),
    ];

    private SelectPublishTargets Select(string site = "") => new()
    {
        BuildEngine = _engine,
        ProjectFile = _engine.ProjectFileOfTaskNode,
        PublishTargets = _targets,
        PublishSite = site,
        OutputPath = "bin/",
        OverlayDirectory = "bin/overlay/",
        DeployRoot = @"\\MDTCLUSTER\Distribution$",
        ShareManifest = "bin/DeploymentShare.sha256",
    };

    [Fact]
    public void ATargetWithItsOwnDeployRootGetsItsOwnOverlayAndManifest_TheOthersShareTheBuilds()
    {
        SelectPublishTargets task = Select();

        Assert.True(task.Execute());

        Assert.Equal(_targets.Select(t => t.ItemSpec), task.Targets.Select(t => t.ItemSpec));
        Assert.Equal(
            ["bin/targets/STOCLUSTER.corp.example.com_Distribution/overlay/", "bin/targets/NYCLUSTER_Distribution/overlay/", ""],
            task.Targets.Select(t => t.GetMetadata("OverlayDirectory")));
        Assert.Equal(
            ["bin/targets/STOCLUSTER.corp.example.com_Distribution/DeploymentShare.sha256", "bin/targets/NYCLUSTER_Distribution/DeploymentShare.sha256", "bin/DeploymentShare.sha256"],
            task.Targets.Select(t => t.GetMetadata("ShareManifest")));
        Assert.Equal("Stockholm", task.Targets[0].GetMetadata("Site"));

        Assert.Equal(
            [("bin/overlay/", @"\\MDTCLUSTER\Distribution$"), ("bin/targets/STOCLUSTER.corp.example.com_Distribution/overlay/", @"\\STOCLUSTER.corp.example.com\Distribution$"),
             ("bin/targets/NYCLUSTER_Distribution/overlay/", @"\\NYCLUSTER\Distribution$")],
            task.Overlays.Select(o => (o.ItemSpec, o.GetMetadata("DeployRoot"))));
        Assert.Equal(
            [("bin/DeploymentShare.sha256", "bin/overlay/"), ("bin/targets/NYCLUSTER_Distribution/DeploymentShare.sha256", "bin/overlay/;bin/targets/NYCLUSTER_Distribution/overlay/")],
            task.Manifests.Where((_, i) => i != 1).Select(m => (m.ItemSpec, m.GetMetadata("OverlayDirectories"))));
    }

    [Fact]
    public void APublishSiteKeepsThatSitesTargetsOnly_WhateverItsLetterCase()
    {
        SelectPublishTargets task = Select(" STOCKHOLM ");

        Assert.True(task.Execute());

        Assert.Equal([_targets[0].ItemSpec, "/mnt/dr-copy"], task.Targets.Select(t => t.ItemSpec));
        Assert.Equal(2, task.Overlays.Length);
        Assert.Equal(2, task.Manifests.Length);
    }

    [Fact]
    public void ASiteNoTargetHasIsAnError_NamingTheSitesThereAre()
    {
        SelectPublishTargets task = Select("stockholm;labb");

        Assert.False(task.Execute());

        BuildErrorEventArgs error = Assert.Single(_engine.Errors);
        Assert.Equal("MDTS2019", error.Code);
        Assert.Contains("MdtSharePublishSite 'labb' names no PublishTarget", error.Message);
        Assert.Contains("the sites in this project: stockholm, newyork.", error.Message);
        Assert.Equal(_engine.ProjectFileOfTaskNode, error.File);
    }

    [Fact]
    public void TheSameTargetWrittenTwiceWritesItsOverlayOnce()
    {
        SelectPublishTargets task = Select();
        task.PublishTargets = [_targets[1], _targets[1]];

        Assert.True(task.Execute());

        Assert.Equal(2, task.Targets.Length);
        Assert.Equal(2, task.Overlays.Length);
        Assert.Equal(2, task.Manifests.Length);
    }

    [Fact]
    public void TheVerifyReportIsNamedLikeTheTargetsFolder()
    {
        Assert.Equal("verify-STOCLUSTER.corp.example.com_Distribution.json", VerifyShareHashes.ReportName(@"\\STOCLUSTER.corp.example.com\Distribution$"));
    }
}
