using MdtShare.Build.Diagnostics;
using MdtShare.Build.IO;

namespace MdtShare.Build.BootImage;

/// <summary>
/// A LiteTouch boot image carries its own copy of the share's scripts (<c>Deploy\Scripts</c>: LiteTouch.wsf,
/// ZTIUtility.vbs …), taken when Update Deployment Share last built it. WinPE runs that copy until it reaches the
/// share, so a boot image built before the share's scripts changed runs old scripts against new ones, which breaks
/// deployments in ways that look like network faults. Files both sides have are compared; Bootstrap.ini differs by
/// design (each target's copy names its own DeployRoot).
/// </summary>
internal static class BootImageScripts
{
    private const string ImageFolder = "/Deploy/Scripts";

    /// <returns>A warning naming the files that differ, or null when the image's scripts are the share's.</returns>
    public static Diagnostic? Compare(IBootImageTool tool, string wim, string relativeWim, string share)
    {
        if (ShareFiles.FindFolder(share, "Scripts") is not { } scripts)
        {
            return null;
        }

        string extracted = Path.Combine(Path.GetTempPath(), "mdtshare-scripts-" + Guid.NewGuid().ToString("N"));
        try
        {
            WimInfo info = tool.Info(wim);
            if (!tool.ExtractFolder(wim, info.BootIndex > 0 ? info.BootIndex : 1, ImageFolder, extracted))
            {
                return null;
            }

            string inImage = Path.Combine(extracted, "Scripts");
            var differing = Directory.EnumerateFiles(inImage)
                .Select(Path.GetFileName)
                .Where(name => !string.Equals(name, "Bootstrap.ini", StringComparison.OrdinalIgnoreCase))
                .Where(name => ShareFiles.Find(scripts, name!) is { } inShare && !File.ReadAllBytes(inShare).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(inImage, name!))))
                .OrderBy(name => name, StringComparer.OrdinalIgnoreCase)
                .ToList();
            return differing.Count == 0 ? null : new Diagnostic(DiagnosticCode.BootImageScriptsStale,
                $"{relativeWim} was built before the share's scripts changed: {differing.Count} file(s) of its Deploy\\Scripts differ from the share's Scripts\\ " +
                $"({string.Join(", ", differing.Take(10))}{(differing.Count > 10 ? ", …" : string.Empty)}). Clients booting it run the old scripts until they reach the share. " +
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
