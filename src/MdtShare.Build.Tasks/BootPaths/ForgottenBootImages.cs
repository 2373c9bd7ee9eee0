using MdtShare.Build.BootImage;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.Ini;
using MdtShare.Build.IO;
using MdtShare.Build.Mirror;
using MdtShare.Build.Reports;

namespace MdtShare.Build.BootPaths;

/// <summary>
/// Copies of boot images the build's publish does not replace, whose Bootstrap.ini names another DeployRoot than
/// the one the build publishes: the images a WDS server already serves (<c>REMINST\Boot\&lt;arch&gt;\Images\*.wim</c>;
/// its PXE clients keep going to the old share until they are replaced), and WIMs the publish leaves in a target's
/// Boot folder (excluded, or not in the share). Only a DeployRoot of the share's own Bootstrap.ini (the MDT server's:
/// the share is never modified, so it holds the old values) is warned of; any other is taken to point elsewhere on
/// purpose (a lab share) and only told. An image found clean is remembered by its size and time (never its content),
/// so an unchanged one is not read again; one that is not a LiteTouch image (no Bootstrap.ini) is left alone. What
/// cannot be read is a warning (MDTS4017), never a failure: the check only advises.
/// </summary>
internal sealed class ForgottenBootImages(IBootImageTool tool, StampFile stamps, IBuildListener listener)
{
    /// <param name="published">Per DeployRoot, every DeployRoot value the build's Bootstrap.ini for it names (a
    /// Bootstrap.ini with a section per gateway names several); a DeployRoot not in it stands for itself.</param>
    public IReadOnlyList<BootPathEntry> Check(IEnumerable<WdsBootImage> images, string share, IReadOnlyDictionary<string, IReadOnlyList<string>> published)
    {
        var found = new List<BootPathEntry>();
        IReadOnlyList<string> old = BootPathFiles.DeployRoots(share) ?? [];
        foreach (var server in images.Where(i => i.RemInstPath.Length > 0)
                     .GroupBy(i => (i.RemInstPath, i.Architecture, i.DeployRoot)).Select(g => g.First()))
        {
            string cannot = $"The boot images of WdsServer '{server.Server}' cannot be checked";
            try
            {
                string? folder = ShareFiles.FindFolder(server.RemInstPath, $"Boot/{server.Architecture}/Images");
                if (folder is null)
                {
                    Unreadable($"{cannot}: {server.RemInstPath} has no Boot{Path.DirectorySeparatorChar}{server.Architecture}{Path.DirectorySeparatorChar}Images folder this agent can read.");
                    continue;
                }

                var wanted = published.TryGetValue(server.DeployRoot, out var roots) ? roots.Append(server.DeployRoot).ToList() : [server.DeployRoot];
                foreach (string wim in BootPathFiles.Wims(folder))
                {
                    if (Foreign(wim, wanted) is not { } foreign)
                    {
                        continue;
                    }

                    string names = string.Join(", ", foreign);
                    if (!IsOld(foreign, old))
                    {
                        found.Add(Other(BootPathEntry.WdsCopy, wim, $"a boot image WDS server {server.Server} serves", names, $"the build publishes {server.DeployRoot}"));
                        continue;
                    }

                    listener.Report(new Diagnostic(DiagnosticCode.ForgottenBootImage,
                        $"{wim}, a boot image WDS server {server.Server} serves, still sends PXE clients to DeployRoot {names}, not {server.DeployRoot}. " +
                        $"Replace it with the published image (bin/{WdsReplaceScript.FileName}, or -t:PublishWds on Windows), or remove it from WDS if it is no longer used.", wim));
                    found.Add(new BootPathEntry(BootPathEntry.WdsCopy, wim, "old DeployRoot", $"DeployRoot {names}; the build publishes {server.DeployRoot}"));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Unreadable($"{cannot}: {server.RemInstPath} could not be read ({e.Message}).");
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
        IReadOnlyList<string> old = BootPathFiles.DeployRoots(share) ?? [];
        foreach (var (target, deployRoot) in targets)
        {
            try
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
                    if (leftBecause is null || Foreign(wim, wanted) is not { } foreign)
                    {
                        continue;
                    }

                    string names = string.Join(", ", foreign);
                    if (!IsOld(foreign, old))
                    {
                        found.Add(Other(BootPathEntry.TargetCopy, wim, $"in the Boot folder of PublishTarget {target} but not published by this build ({leftBecause})", names,
                            $"{leftBecause}; the target's is {deployRoot}"));
                        continue;
                    }

                    listener.Report(new Diagnostic(DiagnosticCode.ForgottenBootImage,
                        $"{wim}, in the Boot folder of PublishTarget {target} but not published by this build ({leftBecause}), still names DeployRoot {names}, not {deployRoot}: " +
                        "a WDS server or media made from it send clients to the old share. Delete it from the target, or stop excluding it.", wim));
                    found.Add(new BootPathEntry(BootPathEntry.TargetCopy, wim, "old DeployRoot", $"{leftBecause}; DeployRoot {names}; the target's is {deployRoot}"));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Unreadable($"The boot images left in PublishTarget {target} cannot be checked: its Boot folder could not be read ({e.Message}).");
            }
        }

        return found;
    }

    /// <summary>A copy whose DeployRoot is none of the MDT server's: taken to point elsewhere on purpose (a lab share),
    /// so told and reported, not warned of on every build.</summary>
    private BootPathEntry Other(string kind, string wim, string copy, string names, string current)
    {
        listener.Info($"{wim}, {copy}, names DeployRoot {names}: not the MDT server's (the share's Bootstrap.ini), so taken to point elsewhere on purpose.");
        return new BootPathEntry(kind, wim, "other DeployRoot", $"DeployRoot {names}, not the MDT server's; {current}");
    }

    private void Unreadable(string what, string? file = null) =>
        listener.Report(new Diagnostic(DiagnosticCode.BootImageCopyUnreadable,
            what + " Give the build's account read access (for a WDS server, set the item's RemInstPath to where this agent reaches its REMINST share).", file));

    /// <summary>Whether any of the values is one of the share's own (the MDT server's), compared as MDT would: letter
    /// case and a trailing backslash do not count.</summary>
    private static bool IsOld(IReadOnlyList<string> values, IReadOnlyList<string> old) => values.Any(v => old.Any(o => Same(o, v)));

    private static bool Same(string deployRoot, string other) =>
        string.Equals(deployRoot.TrimEnd('\\'), other.TrimEnd('\\'), StringComparison.OrdinalIgnoreCase);

    /// <summary>The DeployRoot values of the WIM's Bootstrap.ini that are not wanted; null when there are none, the
    /// WIM is no LiteTouch image (WDS also serves other images), or it cannot be read (then MDTS4017 names it).</summary>
    private IReadOnlyList<string>? Foreign(string wim, IReadOnlyList<string> wanted)
    {
        string stamp;
        List<string> foreign;
        try
        {
            stamp = "deployroot " + string.Join("|", wanted) + "\t" + StampFile.Of(wim);
            if (stamps.Matches(wim, stamp))
            {
                return null;
            }

            WimInfo info = tool.Info(wim);
            byte[]? ini = tool.ReadFile(wim, info.BootIndex > 0 ? info.BootIndex : 1, BootImagePatcher.BootstrapPath);
            foreign = ini is null ? [] : BootstrapPatcher.ReadDeployRoots(ini).Select(d => d.Value)
                .Where(v => !wanted.Any(w => Same(w, v))).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        }
        catch (Exception e) when (e is BootImageToolException or IOException or UnauthorizedAccessException)
        {
            string why = e is BootImageToolException ? $"{tool.Name} could not read it" : "it could not be read";
            Unreadable($"{wim} cannot be checked for an old DeployRoot: {why} ({e.Message}).", wim);
            return null;
        }

        if (foreign.Count == 0)
        {
            stamps.Set(wim, stamp);
            return null;
        }

        return foreign;
    }
}
