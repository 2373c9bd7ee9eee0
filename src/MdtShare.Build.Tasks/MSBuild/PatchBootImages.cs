using MdtShare.Build.BootImage;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.IO;
using MdtShare.Build.Reports;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace MdtShare.Build.Tasks;

/// <summary>
/// Writes copies of the share's LiteTouch boot images (Boot/LiteTouchPE_*.wim, or the BootImage items) into the
/// overlay with the build's Bootstrap.ini inside, since PXE and ISO clients read that copy, not Control/Bootstrap.ini.
/// </summary>
[MSBuildMultiThreadableTask]
public sealed class PatchBootImages : MdtShareTask, IIncrementalTask
{
    [Required]
    public string DeploymentShare { get; set; } = string.Empty;

    /// <summary>The overlay whose Bootstrap.ini the images get, when no <see cref="Overlays"/> are given.</summary>
    public string OverlayDirectory { get; set; } = string.Empty;

    /// <summary>Every overlay to patch images for in one call: the build's own, and one per PublishTarget with a
    /// DeployRoot of its own.</summary>
    public ITaskItem[] Overlays { get; set; } = [];

    /// <summary>BootImage items: WIMs relative to the share; empty = Boot/LiteTouchPE_*.wim.</summary>
    public ITaskItem[] BootImages { get; set; } = [];

    /// <summary>The path of wimlib-imagex; empty = found on PATH.</summary>
    public string WimlibImagex { get; set; } = string.Empty;

    /// <summary>The path of xorriso, which rebuilds Boot/*.iso around the patched WIMs; empty = found on PATH.</summary>
    public string Xorriso { get; set; } = string.Empty;

    /// <summary>Fail the build, instead of warning, when boot images cannot be patched for want of a tool.</summary>
    public bool RequireBootImagePatch { get; set; }

    [Required]
    public string StampFile { get; set; } = string.Empty;

    [Output]
    public ITaskItem[] PatchedImages { get; private set; } = [];

    /// <summary>Every boot image looked at, for the publish report: metadata Image, DeployRootBefore and
    /// DeployRootAfter ('|'-separated), Outcome and Overlay.</summary>
    [Output]
    public ITaskItem[] Results { get; private set; } = [];

    /// <summary>What the build cannot do for the user (replacing WDS's copies, ISOs left stale), for the report.</summary>
    [Output]
    public ITaskItem[] ManualSteps { get; private set; } = [];

    private readonly List<ITaskItem> _patched = [];
    private readonly List<ITaskItem> _results = [];
    private readonly List<ITaskItem> _manualSteps = [];

    protected override void ExecuteCore()
    {
        string share = ResolvePath(DeploymentShare);
        var images = FindImages(share);
        try
        {
            foreach (string overlay in Overlays.Length > 0 ? Overlays.Select(o => ResolvePath(o.ItemSpec)) : [ResolvePath(OverlayDirectory)])
            {
                PatchAll(share, overlay, images);
            }
        }
        catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
        {
            // The running tool was killed; an unfinished copy never reaches its final name.
        }
        finally
        {
            PatchedImages = [.. _patched];
            Results = [.. _results];
            ManualSteps = [.. _manualSteps];
        }
    }

    private void PatchAll(string share, string overlay, List<(string Relative, string Source)> images)
    {
        if (images.Count == 0)
        {
            return;
        }

        string bootstrapIni = ShareFiles.Find(overlay, "Control/Bootstrap.ini") ?? ShareFiles.Find(share, "Control/Bootstrap.ini")!;
        IBootImageTool? tool = BootImage.WimlibImagex.Find(WimlibImagex.Length > 0 ? ResolvePath(WimlibImagex) : null, Environment.GetEnvironmentVariable("PATH"), Cancellation);
        if (tool is null)
        {
            string what = $"{images.Count} boot image(s) ({string.Join(", ", images.Select(i => i.Relative))}) cannot be patched: wimlib-imagex was not found " +
                "(install wimtools, or set MdtShareWimlibImagex). PXE and ISO clients will keep booting with the old DeployRoot.";
            Report(new Diagnostic(RequireBootImagePatch ? DiagnosticCode.BootImageToolRequired : DiagnosticCode.BootImageToolMissing, what));
            _manualSteps.Add(new TaskItem(what));
            return;
        }

        var stamps = new StampFile(ResolvePath(StampFile));
        var patcher = new BootImagePatcher(tool, stamps);
        var outputs = new List<ITaskItem>();
        foreach (var (relative, source) in images)
        {
            string output = Path.Combine(overlay, relative.Replace('/', Path.DirectorySeparatorChar));
            BootImageResult result = patcher.Patch(source, output, bootstrapIni, onlyCheck: FailIfNotIncremental);
            Report(result.Diagnostics);
            if (result.Outcome == BootImageOutcome.OutOfDate)
            {
                ReportOutOfDate($"{output} would be written or removed: {relative} or Bootstrap.ini changed");
                continue;
            }

            if (result.Outcome is BootImageOutcome.Patched or BootImageOutcome.UpToDate)
            {
                var item = new TaskItem(output);
                item.SetMetadata(Metadata.RelativePath, relative);
                outputs.Add(item);
            }

            if (result.Outcome != BootImageOutcome.Skipped)
            {
                _results.Add(TaskItems.ToItem(new BootImageEntry(relative, result.Image, overlay, result.DeployRootsBefore, result.DeployRootsAfter, result.Outcome.ToString())));
                Message(MessageImportance.High,
                    $"{relative} (image {result.Image}): DeployRoot {Describe(result.DeployRootsBefore)} -> {Describe(result.DeployRootsAfter)}; " +
                    result.Outcome switch
                    {
                        BootImageOutcome.Patched => $"patched copy -> {output}",
                        BootImageOutcome.UpToDate => $"patched copy unchanged since the last build ({output})",
                        _ => "the image already carries this Bootstrap.ini",
                    });
            }
        }

        RebuildIsos(share, overlay, outputs, stamps);
        _patched.AddRange(outputs);
        if (outputs.Count > 0)
        {
            string wds = "WDS keeps its own copy of each boot image. On every WDS server, replace it (WDS console > Boot Images > Replace Image) with the published " +
                string.Join(" and ", outputs.Where(o => o.ItemSpec.EndsWith(".wim", StringComparison.OrdinalIgnoreCase)).Select(o => o.GetMetadata(Metadata.RelativePath))) + ".";
            _manualSteps.Add(new TaskItem(wds));
            Message(MessageImportance.High, "To do by hand after publishing: " + wds);
        }
    }

    /// <summary>Each Boot/*.iso embeds its own copy of the WIM of the same name: rebuilt around the patched one,
    /// or reported as stale.</summary>
    private void RebuildIsos(string share, string overlay, List<ITaskItem> patchedWims, StampFile stamps)
    {
        string boot = Path.Combine(share, "Boot");
        if (patchedWims.Count == 0 || !Directory.Exists(boot))
        {
            return;
        }

        string? xorriso = IsoRebuilder.Find(Xorriso.Length > 0 ? ResolvePath(Xorriso) : null, Environment.GetEnvironmentVariable("PATH"));
        foreach (string iso in Directory.EnumerateFiles(boot, "*.iso").OrderBy(f => f, StringComparer.Ordinal))
        {
            string relative = "Boot/" + Path.GetFileName(iso);
            string wimName = Path.GetFileNameWithoutExtension(iso) + ".wim";
            ITaskItem? wim = patchedWims.FirstOrDefault(w => string.Equals(Path.GetFileName(w.ItemSpec), wimName, StringComparison.OrdinalIgnoreCase));
            if (xorriso is null || wim is null)
            {
                var stale = new Diagnostic(DiagnosticCode.IsoStale,
                    $"{relative} embeds its own copy of the boot image and is published unchanged: clients booting it keep the old DeployRoot. " +
                    (xorriso is null ? "Install xorriso (or set MdtShareXorriso) to rebuild it, " : $"There is no patched {wimName} to rebuild it with; ") +
                    "or rebuild it with Update Deployment Share after pointing Bootstrap.ini at the cluster.", iso);
                Report(stale);
                _manualSteps.Add(new TaskItem(stale.Message));
                continue;
            }

            string output = Path.Combine(overlay, "Boot", Path.GetFileName(iso));
            var rebuilder = new IsoRebuilder(xorriso, stamps, Cancellation);
            if (FailIfNotIncremental)
            {
                if (!rebuilder.IsCurrent(iso, wim.ItemSpec, output))
                {
                    ReportOutOfDate($"{output} would be rebuilt: {relative} or its patched {wimName} changed");
                }

                continue;
            }

            if (rebuilder.Rebuild(iso, wim.ItemSpec, output, out bool rebuilt) is { } failure)
            {
                Report(failure);
                continue;
            }

            var item = new TaskItem(output);
            item.SetMetadata(Metadata.RelativePath, relative);
            patchedWims.Add(item);
            Message(MessageImportance.High,
                $"{relative}: {(rebuilt ? "rebuilt" : "unchanged since the last build")} with the patched {wimName}, El Torito boot records (BIOS and UEFI) kept -> {output}");
        }
    }

    private static string Describe(IReadOnlyList<string> deployRoots) => deployRoots.Count == 0 ? "(none)" : string.Join(", ", deployRoots);

    private List<(string Relative, string Source)> FindImages(string share)
    {
        if (BootImages.Length > 0)
        {
            var images = new List<(string, string)>();
            foreach (ITaskItem item in BootImages)
            {
                string relative = item.ItemSpec.Replace('\\', '/').TrimStart('/');
                string source = Path.Combine(share, relative.Replace('/', Path.DirectorySeparatorChar));
                if (File.Exists(source))
                {
                    images.Add((relative, source));
                }
                else
                {
                    Report(new Diagnostic(DiagnosticCode.BootImageNotFound, $"BootImage '{item.ItemSpec}' does not exist in the deployment share ({source})."));
                }
            }

            return images;
        }

        string? boot = Directory.Exists(share)
            ? Directory.EnumerateDirectories(share).FirstOrDefault(d => string.Equals(Path.GetFileName(d), "Boot", StringComparison.OrdinalIgnoreCase))
            : null;
        return boot is null
            ? []
            : Directory.EnumerateFiles(boot)
                .Where(f => Path.GetFileName(f).StartsWith("LiteTouchPE_", StringComparison.OrdinalIgnoreCase) && f.EndsWith(".wim", StringComparison.OrdinalIgnoreCase))
                .OrderBy(f => f, StringComparer.Ordinal)
                .Select(f => (Path.GetFileName(boot) + "/" + Path.GetFileName(f), f))
                .ToList();
    }
}
