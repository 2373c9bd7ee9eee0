using System.Globalization;
using MdtShare.Build.Availability;
using MdtShare.Build.HostReferences;
using MdtShare.Build.IO;
using MdtShare.Build.Manifest;
using MdtShare.Build.Mirror;

namespace MdtShare.Build.Reports;

/// <summary>A boot image as the build left it: the DeployRoot values its Bootstrap.ini named before and after.</summary>
internal sealed record BootImageEntry(string Path, int Image, string Overlay, IReadOnlyList<string> DeployRootBefore, IReadOnlyList<string> DeployRootAfter, string Outcome);

/// <summary>
/// A place clients boot from besides the share's own boot images: a WDS server's image to replace, an ISO rebuilt or
/// left stale, MDT media the build did not touch, a boot image a WDS server still serves or a publish left in a
/// target with an old DeployRoot.
/// </summary>
/// <param name="Kind">One of the constants below.</param>
/// <param name="Path">The WDS server, the ISO's path in the share, the media folder or the forgotten WIM.</param>
/// <param name="State">What the build found or did, in a word or two.</param>
/// <param name="Detail">What a person needs to act on it.</param>
internal sealed record BootPathEntry(string Kind, string Path, string State, string Detail)
{
    public const string Wds = "wds";
    public const string Iso = "iso";
    public const string Media = "media";
    public const string WdsCopy = "wdsCopy";
    public const string TargetCopy = "targetCopy";
}

/// <summary>A place in the share that still names the MDT server (an MDTS1021 warning).</summary>
internal sealed record HostReferenceEntry(string File, int Line, string Text);

/// <summary>The publish's own check of one target: Quick or Full.</summary>
internal sealed record VerifyEntry(string Mode, VerifyResult Result, string ReportFile);

internal sealed record TargetEntry(MirrorResult Result, VerifyEntry? Verify)
{
    /// <summary>Whether a client's open files on it survive a cluster failover; null when it was not looked at
    /// (question mode).</summary>
    public ShareAvailability? Availability { get; init; }

    public bool Succeeded => Result.Succeeded && Verify?.Result.Passed != false;
}

/// <summary>
/// What one publish did, for people (publish-summary.md, also a CI job summary) and for tools (publish-report.json,
/// schema mdtshare-publish/1 in docs/reference.md).
/// </summary>
internal sealed class PublishReport
{
    public const string Schema = "mdtshare-publish/1";

    public string Project { get; init; } = string.Empty;

    public string DeploymentShare { get; init; } = string.Empty;

    public string DeployRoot { get; init; } = string.Empty;

    public bool WhatIf { get; init; }

    public DateTime FinishedUtc { get; set; }

    public List<TargetEntry> Targets { get; } = [];

    public List<BootImageEntry> BootImages { get; } = [];

    /// <summary>What the build cannot do for the user: WDS's own copies of boot images, ISOs left stale.</summary>
    public List<string> ManualSteps { get; } = [];

    public List<HostReferenceEntry> HostReferences { get; } = [];

    /// <summary>The other places clients boot from, and what became of each.</summary>
    public List<BootPathEntry> BootPaths { get; } = [];

    /// <summary>Per target DeployRoot, what each kind of client ends up with after the build.</summary>
    internal List<(string Target, ClientOutcome Outcome)> Clients { get; } = [];

    public bool Succeeded => Targets.All(t => t.Succeeded);

    public byte[] ToJson()
    {
        var json = new JsonWriter().BeginObject()
            .Value("schema", Schema)
            .Value("project", Project)
            .Value("deploymentShare", DeploymentShare)
            .Value("deployRoot", DeployRoot)
            .Value("finishedUtc", FinishedUtc.ToString("o", CultureInfo.InvariantCulture))
            .Value("whatIf", WhatIf)
            .Value("succeeded", Succeeded)
            .BeginArray("targets");
        foreach (TargetEntry target in Targets)
        {
            WriteTarget(json, target);
        }

        json.EndArray().BeginArray("bootImages");
        foreach (BootImageEntry image in BootImages)
        {
            json.BeginObject().Value("path", image.Path).Value("image", image.Image).Value("overlay", image.Overlay)
                .Values("deployRootBefore", image.DeployRootBefore).Values("deployRootAfter", image.DeployRootAfter)
                .Value("outcome", image.Outcome).EndObject();
        }

        json.EndArray().Values("manualSteps", ManualSteps).BeginArray("hostReferences");
        foreach (HostReferenceEntry reference in HostReferences)
        {
            json.BeginObject().Value("file", reference.File).Value("line", reference.Line).Value("text", reference.Text).EndObject();
        }

        json.EndArray().BeginArray("clients");
        foreach (var (target, outcome) in Clients)
        {
            json.BeginObject().Value("deployRootOfTarget", target).Value("client", outcome.Client).Value("sections", outcome.Sections)
                .Value("bootstrapDeployRoot", outcome.BootstrapDeployRoot ?? string.Empty).Value("deployRoot", outcome.DeployRoot ?? string.Empty)
                .Value("slShare", outcome.SLShare ?? string.Empty).Value("backupShare", outcome.BackupShare ?? string.Empty)
                .Value("eventService", outcome.EventService ?? string.Empty).EndObject();
        }

        json.EndArray().BeginArray("bootPaths");
        foreach (BootPathEntry path in BootPaths)
        {
            json.BeginObject().Value("kind", path.Kind).Value("path", path.Path).Value("state", path.State).Value("detail", path.Detail).EndObject();
        }

        return json.EndArray().EndObject().ToUtf8();
    }

    private static void WriteTarget(JsonWriter json, TargetEntry target)
    {
        MirrorResult result = target.Result;
        json.BeginObject()
            .Value("target", result.Destination)
            .Value("succeeded", target.Succeeded);
        if (result.Abort is { } abort)
        {
            json.BeginObject("error").Value("code", abort.Code.Id).Value("message", abort.Message).EndObject();
        }
        else
        {
            json.Value("error", null);
        }

        json.Value("copied", result.Copied)
            .Value("updated", result.Updated)
            .Value("deleted", result.Deleted)
            .Value("unchanged", result.Skipped)
            .Value("failed", result.Failed)
            .Value("bytesCopied", result.BytesCopied)
            .Value("seconds", result.Duration.TotalSeconds)
            .Value("bytesPerSecond", BytesPerSecond(result))
            .Value("outages", result.Outages)
            .Value("retries", result.Retries)
            .Value("linked", result.Linked)
            .Values("newImages", result.NewImages)
            .BeginArray("retainedImages");
        foreach (RetainedImage image in result.RetainedImages)
        {
            json.BeginObject().Value("path", image.Path).Value("retiredUtc", image.RetiredUtc.ToString("o", CultureInfo.InvariantCulture))
                .Value("retentionOver", image.Expired).EndObject();
        }

        json.EndArray();
        if (target.Verify is { } verify)
        {
            VerifyResult checkedTarget = verify.Result;
            json.BeginObject("verify")
                .Value("mode", verify.Mode)
                .Value("passed", checkedTarget.Passed)
                .Value("verifiedFiles", checkedTarget.Verified)
                .Value("missing", checkedTarget.Missing.Count)
                .Value("extra", checkedTarget.Extra.Count)
                .Value("sizeMismatch", checkedTarget.SizeMismatch.Count)
                .Value("hashMismatch", checkedTarget.HashMismatch.Count)
                .Value("unreadable", checkedTarget.Unreadable.Count)
                .Value("report", verify.ReportFile)
                .EndObject();
        }
        else
        {
            json.Value("verify", null);
        }

        WriteAvailability(json, target.Availability);
        json.EndObject();
    }

    private static void WriteAvailability(JsonWriter json, ShareAvailability? availability)
    {
        if (availability is null)
        {
            json.Value("continuousAvailability", null);
            return;
        }

        json.BeginObject("continuousAvailability")
            .Value("state", availability.StateName)
            .Value("share", availability.Share)
            .Value("dialect", availability.Dialect)
            .Values("capabilities", availability.Capabilities)
            .Value("source", availability.Source)
            .Value("scopeName", availability.ScopeName);
        if (availability.CaTimeoutSeconds is { } timeout)
        {
            json.Value("caTimeoutSeconds", timeout);
        }
        else
        {
            json.Value("caTimeoutSeconds", null);
        }

        json.Value("detail", availability.Detail).EndObject();
    }

    internal static long BytesPerSecond(MirrorResult result) => (long)(result.BytesCopied / Math.Max(0.001, result.Duration.TotalSeconds));
}
