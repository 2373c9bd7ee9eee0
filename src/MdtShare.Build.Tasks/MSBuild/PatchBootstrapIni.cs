using MdtShare.Build.Diagnostics;
using MdtShare.Build.Ini;
using MdtShare.Build.IO;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

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

        string share = ResolvePath(DeploymentShare);
        var overlays = Overlays.Length > 0
            ? Overlays.Select(o => (Folder: ResolvePath(o.ItemSpec), DeployRoot: o.GetMetadata(Metadata.DeployRoot))).ToList()
            : [(Folder: ResolvePath(OverlayDirectory), DeployRoot)];
        foreach (var (folder, _) in overlays.Where(o => IsSameOrInside(o.Folder, share)))
        {
            throw new MdtShareException(new Diagnostic(DiagnosticCode.OutputInsideDeploymentShare,
                $"The output folder '{folder}' is inside the deployment share '{share}'; the build never writes to the share. Choose an output folder outside it."));
        }

        string source = FindBootstrapIni(share);
        byte[] input = File.ReadAllBytes(source);
        SettingResolution settings = ReadSettings(overlays.Select(o => o.DeployRoot).ToList(), media: ShareFiles.Find(share, "Scripts/Media.tag") is not null);
        var written = new List<ITaskItem>();
        foreach (var (folder, deployRoot) in overlays)
        {
            if (Patch(share, source, input, folder, settings.For(deployRoot)) is { } item)
            {
                written.Add(item);
            }
        }

        OverlayFiles = [.. written];
    }

    /// <returns>The overlay file written, or null when none is needed (or in question mode, or on an error).</returns>
    private ITaskItem? Patch(string share, string source, byte[] input, string overlay, List<SettingChange> changes)
    {
        if (Log.HasLoggedErrors)
        {
            return null;
        }

        string relativePath = ShareFiles.Relative(share, source);
        string destination = Path.Combine(overlay, relativePath);
        PatchResult result = BootstrapPatcher.Patch(input, source, changes, destination);
        Report(result.Diagnostics);
        if (!result.Succeeded)
        {
            return null;
        }

        foreach (string change in result.Changes)
        {
            Message(MessageImportance.Low, "Bootstrap.ini: " + change);
        }

        if (result.Changes.Count == 0 && !result.Diagnostics.Any(d => d.Code == DiagnosticCode.ByteOrderMarkRemoved))
        {
            if (File.Exists(destination))
            {
                if (FailIfNotIncremental)
                {
                    ReportOutOfDate($"{destination} would be removed: the share's Bootstrap.ini already has the requested settings");
                    return null;
                }

                File.Delete(destination);
            }

            Message(MessageImportance.High, $"Bootstrap.ini in '{share}' already has the requested settings; nothing to overlay.");
            return null;
        }

        if (FailIfNotIncremental)
        {
            if (!AtomicFile.Holds(destination, result.Output))
            {
                ReportOutOfDate($"{destination} would be written: Bootstrap.ini or the requested settings changed");
            }

            return null;
        }

        bool written = AtomicFile.WriteIfChanged(destination, result.Output);
        var item = new TaskItem(destination);
        item.SetMetadata(Metadata.RelativePath, relativePath);
        string deployRoots = string.Join(", ", changes.Where(c => c.IsDeployRoot).Select(c => c.Value).Distinct());
        Message(MessageImportance.High,
            $"Bootstrap.ini -> {destination} (DeployRoot {deployRoots}; {result.Changes.Count} change(s){(written ? string.Empty : ", unchanged since the last build")})");
        return item;
    }

    private static bool IsSameOrInside(string path, string folder)
    {
        string Normalize(string p) => p.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) + Path.DirectorySeparatorChar;
        StringComparison comparison = Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return Normalize(path).StartsWith(Normalize(folder), comparison);
    }

    /// <summary>Finds Control/Bootstrap.ini, tolerating a share copied with other letter case onto a case-sensitive disk.</summary>
    private static string FindBootstrapIni(string share)
    {
        if (!Directory.Exists(share))
        {
            throw new MdtShareException(new Diagnostic(DiagnosticCode.BootstrapIniNotFound,
                $"The deployment share folder '{share}' does not exist or cannot be reached."));
        }

        string hint = ShareFiles.Find(share, "Content/Deploy/Control/Bootstrap.ini") is not null
            ? $"it looks like a media folder: set DeploymentShare to its Content{Path.DirectorySeparatorChar}Deploy folder"
            : "is DeploymentShare the root of an MDT deployment share?";
        return ShareFiles.Find(share, "Control/Bootstrap.ini") ?? throw new MdtShareException(new Diagnostic(DiagnosticCode.BootstrapIniNotFound,
            $"'{share}' has no Control{Path.DirectorySeparatorChar}Bootstrap.ini; {hint}"));
    }

    /// <summary>The project's settings, resolved and reported once for every overlay.</summary>
    private SettingResolution ReadSettings(IReadOnlyList<string> deployRoots, bool media)
    {
        SettingResolution resolution = SettingResolver.Resolve(deployRoots,
            Settings.Select(s => new DeclaredSetting(s.ItemSpec, s.GetMetadata(Metadata.Value), s.GetMetadata(Metadata.ValueFromEnvironment), s.GetMetadata(Metadata.Section))),
            media, ProjectPath, Environment.GetEnvironmentVariable);
        Report(resolution.Diagnostics);
        foreach (string note in resolution.Notes)
        {
            Message(MessageImportance.High, note);
        }

        return resolution;
    }
}
