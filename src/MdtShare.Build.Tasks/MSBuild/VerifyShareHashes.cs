using MdtShare.Build.Availability;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.IO;
using MdtShare.Build.Manifest;
using MdtShare.Build.Mirror;
using Microsoft.Build.Framework;

namespace MdtShare.Build.Tasks;

/// <summary>
/// Checks every publish target against its manifest, re-hashing every file, and writes a JSON report per target.
/// Each kind of drift has its own error code; the first paths are listed, the report holds them all.
/// </summary>
[MSBuildMultiThreadableTask]
public sealed class VerifyShareHashes : MdtShareTask
{
    /// <summary>PublishTarget items; metadata ShareManifest names the manifest (default: <see cref="ShareManifest"/>).</summary>
    public ITaskItem[] Targets { get; set; } = [];

    public string ShareManifest { get; set; } = string.Empty;

    public ITaskItem[] Exclude { get; set; } = [];

    [Required]
    public string ReportDirectory { get; set; } = string.Empty;

    /// <summary>Files hashed at once; 0 = one per processor.</summary>
    public int Parallelism { get; set; }

    /// <summary>Seconds between progress lines of a long verify; 0 reports after every file.</summary>
    public int ProgressSeconds { get; set; } = MirrorOptions.DefaultProgressSeconds;

    /// <summary>A target that is not continuously available, or whose availability cannot be told, fails the build
    /// instead of a warning (MDTS2022).</summary>
    public bool RequireContinuousAvailability { get; set; }

    [Output]
    public int FilesVerified { get; private set; }

    [Output]
    public int FilesFailed { get; private set; }

    protected override void ExecuteCore()
    {
        if (Targets.Length == 0)
        {
            throw new MdtShareException(new Diagnostic(DiagnosticCode.NoPublishTarget,
                "There is no PublishTarget to verify; add one, e.g. <PublishTarget Include=\"\\\\MDTCLUSTER\\Distribution$\" />."));
        }

        var exclude = new ExcludeFilter(Excludes(Exclude));
        var verified = new List<AvailabilityTarget>();
        foreach (ITaskItem target in Targets)
        {
            if (Cancellation.IsCancellationRequested)
            {
                return;
            }

            string manifestFile = ResolvePath(target.GetMetadata(Metadata.ShareManifest) is { Length: > 0 } own ? own : ShareManifest);
            var findings = new List<Diagnostic>();
            ShareManifest? manifest = ManifestReader.Read(manifestFile, findings);
            Report(findings);
            if (manifest is null)
            {
                continue;
            }

            string root = ResolvePath(target.ItemSpec);
            VerifyResult result;
            try
            {
                result = ShareVerifier.Verify(manifest, root, exclude, HashParallelism(Parallelism), Cancellation,
                    progress: progress => LogProgress(progress, progress.Target), progressInterval: TimeSpan.FromSeconds(ProgressSeconds));
            }
            catch (OperationCanceledException)
            {
                return;
            }

            string report = Path.Combine(ResolvePath(ReportDirectory), ReportName(target.ItemSpec));
            AtomicFile.WriteIfChanged(report, VerifyReport.ToJson(result, manifestFile, DateTime.UtcNow));
            ReportDrift(result, report);
            verified.Add(new AvailabilityTarget(target.ItemSpec, root));
        }

        // A share's setting can be changed after the publish; a scheduled verify finds that too.
        if (verified.Count > 0 && !Cancellation.IsCancellationRequested)
        {
            CheckContinuousAvailability(verified, RequireContinuousAvailability);
        }
    }

    private void ReportDrift(VerifyResult result, string report)
    {
        Report(VerifyFindings.Of(result, report));
        FilesVerified += result.Verified;
        FilesFailed += VerifyFindings.Failed(result);
        Message(MessageImportance.High, VerifyFindings.Summary(result, report));
    }

    /// <summary>verify-&lt;target, as a file name&gt;.json, as the publish's own check names it too.</summary>
    internal static string ReportName(string target) => "verify-" + TargetFileName.Of(target) + ".json";
}
