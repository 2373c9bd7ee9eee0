namespace MdtShare.Build.Reports;

/// <summary>
/// The CI system the build runs under, told by its environment: GitHub Actions names a job summary file in
/// GITHUB_STEP_SUMMARY; Azure Pipelines sets TF_BUILD and reads logging commands from any output line.
/// </summary>
internal sealed class BuildAgent(Func<string, string?> environment)
{
    public static BuildAgent Current { get; } = new(Environment.GetEnvironmentVariable);

    /// <summary>The file GitHub Actions shows as the step's summary (Markdown appended to it), when set.</summary>
    public string? GitHubStepSummary => environment("GITHUB_STEP_SUMMARY") is { Length: > 0 } path ? path : null;

    public bool IsAzurePipelines => string.Equals(environment("TF_BUILD"), "True", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Text the build logs that came from the share or the project (file names, INI values) can hold "##vso[",
    /// which the Azure Pipelines agent obeys anywhere in a line: a file named "##vso[task.complete result=Succeeded]"
    /// could mark a failed step as passed. On that agent the prefix is broken with a visible ASCII character (an
    /// invisible one would not do: culture-aware searches skip it).
    /// </summary>
    public string Defuse(string text) =>
        IsAzurePipelines && text.IndexOf(CommandPrefix, StringComparison.Ordinal) >= 0 ? text.Replace(CommandPrefix, "##vso_[") : text;

    private const string CommandPrefix = "##vso[";

    /// <summary>Attaches a Markdown file to the run's summary page.</summary>
    public static string UploadSummary(string markdownFile) => $"##vso[task.uploadsummary]{Data(markdownFile)}";

    /// <summary>The task's progress (percent) and current operation, shown on the step in the run's view.</summary>
    public static string SetProgress(int percent, string operation) =>
        $"##vso[task.setprogress value={Math.Max(0, Math.Min(100, percent))};]{Data(operation)}";

    /// <summary>A command's data ends with its line: line breaks are escaped, and '%' first, so text that looks
    /// escaped already stays as it was (the agent turns %AZP25 back into '%' last).</summary>
    private static string Data(string text) => text.Replace("%", "%AZP25").Replace("\r", "%0D").Replace("\n", "%0A");
}
