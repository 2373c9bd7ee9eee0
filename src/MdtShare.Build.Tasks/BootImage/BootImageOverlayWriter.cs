using MdtShare.Build.Diagnostics;
using MdtShare.Build.IO;
using MdtShare.Build.Reports;

namespace MdtShare.Build.BootImage;

/// <summary>What to patch, as full paths.</summary>
/// <param name="Overlays">Every overlay to write copies into; each gets its own Control/Bootstrap.ini, else the share's.</param>
/// <param name="StampFile">Where what each output was made from is remembered, so an unchanged image is not patched again.</param>
internal sealed record BootImageRequest(string Share, IReadOnlyList<string> Overlays, string StampFile)
{
    /// <summary>BootImage items as the project names them, relative to the share; empty = Boot/LiteTouchPE_*.wim.</summary>
    public IReadOnlyList<string> Images { get; init; } = [];

    /// <summary>The configured wimlib-imagex; null = found on <see cref="PathVariable"/>.</summary>
    public string? WimlibImagex { get; init; }

    /// <summary>The configured xorriso; null = found on <see cref="PathVariable"/>.</summary>
    public string? Xorriso { get; init; }

    public string? PathVariable { get; init; }

    /// <summary>A missing WIM tool is an error instead of a warning.</summary>
    public bool RequireTool { get; init; }

    /// <summary>Change nothing; tell each change that is due (MSBuild's question mode).</summary>
    public bool OnlyCheck { get; init; }

    /// <summary>The wds-replace.cmd the build writes for the project's WdsServer items; null when it has none, and
    /// the WDS step stays a general one.</summary>
    public string? WdsReplaceScript { get; init; }

    /// <summary>Whether this agent runs Windows, where -t:PublishWds can replace WDS's copies itself.</summary>
    public bool Windows { get; init; }
}

/// <summary>
/// What patching produced. The caller owns it and it is filled as the work is done, so what was done is known also
/// when a cancel or a failure stops the work half way.
/// </summary>
internal sealed class BootImageOutputs
{
    /// <summary>Each overlay's patched WIMs, then its rebuilt ISOs, added once the overlay is done.</summary>
    public List<OverlayFile> Written { get; } = [];

    /// <summary>Every image looked at, for the publish report.</summary>
    public List<BootImageEntry> Entries { get; } = [];

    /// <summary>What the build cannot do for the user (replacing WDS's copies, ISOs left stale).</summary>
    public List<string> ManualSteps { get; } = [];

    /// <summary>Each ISO rebuilt, unchanged or left stale, for the publish report.</summary>
    public List<BootPathEntry> Isos { get; } = [];
}

/// <summary>
/// Writes copies of a share's LiteTouch boot images into each overlay with the overlay's Bootstrap.ini inside (PXE
/// and ISO clients read that copy, not Control/Bootstrap.ini), rebuilds each Boot/*.iso around its patched WIM, and
/// says what is left to do by hand. The share is only read. Knows nothing of MSBuild.
/// </summary>
internal sealed class BootImageOverlayWriter(BootImageRequest request, IBuildListener listener, CancellationToken cancellation)
{
    /// <exception cref="OperationCanceledException">Cancelled: the running tool was killed; an unfinished copy never
    /// reaches its final name, and <paramref name="outputs"/> holds what was done before.</exception>
    public void Write(BootImageOutputs outputs)
    {
        var images = FindImages();
        if (images.Count == 0)
        {
            return;
        }

        // Once for every overlay: a missing tool is one finding and one manual step, however many sites there are.
        IBootImageTool? tool = WimlibImagex.Find(request.WimlibImagex, request.PathVariable, cancellation);
        if (tool is null)
        {
            string what = $"{images.Count} boot image(s) ({string.Join(", ", images.Select(i => i.Relative))}) cannot be patched: wimlib-imagex was not found " +
                "(install wimtools, or set MdtShareWimlibImagex). PXE and ISO clients will keep booting with the old DeployRoot.";
            listener.Report(new Diagnostic(request.RequireTool ? DiagnosticCode.BootImageToolRequired : DiagnosticCode.BootImageToolMissing, what));
            outputs.ManualSteps.Add(what);
            return;
        }

        foreach (var (relative, source) in images)
        {
            try
            {
                if (BootImageScripts.Compare(tool, source, relative, request.Share, request.OnlyCheck ? null : new StampFile(request.StampFile)) is { } stale)
                {
                    listener.Report(stale);
                }
            }
            catch (BootImageToolException)
            {
                // An image that cannot be read is reported by its patching, with its code.
            }
        }

        var staleIsos = new HashSet<string>(StringComparer.Ordinal);
        foreach (string overlay in request.Overlays)
        {
            Write(overlay, images, tool, staleIsos, outputs);
        }
    }

    private void Write(string overlay, List<(string Relative, string Source)> images, IBootImageTool tool, HashSet<string> staleIsos, BootImageOutputs outputs)
    {
        string bootstrapIni = ShareFiles.Find(overlay, "Control/Bootstrap.ini") ?? ShareFiles.Find(request.Share, "Control/Bootstrap.ini")
            ?? throw new MdtShareException(new Diagnostic(DiagnosticCode.BootstrapIniNotFound,
                $"'{request.Share}' has no Control{Path.DirectorySeparatorChar}Bootstrap.ini to put into its boot images; is DeploymentShare the root of an MDT deployment share?"));
        var stamps = new StampFile(request.StampFile);
        var patcher = new BootImagePatcher(tool, stamps);
        var written = new List<OverlayFile>();
        foreach (var (relative, source) in images)
        {
            string output = Path.Combine(overlay, relative.Replace('/', Path.DirectorySeparatorChar));
            BootImageResult result = patcher.Patch(source, output, bootstrapIni, request.OnlyCheck);
            foreach (Diagnostic diagnostic in result.Diagnostics)
            {
                listener.Report(diagnostic);
            }

            if (result.Outcome == BootImageOutcome.OutOfDate)
            {
                listener.OutOfDate($"{output} would be written or removed: {relative} or Bootstrap.ini changed");
                continue;
            }

            if (result.Outcome is BootImageOutcome.Patched or BootImageOutcome.UpToDate)
            {
                written.Add(new OverlayFile(output, relative));
            }

            if (result.Outcome != BootImageOutcome.Skipped)
            {
                outputs.Entries.Add(new BootImageEntry(relative, result.Image, overlay, result.DeployRootsBefore, result.DeployRootsAfter, result.Outcome.ToString()));
                listener.Tell(
                    $"{relative} (image {result.Image}): DeployRoot {Describe(result.DeployRootsBefore)} -> {Describe(result.DeployRootsAfter)}; " +
                    result.Outcome switch
                    {
                        BootImageOutcome.Patched => $"patched copy -> {output}",
                        BootImageOutcome.UpToDate => $"patched copy unchanged since the last build ({output})",
                        _ => "the image already carries this Bootstrap.ini",
                    });
            }
        }

        RebuildIsos(overlay, written, stamps, staleIsos, outputs);
        outputs.Written.AddRange(written);
        if (written.Count > 0)
        {
            string wds = WdsStep(written.Where(o => o.Path.EndsWith(".wim", StringComparison.OrdinalIgnoreCase)).Select(o => o.RelativePath));
            outputs.ManualSteps.Add(wds);
            listener.Tell("To do by hand after publishing: " + wds);
        }
    }

    /// <summary>With WdsServer items, the script that replaces WDS's copies (or -t:PublishWds where wdsutil runs);
    /// without, the console's way.</summary>
    private string WdsStep(IEnumerable<string> wims) =>
        request.WdsReplaceScript is not { } script
            ? "WDS keeps its own copy of each boot image. On every WDS server, replace it (WDS console > Boot Images > Replace Image) with the published " +
                string.Join(" and ", wims) + "."
            : request.Windows
                ? $"WDS keeps its own copy of each boot image. After publishing, replace them on the WdsServer items' servers: dotnet build -t:PublishWds, or run {script}."
                : $"WDS keeps its own copy of each boot image. Run {script} on a Windows machine with the WDS tools, after publishing: it replaces them on the WdsServer items' servers.";

    /// <summary>Each Boot/*.iso embeds its own copy of the WIM of the same name: rebuilt around the patched one
    /// (added to <paramref name="written"/>), or reported as stale, once for every overlay.</summary>
    private void RebuildIsos(string overlay, List<OverlayFile> written, StampFile stamps, HashSet<string> staleIsos, BootImageOutputs outputs)
    {
        string? boot = BootFolder();
        if (written.Count == 0 || boot is null)
        {
            return;
        }

        string? xorriso = IsoRebuilder.Find(request.Xorriso, request.PathVariable);
        foreach (string iso in Directory.EnumerateFiles(boot).Where(f => f.EndsWith(".iso", StringComparison.OrdinalIgnoreCase)).OrderBy(f => f, StringComparer.Ordinal))
        {
            string relative = Path.GetFileName(boot) + "/" + Path.GetFileName(iso);
            string wimName = Path.GetFileNameWithoutExtension(iso) + ".wim";
            OverlayFile? wim = written.FirstOrDefault(w => string.Equals(Path.GetFileName(w.Path), wimName, StringComparison.OrdinalIgnoreCase));
            if (xorriso is null || wim is null)
            {
                if (!staleIsos.Add(relative))
                {
                    continue;
                }

                var (why, advice) = xorriso is null
                    ? ("xorriso was not found", "Install xorriso (or set MdtShareXorriso) to rebuild it, ")
                    : ($"there is no patched {wimName} to rebuild it with", $"There is no patched {wimName} to rebuild it with; ");
                var stale = new Diagnostic(DiagnosticCode.IsoStale,
                    $"{relative} embeds its own copy of the boot image and is published unchanged: clients booting it keep the old DeployRoot. " +
                    advice + "or rebuild it with Update Deployment Share after pointing Bootstrap.ini at the cluster.", iso);
                listener.Report(stale);
                outputs.ManualSteps.Add(stale.Message);
                outputs.Isos.Add(new BootPathEntry(BootPathEntry.Iso, relative, "stale", $"published unchanged (MDTS4008): {why}"));
                continue;
            }

            string output = Path.Combine(overlay, Path.GetFileName(boot), Path.GetFileName(iso));
            var rebuilder = new IsoRebuilder(xorriso, stamps, cancellation);
            if (request.OnlyCheck)
            {
                if (!rebuilder.IsCurrent(iso, wim.Path, output))
                {
                    listener.OutOfDate($"{output} would be rebuilt: {relative} or its patched {wimName} changed");
                }

                continue;
            }

            if (rebuilder.Rebuild(iso, wim.Path, output, out bool rebuilt) is { } failure)
            {
                listener.Report(failure);
                continue;
            }

            written.Add(new OverlayFile(output, relative));
            outputs.Isos.Add(new BootPathEntry(BootPathEntry.Iso, relative, rebuilt ? "rebuilt" : "unchanged",
                rebuilt ? $"rebuilt around the patched {wimName} -> {output}" : $"rebuilt around the patched {wimName} by an earlier build, unchanged since -> {output}"));
            listener.Tell(
                $"{relative}: {(rebuilt ? "rebuilt" : "unchanged since the last build")} with the patched {wimName}, El Torito boot records (BIOS and UEFI) kept -> {output}");
        }
    }

    private static string Describe(IReadOnlyList<string> deployRoots) => deployRoots.Count == 0 ? "(none)" : string.Join(", ", deployRoots);

    /// <summary>The images as (path relative to the share, '/'-separated; full path); a named image that is missing
    /// is reported and left out.</summary>
    private List<(string Relative, string Source)> FindImages()
    {
        if (request.Images.Count > 0)
        {
            var images = new List<(string, string)>();
            foreach (string image in request.Images)
            {
                string relative = image.Replace('\\', '/').TrimStart('/');
                string source = Path.Combine(request.Share, relative.Replace('/', Path.DirectorySeparatorChar));
                if (File.Exists(source))
                {
                    images.Add((relative, source));
                }
                else
                {
                    listener.Report(new Diagnostic(DiagnosticCode.BootImageNotFound, $"BootImage '{image}' does not exist in the deployment share ({source})."));
                }
            }

            return images;
        }

        string? boot = BootFolder();
        return boot is null
            ? []
            : Directory.EnumerateFiles(boot)
                .Where(f => Path.GetFileName(f).StartsWith("LiteTouchPE_", StringComparison.OrdinalIgnoreCase) && f.EndsWith(".wim", StringComparison.OrdinalIgnoreCase))
                .OrderBy(f => f, StringComparer.Ordinal)
                .Select(f => (Path.GetFileName(boot) + "/" + Path.GetFileName(f), f))
                .ToList();
    }

    /// <summary>The share's Boot folder in whatever letter case, by its name as it is on disk, also where a lookup
    /// ignores case (Windows): the overlay copies and the report name it as the share does.</summary>
    private string? BootFolder() =>
        Directory.Exists(request.Share)
            ? Directory.EnumerateDirectories(request.Share).FirstOrDefault(d => string.Equals(Path.GetFileName(d), "Boot", StringComparison.OrdinalIgnoreCase))
            : null;
}
