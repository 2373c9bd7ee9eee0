using MdtShare.Build.Tasks;
using MdtShare.Build.Tests.Support;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace MdtShare.Build.Tests.Tasks;

public sealed class ReportHostReferencesTests : IDisposable
{
    private const string Cluster = @"\\MDTCLUSTER\Distribution$";

    private readonly TempDirectory _temp = new();
    private readonly FakeBuildEngine _engine;

    public ReportHostReferencesTests()
    {
        _engine = new FakeBuildEngine(_temp.Combine("deploymentshare.proj"));
        Trees.Write(_temp.Combine("share"),
            ("Control/Bootstrap.ini", "[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nDeployRoot=\\\\MDT01\\DeploymentShare$\r\n"),
            ("Control/CustomSettings.ini", "[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nSLShare=\\\\MDT01\\DeploymentShare$\\Logs\r\nBackupShare=\\\\MDT01\\Backup$\r\n"));
    }

    public void Dispose() => _temp.Dispose();

    private ReportHostReferences NewTask() => new()
    {
        BuildEngine = _engine,
        ProjectFile = _engine.ProjectFileOfTaskNode,
        DeploymentShare = "share",
        RewriteHostReferences = true,
    };

    private static TaskItem Item(string spec, string name, string value)
    {
        var item = new TaskItem(spec);
        item.SetMetadata(name, value);
        return item;
    }

    [Fact]
    public void AnInvalidHostReferenceMapIsAnError_AndNoOverlayIsWritten()
    {
        ReportHostReferences task = NewTask();
        task.Overlays = [Item("bin/overlay/", "DeployRoot", Cluster)];
        task.HostReferenceMaps = [Item(@"\\MDT01\Backup$", "To", " ")];

        Assert.False(task.Execute());

        Assert.Equal(["MDTS1015"], _engine.ErrorCodes);
        Assert.False(Directory.Exists(_temp.Combine("bin")));
        Assert.Empty(task.ClientOutcomes);
    }

    /// <summary>The build passes @(_MdtShareOverlay): each overlay with the DeployRoot its clients get, an empty one
    /// meaning none of its own; the old parameters are then not read.</summary>
    [Fact]
    public void OverlaysAreThePublishRoots_AnEmptyDeployRootIsReadFromTheOverlaysBootstrapIni()
    {
        _temp.WriteFile("bin/overlay/Control/Bootstrap.ini", $"[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nDeployRoot={Cluster}\r\n");
        ReportHostReferences task = NewTask();
        task.Overlays = [Item("bin/overlay/", "DeployRoot", " "), Item("bin/targets/sto/overlay/", "DeployRoot", @"\\STOCLUSTER\Distribution$")];
        task.OverlayDirectory = "bin/unused/";
        task.Targets = [Item(@"\\NYCLUSTER\Distribution$", "OverlayDirectory", "bin/targets/nyc/overlay/")];
        task.Targets[0].SetMetadata("DeployRoot", @"\\NYCLUSTER\Distribution$");

        Assert.True(task.Execute());

        Assert.Equal([Cluster, @"\\STOCLUSTER\Distribution$"], task.ClientOutcomes.Select(c => c.GetMetadata("TargetDeployRoot")));
        Assert.Contains(@"SLShare=\\MDTCLUSTER\Distribution$\Logs", File.ReadAllText(_temp.Combine("bin", "overlay", "Control", "CustomSettings.ini")));
        Assert.True(File.Exists(_temp.Combine("bin", "targets", "sto", "overlay", "Control", "CustomSettings.ini")));
        Assert.False(Directory.Exists(_temp.Combine("bin", "unused")));
        Assert.False(Directory.Exists(_temp.Combine("bin", "targets", "nyc")));
        ITaskItem reference = Assert.Single(task.References);
        Assert.Equal(("Control/CustomSettings.ini", "6"), (reference.ItemSpec, reference.GetMetadata("Line")));
        Assert.StartsWith("MDTS1022: BackupShare names another share on the MDT server", reference.GetMetadata("Text"));
    }

    /// <summary>MSBuild on Unix hands a UNC item spec over as //MDT01/Backup$: it is mapped as the UNC path it was.</summary>
    [Fact]
    public void AMapWrittenAsAUncPathIsAppliedThoughMSBuildTurnedItsBackslashes()
    {
        ReportHostReferences task = NewTask();
        task.OverlayDirectory = "bin/overlay/";
        task.DeployRoot = Cluster;
        task.HostReferenceMaps = [Item("//MDT01/Backup$", "To", @"\\FS01\Backup$")];

        Assert.True(task.Execute());

        Assert.Contains(@"BackupShare=\\FS01\Backup$", File.ReadAllText(_temp.Combine("bin", "overlay", "Control", "CustomSettings.ini")));
        Assert.Empty(_engine.Warnings);
    }

    [Fact]
    public void AMapWithoutToIsAnErrorAtTheProject()
    {
        ReportHostReferences task = NewTask();
        task.OverlayDirectory = "bin/overlay/";
        task.DeployRoot = Cluster;
        task.HostReferenceMaps = [Item(@"\\MDT01\Backup$", "To", " ")];

        Assert.False(task.Execute());

        BuildErrorEventArgs error = Assert.Single(_engine.Errors);
        Assert.Equal(("MDTS1015", _engine.ProjectFileOfTaskNode), (error.Code, error.File));
        Assert.Empty(task.References);
        Assert.Empty(task.ClientOutcomes);
    }
}
