using System.Diagnostics;
using MdtShare.Build.BootPaths;
using MdtShare.Build.Tasks;
using MdtShare.Build.Tests.Support;
using MdtShare.Build.WindowsTests.Support;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace MdtShare.Build.WindowsTests;

/// <summary>
/// bin/wds-replace.cmd run by the host's cmd.exe (under Wine, Wine's own cmd, not Microsoft's; on Windows the real
/// one) against a stand-in for wdsutil: this test program copied beside itself as wdsutil.exe, which records the
/// arguments its command-line parsing gives it (the C runtime's rules, which wdsutil's are assumed to be) and exits
/// with the code it is told. What the real wdsutil does with them is not shown.
/// </summary>
[Collection(ChildProcessCollection.Name)]
[Trait("Semantics", "Windows")]
public sealed class WdsScriptTests : IDisposable
{
    private static readonly WdsBootImage[] Images =
    [
        new("wds01.corp.contoso.com", "Lite Touch 100% & <Stockholm> | ^R&D^ (x64)", "x64", @"\\MDTCLUSTER\Distribution$\Boot\LiteTouchPE_x64.wim", @"\\MDTCLUSTER\Distribution$", string.Empty),
        new("wds02.corp.contoso.com", "Lite Touch Windows PE (x86)", "x86", @"\\MDTCLUSTER\Distribution$\Boot\LiteTouchPE_x86.wim", @"\\MDTCLUSTER\Distribution$", string.Empty),
    ];

    private readonly TempDirectory _temp = new();
    private readonly string _wdsutil = Path.Combine(Path.GetDirectoryName(Child.Program().Program)!, "wdsutil.exe");

    public WdsScriptTests() => File.Copy(Child.Program().Program, _wdsutil, overwrite: true);

    public void Dispose()
    {
        File.Delete(_wdsutil);
        _temp.Dispose();
    }

    /// <summary>wdsutil's failures are HRESULTs: 0xC1030104 is a negative exit code, which "if errorlevel 1" would miss.
    /// cmd hands wdsutil the script's line as it is, but for the % it undoubles.
    /// An environment variable named ERRORLEVEL would hide the exit code from %ERRORLEVEL%; the script clears it.</summary>
    [Theory]
    [InlineData("0", 0, "", null)]
    [InlineData("-1056767740", 1, "Failed wdsutil commands: 2, see their messages above.\r\n", null)]
    [InlineData("-1056767740", 1, "Failed wdsutil commands: 2, see their messages above.\r\n", "0")]
    public void EveryLineGivesWdsutilItsValuesUnchanged_AndAFailedLineMakesTheScriptExit1(string wdsutilExit, int scriptExit, string said, string? errorLevelVariable)
    {
        string script = _temp.WriteFile("bin/wds-replace.cmd", WdsReplaceScript.Render(Images));
        string record = _temp["arguments.txt"];
        var start = new ProcessStartInfo("cmd.exe", "/c \"" + script + "\"")
        {
            UseShellExecute = false, WorkingDirectory = _temp.Path, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.EnvironmentVariables["PATH"] = Path.GetDirectoryName(_wdsutil) + ";" + Environment.GetEnvironmentVariable("PATH");
        start.EnvironmentVariables["MDTSHARE_FAKE_WDSUTIL_RECORD"] = record;
        start.EnvironmentVariables["MDTSHARE_FAKE_WDSUTIL_EXIT"] = wdsutilExit;
        if (errorLevelVariable is not null)
        {
            start.EnvironmentVariables["ERRORLEVEL"] = errorLevelVariable;
        }

        // The script says one line at most and the stand-in nothing, far below a pipe's buffer: read after the exit.
        using Process cmd = Process.Start(start)!;
        Assert.True(cmd.WaitForExit(120_000), "cmd.exe did not finish the script within 2 minutes");

        Assert.Equal(scriptExit, cmd.ExitCode);
        Assert.Equal((said, string.Empty), (cmd.StandardOutput.ReadToEnd(), cmd.StandardError.ReadToEnd()));
        Assert.Equal(Recorded, File.ReadAllText(record));
        Assert.Equal(Images.Select(WdsReplaceScript.CommandLine), File.ReadAllLines(record + ".raw"));
    }

    /// <summary>-t:PublishWds's task where wdsutil runs (here: where the host is Windows), given the stand-in as
    /// MdtShareWdsutil: wdsutil once per image with the script's command line, character for character, each failure
    /// MDTS4015 with its exit code.</summary>
    [Theory]
    [InlineData("0", true, new string[0])]
    [InlineData("-1056767740", false, new[] { "MDTS4015", "MDTS4015" })]
    public void ReplaceWdsBootImages_RunsWdsutilOncePerImage_EachFailureItsOwnError(string wdsutilExit, bool succeeds, string[] errors)
    {
        _temp.WriteFile("share/Boot/LiteTouchPE_x64.wim", "wim");
        _temp.WriteFile("share/Boot/LiteTouchPE_x86.wim", "wim");
        var engine = new FakeBuildEngine(_temp["deploymentshare.proj"]);
        var task = new ReplaceWdsBootImages
        {
            BuildEngine = engine, ProjectFile = engine.ProjectFileOfTaskNode, DeploymentShare = "share", DeployRoot = @"\\MDTCLUSTER\Distribution$", Wdsutil = _wdsutil,
            WdsServers = [.. Images.Select(i => (ITaskItem)new TaskItem(i.Server, new Dictionary<string, string> { ["ImageName"] = i.ImageName, ["Architecture"] = i.Architecture }))],
        };
        Environment.SetEnvironmentVariable("MDTSHARE_FAKE_WDSUTIL_RECORD", _temp["arguments.txt"]);
        Environment.SetEnvironmentVariable("MDTSHARE_FAKE_WDSUTIL_EXIT", wdsutilExit);
        try
        {
            Assert.Equal(succeeds, task.Execute());
        }
        finally
        {
            Environment.SetEnvironmentVariable("MDTSHARE_FAKE_WDSUTIL_RECORD", null);
            Environment.SetEnvironmentVariable("MDTSHARE_FAKE_WDSUTIL_EXIT", null);
        }

        Assert.Equal(errors, engine.ErrorCodes);
        Assert.All(engine.Errors, e => Assert.Contains("(exit code -1056767740)", e.Message));
        Assert.Contains(engine.Messages, m => m.Message == $"wdsutil replaced {(succeeds ? 2 : 0)} of 2 boot image(s) on 2 WDS server(s).");
        Assert.Equal(Recorded, File.ReadAllText(_temp["arguments.txt"]));
        Assert.Equal(Images.Select(WdsReplaceScript.CommandLine), File.ReadAllLines(_temp["arguments.txt"] + ".raw"));
    }

    /// <summary>What the stand-in records when each image's values arrive unchanged, in Microsoft's order.</summary>
    private static string Recorded => string.Concat(Images.Select(i => string.Concat(new[]
    {
        "/Replace-Image", "/Image:" + i.ImageName, "/Server:" + i.Server, "/ImageType:Boot", "/Architecture:" + i.Architecture, "/ReplacementImage", "/ImageFile:" + i.ImageFile,
    }.Select(a => "[" + a + "]\n")) + "\n"));
}
