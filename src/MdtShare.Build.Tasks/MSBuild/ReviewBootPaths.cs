using MdtShare.Build.BootPaths;
using MdtShare.Build.IO;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace MdtShare.Build.Tasks;

/// <summary>
/// The places clients boot from besides the share's boot images: writes bin/wds-replace.cmd for the WdsServer
/// items, warns of boot images those servers still serve with an old DeployRoot, and lists the MdtMedia folders to
/// rebuild, for the publish report.
/// </summary>
[MSBuildMultiThreadableTask]
public sealed class ReviewBootPaths : MdtShareTask, IIncrementalTask
{
    [Required]
    public string DeploymentShare { get; set; } = string.Empty;

    /// <summary>The build's DeployRoot: where the published boot images are read from, unless a WdsServer names its own.</summary>
    public string DeployRoot { get; set; } = string.Empty;

    /// <summary>WdsServer items: the server, metadata ImageName, Architecture, BootImage, DeployRoot, RemInstPath.</summary>
    public ITaskItem[] WdsServers { get; set; } = [];

    /// <summary>MdtMedia items: MDT media folders (the folder holding Content\Deploy).</summary>
    public ITaskItem[] MdtMedia { get; set; } = [];

    /// <summary>The overlays the build writes, with metadata DeployRoot: the DeployRoot values each Bootstrap.ini names
    /// are the ones a WDS server's image may carry.</summary>
    public ITaskItem[] Overlays { get; set; } = [];

    [Required]
    public string ScriptFile { get; set; } = string.Empty;

    [Required]
    public string StampFile { get; set; } = string.Empty;

    /// <summary>The path of wimlib-imagex, which reads the WDS servers' images; empty = found on PATH.</summary>
    public string WimlibImagex { get; set; } = string.Empty;

    /// <summary>Every boot path found, for the publish report: metadata Kind, State and Detail.</summary>
    [Output]
    public ITaskItem[] BootPaths { get; private set; } = [];

    [Output]
    public ITaskItem[] ManualSteps { get; private set; } = [];

    protected override void ExecuteCore()
    {
        string share = ResolvePath(DeploymentShare);
        var request = new BootPathRequest(share, DeployRoot, ResolvePath(ScriptFile), ResolvePath(StampFile))
        {
            WdsServers = WdsServers.Select(TaskItems.ToWdsServer)
                .Select(w => w.RemInstPath.Length > 0 ? w with { RemInstPath = ResolvePath(w.RemInstPath) } : w).ToList(),
            MediaRoots = MdtMedia.Select(m => ResolvePath(m.ItemSpec)).ToList(),
            Overlays = Overlays.Select(o => (ResolvePath(o.ItemSpec), o.GetMetadata(Metadata.DeployRoot))).ToList(),
            WimlibImagex = WimlibImagex.Length > 0 ? ResolvePath(WimlibImagex) : null,
            PathVariable = Environment.GetEnvironmentVariable("PATH"),
            Windows = HostSystem.IsWindows,
            OnlyCheck = FailIfNotIncremental,
        };
        var outputs = new BootPathOutputs();
        new BootPathReview(request, BuildLog, Cancellation).Review(outputs);
        BootPaths = [.. outputs.Entries.Select(TaskItems.ToItem)];
        ManualSteps = [.. outputs.ManualSteps.Select(s => new TaskItem(s))];
    }
}
