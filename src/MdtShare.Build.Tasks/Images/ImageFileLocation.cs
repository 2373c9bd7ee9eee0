namespace MdtShare.Build.Images;

/// <summary>
/// Where LiteTouch reads an <c>ImageFile</c> from (LTIApply.wsf <c>GetSourcePath</c>): a value that starts with "." is
/// DeployRoot plus the rest, or the REMINST share of the WDS server its entry names; any other value is used as it
/// stands, so it is not in the share.
/// </summary>
internal static class ImageFileLocation
{
    /// <summary>The '/'-separated path inside the share, or null with <paramref name="whyNot"/> saying where LiteTouch
    /// reads it instead, or why it cannot be resolved against the share.</summary>
    public static string? InShare(ImageFileEntry entry, out string whyNot)
    {
        string value = entry.Value;
        string[] segments = value.Length >= 2 ? value.Substring(2).Split('\\', '/') : [];
        whyNot =
            value.Length == 0 ? "it is empty, so LiteTouch installs this entry with setup from its Source folder"
            : entry.WdsServer.Length > 0 ? $@"its entry names WDS server {entry.WdsServer}, so LiteTouch reads it from \\{entry.WdsServer}\REMINST"
            : value.StartsWith(@"\\", StringComparison.Ordinal) ? "it is a UNC path"
            : value.Length >= 2 && value[1] == ':' ? "it names a drive"
            : value.IndexOf('%') >= 0 ? "it holds a variable that LiteTouch resolves on the client"
            : !value.StartsWith(@".\", StringComparison.Ordinal) && !value.StartsWith("./", StringComparison.Ordinal) ? @"it does not start with .\, so LiteTouch does not read it from DeployRoot"
            : Array.IndexOf(segments, "..") >= 0 ? "a '..' segment leads out of the folder it names"
            : segments.Any(s => s.Length == 0 || s == ".") ? "it has an empty or '.' segment"
            : string.Empty;
        return whyNot.Length == 0 ? string.Join("/", segments) : null;
    }
}
