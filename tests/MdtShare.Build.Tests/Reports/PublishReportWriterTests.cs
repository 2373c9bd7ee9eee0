using System.Text.Json;
using MdtShare.Build.Mirror;
using MdtShare.Build.Reports;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.Reports;

public sealed class PublishReportWriterTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly RecordingListener _listener = new();
    private readonly List<string> _commands = [];

    public void Dispose() => _temp.Dispose();

    private void Write(PublishReport report, string? reportFile, string? summaryFile, params (string Name, string Value)[] environment) =>
        new PublishReportWriter(new BuildAgent(name => environment.FirstOrDefault(e => e.Name == name).Value), _listener, _commands.Add)
            .Write(report, reportFile, summaryFile);

    private static PublishReport Published()
    {
        var report = new PublishReport { DeploymentShare = "/share" };
        report.Targets.Add(new TargetEntry(new MirrorResult("/mnt/cluster"), null));
        return report;
    }

    [Fact]
    public void WritesTheJsonReportAndTheSummary_AndSaysWhere()
    {
        PublishReport report = Published();
        string json = _temp.Combine("bin", "publish-report.json"), summary = _temp.Combine("bin", "publish-summary.md");

        Write(report, json, summary);

        using (JsonDocument written = JsonDocument.Parse(File.ReadAllBytes(json)))
        {
            Assert.Equal("/mnt/cluster", written.RootElement.GetProperty("targets")[0].GetProperty("target").GetString());
        }

        Assert.NotEqual(default, report.FinishedUtc);
        Assert.Equal(PublishSummary.ToMarkdown(report), File.ReadAllText(summary));
        Assert.Equal([$"Publish report: {json}, {summary}"], _listener.Infos);
        Assert.Empty(_listener.Diagnostics);
        Assert.Empty(_commands);
    }

    [Fact]
    public void WithoutFilesNothingIsWrittenOrShown_NotEvenTheJobSummary()
    {
        string stepSummary = _temp.WriteFile("runner/step_summary.md", "## An earlier step\n");

        Write(Published(), null, null, ("GITHUB_STEP_SUMMARY", stepSummary), ("TF_BUILD", "True"));

        Assert.Equal("## An earlier step\n", File.ReadAllText(stepSummary));
        Assert.Empty(_listener.Messages);
        Assert.Empty(_commands);
    }

    [Fact]
    public void UnderGitHubActionsTheSummaryIsAddedToTheJobs()
    {
        PublishReport report = Published();
        string stepSummary = _temp.WriteFile("runner/step_summary.md", "## An earlier step\n");

        Write(report, null, _temp.Combine("publish-summary.md"), ("GITHUB_STEP_SUMMARY", stepSummary));

        Assert.Equal("## An earlier step\n" + PublishSummary.ToMarkdown(report) + "\n", File.ReadAllText(stepSummary));
        Assert.Empty(_listener.Diagnostics);
    }

    [Fact]
    public void AJobSummaryThatCannotBeWrittenIsMDTS5001_TheReportIsWrittenAnyway()
    {
        string stepSummary = _temp.Combine("no-such-folder", "step_summary.md");
        string json = _temp.Combine("publish-report.json");

        Write(Published(), json, null, ("GITHUB_STEP_SUMMARY", stepSummary));

        Assert.True(File.Exists(json));
        var warning = Assert.Single(_listener.Diagnostics);
        Assert.Equal("MDTS5001", warning.Code.Id);
        Assert.StartsWith($"The publish summary could not be added to the job summary ({stepSummary}): ", warning.Message);
        Assert.Equal([$"Publish report: {json}"], _listener.Infos);
    }

    [Fact]
    public void UnderAzurePipelinesTheSummaryFileIsUploaded_WhenThereIsOne()
    {
        string summary = _temp.Combine("publish-summary.md");

        Write(Published(), _temp.Combine("publish-report.json"), null, ("TF_BUILD", "True"));
        Assert.Empty(_commands);

        Write(Published(), null, summary, ("TF_BUILD", "True"));
        Assert.Equal([BuildAgent.UploadSummary(summary)], _commands);
    }
}
