using MdtShare.Build.Diagnostics;
using MdtShare.Build.Ini;
using MdtShare.Build.IO;

namespace MdtShare.Build.BootPaths;

/// <summary>A WdsServer item as the project writes it; empty strings for metadata left out.</summary>
internal sealed record WdsServerDeclaration(string Server, string ImageName, string Architecture, string BootImage, string DeployRoot, string RemInstPath);

/// <summary>
/// One boot image a WDS server serves, to be replaced with the published copy: what <c>wdsutil /Replace-Image</c>
/// needs, and where the server's own copies live for the forgotten-copies check.
/// </summary>
/// <param name="ImageFile">The published WIM as the WDS server reaches it: the DeployRoot's UNC path and the image's
/// path in the share.</param>
/// <param name="DeployRoot">The DeployRoot the published image names (the item's, else the build's).</param>
/// <param name="RemInstPath">The server's REMINST share as this agent reaches it; empty when it is not to be read.</param>
internal sealed record WdsBootImage(string Server, string ImageName, string Architecture, string ImageFile, string DeployRoot, string RemInstPath)
{
    /// <summary>wdsutil's boot-image architectures (learn.microsoft.com, "wdsutil replace-image").</summary>
    public static readonly IReadOnlyList<string> Architectures = ["x86", "x64", "arm", "arm64"];

    /// <summary>
    /// The images the declarations name, checked: a known architecture (MDTS4011), a UNC DeployRoot (MDTS4011), a
    /// boot image that is in the share (MDTS4007), and names a .cmd line can carry (MDTS4012). A declaration with
    /// a problem is reported and left out.
    /// </summary>
    /// <param name="deployRoot">The build's DeployRoot, for declarations without one of their own.</param>
    /// <param name="windows">Whether this agent runs Windows, where REMINST defaults to \\server\REMINST.</param>
    public static List<WdsBootImage> Resolve(IEnumerable<WdsServerDeclaration> declarations, string share, string deployRoot, bool windows, IBuildListener listener)
    {
        var images = new List<WdsBootImage>();
        foreach (WdsServerDeclaration declared in declarations)
        {
            if (Resolve(declared, share, deployRoot, windows, out Diagnostic? problem) is { } image)
            {
                images.Add(image);
            }
            else
            {
                listener.Report(problem!);
            }
        }

        return images;
    }

    private static WdsBootImage? Resolve(WdsServerDeclaration declared, string share, string buildDeployRoot, bool windows, out Diagnostic? problem)
    {
        string server = declared.Server.Trim();
        string architecture = declared.Architecture.Trim().ToLowerInvariant();
        string deployRoot = (declared.DeployRoot.Length > 0 ? declared.DeployRoot : buildDeployRoot).Trim().TrimEnd('\\');
        problem = null;
        string Invalid(string why) => $"WdsServer '{server}' {why}.";
        if (!Architectures.Contains(architecture))
        {
            problem = new(DiagnosticCode.WdsServerInvalid, Invalid(
                $"has Architecture '{declared.Architecture}'; wdsutil replaces boot images of architecture {string.Join(", ", Architectures)}, e.g. Architecture=\"x64\""));
            return null;
        }

        if (UncPath.TryParse(deployRoot, out string why) is null)
        {
            problem = new(DiagnosticCode.WdsServerInvalid, Invalid(
                $"has no usable DeployRoot ('{deployRoot}': {why}); the WDS server reads the published image through it, so set the build's DeployRoot or the item's"));
            return null;
        }

        string bootImage = declared.BootImage.Length > 0 ? declared.BootImage : $"Boot/LiteTouchPE_{architecture}.wim";
        string relative = bootImage.Replace('\\', '/').TrimStart('/');
        string? source = ShareFiles.Find(share, relative);
        if (source is null)
        {
            problem = new(DiagnosticCode.BootImageNotFound, $"BootImage '{bootImage}' of WdsServer '{server}' does not exist in the deployment share ({share}).");
            return null;
        }

        var image = new WdsBootImage(server,
            declared.ImageName.Length > 0 ? declared.ImageName : $"Lite Touch Windows PE ({architecture})",
            architecture,
            deployRoot + "\\" + ShareFiles.Relative(share, source).Replace('/', '\\'),
            deployRoot,
            declared.RemInstPath.Length > 0 ? declared.RemInstPath : windows ? $@"\\{server}\REMINST" : string.Empty);
        problem = WdsReplaceScript.Unsafe(image);
        return problem is null ? image : null;
    }
}
