using MdtShare.Build.Diagnostics;
using MdtShare.Build.Mirror;

namespace MdtShare.Build.Manifest;

/// <summary>A verify result as coded findings, one per kind of drift, listing the first paths and the total.</summary>
internal static class VerifyFindings
{
    private const int PathsListed = 10;

    public static IEnumerable<Diagnostic> Of(VerifyResult result, string reportPath)
    {
        string target = result.Target;
        if (result.TargetMissing)
        {
            yield return new Diagnostic(DiagnosticCode.VerifyTargetMissing, $"{target} does not exist or cannot be reached.");
        }

        var kinds = new (DiagnosticCode Code, IReadOnlyList<string> Paths, string What)[]
        {
            (DiagnosticCode.VerifyMissing, result.Missing, "missing on"),
            (DiagnosticCode.VerifyExtra, result.Extra, "not in the manifest but present on"),
            (DiagnosticCode.VerifySizeMismatch, result.SizeMismatch, "of another size on"),
            (DiagnosticCode.VerifyHashMismatch, result.HashMismatch, "of other content (SHA-256) on"),
            (DiagnosticCode.VerifyUnreadable, result.Unreadable.Select(u => $"{u.Path} ({u.Reason})").ToList(), "unreadable on"),
        };
        foreach (var (code, paths, what) in kinds.Where(k => k.Paths.Count > 0))
        {
            string listed = string.Join(", ", paths.Take(PathsListed));
            string more = paths.Count > PathsListed ? $" and {paths.Count - PathsListed:N0} more (see {reportPath})" : string.Empty;
            yield return new Diagnostic(code, $"{paths.Count:N0} file(s) {what} {target}: {listed}{more}.");
        }
    }

    public static int Failed(VerifyResult result) =>
        result.Missing.Count + result.SizeMismatch.Count + result.HashMismatch.Count + result.Unreadable.Count;

    public static string Summary(VerifyResult result, string reportPath) =>
        $"Verify {result.Target}: {(result.Passed ? "OK" : "DRIFT")}, {result.Verified:N0} files match, {Failed(result):N0} differ, {result.Extra.Count:N0} extra{(result.Retained.Count > 0 ? $", {result.Retained.Count:N0} retired image(s) kept" : string.Empty)}; " +
        $"{ProgressLine.Size(result.BytesHashed)} hashed in {result.Duration.TotalSeconds:0.0} s; report {reportPath}";
}
