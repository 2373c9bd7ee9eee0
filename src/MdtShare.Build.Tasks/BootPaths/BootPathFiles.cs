using MdtShare.Build.Ini;
using MdtShare.Build.IO;

namespace MdtShare.Build.BootPaths;

/// <summary>What the boot-path checks read from a share, a target, an overlay or media: the DeployRoot values of its
/// Bootstrap.ini and the boot images in a folder.</summary>
internal static class BootPathFiles
{
    /// <summary>The DeployRoot values of <c>Control\Bootstrap.ini</c> under <paramref name="root"/> (found in any
    /// letter case); null when there is no such file.</summary>
    public static IReadOnlyList<string>? DeployRoots(string root) =>
        ShareFiles.Find(root, "Control/Bootstrap.ini") is { } ini
            ? BootstrapPatcher.ReadDeployRoots(File.ReadAllBytes(ini)).Select(d => d.Value).ToList()
            : null;

    /// <summary>The <c>*.wim</c> files of a folder (not its subfolders), in ordinal order.</summary>
    public static IEnumerable<string> Wims(string folder) =>
        Directory.EnumerateFiles(folder).Where(f => f.EndsWith(".wim", StringComparison.OrdinalIgnoreCase)).OrderBy(f => f, StringComparer.Ordinal);
}
