using MdtShare.Build.BootImage;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.IO;
using MdtShare.Build.Reports;

namespace MdtShare.Build.BootPaths;

/// <summary>What to review, as full paths.</summary>
/// <param name="DeployRoot">The build's DeployRoot, for WdsServer items without one.</param>
/// <param name="ScriptFile">Where wds-replace.cmd goes; removed when there are no WdsServer items.</param>
/// <param name="StampFile">Where WDS images found clean are remembered.</param>
internal sealed record BootPathRequest(string Share, string DeployRoot, string ScriptFile, string StampFile)
{
    public IReadOnlyList<WdsServerDeclaration> WdsServers { get; init; } = [];

    /// <summary>MdtMedia items: media folders (the folder holding Content\Deploy).</summary>
    public IReadOnlyList<string> MediaRoots { get; init; } = [];

    /// <summary>The overlays the build writes and the DeployRoot of each: the DeployRoot values its Bootstrap.ini
    /// (else the share's) names are the ones a WDS server's image may carry.</summary>
    public IReadOnlyList<(string Folder, string DeployRoot)> Overlays { get; init; } = [];

    public string? WimlibImagex { get; init; }

    public string? PathVariable { get; init; }

    /// <summary>Whether this agent runs Windows (REMINST defaults to \\server\REMINST there).</summary>
    public bool Windows { get; init; }

    /// <summary>Change nothing; tell each change that is due (MSBuild's question mode).</summary>
    public bool OnlyCheck { get; init; }
}

/// <summary>What the review found: report entries and steps left to a person.</summary>
internal sealed class BootPathOutputs
{
    public List<BootPathEntry> Entries { get; } = [];

    public List<string> ManualSteps { get; } = [];
}

/// <summary>
/// The places clients boot from that the share's own boot images do not cover: writes wds-replace.cmd for the
/// WdsServer items, finds the images those servers still serve with an old DeployRoot, and lists the MdtMedia
/// folders to rebuild. The share is only read. Knows nothing of MSBuild.
/// </summary>
internal sealed class BootPathReview(BootPathRequest request, IBuildListener listener, CancellationToken cancellation)
{
    public void Review(BootPathOutputs outputs)
    {
        List<WdsBootImage> images = WdsBootImage.Resolve(request.WdsServers, request.Share, request.DeployRoot, request.Windows, listener);
        if (images.Count == request.WdsServers.Count)
        {
            WriteScript(images);
        }
        else
        {
            RemoveScript("a WdsServer item has a problem (see the errors), and the script an earlier build wrote may name another DeployRoot or image");
        }

        outputs.Entries.AddRange(images.Select(i => new BootPathEntry(BootPathEntry.Wds, i.Server, "to replace",
            $"'{i.ImageName}' ({i.Architecture}) with {i.ImageFile}, by {WdsReplaceScript.FileName}")));
        // Question mode changes nothing, not even the stamps; the check only warns.
        if (!request.OnlyCheck && images.Any(i => i.RemInstPath.Length > 0))
        {
            if (WimlibImagex.Find(request.WimlibImagex, request.PathVariable, cancellation) is { } tool)
            {
                outputs.Entries.AddRange(new ForgottenBootImages(tool, new StampFile(request.StampFile), listener).Check(images, request.Share, PublishedDeployRoots()));
            }
            else
            {
                listener.Detail("The boot images the WDS servers serve were not checked for an old DeployRoot: wimlib-imagex was not found.");
            }
        }

        foreach (var (entry, step) in MdtMediaReview.Review(request.MediaRoots, request.Share, listener))
        {
            outputs.Entries.Add(entry);
            outputs.ManualSteps.Add(step);
        }
    }

    /// <summary>Each overlay's DeployRoot and the values its Bootstrap.ini (else the share's) names.</summary>
    private Dictionary<string, IReadOnlyList<string>> PublishedDeployRoots()
    {
        var published = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        IReadOnlyList<string>? shares = null;
        foreach (var (folder, deployRoot) in request.Overlays.Select(o => (o.Folder, DeployRoot: o.DeployRoot.Trim().TrimEnd('\\'))).Where(o => o.DeployRoot.Length > 0))
        {
            if ((BootPathFiles.DeployRoots(folder) ?? (shares ??= BootPathFiles.DeployRoots(request.Share))) is { } roots)
            {
                published[deployRoot] = roots;
            }
        }

        return published;
    }

    /// <summary>Only a whole script is written: with a declaration left out it would replace some servers' images
    /// and quietly skip the others.</summary>
    private void WriteScript(List<WdsBootImage> images)
    {
        if (images.Count == 0)
        {
            RemoveScript("there are no WdsServer items");
            return;
        }

        byte[] script = WdsReplaceScript.Render(images);
        if (!AtomicFile.Holds(request.ScriptFile, script))
        {
            Change($"{request.ScriptFile} would be written", () => AtomicFile.WriteIfChanged(request.ScriptFile, script));
        }

        listener.Tell($"{WdsReplaceScript.FileName}: {images.Count} boot image(s) on {images.Select(i => i.Server).Distinct(StringComparer.OrdinalIgnoreCase).Count()} WDS server(s) -> {request.ScriptFile}");
    }

    private void RemoveScript(string why)
    {
        if (File.Exists(request.ScriptFile))
        {
            Change($"{request.ScriptFile} would be removed: {why}", () =>
            {
                File.Delete(request.ScriptFile);
                listener.Tell($"{request.ScriptFile} was removed: {why}.");
            });
        }
    }

    private void Change(string change, Action make)
    {
        if (request.OnlyCheck)
        {
            listener.OutOfDate(change);
        }
        else
        {
            make();
        }
    }
}
