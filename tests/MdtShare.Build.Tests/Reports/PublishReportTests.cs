using System.Text.Json;
using MdtShare.Build.Availability;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.Manifest;
using MdtShare.Build.Mirror;
using MdtShare.Build.Reports;

namespace MdtShare.Build.Tests.Reports;

public class PublishReportTests
{
    private static PublishReport SampleReport()
    {
        var report = new PublishReport
        {
            Project = "/repo/deploymentshare.proj",
            DeploymentShare = "/repo/DeploymentShare",
            DeployRoot = @"\\MDTCLUSTER\Distribution$",
            FinishedUtc = new DateTime(2026, 11, 26, 12, 0, 0, DateTimeKind.Utc),
        };

        var published = new MirrorResult("/mnt/site|a") { Duration = TimeSpan.FromSeconds(4), Outages = 1, Retries = 7, Skipped = 1500 };
        published.AddCopied(Copy("Boot/LiteTouchPE_x64.wim", 3L << 20, CopyReason.New));
        published.AddCopied(Copy("Control/Bootstrap.ini", 1L << 20, CopyReason.Changed));
        var verified = new VerifyResult("/mnt/site|a") { Verified = 1502 };
        report.Targets.Add(new TargetEntry(published, new VerifyEntry("Quick", verified, "/repo/bin/verify/site.json")));

        var failed = new MirrorResult("/mnt/site-b")
        {
            Abort = new Diagnostic(DiagnosticCode.RetryWindowExhausted, "/mnt/site-b stayed unreachable for 120 s."),
        };
        report.Targets.Add(new TargetEntry(failed, null));

        report.BootImages.Add(new BootImageEntry("Boot/LiteTouchPE_x64.wim", 1, "/repo/bin/overlay", [@"\\MDT01\DeploymentShare$"], [@"\\MDTCLUSTER\Distribution$"], "Patched"));
        report.ManualSteps.Add("WDS keeps its own copy of each boot image.");
        report.HostReferences.Add(new HostReferenceEntry("Control/Settings.xml", 12, @"SLShare names the MDT server (\\MDT01\Logs$)"));
        return report;
    }

    private static CopyItem Copy(string path, long length, CopyReason reason) =>
        new(new TreeFile(path, "/src/" + path, length, DateTime.UnixEpoch, false), path, "/dst/" + path, reason, false, 0);

    [Fact]
    public void TheJsonReportHoldsEveryTargetBootImageStepAndReference()
    {
        using JsonDocument json = JsonDocument.Parse(SampleReport().ToJson());
        JsonElement root = json.RootElement;

        Assert.Equal("mdtshare-publish/1", root.GetProperty("schema").GetString());
        Assert.False(root.GetProperty("succeeded").GetBoolean());
        Assert.Equal(@"\\MDTCLUSTER\Distribution$", root.GetProperty("deployRoot").GetString());
        Assert.Equal("2026-11-26T12:00:00.0000000Z", root.GetProperty("finishedUtc").GetString());

        JsonElement first = root.GetProperty("targets")[0];
        Assert.Equal("/mnt/site|a", first.GetProperty("target").GetString());
        Assert.True(first.GetProperty("succeeded").GetBoolean());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("error").ValueKind);
        Assert.Equal((1, 1, 0, 1500, 0), (first.GetProperty("copied").GetInt32(), first.GetProperty("updated").GetInt32(),
            first.GetProperty("deleted").GetInt32(), first.GetProperty("unchanged").GetInt32(), first.GetProperty("failed").GetInt32()));
        Assert.Equal(4L << 20, first.GetProperty("bytesCopied").GetInt64());
        Assert.Equal(1L << 20, first.GetProperty("bytesPerSecond").GetInt64());
        Assert.Equal((1, 7), (first.GetProperty("outages").GetInt32(), first.GetProperty("retries").GetInt32()));
        Assert.Equal("Quick", first.GetProperty("verify").GetProperty("mode").GetString());
        Assert.True(first.GetProperty("verify").GetProperty("passed").GetBoolean());
        Assert.Equal(1502, first.GetProperty("verify").GetProperty("verifiedFiles").GetInt32());

        JsonElement second = root.GetProperty("targets")[1];
        Assert.False(second.GetProperty("succeeded").GetBoolean());
        Assert.Equal("MDTS2010", second.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("verify").ValueKind);

        JsonElement image = root.GetProperty("bootImages")[0];
        Assert.Equal(@"\\MDT01\DeploymentShare$", image.GetProperty("deployRootBefore")[0].GetString());
        Assert.Equal(@"\\MDTCLUSTER\Distribution$", image.GetProperty("deployRootAfter")[0].GetString());
        Assert.Equal("Patched", image.GetProperty("outcome").GetString());
        Assert.Single(root.GetProperty("manualSteps").EnumerateArray());
        Assert.Equal(12, root.GetProperty("hostReferences")[0].GetProperty("line").GetInt32());
    }

    [Fact]
    public void TheSummaryIsATableATeamCanRead_WithTheFailureAndWhatIsLeftToDo()
    {
        string markdown = PublishSummary.ToMarkdown(SampleReport());

        Assert.StartsWith("## MdtShare.Build: FAILED on 1 of 2 targets\n", markdown);
        Assert.Contains(@"| `/mnt/site\|a` | published | 1 | 1 | 0 | 1,500 | 0 | 4.0 MB | 4.0 s | 1.0 MB/s | quick: passed, 1,502 files | 1 |", markdown);
        Assert.Contains("| `/mnt/site-b` | **FAILED** |", markdown);
        Assert.Contains("**MDTS2010** /mnt/site-b stayed unreachable for 120 s.", markdown);
        Assert.Contains(@"| `Boot/LiteTouchPE_x64.wim` (image 1) | `\\MDT01\DeploymentShare$` | `\\MDTCLUSTER\Distribution$` | Patched |", markdown);
        Assert.Contains("### To do by hand\n\n- WDS keeps its own copy of each boot image.\n", markdown);
        Assert.Contains(@"- `Control/Settings.xml` line 12: SLShare names the MDT server (\\MDT01\Logs$)", markdown);
    }

    private static PublishReport WithBootPaths()
    {
        PublishReport report = SampleReport();
        report.BootPaths.Add(new BootPathEntry("wds", "wds01.corp.contoso.com", "to replace",
            @"'Lite Touch Windows PE (x64)' (x64) with \\MDTCLUSTER\Distribution$\Boot\LiteTouchPE_x64.wim, by wds-replace.cmd"));
        report.BootPaths.Add(new BootPathEntry("iso", "Boot/LiteTouchPE_x64.iso", "stale", "published unchanged (MDTS4008): xorriso was not found"));
        report.BootPaths.Add(new BootPathEntry("media", "/mnt/mdt01/Media/MEDIA001", "stale", "older than the share's Bootstrap.ini | Content/Sources/boot.wim"));
        return report;
    }

    /// <summary>A new field only: readers of mdtshare-publish/1 that know nothing of it read the report as before.</summary>
    [Fact]
    public void TheJsonReportListsEveryOtherBootPath_KindPathStateAndDetail()
    {
        using JsonDocument json = JsonDocument.Parse(WithBootPaths().ToJson());

        JsonElement paths = json.RootElement.GetProperty("bootPaths");
        Assert.Equal(["wds", "iso", "media"], paths.EnumerateArray().Select(p => p.GetProperty("kind").GetString()));
        Assert.Equal("wds01.corp.contoso.com", paths[0].GetProperty("path").GetString());
        Assert.Equal("to replace", paths[0].GetProperty("state").GetString());
        Assert.Equal("published unchanged (MDTS4008): xorriso was not found", paths[1].GetProperty("detail").GetString());
        Assert.Equal("mdtshare-publish/1", json.RootElement.GetProperty("schema").GetString());
    }

    [Fact]
    public void TheSummaryHasATableOfTheOtherBootPaths()
    {
        string markdown = PublishSummary.ToMarkdown(WithBootPaths());

        Assert.Contains("\n### Other boot paths\n\n| Kind | Where | State | |\n| --- | --- | --- | --- |\n" +
            @"| wds | `wds01.corp.contoso.com` | to replace | 'Lite Touch Windows PE (x64)' (x64) with \\MDTCLUSTER\Distribution$\Boot\LiteTouchPE_x64.wim, by wds-replace.cmd |" + "\n" +
            "| iso | `Boot/LiteTouchPE_x64.iso` | stale | published unchanged (MDTS4008): xorriso was not found |\n" +
            "| media | `/mnt/mdt01/Media/MEDIA001` | stale | older than the share's Bootstrap.ini \\| Content/Sources/boot.wim |\n", markdown);
        Assert.DoesNotContain("### Other boot paths", PublishSummary.ToMarkdown(SampleReport()));
    }

    [Fact]
    public void ASuccessfulPublishSaysSoInItsTitle()
    {
        var report = new PublishReport { DeploymentShare = "/share" };
        report.Targets.Add(new TargetEntry(new MirrorResult("/mnt/cluster"), null));

        Assert.StartsWith("## MdtShare.Build: published to 1 target\n", PublishSummary.ToMarkdown(report));
        Assert.True(report.Succeeded);
    }

    [Fact]
    public void ADriftingTargetFailsTheReportEvenWhenTheCopiesSucceeded()
    {
        var drift = new VerifyResult("/mnt/cluster");
        drift.HashMismatch.Add("Scripts/ZTIUtility.vbs");
        var report = new PublishReport();
        report.Targets.Add(new TargetEntry(new MirrorResult("/mnt/cluster"), new VerifyEntry("Full", drift, "r.json")));

        Assert.False(report.Succeeded);
        Assert.Contains("full: **DRIFT**", PublishSummary.ToMarkdown(report));
    }

    [Fact]
    public void EachTargetsLogLineSaysWhatItDid_OrWouldDo()
    {
        var published = new MirrorResult("/mnt/cluster") { Duration = TimeSpan.FromSeconds(4), Outages = 2, Skipped = 1500 };
        published.AddCopied(Copy("Boot/LiteTouchPE_x64.wim", 4L << 20, CopyReason.New));

        Assert.Equal("Published to /mnt/cluster: 1 copied, 0 updated, 0 deleted, 1,500 unchanged, 0 failed; 4.0 MB in 4.0 s (1.0 MB/s), 2 outage(s) ridden through",
            PublishSummary.Line(published, whatIf: false));
        Assert.StartsWith("What if: would publish to /mnt/cluster: 1 copied,", PublishSummary.Line(published, whatIf: true));
        Assert.Equal("Publish FAILED to /mnt/site-b: 0 copied, 0 updated, 0 deleted, 0 unchanged, 0 failed; 0 B in 0.0 s (0 B/s)",
            PublishSummary.Line(new MirrorResult("/mnt/site-b") { Abort = new Diagnostic(DiagnosticCode.TargetLocked, "locked") }, whatIf: false));
    }

    [Fact]
    public void BuildAgentsAreToldApartByTheirEnvironment()
    {
        var github = new BuildAgent(name => name == "GITHUB_STEP_SUMMARY" ? "/tmp/summary.md" : null);
        var azure = new BuildAgent(name => name == "TF_BUILD" ? "True" : null);
        var local = new BuildAgent(_ => null);

        Assert.Equal(("/tmp/summary.md", false), (github.GitHubStepSummary, github.IsAzurePipelines));
        Assert.Equal((null, true), (azure.GitHubStepSummary, azure.IsAzurePipelines));
        Assert.Equal((null, false), (local.GitHubStepSummary, local.IsAzurePipelines));
    }

    [Fact]
    public void OnAzurePipelinesANameFromTheShareCannotIssueACommand()
    {
        const string hostile = "Scripts/##vso[task.complete result=Succeeded;]x.vbs";
        var azure = new BuildAgent(name => name == "TF_BUILD" ? "True" : null);

        Assert.DoesNotContain("##vso[", azure.Defuse("Copied " + hostile));
        Assert.Equal("Copied Scripts/##vso_[task.complete result=Succeeded;]x.vbs", azure.Defuse("Copied " + hostile));
        Assert.Equal(hostile, new BuildAgent(_ => null).Defuse(hostile));
    }

    [Fact]
    public void AzurePipelinesCommandsAreWellFormed_AndTheirDataCannotEndTheLine()
    {
        Assert.Equal("##vso[task.uploadsummary]/a/bin/publish-summary.md", BuildAgent.UploadSummary("/a/bin/publish-summary.md"));
        Assert.Equal("##vso[task.setprogress value=42;]Publishing to /mnt/cluster", BuildAgent.SetProgress(42, "Publishing to /mnt/cluster"));
        Assert.Equal("##vso[task.setprogress value=100;]a%0Ab%AZP250D", BuildAgent.SetProgress(250, "a\nb%0D"));
        Assert.Equal("##vso[task.setprogress value=0;]x", BuildAgent.SetProgress(-5, "x"));
    }

    [Fact]
    public void EachTargetsContinuousAvailabilityIsInTheJsonAndTheSummary_ANoStandsOut()
    {
        var report = SampleReport();
        report.Targets[0] = report.Targets[0] with
        {
            Availability = new ShareAvailability("cluster", AvailabilityState.Available, "Get-SmbShare on MDTCLUSTER: ContinuouslyAvailable True, Clustered")
            {
                Share = @"\\MDTCLUSTER\Distribution$", Dialect = "3.1.1", Source = "Get-SmbShare", ScopeName = "MDTCLUSTER", CaTimeoutSeconds = 60,
                Capabilities = ["CONTINUOUS AVAILABILITY", "CLUSTER"],
            },
        };
        report.Targets[1] = report.Targets[1] with
        {
            Availability = new ShareAvailability("site-b", AvailabilityState.NotAvailable, "Get-SmbConnection: SMB 3.1.1, the share is not continuously available"),
        };

        using JsonDocument json = JsonDocument.Parse(report.ToJson());
        JsonElement first = json.RootElement.GetProperty("targets")[0].GetProperty("continuousAvailability");
        Assert.Equal(("yes", @"\\MDTCLUSTER\Distribution$", "3.1.1", "Get-SmbShare", "MDTCLUSTER", 60),
            (first.GetProperty("state").GetString(), first.GetProperty("share").GetString(), first.GetProperty("dialect").GetString(),
             first.GetProperty("source").GetString(), first.GetProperty("scopeName").GetString(), first.GetProperty("caTimeoutSeconds").GetInt32()));
        Assert.Equal(["CONTINUOUS AVAILABILITY", "CLUSTER"], first.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("no", json.RootElement.GetProperty("targets")[1].GetProperty("continuousAvailability").GetProperty("state").GetString());

        string markdown = PublishSummary.ToMarkdown(report);
        Assert.Contains("### Will deployments survive a failover?", markdown);
        Assert.Contains("| `/mnt/site\\|a` | yes | Get-SmbShare on MDTCLUSTER: ContinuouslyAvailable True, Clustered |", markdown);
        Assert.Contains("| `/mnt/site-b` | **no** | Get-SmbConnection: SMB 3.1.1, the share is not continuously available |", markdown);
    }

    [Fact]
    public void ATargetNotLookedAtHasANullEntryAndNoFailoverSection()
    {
        using JsonDocument json = JsonDocument.Parse(SampleReport().ToJson());

        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("targets")[0].GetProperty("continuousAvailability").ValueKind);
        Assert.DoesNotContain("survive a failover", PublishSummary.ToMarkdown(SampleReport()));
    }
}
