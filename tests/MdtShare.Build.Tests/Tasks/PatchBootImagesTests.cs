using System.Text;
using MdtShare.Build.Tasks;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.Tasks;

public sealed class PatchBootImagesTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly FakeBuildEngine _engine;

    public PatchBootImagesTests()
    {
        _engine = new FakeBuildEngine(_temp.Combine("deploymentshare.proj"));
        Trees.Write(_temp.Combine("share"), ("Control/Bootstrap.ini", "[Settings]\r\nPriority=Default\r\n"), ("Boot/LiteTouchPE_x64.wim", "not checked"));
    }

    public void Dispose() => _temp.Dispose();

    private PatchBootImages Task(bool require) => new()
    {
        BuildEngine = _engine,
        ProjectFile = _engine.ProjectFileOfTaskNode,
        DeploymentShare = "share",
        OverlayDirectory = "bin/overlay",
        WimlibImagex = "tools/none/wimlib-imagex",
        RequireBootImagePatch = require,
        StampFile = "obj/stamps.txt",
    };

    [Fact]
    public void WithoutAToolBootImagesWarnThatClientsKeepTheOldDeployRoot()
    {
        Assert.True(Task(require: false).Execute());

        Assert.Equal(["MDTS4001"], _engine.WarningCodes);
        Assert.Contains("old DeployRoot", _engine.Warnings.Single().Message);
    }

    [Fact]
    public void WithoutAToolRequireBootImagePatchFails()
    {
        Assert.False(Task(require: true).Execute());
        Assert.Equal(["MDTS4002"], _engine.ErrorCodes);
    }

    [Fact]
    public void AShareWithoutBootImagesNeedsNoTool()
    {
        File.Delete(_temp.Combine("share", "Boot", "LiteTouchPE_x64.wim"));
        Assert.True(Task(require: true).Execute());
        Assert.Empty(_engine.Warnings);
    }

    [Fact]
    public void ABootImageItemThatDoesNotExistIsAnError()
    {
        PatchBootImages task = Task(require: false);
        task.BootImages = [new Microsoft.Build.Utilities.TaskItem(@"Boot\Custom.wim")];

        Assert.False(task.Execute());

        Assert.Equal(["MDTS4007"], _engine.ErrorCodes);
    }

    [SkippableFact]
    public void PatchesTheSharesBootImagesIntoTheOverlay()
    {
        Wimlib.Require();
        Trees.Write(_temp.Combine("pe"), ("Deploy/Scripts/Bootstrap.ini", "[Settings]\r\nPriority=Default\r\n[Default]\r\nDeployRoot=\\\\MDT01\\D$\r\n"));
        File.Delete(_temp.Combine("share", "Boot", "LiteTouchPE_x64.wim"));
        Wimlib.Capture(_temp.Combine("pe"), _temp.Combine("share", "Boot", "LiteTouchPE_x86.wim"));
        _temp.WriteFile("bin/overlay/Control/Bootstrap.ini", Encoding.ASCII.GetBytes("[Settings]\r\nPriority=Default\r\n[Default]\r\nDeployRoot=\\\\MDTCLUSTER\\Distribution$\r\n"));
        PatchBootImages task = Task(require: true);
        task.WimlibImagex = string.Empty;

        Assert.True(task.Execute());

        Assert.Equal("Boot/LiteTouchPE_x86.wim", Assert.Single(task.PatchedImages).GetMetadata("RelativePath"));
        Assert.Contains(_engine.Messages, m => m.Message!.Contains(@"DeployRoot \\MDT01\D$ -> \\MDTCLUSTER\Distribution$"));
        Assert.Contains(_engine.Messages, m => m.Message!.Contains("Replace Image"));
    }
}
