using System.Globalization;
using MdtShare.Build.Availability;
using MdtShare.Build.BootPaths;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.Manifest;
using MdtShare.Build.Mirror;
using MdtShare.Build.Reports;
using Microsoft.Build.Framework;

namespace MdtShare.Build.Tasks;

/// <summary>
/// Mirrors the deployment share plus the build's overlay to every publish target, all at once, reading each
/// changed file of the share once for all of them. Targets are independent: one failing does not stop the others,
/// and the task fails at the end.
/// </summary>
[MSBuildMultiThreadableTask]
public sealed class MirrorDeploymentShare : MdtShareTask, IIncrementalTask
{
    [Required]
    public string DeploymentShare { get; set; } = string.Empty;

    /// <summary>The build's overlay folder: its files replace or add to the share's on every target.</summary>
    public string OverlayDirectory { get; set; } = string.Empty;

    /// <summary>PublishTarget items: the destination folders. Metadata OverlayDirectory adds a per-target overlay;
    /// ShareManifest names the build's manifest for the target: every copied file must match it, and the publish
    /// ends by verifying the target against it.</summary>
    public ITaskItem[] Targets { get; set; } = [];

    /// <summary>MirrorExclude items: patterns neither copied nor purged, in addition to the defaults.</summary>
    public ITaskItem[] Exclude { get; set; } = [];

    /// <summary>Timestamp (size and last-write time) or Content (SHA-256).</summary>
    public string Compare { get; set; } = nameof(CompareMode.Timestamp);

    /// <summary>Files copied at once per target; 0 = the measured default.</summary>
    public int Parallelism { get; set; }

    public int RetryWindowSeconds { get; set; } = MirrorOptions.DefaultRetryWindowSeconds;

    /// <summary>How long files held open by clients are waited for once everything else is published; 0 = not at all.</summary>
    public int BusyWaitSeconds { get; set; } = MirrorOptions.DefaultBusyWaitSeconds;

    /// <summary>How long one call into a target may take before it counts as an outage.</summary>
    public int OperationTimeoutSeconds { get; set; } = MirrorOptions.DefaultOperationTimeoutSeconds;

    /// <summary>Seconds between progress lines (and Azure Pipelines progress updates); 0 reports every file.</summary>
    public int ProgressSeconds { get; set; } = MirrorOptions.DefaultProgressSeconds;

    public string MaxDeletePercent { get; set; } = MirrorOptions.DefaultMaxDeletePercent.ToString(CultureInfo.InvariantCulture);

    public bool AdoptExistingTarget { get; set; }

    public bool BreakLock { get; set; }

    /// <summary>Minutes without a heartbeat after which another publisher's lock is broken.</summary>
    public int LockStaleMinutes { get; set; } = MirrorOptions.DefaultLockStaleMinutes;

    /// <summary>Hours an image stays on the target after the publish that stopped naming it; 0 = until the next publish.</summary>
    public int ImageRetentionHours { get; set; } = MirrorOptions.DefaultImageRetentionHours;

    public bool WhatIf { get; set; }

    /// <summary>A target that is not continuously available, or whose availability cannot be told, fails the build
    /// instead of a warning (MDTS2022). Checked after the publish, so that on Windows the SMB client holds the
    /// connection it used.</summary>
    public bool RequireContinuousAvailability { get; set; }

    /// <summary>After publishing: Quick (size and time against what was written; re-hash what looks different),
    /// Full (re-hash everything) or None.</summary>
    public string VerifyMode { get; set; } = "Quick";

    /// <summary>Where the verify report of each target goes (relative to the project; the targets give
    /// $(MdtShareVerifyReportPath)).</summary>
    public string ReportDirectory { get; set; } = string.Empty;

    /// <summary>The publish report (JSON, schema mdtshare-publish/1) and its Markdown summary; none when empty.</summary>
    public string PublishReportFile { get; set; } = string.Empty;

    public string PublishSummaryFile { get; set; } = string.Empty;

    /// <summary>For the report: the DeployRoot clients are sent to.</summary>
    public string DeployRoot { get; set; } = string.Empty;

    /// <summary>For the report: PatchBootImages' Results and ManualSteps, ReportHostReferences' References.</summary>
    public ITaskItem[] BootImageResults { get; set; } = [];

    public ITaskItem[] ManualSteps { get; set; } = [];

    public ITaskItem[] HostReferences { get; set; } = [];

    /// <summary>ReportHostReferences' ClientOutcomes: per target DeployRoot, what each kind of client ends up with.</summary>
    public ITaskItem[] ClientOutcomes { get; set; } = [];

    /// <summary>PatchBootImages' Isos and ReviewBootPaths' BootPaths: the other places clients boot from.</summary>
    public ITaskItem[] BootPaths { get; set; } = [];

    /// <summary>Where WIMs found clean in the targets' Boot folders are remembered; empty to skip that check.</summary>
    public string BootPathStampFile { get; set; } = string.Empty;

    /// <summary>The path of wimlib-imagex, which reads the WIMs a publish leaves in a target's Boot folder; empty = found on PATH.</summary>
    public string WimlibImagex { get; set; } = string.Empty;

    /// <summary>WriteShareManifest's PublishedNames: share files (images) published under a name from their content.</summary>
    public ITaskItem[] PublishedNames { get; set; } = [];

    [Output]
    public int Copied { get; private set; }

    [Output]
    public int Updated { get; private set; }

    [Output]
    public int Deleted { get; private set; }

    [Output]
    public int Skipped { get; private set; }

    [Output]
    public int Failed { get; private set; }

    [Output]
    public long BytesCopied { get; private set; }

    protected override void ExecuteCore()
    {
        if (Targets.Length == 0)
        {
            throw new MdtShareException(new Diagnostic(DiagnosticCode.NoPublishTarget,
                "There is no PublishTarget to publish to; add one, e.g. <PublishTarget Include=\"\\\\MDTCLUSTER\\Distribution$\" />."));
        }

        var settings = new PublishSettings
        {
            Compare = Compare, Parallelism = Parallelism, RetryWindowSeconds = RetryWindowSeconds, BusyWaitSeconds = BusyWaitSeconds,
            OperationTimeoutSeconds = OperationTimeoutSeconds, ProgressSeconds = ProgressSeconds, MaxDeletePercent = MaxDeletePercent,
            AdoptExistingTarget = AdoptExistingTarget, BreakLock = BreakLock, LockStaleMinutes = LockStaleMinutes, WhatIf = DryRun, VerifyMode = VerifyMode,
            ImageRetentionHours = ImageRetentionHours,
            PublishedNames = TaskItems.ToPublishedNames(PublishedNames),
        };
        IReadOnlyList<Diagnostic> problems = settings.Validate(Targets.Select(t => t.ItemSpec));
        Report(problems);
        if (problems.Count > 0)
        {
            return;
        }

        string share = ResolvePath(DeploymentShare);
        var report = new PublishReport { Project = ProjectPath, DeploymentShare = share, DeployRoot = DeployRoot, WhatIf = WhatIf };
        try
        {
            PublishAll(share, settings, report);
            CheckTargetBootFolders(share, report);
        }
        finally
        {
            WriteReport(report);
        }
    }

    /// <summary>Question mode publishes nothing either.</summary>
    private bool DryRun => WhatIf || FailIfNotIncremental;

    private void PublishAll(string share, PublishSettings settings, PublishReport report)
    {
        var exclude = Excludes(Exclude);
        string verifyReports = ResolvePath(ReportDirectory);
        var requests = new List<PublishRequest>();
        var checkedTargets = new List<AvailabilityTarget>();
        foreach (ITaskItem target in Targets)
        {
            string? manifestFile = ResolveIfSet(target.GetMetadata(Metadata.ShareManifest));
            var findings = new List<Diagnostic>();
            ShareManifest? manifest = manifestFile is null ? null : ManifestReader.Read(manifestFile, findings);
            Report(findings);
            if (manifestFile is not null && manifest is null)
            {
                continue;
            }

            var overlays = new[] { OverlayDirectory, target.GetMetadata(Metadata.OverlayDirectory) }
                .Where(o => o.Length > 0).Select(ResolvePath).ToList();
            requests.Add(new PublishRequest(settings.For(share, ResolvePath(target.ItemSpec), overlays, exclude, manifest), manifest,
                manifestFile ?? string.Empty, Path.Combine(verifyReports, VerifyShareHashes.ReportName(target.ItemSpec))));
            checkedTargets.Add(new AvailabilityTarget(target.ItemSpec, ResolvePath(target.ItemSpec)));
        }

        if (requests.Count == 0 || Cancellation.IsCancellationRequested)
        {
            return;
        }

        var publisher = new SharePublisher(new Listener(this), line => Message(MessageImportance.High, line));
        report.Targets.AddRange(publisher.Publish(requests, settings.FullVerify, HashParallelism(0), Summarize, Cancellation));
        if (FailIfNotIncremental || Cancellation.IsCancellationRequested)
        {
            return;
        }

        // The entries are in the report first: the check cannot take a published target out of it.
        IReadOnlyList<ShareAvailability> availability = CheckContinuousAvailability(checkedTargets, RequireContinuousAvailability);
        for (int i = 0; i < availability.Count; i++)
        {
            report.Targets[i] = report.Targets[i] with { Availability = availability[i] };
        }
    }

    /// <summary>WIMs the publish left in a target's Boot folder that name an old DeployRoot (MDTS4016), for each
    /// target that was published.</summary>
    private void CheckTargetBootFolders(string share, PublishReport report)
    {
        if (DryRun || BootPathStampFile.Length == 0 || Cancellation.IsCancellationRequested
            || BootImage.WimlibImagex.Find(ResolveIfSet(WimlibImagex), Environment.GetEnvironmentVariable("PATH"), Cancellation) is not { } tool)
        {
            return;
        }

        var published = new HashSet<string>(report.Targets.Where(t => t.Succeeded).Select(t => t.Result.Destination), StringComparer.Ordinal);
        var targets = Targets.Select(t => (Target: ResolvePath(t.ItemSpec), DeployRoot: t.GetMetadata(Metadata.DeployRoot) is { Length: > 0 } own ? own : DeployRoot))
            .Where(t => published.Contains(t.Target));
        report.BootPaths.AddRange(new ForgottenBootImages(tool, new BootImage.StampFile(ResolvePath(BootPathStampFile)), BuildLog)
            .CheckTargets(targets, share, new ExcludeFilter(Excludes(Exclude))));
    }

    /// <summary>Also when the publish failed or was cancelled; question mode writes nothing.</summary>
    private void WriteReport(PublishReport report)
    {
        if (FailIfNotIncremental)
        {
            return;
        }

        report.BootImages.AddRange(BootImageResults.Select(TaskItems.ToBootImage));
        report.ManualSteps.AddRange(ManualSteps.Select(s => s.ItemSpec).Distinct(StringComparer.Ordinal));
        report.HostReferences.AddRange(HostReferences.Select(TaskItems.ToHostReference));
        report.Clients.AddRange(ClientOutcomes.Select(TaskItems.ToClientOutcome));
        report.BootPaths.AddRange(BootPaths.Select(TaskItems.ToBootPath));
        new PublishReportWriter(BuildAgent.Current, new Listener(this), command => Log.LogMessage(MessageImportance.High, command))
            .Write(report, ResolveIfSet(PublishReportFile), ResolveIfSet(PublishSummaryFile));
    }

    private string? ResolveIfSet(string path) => path.Length > 0 ? ResolvePath(path) : null;

    private void Summarize(MirrorResult result)
    {
        if (result.Abort is { } abort)
        {
            Report(abort);
        }

        Copied += result.Copied;
        Updated += result.Updated;
        Deleted += result.Deleted;
        Skipped += result.Skipped;
        Failed += result.Failed;
        BytesCopied += result.BytesCopied;
        Message(MessageImportance.High, PublishSummary.Line(result, DryRun));
        if (FailIfNotIncremental && result.PlannedChanges > 0)
        {
            ReportOutOfDate($"Publishing to {result.Destination} would change {result.PlannedChanges:N0} entries ({result.Copied:N0} files to copy, {result.Updated:N0} to update, {result.Deleted:N0} to delete)");
        }
    }

    private sealed class Listener(MirrorDeploymentShare task) : IMirrorListener
    {
        private readonly bool _detailed = task.Log.LogsMessagesOfImportance(MessageImportance.Low);

        public void Report(Diagnostic diagnostic) => task.Report(diagnostic);

        public void Detail(string message)
        {
            if (_detailed)
            {
                task.Message(MessageImportance.Low, message);
            }
        }

        public void Info(string message) => task.Message(MessageImportance.Normal, message);

        public void Progress(ProgressLine progress) => task.LogProgress(progress, "Publishing to " + progress.Target);
    }
}
