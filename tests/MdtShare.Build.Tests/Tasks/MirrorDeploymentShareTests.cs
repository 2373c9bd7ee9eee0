using MdtShare.Build.Mirror;
using MdtShare.Build.Tasks;
using MdtShare.Build.Tests.Support;
using Microsoft.Build.Utilities;

namespace MdtShare.Build.Tests.Tasks;

public sealed class MirrorDeploymentShareTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly FakeBuildEngine _engine;

    public MirrorDeploymentShareTests()
    {
        _engine = new FakeBuildEngine(_temp.Combine("deploymentshare.proj"));
        Trees.Write(_temp.Combine("share"), ("Control/Bootstrap.ini", "[Settings]"), ("Scripts/a.vbs", "a"), ("Boot/x.wim", "wim"));
        Trees.Write(_temp.Combine("bin", "overlay"), ("Control/Bootstrap.ini", "patched"));
    }

    public void Dispose() => _temp.Dispose();

    private MirrorDeploymentShare NewTask(params string[] targets) => new()
    {
        BuildEngine = _engine,
        ProjectFile = _engine.ProjectFileOfTaskNode,
        DeploymentShare = "share",
        OverlayDirectory = "bin/overlay",
        Targets = targets.Select(t => new TaskItem(t)).ToArray(),
    };

    [Fact]
    public void PublishesEveryTarget_ResolvingPathsAgainstTheProject_AndSumsTheOutputs()
    {
        MirrorDeploymentShare task = NewTask("siteA", "siteB");

        Assert.True(task.Execute());

        Assert.Equal((6, 0, 0, 0), (task.Copied, task.Updated, task.Deleted, task.Failed));
        Assert.Equal("patched", File.ReadAllText(_temp.Combine("siteB", "Control", "Bootstrap.ini")));
        Assert.Equal(2, _engine.Messages.Count(m => m.Message!.StartsWith("Published to ", StringComparison.Ordinal)));
        Assert.Empty(_engine.Warnings);
    }

    [Fact]
    public void AFailingTargetDoesNotStopTheOthers_AndTheTaskFails()
    {
        MirrorDeploymentShare task = NewTask("share/inside", "siteB");

        Assert.False(task.Execute());

        Assert.Equal(["MDTS2001"], _engine.ErrorCodes);
        Assert.True(File.Exists(_temp.Combine("siteB", "Scripts", "a.vbs")));
        Assert.Contains(_engine.Messages, m => m.Message!.StartsWith("Publish FAILED to ", StringComparison.Ordinal));
    }

    [Fact]
    public void PerTargetOverlayWinsOverTheBuildOverlay()
    {
        Trees.Write(_temp.Combine("bin", "targets", "siteB"), ("Control/Bootstrap.ini", "site B"));
        var target = new TaskItem("siteB");
        target.SetMetadata("OverlayDirectory", "bin/targets/siteB");
        MirrorDeploymentShare task = NewTask();
        task.Targets = [target];

        Assert.True(task.Execute());

        Assert.Equal("site B", File.ReadAllText(_temp.Combine("siteB", "Control", "Bootstrap.ini")));
    }

    [Theory]
    [InlineData(@"\\MDTCLUSTER\Distribution$")]
    [InlineData("//MDTCLUSTER/Distribution$")]
    public void UncTargetOnLinuxIsAnErrorNotALocalFolder(string target)
    {
        Assert.False(NewTask(target).Execute());

        Assert.Equal(["MDTS2014"], _engine.ErrorCodes);
        Assert.Equal(["bin", "share"], Directory.GetDirectories(_temp.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void NoTargetIsAnError()
    {
        Assert.False(NewTask().Execute());
        Assert.Equal(["MDTS2000"], _engine.ErrorCodes);
    }

    [Theory]
    [InlineData("Compare", "Quick")]
    [InlineData("MaxDeletePercent", "150")]
    [InlineData("MaxDeletePercent", "ten")]
    [InlineData("RetryWindowSeconds", "-1")]
    [InlineData("Parallelism", "-2")]
    public void InvalidSettingsAreErrorsBeforeAnythingIsWritten(string name, string value)
    {
        MirrorDeploymentShare task = NewTask("siteA");
        typeof(MirrorDeploymentShare).GetProperty(name)!.SetValue(task, name is "RetryWindowSeconds" or "Parallelism" ? int.Parse(value) : value);

        Assert.False(task.Execute());

        Assert.Equal(["MDTS2014"], _engine.ErrorCodes);
        Assert.False(Directory.Exists(_temp.Combine("siteA")));
    }

    [Fact]
    public void CancelBeforeExecuteReturnsWithoutPublishing()
    {
        MirrorDeploymentShare task = NewTask("siteA");
        task.Cancel();

        Assert.False(task.Execute(), "a cancelled task does not report success");
        Assert.False(Directory.Exists(_temp.Combine("siteA", "Scripts")));
        Assert.Empty(_engine.Errors);
    }

    [Fact]
    public void PerFileMessagesAreLowImportance_TheSummaryHigh()
    {
        Assert.True(NewTask("siteA").Execute());

        Assert.All(_engine.Messages.Where(m => m.Message!.StartsWith("Copied ", StringComparison.Ordinal)),
            m => Assert.Equal(Microsoft.Build.Framework.MessageImportance.Low, m.Importance));
        Assert.Equal(Microsoft.Build.Framework.MessageImportance.High, _engine.Messages.Single(m => m.Message!.StartsWith("Published", StringComparison.Ordinal)).Importance);
        Assert.True(File.Exists(_temp.Combine("siteA", TargetOwnership.MarkerName)));
    }

    /// <summary>A local folder cannot tell whether clients survive a failover: the report says unknown and why; with
    /// continuous availability required, that fails the build after the publish.</summary>
    [Fact]
    public void EachTargetsContinuousAvailabilityIsReported_AndRequiringItFailsOnATargetThatCannotShowIt()
    {
        MirrorDeploymentShare task = NewTask("siteA");
        task.PublishReportFile = "bin/publish-report.json";
        Assert.True(task.Execute());

        using (var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(_temp.Combine("bin", "publish-report.json"))))
        {
            var availability = report.RootElement.GetProperty("targets")[0].GetProperty("continuousAvailability");
            Assert.Equal("unknown", availability.GetProperty("state").GetString());
            Assert.Contains("not an SMB share", availability.GetProperty("detail").GetString());
        }

        Assert.Contains(_engine.Messages, m => m.Message!.StartsWith("Continuous availability of siteA: unknown (", StringComparison.Ordinal));
        Assert.Empty(_engine.Errors);

        MirrorDeploymentShare required = NewTask("siteA");
        required.RequireContinuousAvailability = true;
        Assert.False(required.Execute());
        Assert.Equal(["MDTS2022"], _engine.ErrorCodes);
        Assert.True(File.Exists(_temp.Combine("siteA", "Scripts", "a.vbs")), "the check comes after the publish");
    }
}
