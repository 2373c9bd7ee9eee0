using MdtShare.Build.Tasks;
using MdtShare.Build.Tests.Support;
using Microsoft.Build.Utilities;

namespace MdtShare.Build.Tests.Tasks;

public sealed class BootPathTaskTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly FakeBuildEngine _engine;

    public BootPathTaskTests()
    {
        _engine = new FakeBuildEngine(_temp.Combine("deploymentshare.proj"));
        Trees.Write(_temp.Combine("share"), ("Control/Bootstrap.ini", "[Settings]\r\nPriority=Default\r\n"), ("Boot/LiteTouchPE_x64.wim", "wim"));
    }

    public void Dispose() => _temp.Dispose();

    private static TaskItem WdsServer(string server)
    {
        var item = new TaskItem(server);
        item.SetMetadata("ImageName", "Lite Touch Windows PE (x64)");
        item.SetMetadata("Architecture", "x64");
        return item;
    }

    [Fact]
    public void ReviewBootPaths_WritesTheScriptUnderTheProject_AndReturnsEachImageForTheReport()
    {
        var task = new ReviewBootPaths
        {
            BuildEngine = _engine, ProjectFile = _engine.ProjectFileOfTaskNode, DeploymentShare = "share", DeployRoot = @"\\MDTCLUSTER\Distribution$",
            WdsServers = [WdsServer("wds01.corp.contoso.com")], ScriptFile = "bin/wds-replace.cmd", StampFile = "obj/boot-paths.txt",
        };

        Assert.True(task.Execute());

        Assert.Contains("/Server:\"wds01.corp.contoso.com\"", File.ReadAllText(_temp.Combine("bin", "wds-replace.cmd")));
        var entry = Assert.Single(task.BootPaths);
        Assert.Equal(("wds01.corp.contoso.com", "wds", "to replace"), (entry.ItemSpec, entry.GetMetadata("Kind"), entry.GetMetadata("State")));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(2147484)]
    public void ReplaceWdsBootImages_ATimeoutThatCannotBeUsedIsMDTS4019_OnAnyAgent(int seconds)
    {
        var task = new ReplaceWdsBootImages
        {
            BuildEngine = _engine, ProjectFile = _engine.ProjectFileOfTaskNode, DeploymentShare = "share", DeployRoot = @"\\MDTCLUSTER\Distribution$",
            WdsServers = [WdsServer("wds01.corp.contoso.com")], ScriptFile = "bin/wds-replace.cmd", TimeoutSeconds = seconds,
        };

        Assert.False(task.Execute());

        var error = Assert.Single(_engine.Errors);
        Assert.Equal(("MDTS4019", $"MdtShareWdsTimeoutSeconds is {seconds}; use a number of seconds from 1 to 2147483 (default 1800)."), (error.Code, error.Message));
    }

    /// <summary>A 32-bit MSBuild.exe on 64-bit Windows sees SysWOW64 as System32, and SysWOW64 has no wdsutil.exe.</summary>
    [Theory]
    [InlineData(false, true, "Sysnative")]
    [InlineData(true, true, "System32")]
    [InlineData(false, false, "System32")]
    public void ReplaceWdsBootImages_LooksForWdsutilWhereThisProcessSeesSystem32(bool is64BitProcess, bool is64BitOperatingSystem, string folder)
    {
        Assert.Equal(Path.Combine(@"C:\Windows", folder, "wdsutil.exe"), ReplaceWdsBootImages.SystemWdsutil(@"C:\Windows", is64BitProcess, is64BitOperatingSystem));
    }

    [SkippableFact]
    public void ReplaceWdsBootImages_OffWindowsFailsWithMDTS4013_NamingTheScript()
    {
        Skip.If(OperatingSystem.IsWindows(), "this agent runs Windows, where wdsutil can run");
        var task = new ReplaceWdsBootImages
        {
            BuildEngine = _engine, ProjectFile = _engine.ProjectFileOfTaskNode, DeploymentShare = "share", DeployRoot = @"\\MDTCLUSTER\Distribution$",
            WdsServers = [WdsServer("wds01.corp.contoso.com")], ScriptFile = "bin/wds-replace.cmd",
        };

        Assert.False(task.Execute());

        var error = Assert.Single(_engine.Errors);
        Assert.Equal("MDTS4013", error.Code);
        Assert.Contains($"wdsutil runs only on Windows, so the WDS servers' boot images cannot be replaced from this agent. Run {_temp.Combine("bin", "wds-replace.cmd")} on a Windows machine", error.Message);
    }
}
