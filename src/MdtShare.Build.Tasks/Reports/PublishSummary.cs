using System.Globalization;
using System.Text;
using MdtShare.Build.Availability;
using MdtShare.Build.Mirror;

namespace MdtShare.Build.Reports;

/// <summary>The publish report as Markdown: publish-summary.md, and the job summary on GitHub Actions and Azure
/// Pipelines; and each target's line in the build log.</summary>
internal static class PublishSummary
{
    public static string ToMarkdown(PublishReport report)
    {
        var md = new StringBuilder();
        int failed = report.Targets.Count(t => !t.Succeeded);
        string outcome = report.WhatIf ? "what if (nothing changed)"
            : failed == 0 ? $"published to {Count(report.Targets.Count, "target")}"
            : $"FAILED on {failed} of {Count(report.Targets.Count, "target")}";
        md.Append("## MdtShare.Build: ").Append(outcome).Append("\n\n");
        md.Append("Deployment share ").Append(Code(report.DeploymentShare));
        if (report.DeployRoot.Length > 0)
        {
            md.Append(", clients connect to ").Append(Code(report.DeployRoot));
        }

        md.Append(".\n\n");
        md.Append("| Target | Result | Copied | Updated | Deleted | Unchanged | Failed | Data | Time | Rate | Verify | Outages |\n");
        md.Append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |\n");
        foreach (TargetEntry target in report.Targets)
        {
            MirrorResult r = target.Result;
            md.Append("| ").Append(Code(r.Destination))
                .Append(" | ").Append(report.WhatIf ? "what if" : target.Succeeded ? "published" : "**FAILED**")
                .Append(" | ").Append(N(r.Copied)).Append(" | ").Append(N(r.Updated)).Append(" | ").Append(N(r.Deleted))
                .Append(" | ").Append(N(r.Skipped)).Append(" | ").Append(N(r.Failed))
                .Append(" | ").Append(ProgressLine.Size(r.BytesCopied))
                .Append(" | ").Append(r.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)).Append(" s")
                .Append(" | ").Append(ProgressLine.Size(PublishReport.BytesPerSecond(r))).Append("/s")
                .Append(" | ").Append(Verify(target))
                .Append(" | ").Append(N(r.Outages)).Append(" |\n");
        }

        foreach (TargetEntry target in report.Targets.Where(t => t.Result.Abort is not null))
        {
            md.Append("\n**").Append(target.Result.Abort!.Code.Id).Append("** ").Append(Text(target.Result.Abort.Message)).Append('\n');
        }

        var checkedTargets = report.Targets.Where(t => t.Availability is not null).ToList();
        if (checkedTargets.Count > 0)
        {
            md.Append("\n### Will deployments survive a failover?\n\n| Target | Continuously available | Seen |\n| --- | --- | --- |\n");
            foreach (TargetEntry target in checkedTargets)
            {
                ShareAvailability availability = target.Availability!;
                md.Append("| ").Append(Code(target.Result.Destination))
                    .Append(" | ").Append(availability.State == AvailabilityState.NotAvailable ? "**no**" : availability.StateName)
                    .Append(" | ").Append(Text(availability.Detail)).Append(" |\n");
            }
        }

        var images = report.Targets.SelectMany(t => t.Result.NewImages.Select(path => (t.Result.Destination, Path: path, Note: "new: clients that start now get it"))
            .Concat(t.Result.RetainedImages.Select(r => (t.Result.Destination, r.Path, Note: Retired(r, report.FinishedUtc))))).ToList();
        if (images.Count > 0)
        {
            md.Append("\n### Images published side by side\n\n| Target | Image | |\n| --- | --- | --- |\n");
            images.ForEach(i => md.Append("| ").Append(Code(i.Destination)).Append(" | ").Append(Code(i.Path)).Append(" | ").Append(i.Note).Append(" |\n"));
        }

        if (report.BootImages.Count > 0)
        {
            md.Append("\n### Boot images\n\n| Image | DeployRoot before | DeployRoot after | |\n| --- | --- | --- | --- |\n");
            foreach (BootImageEntry image in report.BootImages)
            {
                md.Append("| ").Append(Code(image.Path)).Append(" (image ").Append(image.Image).Append(')')
                    .Append(" | ").Append(string.Join(", ", image.DeployRootBefore.Select(Code)))
                    .Append(" | ").Append(string.Join(", ", image.DeployRootAfter.Select(Code)))
                    .Append(" | ").Append(Text(image.Outcome)).Append(" |\n");
            }
        }

        if (report.BootPaths.Count > 0)
        {
            md.Append("\n### Other boot paths\n\n| Kind | Where | State | |\n| --- | --- | --- | --- |\n");
            foreach (BootPathEntry path in report.BootPaths)
            {
                md.Append("| ").Append(path.Kind).Append(" | ").Append(Code(path.Path)).Append(" | ").Append(Text(path.State))
                    .Append(" | ").Append(Text(path.Detail)).Append(" |\n");
            }
        }

        if (report.ManualSteps.Count > 0)
        {
            md.Append("\n### To do by hand\n\n");
            report.ManualSteps.ForEach(step => md.Append("- ").Append(Text(step)).Append('\n'));
        }

        foreach (var target in report.Clients.GroupBy(c => c.Target))
        {
            md.Append("\n### What clients of ").Append(Code(target.Key)).Append(" end up with\n\n")
              .Append("| Client | Sections | DeployRoot | SLShare | BackupShare | EventService |\n|---|---|---|---|---|---|\n");
            foreach (var (_, o) in target)
            {
                md.Append("| ").Append(Text(o.Client)).Append(" | ").Append(Text(o.Sections)).Append(" | ").Append(Cell(o.DeployRoot))
                  .Append(o.BootstrapDeployRoot is { } first && !string.Equals(first, o.DeployRoot, StringComparison.OrdinalIgnoreCase) ? " (Bootstrap.ini: " + Cell(first) + ")" : string.Empty)
                  .Append(" | ").Append(Cell(o.SLShare)).Append(" | ").Append(Cell(o.BackupShare)).Append(" | ").Append(Cell(o.EventService)).Append(" |\n");
            }
        }

        if (report.HostReferences.Count > 0)
        {
            md.Append("\n### Places that still name the MDT server\n\n");
            report.HostReferences.ForEach(r => md.Append("- ").Append(Code(r.File)).Append(" line ").Append(r.Line).Append(": ").Append(Text(r.Text)).Append('\n'));
        }

        return md.ToString();
    }

    /// <summary>The build log's line for one target, as soon as its publish ends.</summary>
    /// <param name="whatIf">Nothing was changed: the line says what would have been.</param>
    public static string Line(MirrorResult result, bool whatIf)
    {
        string verb = whatIf ? "What if: would publish" : result.Succeeded ? "Published" : "Publish FAILED";
        string outages = result.Outages > 0 ? $", {result.Outages} outage(s) ridden through" : string.Empty;
        return string.Format(CultureInfo.InvariantCulture,
            "{0} to {1}: {2:N0} copied, {3:N0} updated, {4:N0} deleted, {5:N0} unchanged, {6:N0} failed; {7} in {8:0.0} s ({9}/s){10}",
            verb, result.Destination, result.Copied, result.Updated, result.Deleted, result.Skipped, result.Failed,
            ProgressLine.Size(result.BytesCopied), Math.Max(0.001, result.Duration.TotalSeconds), ProgressLine.Size(PublishReport.BytesPerSecond(result)), outages);
    }

    private static string Retired(RetainedImage image, DateTime now)
    {
        string age = (now - image.RetiredUtc).TotalHours.ToString("0.0", CultureInfo.InvariantCulture);
        return image.Expired
            ? $"retired {age} h ago, retention over: deleted unless a client held it"
            : $"retired {age} h ago, kept for clients that read the previous OperatingSystems.xml";
    }

    private static string Cell(string? value) => value is null ? "none" : Code(value);

    private static string Verify(TargetEntry target) => target.Verify is not { } verify
        ? "–"
        : $"{verify.Mode.ToLowerInvariant()}: {(verify.Result.Passed ? "passed" : "**DRIFT**")}, {N(verify.Result.Verified)} files";

    private static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{N(count)} {noun}s";

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A path or value as inline code; a table cell must not see a bare '|', nor the code a backtick.</summary>
    private static string Code(string text) => "`" + text.Replace("`", "'").Replace("|", "\\|") + "`";

    private static string Text(string text) => text.Replace("|", "\\|").Replace("\r", " ").Replace("\n", " ");
}
