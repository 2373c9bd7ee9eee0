using MdtShare.Build.BootImage;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.Ini;
using MdtShare.Build.IO;
using MdtShare.Build.Mirror;
using MdtShare.Build.Reports;

namespace MdtShare.Build.BootPaths;

/// <summary>
/// Copies of boot images the build's publish does not replace, whose Bootstrap.ini still names another DeployRoot
/// than the one the build publishes: the images a WDS server already serves (<c>REMINST\Boot\&lt;arch&gt;\Images\*.wim</c>;
/// its PXE clients keep going to the old share until they are replaced), and WIMs the publish leaves in a target's
/// Boot folder (excluded, or not in the share). An image found clean is remembered by its size and time (never its
/// content), so an unchanged one is not read again; one that is not a LiteTouch image (no Bootstrap.ini) is left alone.
/// </summary>
internal sealed class ForgottenBootImages(IBootImageTool tool, StampFile stamps, IBuildListener listener)
{
    /// <param name="published">Per DeployRoot, every DeployRoot value the build's Bootstrap.ini for it names (a
    /// Bootstrap.ini with a section per gateway names several); a DeployRoot not in it stands for itself.</param>
    public IReadOnlyList<BootPathEntry> Check(IEnumerable<WdsBootImage> images, IReadOnlyDictionary<string, IReadOnlyList<string>> published)
    {
        var found = new List<BootPathEntry>();
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
            foreach (string wim in BootPathFiles.Wims(folder))
            {
                if (Old(wim, wanted) is { } old)
                {
                    string names = string.Join(", ", old);
                    listener.Report(new Diagnostic(DiagnosticCode.ForgottenBootImage,
                        $"{wim}, a boot image WDS server {server.Server} serves, still sends PXE clients to DeployRoot {names}, not {server.DeployRoot}. " +
                        $"Replace it with the published image (bin/{WdsReplaceScript.FileName}, or -t:PublishWds on Windows), or remove it from WDS if it is no longer used.", wim));
                    found.Add(new BootPathEntry(BootPathEntry.WdsCopy, wim, "old DeployRoot", $"DeployRoot {names}; the build publishes {server.DeployRoot}"));
                }
            }
        }

        return found;
    }

    /// <summary>
    /// After a publish: each WIM in a target's Boot folder that the publish left alone (excluded by MirrorExclude, or
    /// not in the share) and that names another DeployRoot than the target's, or than the target's published
    /// Control\Bootstrap.ini names. Someone importing it into WDS or making media from it sends clients to the old share.
    /// </summary>
    public IReadOnlyList<BootPathEntry> CheckTargets(IEnumerable<(string Target, string DeployRoot)> targets, string share, ExcludeFilter exclude)
    {
        var found = new List<BootPathEntry>();
        foreach (var (target, deployRoot) in targets)
        {
            if (ShareFiles.FindFolder(target, "Boot") is not { } boot)
            {
                continue;
            }

            var wanted = (BootPathFiles.DeployRoots(target) ?? []).Append(deployRoot).ToList();
            foreach (string wim in BootPathFiles.Wims(boot))
            {
                string relative = ShareFiles.Relative(target, wim);
                string? leftBecause = exclude.IsExcluded(relative) ? "excluded by MirrorExclude" : ShareFiles.Find(share, relative) is null ? "not in the deployment share" : null;
                if (leftBecause is not null && Old(wim, wanted) is { } old)
                {
                    string names = string.Join(", ", old);
                    listener.Report(new Diagnostic(DiagnosticCode.ForgottenBootImage,
                        $"{wim}, in the Boot folder of PublishTarget {target} but not published by this build ({leftBecause}), still names DeployRoot {names}, not {deployRoot}: " +
                        "a WDS server or media made from it send clients to the old share. Delete it from the target, or stop excluding it.", wim));
                    found.Add(new BootPathEntry(BootPathEntry.TargetCopy, wim, "old DeployRoot", $"{leftBecause}; DeployRoot {names}; the target's is {deployRoot}"));
                }
            }
        }

        return found;
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
