using MdtShare.Build.Diagnostics;
using MdtShare.Build.IO;

namespace MdtShare.Build.Ini;

/// <summary>An overlay folder and the DeployRoot its clients use (empty: the declared settings only).</summary>
internal sealed record BootstrapOverlay(string Folder, string DeployRoot);

/// <summary>What to write, as full paths, and the project's BootstrapSetting declarations.</summary>
/// <param name="Environment">Where ValueFromEnvironment settings are read (the process's environment in a build).</param>
internal sealed record BootstrapRequest(string Share, IReadOnlyList<BootstrapOverlay> Overlays, IReadOnlyList<DeclaredSetting> Settings,
    string Project, Func<string, string?> Environment)
{
    /// <summary>Change nothing; tell each change that is due (MSBuild's question mode).</summary>
    public bool OnlyCheck { get; init; }
}

/// <summary>
/// Writes the share's Control/Bootstrap.ini, with DeployRoot and the project's settings rewritten, into every overlay
/// (or removes an overlay copy that is no longer needed). The settings are resolved once for all overlays; secret
/// values come from the environment and are never told. The share is only read. Knows nothing of MSBuild.
/// </summary>
internal sealed class BootstrapOverlayWriter(BootstrapRequest request, IBuildListener listener)
{
    private bool _failed;

    /// <returns>The overlay copies written (also those unchanged since the last build); none in question mode.</returns>
    public List<OverlayFile> Write()
    {
        foreach (BootstrapOverlay overlay in request.Overlays.Where(o => IsSameOrInside(o.Folder, request.Share)))
        {
            throw new MdtShareException(new Diagnostic(DiagnosticCode.OutputInsideDeploymentShare,
                $"The output folder '{overlay.Folder}' is inside the deployment share '{request.Share}'; the build never writes to the share. Choose an output folder outside it."));
        }

        string source = FindBootstrapIni(request.Share);
        byte[] input = File.ReadAllBytes(source);
        SettingResolution settings = ResolveSettings();
        var written = new List<OverlayFile>();
        foreach (BootstrapOverlay overlay in request.Overlays)
        {
            if (Write(source, input, overlay.Folder, settings.For(overlay.DeployRoot)) is { } file)
            {
                written.Add(file);
            }
        }

        return written;
    }

    /// <returns>The overlay file written, or null when none is needed (or in question mode, or after an error).</returns>
    private OverlayFile? Write(string source, byte[] input, string overlay, List<SettingChange> changes)
    {
        if (_failed)
        {
            return null;
        }

        string relativePath = ShareFiles.Relative(request.Share, source);
        string destination = Path.Combine(overlay, relativePath);
        PatchResult result = BootstrapPatcher.Patch(input, source, changes, destination);
        result.Diagnostics.ToList().ForEach(Report);
        if (!result.Succeeded)
        {
            return null;
        }

        result.Changes.ToList().ForEach(change => listener.Detail("Bootstrap.ini: " + change));
        if (result.Changes.Count == 0 && !result.Diagnostics.Any(d => d.Code == DiagnosticCode.ByteOrderMarkRemoved))
        {
            if (File.Exists(destination))
            {
                if (request.OnlyCheck)
                {
                    listener.OutOfDate($"{destination} would be removed: the share's Bootstrap.ini already has the requested settings");
                    return null;
                }

                File.Delete(destination);
            }

            listener.Tell($"Bootstrap.ini in '{request.Share}' already has the requested settings; nothing to overlay.");
            return null;
        }

        if (request.OnlyCheck)
        {
            if (!AtomicFile.Holds(destination, result.Output))
            {
                listener.OutOfDate($"{destination} would be written: Bootstrap.ini or the requested settings changed");
            }

            return null;
        }

        bool written = AtomicFile.WriteIfChanged(destination, result.Output);
        string deployRoots = string.Join(", ", changes.Where(c => c.IsDeployRoot).Select(c => c.Value).Distinct());
        listener.Tell(
            $"Bootstrap.ini -> {destination} (DeployRoot {deployRoots}; {result.Changes.Count} change(s){(written ? string.Empty : ", unchanged since the last build")})");
        return new OverlayFile(destination, relativePath);
    }

    /// <summary>The project's settings, resolved and reported once for every overlay.</summary>
    private SettingResolution ResolveSettings()
    {
        SettingResolution resolution = SettingResolver.Resolve(request.Overlays.Select(o => o.DeployRoot).ToList(), request.Settings,
            media: ShareFiles.Find(request.Share, "Scripts/Media.tag") is not null, request.Project, request.Environment);
        resolution.Diagnostics.ToList().ForEach(Report);
        resolution.Notes.ToList().ForEach(listener.Tell);
        return resolution;
    }

    private void Report(Diagnostic diagnostic)
    {
        _failed |= diagnostic.Severity == Severity.Error;
        listener.Report(diagnostic);
    }

    private static bool IsSameOrInside(string path, string folder)
    {
        string Normalize(string p) => p.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) + Path.DirectorySeparatorChar;
        StringComparison comparison = HostSystem.FileNameComparison;
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
}
