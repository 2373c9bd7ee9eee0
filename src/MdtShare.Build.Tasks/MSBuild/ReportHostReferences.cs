using MdtShare.Build.Diagnostics;
using MdtShare.Build.HostReferences;
using Microsoft.Build.Framework;

namespace MdtShare.Build.Tasks;

/// <summary>
/// Reports every place the share still names the MDT server (taken from Bootstrap.ini's original DeployRoots and
/// PSD roots, plus MdtShareServerAliases) and every rule that sends clients off a target; with MdtShareRewriteHostReferences,
/// writes each target's CustomSettings.ini with its share paths (and HostReferenceMap items) mapped. Also says, per
/// target, what each kind of client ends up with after the build.
/// </summary>
[MSBuildMultiThreadableTask]
public sealed class ReportHostReferences : MdtShareTask, IIncrementalTask
{
    [Required]
    public string DeploymentShare { get; set; } = string.Empty;

    /// <summary>The cluster's DeployRoot: share paths map into it. With <see cref="OverlayDirectory"/> and
    /// <see cref="Targets"/>, when no <see cref="Overlays"/> are given.</summary>
    public string DeployRoot { get; set; } = string.Empty;

    public string OverlayDirectory { get; set; } = string.Empty;

    /// <summary>PublishTarget items; one with its own DeployRoot metadata gets its own CustomSettings.ini in its
    /// OverlayDirectory.</summary>
    public ITaskItem[] Targets { get; set; } = [];

    /// <summary>Every overlay to publish CustomSettings.ini into in one call, each with its DeployRoot metadata: the
    /// build's own, and one per PublishTarget with a DeployRoot of its own.</summary>
    public ITaskItem[] Overlays { get; set; } = [];

    public bool RewriteHostReferences { get; set; }

    /// <summary>HostReferenceMap items: Include = what is written now (UNC prefix, URL prefix or host), To = its new name.</summary>
    public ITaskItem[] HostReferenceMaps { get; set; } = [];

    /// <summary>Other names of the MDT server (its IP address, DNS aliases), ';'-separated.</summary>
    public string MdtServerAliases { get; set; } = string.Empty;

    /// <summary>Each place reported, for the publish report: the share-relative file, metadata Line and Text.</summary>
    [Output]
    public ITaskItem[] References { get; private set; } = [];

    /// <summary>Per target and kind of client (the item): metadata TargetDeployRoot, Sections, BootstrapDeployRoot,
    /// DeployRoot, SLShare, BackupShare, EventService.</summary>
    [Output]
    public ITaskItem[] ClientOutcomes { get; private set; } = [];

    protected override void ExecuteCore()
    {
        List<HostReferenceMap> maps = ReadMaps();
        if (Log.HasLoggedErrors)
        {
            return;
        }

        var request = new HostReferenceRequest(ResolvePath(DeploymentShare), PublishRoots().ToList())
        {
            Rewrite = RewriteHostReferences,
            Maps = maps,
            ServerAliases = MdtServerAliases.Split(';'),
            OnlyCheck = FailIfNotIncremental,
        };
        HostReferenceResult result = new HostReferenceReview(request, BuildLog).Run();
        References = [.. result.References.Select(TaskItems.ToItem)];
        ClientOutcomes = [.. result.Clients.SelectMany(r => r.Outcomes.Select(o => TaskItems.ToItem(r.TargetDeployRoot, o)))];
    }

    /// <summary>The overlays, or else the build's own overlay and each PublishTarget with a DeployRoot of its own.</summary>
    private IEnumerable<PublishRoot> PublishRoots() =>
        Overlays.Length > 0
            ? Overlays.Select(o => PublishRoot(o.GetMetadata(Metadata.DeployRoot), o.ItemSpec))
            : Targets.Where(t => t.GetMetadata(Metadata.DeployRoot).Trim().Length > 0 && t.GetMetadata(Metadata.OverlayDirectory).Length > 0)
                .Select(t => PublishRoot(t.GetMetadata(Metadata.DeployRoot), t.GetMetadata(Metadata.OverlayDirectory)))
                .Prepend(PublishRoot(DeployRoot, OverlayDirectory));

    private PublishRoot PublishRoot(string deployRoot, string overlay) =>
        new(deployRoot.Trim() is { Length: > 0 } root ? root : null, ResolvePath(overlay));

    private List<HostReferenceMap> ReadMaps()
    {
        var maps = new List<HostReferenceMap>();
        foreach (ITaskItem item in HostReferenceMaps)
        {
            string to = item.GetMetadata(Metadata.To).Trim();
            if (to.Length == 0 || item.ItemSpec.Trim().Length == 0)
            {
                Report(new Diagnostic(DiagnosticCode.BootstrapSettingInvalid,
                    $"HostReferenceMap '{item.ItemSpec}' needs both Include (what the share names now) and To (its new name), e.g. <HostReferenceMap Include=\"\\\\MDT01\\Logs$\" To=\"\\\\MDTCLUSTER\\Logs$\" />.",
                    ProjectPath));
                continue;
            }

            // MSBuild on Unix turns an item spec's backslashes into slashes: a UNC path comes in as //MDT01/Logs$.
            string from = item.ItemSpec.Trim();
            maps.Add(new HostReferenceMap(from.StartsWith("//", StringComparison.Ordinal) ? from.Replace('/', '\\') : from, to));
        }

        return maps;
    }

}
