using MdtShare.Build.IO;
using MdtShare.Build.Manifest;
using MdtShare.Build.Reports;

namespace MdtShare.Build.Mirror;

/// <summary>One publish target: where, how, and the manifest it must match afterwards (none to skip the check).</summary>
internal sealed record PublishRequest(MirrorOptions Options, ShareManifest? Manifest, string ManifestFile, string ReportFile);

/// <summary>
/// A publish as the build runs it: every target at once (each changed file of the share read once and written to
/// every target), then each target that published checked against its manifest, quick (what was written, by size and
/// time; the rest re-hashed only where it looks different) or full, with its verify report written. Knows nothing of
/// MSBuild; returns what the publish report needs.
/// </summary>
internal sealed class SharePublisher(IMirrorListener listener, Action<string> summary)
{
    /// <param name="fullVerify">True for a full check, false for a quick one, null for none.</param>
    /// <param name="published">Told of each target's result before it is checked.</param>
    public IReadOnlyList<TargetEntry> Publish(IReadOnlyList<PublishRequest> requests, bool? fullVerify, int hashParallelism,
        Action<MirrorResult> published, CancellationToken cancellation)
    {
        IReadOnlyList<MirrorResult> results = new MirrorEngine(listener).Publish(requests.Select(r => r.Options).ToList(), cancellation);
        var entries = new List<TargetEntry>();
        for (int i = 0; i < requests.Count; i++)
        {
            PublishRequest request = requests[i];
            MirrorResult result = results[i];
            published(result);
            VerifyEntry? verify = request.Manifest is { } manifest && fullVerify is { } full && result.Succeeded && !request.Options.WhatIf
                && !cancellation.IsCancellationRequested
                ? Verify(request, manifest, result, full, hashParallelism, cancellation)
                : null;
            entries.Add(new TargetEntry(result, verify));
        }

        return entries;
    }

    /// <summary>The publish's own check: the target must now match the manifest exactly.</summary>
    private VerifyEntry? Verify(PublishRequest request, ShareManifest manifest, MirrorResult published, bool full, int hashParallelism,
        CancellationToken cancellation)
    {
        MirrorOptions options = request.Options;
        VerifyResult result;
        try
        {
            result = ShareVerifier.Verify(manifest, options.DestinationRoot, new ExcludeFilter(options.Exclude), hashParallelism,
                cancellation, full ? null : published.SourceFiles, options.TimestampTolerance, listener.Progress, options.ProgressInterval);
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        AtomicFile.WriteIfChanged(request.ReportFile, VerifyReport.ToJson(result, request.ManifestFile, DateTime.UtcNow));
        foreach (var finding in VerifyFindings.Of(result, request.ReportFile))
        {
            listener.Report(finding);
        }

        summary((full ? "Full " : "Quick ") + VerifyFindings.Summary(result, request.ReportFile));
        return new VerifyEntry(full ? "Full" : "Quick", result, request.ReportFile);
    }
}
