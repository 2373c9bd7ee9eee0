namespace MdtShare.Build.IO;

/// <summary>The system the build runs on, told the way both target frameworks can (.NET Framework has no
/// OperatingSystem.IsWindows).</summary>
internal static class HostSystem
{
    /// <summary>Windows: its file names ignore letter case, renames and deletes follow Win32 sharing rules, and a
    /// target may be a UNC path.</summary>
    public static readonly bool IsWindows = Path.DirectorySeparatorChar == '\\';

    /// <summary>How this system compares file names: ignoring case on Windows.</summary>
    public static StringComparison FileNameComparison => IsWindows ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
}
