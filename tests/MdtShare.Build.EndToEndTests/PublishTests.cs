namespace MdtShare.Build.EndToEndTests;

[Collection(PackageCollection.Name)]
public sealed class PublishTests(PackageFixture package) : IDisposable
{
    private const string Cluster = @"\\MDTCLUSTER\Distribution$";

    private readonly TestProject _project = new(package);

    public void Dispose() => _project.Dispose();

    private void WriteShareAndProject(string targets)
    {
        _project.Write("share/Control/Bootstrap.ini", "[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nDeployRoot=\\\\MDT01\\DeploymentShare$\r\n");
        _project.Write("share/Scripts/LiteTouch.wsf", "<job/>");
        _project.Write("share/Out-of-Box Drivers/Dell/net/e1d.inf", "[Version]");
        _project.Write("share/Operating Systems/W11/install.wim", new string('w', 50_000));
        _project.Write("share/Logs/server.log", "not published");
        Directory.CreateDirectory(_project.PathOf("clusters"));
        _project.WriteSdkProject($"""
              <PropertyGroup>
                <DeploymentShare>share</DeploymentShare>
                <DeployRoot>{Cluster}</DeployRoot>
              </PropertyGroup>
              <ItemGroup>
            {targets}
              </ItemGroup>
            """);
    }

    [Fact]
    public void PublishTwice_TheSecondCopiesAndDeletesNothing()
    {
        WriteShareAndProject("""    <PublishTarget Include="clusters/site1" />""");

        ProcessResult first = _project.Build("deploymentshare.proj", "-t:Publish");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("4 copied, 0 updated, 0 deleted, 0 unchanged, 0 failed", first.Output);
        Assert.Contains(@"DeployRoot=\\MDTCLUSTER\Distribution$", _project.Read("clusters/site1/Control/Bootstrap.ini"));
        Assert.Equal(new string('w', 50_000), _project.Read("clusters/site1/Operating Systems/W11/install.wim"));
        Assert.False(Directory.Exists(_project.PathOf("clusters/site1/Logs")));

        ProcessResult second = _project.Build("deploymentshare.proj", "-t:Publish");

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("0 copied, 0 updated, 0 deleted, 4 unchanged, 0 failed", second.Output);
    }

    [Fact]
    public void EveryPublishWritesItsReport_AndUnderGitHubActionsAddsItsSummaryToTheJob()
    {
        WriteShareAndProject("""    <PublishTarget Include="clusters/site1" />""");
        string stepSummary = _project.Write("runner/step_summary.md", "## An earlier step\n");
        _project.Environment["GITHUB_ACTIONS"] = "true";
        _project.Environment["GITHUB_STEP_SUMMARY"] = stepSummary;

        ProcessResult result = _project.Build("deploymentshare.proj", "-t:Publish");

        Assert.True(result.ExitCode == 0, result.ToString());
        string summary = _project.Read("bin/publish-summary.md");
        Assert.StartsWith("## MdtShare.Build: published to 1 target\n", summary);
        Assert.Contains($"| `{_project.PathOf("clusters/site1")}` | published | 4 | 0 | 0 | 0 | 0 |", summary);
        Assert.Contains("| quick: passed, 4 files |", summary);
        Assert.Equal("## An earlier step\n" + summary + "\n", _project.Read("runner/step_summary.md"));

        using var report = System.Text.Json.JsonDocument.Parse(_project.Read("bin/publish-report.json"));
        var target = report.RootElement.GetProperty("targets")[0];
        Assert.Equal("mdtshare-publish/1", report.RootElement.GetProperty("schema").GetString());
        Assert.Equal(Cluster, report.RootElement.GetProperty("deployRoot").GetString());
        Assert.Equal((4, 0, true), (target.GetProperty("copied").GetInt32(), target.GetProperty("failed").GetInt32(), target.GetProperty("verify").GetProperty("passed").GetBoolean()));
        Assert.Equal("unknown", target.GetProperty("continuousAvailability").GetProperty("state").GetString());
        Assert.Contains($"| `{_project.PathOf("clusters/site1")}` | unknown | not an SMB share (", summary);
        Assert.DoesNotContain("##vso[", result.Output);
    }

    [Fact]
    public void UnderAzurePipelinesTheSummaryIsUploaded_ProgressReported_AndErrorsKeepTheCanonicalForm()
    {
        WriteShareAndProject("""
                <PublishTarget Include="clusters/site1" />
                <PublishTarget Include="share/Published" />
            """);
        _project.Environment["TF_BUILD"] = "True";

        ProcessResult result = _project.Build("deploymentshare.proj", "-t:Publish", "-p:MdtShareProgressSeconds=0");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"##vso[task.uploadsummary]{_project.PathOf("bin/publish-summary.md")}", result.Output);
        var progress = System.Text.RegularExpressions.Regex.Matches(result.Output, @"##vso\[task\.setprogress value=(\d+);\]Publishing to (.*)$", System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.NotEmpty(progress);
        Assert.All(progress, p => Assert.Equal(_project.PathOf("clusters/site1"), p.Groups[2].Value.TrimEnd('\r')));
        Assert.Equal("100", progress[^1].Groups[1].Value);

        // The second target lies inside the share: refused with a code, in the form Azure Pipelines annotates.
        Assert.Contains($"{_project.PathOf("deploymentshare.proj")} : error MDTS2001: ", result.Output);
        string summary = _project.Read("bin/publish-summary.md");
        Assert.StartsWith("## MdtShare.Build: FAILED on 1 of 2 targets\n", summary);
        Assert.Contains("**MDTS2001**", summary);
    }

    [Fact]
    public void QuestionModeAnswersWhetherAPublishWouldChangeAnything_AndChangesNothing()
    {
        WriteShareAndProject("""    <PublishTarget Include="clusters/site1" />""");
        Assert.Equal(0, _project.Build("deploymentshare.proj", "-t:Publish").ExitCode);

        ProcessResult upToDate = _project.Build("deploymentshare.proj", "-t:Publish", "-question");

        Assert.True(upToDate.ExitCode == 0, upToDate.ToString());

        // A cluster drifted: a file deleted by hand, another added.
        File.Delete(_project.PathOf("clusters/site1/Scripts/LiteTouch.wsf"));
        _project.Write("clusters/site1/Scripts/Stray.vbs", "not in the share");
        string report = _project.Read("bin/publish-report.json");

        ProcessResult drifted = _project.Build("deploymentshare.proj", "-t:Publish", "-question", "-p:MdtShareMaxDeletePercent=100");

        Assert.NotEqual(0, drifted.ExitCode);
        Assert.Equal(["MDTS5002"], drifted.ErrorCodes);
        Assert.Contains("would change 2 entries (1 files to copy, 0 to update, 1 to delete) (-question: nothing was changed).", drifted.Output);
        Assert.Equal(report, _project.Read("bin/publish-report.json"));
        Assert.False(File.Exists(_project.PathOf("clusters/site1/Scripts/LiteTouch.wsf")));
        Assert.True(File.Exists(_project.PathOf("clusters/site1/Scripts/Stray.vbs")));

        // The share changed: the build itself is out of date, which answers the question before any target is read.
        _project.Write("share/Scripts/LiteTouch.wsf", "<job>changed</job>");
        string manifest = _project.Read("bin/DeploymentShare.sha256");

        ProcessResult changed = _project.Build("deploymentshare.proj", "-t:Publish", "-question");

        Assert.NotEqual(0, changed.ExitCode);
        Assert.Equal(["MDTS5002"], changed.ErrorCodes);
        Assert.Contains("DeploymentShare.sha256 would be written: 1 file(s) of the share are new or changed (-question: nothing was changed).", changed.Output);
        Assert.Equal(manifest, _project.Read("bin/DeploymentShare.sha256"));

        ProcessResult settings = _project.Build("deploymentshare.proj", "-question", @"-p:DeployRoot=\\OTHERCLUSTER\Distribution$");

        Assert.NotEqual(0, settings.ExitCode);
        Assert.Contains("Bootstrap.ini would be written: Bootstrap.ini or the requested settings changed", settings.Output);
        Assert.Contains(Cluster, _project.Read("bin/overlay/Control/Bootstrap.ini"));
    }

    [Fact]
    public void UnderAzurePipelinesAFileNamedLikeACommandCannotMarkTheFailedBuildAsPassed()
    {
        WriteShareAndProject("""    <PublishTarget Include="clusters/site1" />""");
        _project.Write("share/Scripts/##vso[task.complete result=Succeeded;]done?.vbs", "x");
        _project.Environment["TF_BUILD"] = "True";

        ProcessResult result = _project.Build("deploymentshare.proj", "-t:Publish");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("MDTS3001", result.ErrorCodes);
        Assert.Contains("##vso_[task.complete result=Succeeded;]done?.vbs", result.Output);
        Assert.DoesNotContain("##vso[task.complete", result.Output);
    }

    [Fact]
    public void DotnetPublishPublishesToo()
    {
        WriteShareAndProject("""    <PublishTarget Include="clusters/site1" />""");

        ProcessResult result = _project.Dotnet("publish", "deploymentshare.proj", "-tl:off", "-v:m", "-nodeReuse:false");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(_project.PathOf("clusters/site1/Scripts/LiteTouch.wsf")));
    }

    [Fact]
    public void WhatIfChangesNothing()
    {
        WriteShareAndProject("""    <PublishTarget Include="clusters/site1" />""");

        ProcessResult result = _project.Build("deploymentshare.proj", "-t:Publish", "-p:MdtShareWhatIf=true", "-v:n");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("What if: would publish to ", result.Output);
        Assert.Contains("Would copy Operating Systems/W11/install.wim", result.Output);
        Assert.False(Directory.Exists(_project.PathOf("clusters/site1")));
    }

    /// <summary>This release renamed the settings to MdtShare…: the old names still work, each with MDTS5003.</summary>
    [Fact]
    public void TheOldPropertyNamesStillWorkWithAWarning()
    {
        WriteShareAndProject("""    <PublishTarget Include="clusters/site1" Site="lab" />""");

        ProcessResult result = _project.Build("deploymentshare.proj", "-t:Publish", "-p:WhatIf=true", "-p:PublishSite=LAB", "-v:n");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("What if: would publish to ", result.Output);
        Assert.False(Directory.Exists(_project.PathOf("clusters/site1")));
        Assert.Contains("warning MDTS5003: The property WhatIf is now MdtShareWhatIf", result.Output);
        Assert.Contains("warning MDTS5003: The property PublishSite is now MdtSharePublishSite", result.Output);

        ProcessResult typo = _project.Build("deploymentshare.proj", "-t:Publish", "-p:PublishSite=labb");

        Assert.NotEqual(0, typo.ExitCode);
        Assert.Contains("error MDTS2019: MdtSharePublishSite 'labb' names no PublishTarget", typo.Output);
    }

    [Fact]
    public void TwoTargetsWithTheirOwnDeployRoots()
    {
        WriteShareAndProject("""
                <PublishTarget Include="clusters/newyork" DeployRoot="\\NYCLUSTER\Distribution$" />
                <PublishTarget Include="clusters/stockholm" DeployRoot="\\STOCLUSTER\Distribution$" />
            """);

        ProcessResult result = _project.Build("deploymentshare.proj", "-t:Publish");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(@"DeployRoot=\\NYCLUSTER\Distribution$", _project.Read("clusters/newyork/Control/Bootstrap.ini"));
        Assert.Contains(@"DeployRoot=\\STOCLUSTER\Distribution$", _project.Read("clusters/stockholm/Control/Bootstrap.ini"));
        Assert.Contains(@"DeployRoot=\\MDTCLUSTER\Distribution$", _project.Read("bin/overlay/Control/Bootstrap.ini"));
    }

    [Fact]
    public void PublishSitePublishesAndVerifiesOneSiteOnly_AnUnknownSiteIsAnError()
    {
        WriteShareAndProject("""
                <PublishTarget Include="clusters/newyork" Site="newyork" DeployRoot="\\NYCLUSTER\Distribution$" />
                <PublishTarget Include="clusters/stockholm" Site="stockholm" DeployRoot="\\STOCLUSTER\Distribution$" />
            """);

        ProcessResult stockholm = _project.Build("deploymentshare.proj", "-t:Publish", "-p:MdtSharePublishSite=Stockholm");

        Assert.True(stockholm.ExitCode == 0, stockholm.ToString());
        Assert.Contains(@"DeployRoot=\\STOCLUSTER\Distribution$", _project.Read("clusters/stockholm/Control/Bootstrap.ini"));
        Assert.False(Directory.Exists(_project.PathOf("clusters/newyork")));

        ProcessResult verify = _project.Build("deploymentshare.proj", "-t:Verify", "-p:MdtSharePublishSite=stockholm");
        Assert.True(verify.ExitCode == 0, verify.ToString());

        ProcessResult typo = _project.Build("deploymentshare.proj", "-t:Publish", "-p:MdtSharePublishSite=stokholm");

        Assert.Equal(["MDTS2019"], typo.ErrorCodes);
        Assert.Contains("the sites in this project: newyork, stockholm.", typo.Output);
        Assert.False(Directory.Exists(_project.PathOf("clusters/newyork")));
    }

    [Fact]
    public void AFailingTargetFailsTheBuildAfterTheOthersArePublished()
    {
        WriteShareAndProject("""
                <PublishTarget Include="share/nested" />
                <PublishTarget Include="clusters/site2" />
            """);

        ProcessResult result = _project.Build("deploymentshare.proj", "-t:Publish");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal(["MDTS2001"], result.ErrorCodes);
        Assert.True(File.Exists(_project.PathOf("clusters/site2/Scripts/LiteTouch.wsf")));
        Assert.False(Directory.Exists(_project.PathOf("share/nested")));
    }

    [Fact]
    public void ANonEmptyForeignFolderIsRefused_AdoptExistingTargetTakesItOver()
    {
        WriteShareAndProject("""    <PublishTarget Include="clusters/robocopied" />""");
        _project.Write("clusters/robocopied/Scripts/LiteTouch.wsf", "<job/>");
        _project.Write("clusters/robocopied/Scripts/Old.vbs", "old");

        ProcessResult refused = _project.Build("deploymentshare.proj", "-t:Publish");

        Assert.Equal(["MDTS2003"], refused.ErrorCodes);
        Assert.True(File.Exists(_project.PathOf("clusters/robocopied/Scripts/Old.vbs")));

        ProcessResult adopted = _project.Build("deploymentshare.proj", "-t:Publish", "-p:MdtShareAdoptExistingTarget=true", "-p:MdtShareMaxDeletePercent=100");

        Assert.True(adopted.ExitCode == 0, adopted.ToString());
        Assert.False(File.Exists(_project.PathOf("clusters/robocopied/Scripts/Old.vbs")));
    }
}
