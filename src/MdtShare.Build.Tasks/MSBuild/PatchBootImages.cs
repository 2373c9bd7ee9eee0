using MdtShare.Build.BootImage;
using MdtShare.Build.IO;
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

    /// <summary>The wds-replace.cmd the build writes when the project has WdsServer items (the WDS step names it); empty otherwise.</summary>
    public string WdsReplaceScript { get; set; } = string.Empty;

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

    /// <summary>Each Boot/*.iso rebuilt, unchanged or left stale, for the publish report: metadata Kind, State, Detail.</summary>
    [Output]
    public ITaskItem[] Isos { get; private set; } = [];

    protected override void ExecuteCore()
    {
        var request = new BootImageRequest(ResolvePath(DeploymentShare),
            Overlays.Length > 0 ? Overlays.Select(o => ResolvePath(o.ItemSpec)).ToList() : [ResolvePath(OverlayDirectory)], ResolvePath(StampFile))
        {
            Images = BootImages.Select(i => i.ItemSpec).ToList(),
            WimlibImagex = WimlibImagex.Length > 0 ? ResolvePath(WimlibImagex) : null,
            Xorriso = Xorriso.Length > 0 ? ResolvePath(Xorriso) : null,
            PathVariable = Environment.GetEnvironmentVariable("PATH"),
            RequireTool = RequireBootImagePatch,
            OnlyCheck = FailIfNotIncremental,
            WdsReplaceScript = WdsReplaceScript.Length > 0 ? ResolvePath(WdsReplaceScript) : null,
            Windows = HostSystem.IsWindows,
        };
        var outputs = new BootImageOutputs();
        try
        {
            new BootImageOverlayWriter(request, BuildLog, Cancellation).Write(outputs);
        }
        finally
        {
            // Also after a cancel or a failure: what was written is in the overlay, and the report says so.
            PatchedImages = [.. outputs.Written.Select(TaskItems.ToItem)];
            Results = [.. outputs.Entries.Select(TaskItems.ToItem)];
            ManualSteps = [.. outputs.ManualSteps.Select(s => new TaskItem(s))];
            Isos = [.. outputs.Isos.Select(TaskItems.ToItem)];
        }
    }

}
