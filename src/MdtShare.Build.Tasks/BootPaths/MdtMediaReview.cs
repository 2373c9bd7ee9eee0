using System.Globalization;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.IO;
using MdtShare.Build.Reports;

namespace MdtShare.Build.BootPaths;

/// <summary>
/// MDT media (a folder made by the Workbench's Media node: <c>Content\Deploy\…</c> with <c>Scripts\Media.tag</c>) are
/// copies of the share the build cannot find or rebuild; the project names them with MdtMedia items. Each is listed
/// as a manual step, saying whether its Bootstrap.ini or boot images are older than the share's Bootstrap.ini: media
/// built before it changed carry the old one.
/// </summary>
internal static class MdtMediaReview
{
    public static IEnumerable<(BootPathEntry Entry, string ManualStep)> Review(IEnumerable<string> mediaRoots, string share, IBuildListener listener)
    {
        DateTime? changed = ShareFiles.Find(share, "Control/Bootstrap.ini") is { } ini ? File.GetLastWriteTimeUtc(ini) : null;
        var reviewed = new List<(BootPathEntry, string)>();
        foreach (string root in mediaRoots)
        {
            string? content = ShareFiles.FindFolder(root, "Content/Deploy");
            if (content is null || ShareFiles.Find(content, "Scripts/Media.tag") is null)
            {
                listener.Report(new Diagnostic(DiagnosticCode.MdtMediaNotFound,
                    $"MdtMedia '{root}' is not an MDT media folder: it has no Content{Sep}Deploy{Sep}Scripts{Sep}Media.tag. Name the media's own folder (the Media node's path, e.g. D:\\Media\\MEDIA001)."));
                continue;
            }

            var files = new[] { ShareFiles.Find(content, "Control/Bootstrap.ini") }
                .Concat(ShareFiles.FindFolder(content, "Boot") is { } boot ? BootPathFiles.Wims(boot) : [])
                .Concat([ShareFiles.Find(root, "Content/Sources/boot.wim")])
                .OfType<string>().OrderBy(f => f, StringComparer.Ordinal).ToList();
            var older = changed is { } time ? files.Where(f => File.GetLastWriteTimeUtc(f) < time).Select(f => ShareFiles.Relative(root, f)).ToList() : [];
            string deployRoots = string.Join(", ", (BootPathFiles.DeployRoots(content) ?? []).Distinct());
            string detail = (older.Count > 0
                    ? $"older than the share's Bootstrap.ini ({changed!.Value.ToString("u", CultureInfo.InvariantCulture)}): {string.Join(", ", older)}"
                    : "not older than the share's Bootstrap.ini")
                + (deployRoots.Length > 0 ? $"; its Bootstrap.ini names DeployRoot {deployRoots}" : "; its Bootstrap.ini names no DeployRoot (clients use the media)");
            reviewed.Add((new BootPathEntry(BootPathEntry.Media, root, older.Count > 0 ? "stale" : "not touched", detail),
                $"MDT media {root} is a copy this build does not touch ({detail}). Rebuild it with Update-MDTMedia (Deployment Workbench: Media > Update Media Content) and replace the copies made from it."));
        }

        return reviewed;
    }

    private static char Sep => Path.DirectorySeparatorChar;
}
