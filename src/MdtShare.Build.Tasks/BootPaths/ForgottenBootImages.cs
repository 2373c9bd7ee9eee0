using MdtShare.Build.BootImage;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.Ini;
using MdtShare.Build.IO;
using MdtShare.Build.Reports;

namespace MdtShare.Build.BootPaths;

/// <summary>
/// The boot images a WDS server already serves (<c>REMINST\Boot\&lt;arch&gt;\Images\*.wim</c>) whose Bootstrap.ini
/// still names another DeployRoot than the one the build publishes: PXE clients of that server keep going to the old
/// one until it is replaced. An image found clean is remembered by its size and time (never its content), so an
/// unchanged one is not read again; one that is not a LiteTouch image (no Bootstrap.ini) is left alone.
/// </summary>
internal sealed class ForgottenBootImages(IBootImageTool tool, StampFile stamps, IBuildListener listener)
{
    /// <param name="published">Per DeployRoot, every DeployRoot value the build's Bootstrap.ini for it names (a
    /// Bootstrap.ini with a section per gateway names several); a DeployRoot not in it stands for itself.</param>
    public IEnumerable<BootPathEntry> Check(IEnumerable<WdsBootImage> images, IReadOnlyDictionary<string, IReadOnlyList<string>> published)
    {
        foreach (var server in images.Where(i => i.RemInstPath.Length > 0)
                     .GroupBy(i => (i.RemInstPath, i.Architecture, i.DeployRoot)).Select(g => g.First()))
        {
            string? folder = ShareFiles.FindFolder(server.RemInstPath, $"Boot/{server.Architecture}/Images");
            if (folder is null)
            {
                listener.Report(new Diagnostic(DiagnosticCode.RemInstUnreachable,
                    $"The boot images of WdsServer '{server.Server}' cannot be checked: {server.RemInstPath} has no Boot{Path.DirectorySeparatorChar}{server.Architecture}{Path.DirectorySeparatorChar}Images folder " +
                    "this agent can read. Set the item's RemInstPath to where this agent reaches the server's REMINST share, or give the build's account read access."));
                continue;
            }

            var wanted = published.TryGetValue(server.DeployRoot, out var roots) ? roots.Append(server.DeployRoot).ToList() : [server.DeployRoot];
            foreach (string wim in Directory.EnumerateFiles(folder).Where(f => f.EndsWith(".wim", StringComparison.OrdinalIgnoreCase)).OrderBy(f => f, StringComparer.Ordinal))
            {
                if (Old(wim, wanted) is { } old)
                {
                    string found = string.Join(", ", old);
                    listener.Report(new Diagnostic(DiagnosticCode.ForgottenBootImage,
                        $"{wim}, a boot image WDS server {server.Server} serves, still sends PXE clients to DeployRoot {found}, not {server.DeployRoot}. " +
                        $"Replace it with the published image (bin/{WdsReplaceScript.FileName}, or -t:PublishWds on Windows), or remove it from WDS if it is no longer used.", wim));
                    yield return new BootPathEntry(BootPathEntry.WdsCopy, wim, "old DeployRoot", $"DeployRoot {found}; the build publishes {server.DeployRoot}");
                }
            }
        }
    }

    /// <summary>The DeployRoot values of the WIM's Bootstrap.ini that are not wanted; null when there are none, or
    /// the WIM is no LiteTouch image or cannot be read (WDS also serves other images).</summary>
    private IReadOnlyList<string>? Old(string wim, IReadOnlyList<string> wanted)
    {
        string stamp = "deployroot " + string.Join("|", wanted) + "\t" + StampFile.Of(wim);
        if (stamps.Matches(wim, stamp))
        {
            return null;
        }

        try
        {
            WimInfo info = tool.Info(wim);
            byte[]? ini = tool.ReadFile(wim, info.BootIndex > 0 ? info.BootIndex : 1, BootImagePatcher.BootstrapPath);
            var old = ini is null ? [] : BootstrapPatcher.ReadDeployRoots(ini).Select(d => d.Value)
                .Where(v => !wanted.Any(w => string.Equals(w.TrimEnd('\\'), v.TrimEnd('\\'), StringComparison.OrdinalIgnoreCase)))
                .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (old.Count == 0)
            {
                stamps.Set(wim, stamp);
                return null;
            }

            return old;
        }
        catch (BootImageToolException e)
        {
            listener.Detail($"{wim} was not checked for an old DeployRoot: {tool.Name} could not read it ({e.Message})");
            return null;
        }
    }
}
