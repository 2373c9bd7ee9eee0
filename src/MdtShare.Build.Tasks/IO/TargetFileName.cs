using System.Text.RegularExpressions;

namespace MdtShare.Build.IO;

/// <summary>A publish target (a UNC path, a mount point) as one file or folder name of the build's output: its site
/// folder and its verify report are named by the same function, so they always match.</summary>
internal static class TargetFileName
{
    /// <summary>Letters, digits, dots and hyphens kept (an FQDN stays readable); every other run of characters becomes
    /// one '_'.</summary>
    public static string Of(string target) => Regex.Replace(target, "[^A-Za-z0-9.-]+", "_").Trim('_');
}
