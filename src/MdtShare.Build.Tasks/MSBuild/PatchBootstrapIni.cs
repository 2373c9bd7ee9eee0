using MdtShare.Build.Diagnostics;
using MdtShare.Build.Ini;
using Microsoft.Build.Framework;

namespace MdtShare.Build.Tasks;

/// <summary>
/// Writes the share's Control/Bootstrap.ini, with DeployRoot and the given settings rewritten, into the overlay
/// folder. The source share is only read. Secret values are read from the environment here, never logged.
/// </summary>
[MSBuildMultiThreadableTask]
public sealed class PatchBootstrapIni : MdtShareTask, IIncrementalTask
{
    /// <summary>The MDT deployment share folder (local path or UNC).</summary>
    [Required]
    public string DeploymentShare { get; set; } = string.Empty;

    /// <summary>Where changed files go, at their path relative to the share (with <see cref="DeployRoot"/>), when no
    /// <see cref="Overlays"/> are given.</summary>
    public string OverlayDirectory { get; set; } = string.Empty;

    /// <summary>The UNC path clients must use, e.g. \\MDTCLUSTER\Distribution$.</summary>
    public string DeployRoot { get; set; } = string.Empty;

    /// <summary>Every overlay folder to write in one call, each with its DeployRoot metadata: the build's own, and one
    /// per PublishTarget with a DeployRoot of its own.</summary>
    public ITaskItem[] Overlays { get; set; } = [];

    /// <summary>BootstrapSetting items: Include = key; metadata Section, Value or ValueFromEnvironment.</summary>
    public ITaskItem[] Settings { get; set; } = [];

    /// <summary>The overlay copy of Bootstrap.ini with RelativePath metadata; empty when the share's own file is already right.</summary>
    [Output]
    public ITaskItem[] OverlayFiles { get; private set; } = [];

    protected override void ExecuteCore()
    {
        if (DeploymentShare.Trim().Length == 0)
        {
            throw new MdtShareException(new Diagnostic(DiagnosticCode.DeploymentShareNotSet,
                "The DeploymentShare property is not set; set it to the MDT deployment share folder, e.g. <DeploymentShare>\\\\MDT01\\DeploymentShare$</DeploymentShare>."));
        }

        var overlays = Overlays.Length > 0
            ? Overlays.Select(o => new BootstrapOverlay(ResolvePath(o.ItemSpec), o.GetMetadata(Metadata.DeployRoot))).ToList()
            : [new BootstrapOverlay(ResolvePath(OverlayDirectory), DeployRoot)];
        var settings = Settings.Select(s => new DeclaredSetting(s.ItemSpec, s.GetMetadata(Metadata.Value), s.GetMetadata(Metadata.ValueFromEnvironment), s.GetMetadata(Metadata.Section)));
        var request = new BootstrapRequest(ResolvePath(DeploymentShare), overlays, settings.ToList(), ProjectPath, Environment.GetEnvironmentVariable)
        {
            OnlyCheck = FailIfNotIncremental,
        };
        OverlayFiles = [.. new BootstrapOverlayWriter(request, BuildLog).Write().Select(TaskItems.ToItem)];
    }
}
