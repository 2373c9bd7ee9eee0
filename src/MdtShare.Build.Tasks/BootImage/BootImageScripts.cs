using System.Security.Cryptography;
using System.Text;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.IO;

namespace MdtShare.Build.BootImage;

/// <summary>
/// A LiteTouch boot image carries its own copy of the share's scripts and tools (<c>Deploy\Scripts</c>: LiteTouch.wsf,
/// ZTIUtility.vbs …; <c>Deploy\Tools\&lt;platform&gt;</c>: BDDRUN.exe, Microsoft.BDD.Utility.dll …), taken when Update
/// Deployment Share last built it. WinPE runs that copy until it reaches the share, so a boot image built before the
/// share's scripts or tools changed runs old code against new, which breaks deployments in ways that look like
/// network faults. Files both sides have are compared; Bootstrap.ini differs by design (each target's copy names its
/// own DeployRoot).
/// </summary>
internal static class BootImageScripts
{
    /// <summary>Each folder of the image and the share folder it was copied from.</summary>
    private static readonly (string InImage, string InShare)[] Copies = [("/Deploy/Scripts", "Scripts"), ("/Deploy/Tools", "Tools")];

    /// <param name="stamps">Where a clean result is remembered with the sizes and times of the image and the share's
    /// folders, so a build in which none of them changed extracts nothing; null to remember nothing (question mode).</param>
    /// <returns>A warning naming the files that differ, or null when the image's copies are the share's.</returns>
    public static Diagnostic? Compare(IBootImageTool tool, string wim, string relativeWim, string share, StampFile? stamps)
    {
        var folders = Copies.Select(c => (c.InImage, c.InShare, Folder: ShareFiles.FindFolder(share, c.InShare))).ToList();
        string stamp = Stamp(wim, folders.Select(f => f.Folder));
        if (stamps?.Matches(wim, stamp) == true)
        {
            return null;
        }

        Diagnostic? stale = Extract(tool, wim, relativeWim, folders);
        if (stale is null)
        {
            stamps?.Set(wim, stamp);
        }

        return stale;
    }

    /// <summary>The sizes and times of the image and of every file of the share's folders, hashed into one line.</summary>
    private static string Stamp(string wim, IEnumerable<string?> folders)
    {
        var inputs = new StringBuilder(StampFile.Of(wim));
        foreach (string folder in folders.OfType<string>())
        {
            foreach (string file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
            {
                inputs.Append('\n').Append(StampFile.Of(file));
            }
        }

        using var sha = SHA256.Create();
        return "scripts " + BitConverter.ToString(sha.ComputeHash(Encoding.UTF8.GetBytes(inputs.ToString()))).Replace("-", string.Empty);
    }

    private static Diagnostic? Extract(IBootImageTool tool, string wim, string relativeWim, List<(string InImage, string InShare, string? Folder)> folders)
    {
        string extracted = Path.Combine(Path.GetTempPath(), "mdtshare-deploy-" + Guid.NewGuid().ToString("N"));
        try
        {
            WimInfo info = tool.Info(wim);
            int image = info.BootIndex > 0 ? info.BootIndex : 1;
            var differing = new List<string>();
            foreach (var (inImage, inShare, shareFolder) in folders)
            {
                string destination = Directory.CreateDirectory(Path.Combine(extracted, inShare)).FullName;
                if (shareFolder is null || !tool.ExtractFolder(wim, image, inImage, destination))
                {
                    continue;
                }

                // wimlib puts the folder itself into the destination.
                string copy = Path.Combine(destination, inImage.Substring(inImage.LastIndexOf('/') + 1));
                differing.AddRange(Directory.EnumerateFiles(copy, "*", SearchOption.AllDirectories)
                    .Select(file => ShareFiles.Relative(copy, file))
                    .Where(relative => !string.Equals(relative, "Bootstrap.ini", StringComparison.OrdinalIgnoreCase))
                    .Where(relative => ShareFiles.Find(shareFolder, relative) is { } original
                        && !File.ReadAllBytes(original).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(copy, relative))))
                    .OrderBy(relative => relative, StringComparer.OrdinalIgnoreCase)
                    .Select(relative => inShare + "\\" + relative.Replace('/', '\\')));
            }

            return differing.Count == 0 ? null : new Diagnostic(DiagnosticCode.BootImageScriptsStale,
                $"{relativeWim} was built before the share's scripts or tools changed: {differing.Count} file(s) of its Deploy folder differ from the share's " +
                $"({string.Join(", ", differing.Take(10))}{(differing.Count > 10 ? ", …" : string.Empty)}). Clients booting it run the old copies until they reach the share. " +
                "Run Update Deployment Share (completely regenerate the boot images) on the MDT server, then build and publish again.", wim);
        }
        finally
        {
            if (Directory.Exists(extracted))
            {
                Directory.Delete(extracted, recursive: true);
            }
        }
    }
}
