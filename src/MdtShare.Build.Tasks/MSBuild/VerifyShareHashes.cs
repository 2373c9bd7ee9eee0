using System.Text.RegularExpressions;
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
public sealed class VerifyShareHashes : MdtShareTask, ICancelableTask
{
    private const int PathsListed = 10;

    private readonly CancellationTokenSource _cancel = new();

    /// <summary>PublishTarget items; metadata ShareManifest names the manifest (default: <see cref="ShareManifest"/>).</summary>
    public ITaskItem[] Targets { get; set; } = [];

    public string ShareManifest { get; set; } = string.Empty;

    public ITaskItem[] Exclude { get; set; } = [];

    [Required]
    public string ReportDirectory { get; set; } = string.Empty;

    /// <summary>Files hashed at once; 0 = one per processor.</summary>
    public int Parallelism { get; set; }

    [Output]
    public int FilesVerified { get; private set; }

    [Output]
    public int FilesFailed { get; private set; }

    public void Cancel() => _cancel.Cancel();

    protected override void ExecuteCore()
    {
        if (Targets.Length == 0)
        {
            throw new MdtShareException(new Diagnostic(DiagnosticCode.NoPublishTarget,
                "There is no PublishTarget to verify; add one, e.g. <PublishTarget Include=\"\\\\MDTCLUSTER\\Distribution$\" />."));
        }

        var exclude = new ExcludeFilter(ExcludeFilter.Defaults.Concat(Exclude.Select(e => e.ItemSpec)));
        foreach (ITaskItem target in Targets)
        {
            if (_cancel.IsCancellationRequested)
            {
                return;
            }

            string manifestFile = ResolvePath(target.GetMetadata("ShareManifest") is { Length: > 0 } own ? own : ShareManifest);
            if (ReadManifest(manifestFile) is not { } manifest)
            {
                continue;
            }

            string root = ResolvePath(target.ItemSpec);
            VerifyResult result;
            try
            {
                result = ShareVerifier.Verify(manifest, root, exclude, Parallelism > 0 ? Parallelism : Environment.ProcessorCount, _cancel.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            string report = Path.Combine(ResolvePath(ReportDirectory), "verify-" + SafeName(target.ItemSpec) + ".json");
            AtomicFile.WriteIfChanged(report, VerifyReport.ToJson(result, manifestFile, DateTime.UtcNow));
            ReportDrift(result, report);
        }
    }

    private ShareManifest? ReadManifest(string path)
    {
        if (!File.Exists(path))
        {
            Report(new Diagnostic(DiagnosticCode.ManifestNotFound, $"The manifest '{path}' does not exist; build the share first (dotnet build)."));
            return null;
        }

        var errors = new List<Diagnostic>();
        ShareManifest manifest = Manifest.ShareManifest.Parse(File.ReadAllBytes(path), path, errors);
        Report(errors.Take(PathsListed));
        if (errors.Count > PathsListed)
        {
            Report(new Diagnostic(DiagnosticCode.ManifestInvalid, $"... and {errors.Count - PathsListed} more invalid lines; the manifest is refused.", path));
        }

        return errors.Count == 0 ? manifest : null;
    }

    private void ReportDrift(VerifyResult result, string report)
    {
        string target = result.Target;
        if (result.TargetMissing)
        {
            Report(new Diagnostic(DiagnosticCode.VerifyTargetMissing, $"{target} does not exist or cannot be reached."));
        }

        Drift(DiagnosticCode.VerifyMissing, result.Missing, "missing on", target, report);
        Drift(DiagnosticCode.VerifyExtra, result.Extra, "not in the manifest but present on", target, report);
        Drift(DiagnosticCode.VerifySizeMismatch, result.SizeMismatch, "of another size on", target, report);
        Drift(DiagnosticCode.VerifyHashMismatch, result.HashMismatch, "of other content (SHA-256) on", target, report);
        Drift(DiagnosticCode.VerifyUnreadable, result.Unreadable.Select(u => $"{u.Path} ({u.Reason})").ToList(), "unreadable on", target, report);
        FilesVerified += result.Verified;
        int failed = result.Missing.Count + result.SizeMismatch.Count + result.HashMismatch.Count + result.Unreadable.Count;
        FilesFailed += failed;
        Log.LogMessage(MessageImportance.High,
            $"Verify {target}: {(result.Passed ? "OK" : "DRIFT")}, {result.Verified:N0} files match, {failed:N0} differ, {result.Extra.Count:N0} extra; " +
            $"{ProgressLine.Size(result.BytesHashed)} hashed in {result.Duration.TotalSeconds:0.0} s; report {report}");
    }

    private void Drift(DiagnosticCode code, IReadOnlyList<string> paths, string what, string target, string report)
    {
        if (paths.Count == 0)
        {
            return;
        }

        string listed = string.Join(", ", paths.Take(PathsListed));
        string more = paths.Count > PathsListed ? $" and {paths.Count - PathsListed:N0} more (see {report})" : string.Empty;
        Report(new Diagnostic(code, $"{paths.Count:N0} file(s) {what} {target}: {listed}{more}."));
    }

    private static string SafeName(string path) => Regex.Replace(path, "[^A-Za-z0-9.-]+", "_").Trim('_');
}
