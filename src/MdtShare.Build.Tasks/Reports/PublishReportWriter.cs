using System.Text;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.IO;
using MdtShare.Build.Mirror;

namespace MdtShare.Build.Reports;

/// <summary>
/// Writes the publish report and its Markdown summary, also when the publish failed or was cancelled; on a CI agent
/// the summary becomes the job's summary. Knows nothing of MSBuild.
/// </summary>
/// <param name="agentCommand">Told each logging command for the agent, which must reach the log as it is (a
/// defused command would not be obeyed).</param>
internal sealed class PublishReportWriter(BuildAgent agent, IMirrorListener listener, Action<string> agentCommand)
{
    private static readonly Encoding Utf8 = new UTF8Encoding(false);

    /// <param name="reportFile">publish-report.json, or null for none.</param>
    /// <param name="summaryFile">publish-summary.md, or null for none; with neither, nothing is written or shown.</param>
    public void Write(PublishReport report, string? reportFile, string? summaryFile)
    {
        if (reportFile is null && summaryFile is null)
        {
            return;
        }

        report.FinishedUtc = DateTime.UtcNow;
        string markdown = PublishSummary.ToMarkdown(report);
        if (reportFile is not null)
        {
            AtomicFile.WriteIfChanged(reportFile, report.ToJson());
        }

        if (summaryFile is not null)
        {
            AtomicFile.WriteIfChanged(summaryFile, Utf8.GetBytes(markdown));
        }

        listener.Info($"Publish report: {string.Join(", ", new[] { reportFile, summaryFile }.OfType<string>())}");
        ShowOnBuildAgent(markdown, summaryFile);
    }

    private void ShowOnBuildAgent(string markdown, string? summaryFile)
    {
        if (agent.GitHubStepSummary is { } stepSummary)
        {
            try
            {
                File.AppendAllText(stepSummary, markdown + "\n", Utf8);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                listener.Report(new Diagnostic(DiagnosticCode.JobSummaryNotWritten, $"The publish summary could not be added to the job summary ({stepSummary}): {e.Message}"));
            }
        }

        if (agent.IsAzurePipelines && summaryFile is not null)
        {
            agentCommand(BuildAgent.UploadSummary(summaryFile));
        }
    }
}
