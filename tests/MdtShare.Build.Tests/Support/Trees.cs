using System.Text;

namespace MdtShare.Build.Tests.Support;

public static class Trees
{
    /// <summary>Every file below a root as '/'-separated relative path → content, skipping the given names.</summary>
    public static SortedDictionary<string, string> Read(string root, params string[] skipNames)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string path in Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            string relative = Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
            if (!skipNames.Any(s => relative == s || relative.StartsWith(s + "/", StringComparison.Ordinal)))
            {
                files[relative] = File.ReadAllText(path);
            }
        }

        return files;
    }

    public static void Write(string root, params (string Path, string Content)[] files)
    {
        foreach (var (path, content) in files)
        {
            string full = Path.Combine(root, path.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }
    }
}
