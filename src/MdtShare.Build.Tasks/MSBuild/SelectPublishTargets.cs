using MdtShare.Build.Diagnostics;
using MdtShare.Build.IO;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace MdtShare.Build.Tasks;

/// <summary>
/// Which PublishTargets this build serves, and what each is published with. All targets, or those of the sites
/// MdtSharePublishSite names (case ignored; MDTS2019 for a site no target has). A target with a DeployRoot of its own
/// gets a folder of the build's output, with its overlay and its manifest; the others share the build's.
/// </summary>
[MSBuildMultiThreadableTask]
public sealed class SelectPublishTargets : MdtShareTask
{
    public ITaskItem[] PublishTargets { get; set; } = [];

    /// <summary>The sites to publish, ';'-separated; empty for all.</summary>
    public string PublishSite { get; set; } = string.Empty;

    /// <summary>$(MdtShareOutputPath): the site folders go under its targets/.</summary>
    [Required]
    public string OutputPath { get; set; } = string.Empty;

    /// <summary>The build's own overlay and the DeployRoot its Bootstrap.ini gets.</summary>
    [Required]
    public string OverlayDirectory { get; set; } = string.Empty;

    public string DeployRoot { get; set; } = string.Empty;

    /// <summary>The build's own manifest, of the share with the build's overlay.</summary>
    [Required]
    public string ShareManifest { get; set; } = string.Empty;

    /// <summary>The selected targets, each with metadata ShareManifest, and OverlayDirectory for a site of its own.</summary>
    [Output]
    public ITaskItem[] Targets { get; private set; } = [];

    /// <summary>The overlays the build writes, each with metadata DeployRoot: the build's own, then one per site.</summary>
    [Output]
    public ITaskItem[] Overlays { get; private set; } = [];

    /// <summary>The manifests the build writes, each with metadata OverlayDirectories (';'-separated, later wins).</summary>
    [Output]
    public ITaskItem[] Manifests { get; private set; } = [];

    protected override void ExecuteCore()
    {
        var wanted = PublishSite.Split(';').Select(s => s.Trim()).Where(s => s.Length > 0).ToList();
        ReportUnknownSites(wanted);
        var targets = new List<ITaskItem>();
        var overlays = new List<ITaskItem> { WithMetadata(OverlayDirectory, (Metadata.DeployRoot, DeployRoot)) };
        var manifests = new List<ITaskItem> { WithMetadata(ShareManifest, (Metadata.OverlayDirectories, OverlayDirectory)) };
        foreach (ITaskItem target in PublishTargets.Where(t => wanted.Count == 0 || wanted.Contains(t.GetMetadata(Metadata.Site).Trim(), StringComparer.OrdinalIgnoreCase)))
        {
            var selected = new TaskItem(target);
            string deployRoot = target.GetMetadata(Metadata.DeployRoot);
            if (deployRoot.Length == 0)
            {
                selected.SetMetadata(Metadata.ShareManifest, ShareManifest);
            }
            else
            {
                string site = WithSlash(OutputPath) + "targets/" + TargetFileName.Of(target.ItemSpec) + "/";
                selected.SetMetadata(Metadata.OverlayDirectory, site + "overlay/");
                selected.SetMetadata(Metadata.ShareManifest, site + "DeploymentShare.sha256");
                AddOnce(overlays, site + "overlay/", (Metadata.DeployRoot, deployRoot));
                AddOnce(manifests, site + "DeploymentShare.sha256", (Metadata.OverlayDirectories, OverlayDirectory + ";" + site + "overlay/"));
            }

            targets.Add(selected);
        }

        Targets = [.. targets];
        Overlays = [.. overlays];
        Manifests = [.. manifests];
    }

    private void ReportUnknownSites(List<string> wanted)
    {
        var sites = PublishTargets.Select(t => t.GetMetadata(Metadata.Site).Trim()).Where(s => s.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        foreach (string site in wanted.Where(w => !sites.Contains(w, StringComparer.OrdinalIgnoreCase)))
        {
            Report(new Diagnostic(DiagnosticCode.PublishSiteUnknown,
                $"MdtSharePublishSite '{site}' names no PublishTarget. Give each PublishTarget its site, e.g. <PublishTarget Include=\"\\\\STOCLUSTER\\Distribution$\" Site=\"stockholm\" />; the sites in this project: {string.Join(", ", sites.Select(s => s.ToLowerInvariant()))}.",
                ProjectPath));
        }
    }

    /// <summary>Two targets that name one folder (the same target written twice) write it once.</summary>
    private static void AddOnce(List<ITaskItem> items, string path, (string Name, string Value) metadata)
    {
        if (!items.Any(i => i.ItemSpec == path && i.GetMetadata(metadata.Name) == metadata.Value))
        {
            items.Add(WithMetadata(path, metadata));
        }
    }

    private static ITaskItem WithMetadata(string path, (string Name, string Value) metadata)
    {
        var item = new TaskItem(path);
        item.SetMetadata(metadata.Name, metadata.Value);
        return item;
    }

    private static string WithSlash(string folder) => folder.Length == 0 || folder.EndsWith("/", StringComparison.Ordinal) || folder.EndsWith("\\", StringComparison.Ordinal) ? folder : folder + "/";
}
