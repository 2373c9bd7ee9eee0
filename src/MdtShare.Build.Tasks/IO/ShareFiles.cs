namespace MdtShare.Build.IO;

/// <summary>Finds a share's files the way Windows would, whatever their letter case: a share copied onto a
/// case-sensitive disk may hold <c>control/customsettings.ini</c>.</summary>
internal static class ShareFiles
{
    /// <summary>The file at a '/'-separated path under <paramref name="root"/>, matched case-insensitively, or null.</summary>
    public static string? Find(string root, string relativePath) => Walk(root, relativePath, lastIsFile: true);

    /// <summary>The folder at a '/'-separated path under <paramref name="root"/>, matched case-insensitively, or null.</summary>
    public static string? FindFolder(string root, string relativePath) => Walk(root, relativePath, lastIsFile: false);

    private static string? Walk(string root, string relativePath, bool lastIsFile)
    {
        string? current = root;
        string[] parts = relativePath.Split('/');
        for (int i = 0; i < parts.Length && current is not null; i++)
        {
            bool file = lastIsFile && i == parts.Length - 1;
            current = Entry(current, parts[i], file ? Directory.EnumerateFiles : Directory.EnumerateDirectories, file);
        }

        return current;
    }

    /// <summary>The path of <paramref name="file"/> relative to <paramref name="root"/>, '/'-separated.</summary>
    public static string Relative(string root, string file) =>
        file.Substring(root.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Length + 1)
            .Replace(Path.DirectorySeparatorChar, '/');

    private static string? Entry(string folder, string name, Func<string, IEnumerable<string>> enumerate, bool file)
    {
        string exact = Path.Combine(folder, name);
        if (file ? File.Exists(exact) : Directory.Exists(exact))
        {
            return exact;
        }

        return Directory.Exists(folder)
            ? enumerate(folder).FirstOrDefault(p => string.Equals(Path.GetFileName(p), name, StringComparison.OrdinalIgnoreCase))
            : null;
    }
}
