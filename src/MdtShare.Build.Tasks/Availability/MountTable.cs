using System.Text;

namespace MdtShare.Build.Availability;

/// <summary>One line of /proc/mounts: what is mounted where, and by which file system.</summary>
internal sealed record MountEntry(string Source, string MountPoint, string FileSystem)
{
    /// <summary>The kernel's own SMB client (mount -t cifs / -t smb3).</summary>
    public bool IsKernelSmb => FileSystem is "cifs" or "smb3";

    public bool IsFuse => FileSystem.StartsWith("fuse", StringComparison.Ordinal);

    /// <summary>The share a kernel SMB mount was made from, as <c>\\server\share</c> (its source is
    /// <c>//server/share[/prefix]</c>).</summary>
    public string? Share
    {
        get
        {
            string[] parts = Source.Replace('\\', '/').TrimStart('/').Split('/');
            return IsKernelSmb && parts.Length >= 2 ? $@"\\{parts[0]}\{parts[1]}" : null;
        }
    }
}

/// <summary>Reads /proc/mounts (the kernel's table of mounts, fields escaped as octal: \040 is a space).</summary>
internal static class MountTable
{
    public const string Path = "/proc/mounts";

    public static IReadOnlyList<MountEntry> Parse(string text) =>
        text.Split('\n')
            .Select(line => line.Split(' '))
            .Where(fields => fields.Length >= 3)
            .Select(fields => new MountEntry(Unescape(fields[0]), Unescape(fields[1]), Unescape(fields[2])))
            .ToList();

    /// <summary>The mount a full path lies on: the one with the longest mount point that contains it (the last
    /// such line where one is mounted over another).</summary>
    public static MountEntry? Containing(IReadOnlyList<MountEntry> mounts, string fullPath) =>
        mounts.Select((mount, index) => (mount, index))
            .Where(m => Contains(m.mount.MountPoint, fullPath))
            .OrderByDescending(m => m.mount.MountPoint.Length).ThenByDescending(m => m.index)
            .Select(m => m.mount).FirstOrDefault();

    private static bool Contains(string mountPoint, string path) =>
        mountPoint == "/" || path == mountPoint || path.StartsWith(mountPoint.TrimEnd('/') + "/", StringComparison.Ordinal);

    private static string Unescape(string field)
    {
        if (field.IndexOf('\\') < 0)
        {
            return field;
        }

        var text = new StringBuilder();
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                text.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                text.Append(field[i]);
            }
        }

        return text.ToString();
    }

    private static bool IsOctal(string field, int start) =>
        start + 3 <= field.Length && field.Substring(start, 3).All(c => c is >= '0' and <= '7');
}
