using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace MdtShare.Build.EndToEndTests;

/// <summary>
/// Run after every build a <see cref="TestProject"/> starts: the secrets that build was given (environment
/// variables and INI entries whose names say credential) must not appear in its console output, its binlog, or any
/// file under bin/ and obj/, except the patched INI files and the boot images, which must carry them.
/// </summary>
public static class SecretScan
{
    // Shorter values are flags like SkipAdminPassword=YES, found everywhere; every secret a test plants is longer.
    private const int ShortestSecret = 8;

    private static readonly string[] CredentialFragments = ["password", "pwd", "secret"];

    private static readonly Regex IniEntry = new(@"^\s*([^=;\[\r\n]+?)\s*=\s*(.*?)\s*$", RegexOptions.Multiline);

    /// <summary>The secret values in the environment given to the build and in every INI file of the project
    /// outside bin/ and obj/ (the share and anything published from it).</summary>
    public static IReadOnlySet<string> SecretsOf(string root, IReadOnlyDictionary<string, string?> environment)
    {
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in environment)
        {
            Add(secrets, name, value);
        }

        foreach (string ini in Directory.EnumerateFiles(root, "*.ini", SearchOption.AllDirectories).Where(p => !IsBuildOutput(root, p)))
        {
            foreach (Match entry in IniEntry.Matches(Encoding.Latin1.GetString(File.ReadAllBytes(ini))))
            {
                Add(secrets, entry.Groups[1].Value, entry.Groups[2].Value);
            }
        }

        return secrets;
    }

    /// <summary>Where each secret was found: "console output", "binlog", or a path under bin/ or obj/.</summary>
    public static IReadOnlyList<string> Leaks(string root, IReadOnlySet<string> secrets, string output, string? binlog)
    {
        var leaks = new List<string>();
        if (secrets.Count == 0)
        {
            return leaks;
        }

        if (secrets.Any(output.Contains))
        {
            leaks.Add("console output");
        }

        if (binlog is not null && File.Exists(binlog) && ContainsAny(Decompress(File.ReadAllBytes(binlog)), secrets))
        {
            leaks.Add("binlog " + binlog);
        }

        foreach (string folder in new[] { "bin", "obj" }.Select(f => Path.Combine(root, f)).Where(Directory.Exists))
        {
            leaks.AddRange(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Where(path => !MustCarrySecrets(root, path) && ContainsAny(File.ReadAllBytes(path), secrets))
                .Select(path => Path.GetRelativePath(root, path)));
        }

        return leaks;
    }

    public static bool ContainsAny(byte[] haystack, IEnumerable<string> texts) =>
        texts.Any(text => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0 || haystack.AsSpan().IndexOf(Encoding.Unicode.GetBytes(text)) >= 0);

    public static byte[] Decompress(byte[] gzip)
    {
        using var input = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        using var decompressed = new MemoryStream();
        input.CopyTo(decompressed);
        return decompressed.ToArray();
    }

    private static void Add(HashSet<string> secrets, string name, string? value)
    {
        if (value is { Length: >= ShortestSecret } && CredentialFragments.Any(f => name.Contains(f, StringComparison.OrdinalIgnoreCase)))
        {
            secrets.Add(value);
        }
    }

    private static bool IsBuildOutput(string root, string path) =>
        Path.GetRelativePath(root, path).Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj";

    /// <summary>The patched Bootstrap.ini (and any INI the overlay holds) and the patched boot images.</summary>
    private static bool MustCarrySecrets(string root, string path) =>
        path.EndsWith(".wim", StringComparison.OrdinalIgnoreCase)
        || (path.EndsWith(".ini", StringComparison.OrdinalIgnoreCase) && Path.GetRelativePath(root, path).StartsWith(Path.Combine("bin", "overlay") + Path.DirectorySeparatorChar, StringComparison.Ordinal));
}
