using System.Text.Json;

namespace MdtShare.Build.EndToEndTests;

/// <summary>
/// The WDS boot path from a user's project, on this Linux agent: the script the build writes, the step the publish
/// summary gives, and -t:PublishWds refusing to run where wdsutil cannot. wdsutil itself is never run here.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class WdsTests(PackageFixture package) : IDisposable
{
    private readonly TestProject _project = new(package);

    public void Dispose() => _project.Dispose();

    /// <summary>A share with real LiteTouch boot images for x64 and x86 that name the MDT server, two WDS servers
    /// (one serving both architectures), and one MDT media folder.</summary>
    private void WriteShareAndProject()
    {
        Skip.IfNot(SampleTests.WimlibIsInstalled || Environment.GetEnvironmentVariable("CI") == "true", "wimlib-imagex not found: install the Debian package wimtools.");
        const string ini = "[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nDeployRoot=\\\\MDT01\\DeploymentShare$\r\nSkipBDDWelcome=YES\r\n";
        _project.Write("share/Control/Bootstrap.ini", ini);
        _project.Write("pe/Deploy/Scripts/Bootstrap.ini", ini);
        foreach (string architecture in new[] { "x64", "x86" })
        {
            Directory.CreateDirectory(_project.PathOf("share/Boot"));
            ProcessResult capture = DotNet.RunTool("wimlib-imagex", _project.Root, "capture", "pe", $"share/Boot/LiteTouchPE_{architecture}.wim", $"Lite Touch Windows PE ({architecture})", "--boot");
            Assert.True(capture.ExitCode == 0, capture.ToString());
        }

        _project.Write("Media/MEDIA001/Content/Deploy/Scripts/Media.tag", string.Empty);
        _project.Write("Media/MEDIA001/Content/Deploy/Control/Bootstrap.ini", "[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nSkipBDDWelcome=YES\r\n");
        Directory.CreateDirectory(_project.PathOf("clusters/site1"));
        _project.WriteSdkProject("""
              <PropertyGroup>
                <DeploymentShare>share</DeploymentShare>
                <DeployRoot>\\MDTCLUSTER\Distribution$</DeployRoot>
              </PropertyGroup>
              <ItemGroup>
                <PublishTarget Include="clusters/site1" />
                <WdsServer Include="wds01.corp.contoso.com" ImageName="Lite Touch Windows PE (x64)" Architecture="x64" />
                <WdsServer Include="wds01.corp.contoso.com" ImageName="Lite Touch Windows PE (x86)" Architecture="x86" />
                <WdsServer Include="wds02.corp.contoso.com" ImageName="MDT 100% Lite Touch (x64)" Architecture="x64" />
                <MdtMedia Include="Media/MEDIA001" />
              </ItemGroup>
            """);
    }

    [SkippableFact]
    public void WdsServerItems_TheScriptHoldsOneWdsutilLinePerServerAndImage_AndThePublishSummaryMakesItAManualStepOnThisAgent()
    {
        WriteShareAndProject();

        ProcessResult result = _project.Build("deploymentshare.proj", "-t:Publish");

        Assert.True(result.ExitCode == 0, result.ToString());
        string script = _project.Read("bin/wds-replace.cmd");
        Assert.Equal(
        [
            @"wdsutil /Replace-Image /Image:""Lite Touch Windows PE (x64)"" /Server:""wds01.corp.contoso.com"" /ImageType:Boot /Architecture:x64 /ReplacementImage /ImageFile:""\\MDTCLUSTER\Distribution$\Boot\LiteTouchPE_x64.wim""",
            @"wdsutil /Replace-Image /Image:""Lite Touch Windows PE (x86)"" /Server:""wds01.corp.contoso.com"" /ImageType:Boot /Architecture:x86 /ReplacementImage /ImageFile:""\\MDTCLUSTER\Distribution$\Boot\LiteTouchPE_x86.wim""",
            @"wdsutil /Replace-Image /Image:""MDT 100%% Lite Touch (x64)"" /Server:""wds02.corp.contoso.com"" /ImageType:Boot /Architecture:x64 /ReplacementImage /ImageFile:""\\MDTCLUSTER\Distribution$\Boot\LiteTouchPE_x64.wim""",
        ], script.Split("\r\n").Where(l => l.StartsWith("wdsutil ", StringComparison.Ordinal)));
        Assert.Equal(3, script.Split("\r\n").Count(l => l == "if %ERRORLEVEL% neq 0 set /a MDTSHARE_FAILED+=1"));

        string summary = _project.Read("bin/publish-summary.md");
        Assert.Contains($"- WDS keeps its own copy of each boot image. Run {_project.PathOf("bin/wds-replace.cmd")} on a Windows machine with the WDS tools, after publishing: " +
            "it replaces them on the WdsServer items' servers.\n", summary);
        Assert.DoesNotContain("WDS console > Boot Images > Replace Image", summary);
        Assert.Contains("Rebuild it with Update-MDTMedia", summary);
        Assert.Contains("| wds | `wds02.corp.contoso.com` | to replace |", summary);
        using JsonDocument report = JsonDocument.Parse(_project.Read("bin/publish-report.json"));
        Assert.Equal(["wds", "wds", "wds", "media"], report.RootElement.GetProperty("bootPaths").EnumerateArray().Select(p => p.GetProperty("kind").GetString()));
    }

    [SkippableFact]
    public void PublishWds_OnLinux_FailsWithMDTS4013_NamingTheScriptToRun()
    {
        Skip.If(OperatingSystem.IsWindows(), "this agent runs Windows, where wdsutil can run");
        WriteShareAndProject();

        ProcessResult result = _project.Build("deploymentshare.proj", "-t:PublishWds");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal(["MDTS4013"], result.ErrorCodes);
        Assert.Contains($"error MDTS4013: wdsutil runs only on Windows, so the WDS servers' boot images cannot be replaced from this agent. Run {_project.PathOf("bin/wds-replace.cmd")} on a Windows machine", result.Output);
        Assert.True(File.Exists(_project.PathOf("bin/wds-replace.cmd")));
    }
}
