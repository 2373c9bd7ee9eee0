using System.Security.Cryptography;

namespace MdtShare.Build.Tests.Shared;

/// <summary>
/// A deployment share of realistic shape for the SMB tests, small enough for CI: many small driver files in deep
/// folders, a few large files (no boot images: random bytes are no WIM), Control/ metadata. Deterministic for a
/// seed. (bench/generate_share.py makes the large shares for the benchmark.)
/// </summary>
public static class SyntheticShare
{
    public static void Create(string root, int files, long bytes, int seed)
    {
        var random = new Random(seed);
        var large = new[] { "Applications/Office/Data/stream.x64.dat", "Operating Systems/Windows 11 23H2/sources/install.wim", "Packages/Cumulative/update.cab" };
        foreach (string path in large)
        {
            Write(root, path, Content(random, bytes / 2 / large.Length));
        }

        Write(root, "Control/Bootstrap.ini", "[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nDeployRoot=\\\\MDT01\\DeploymentShare$\r\n"u8.ToArray());
        Write(root, "Control/CustomSettings.ini", "[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nOSInstall=Y\r\n"u8.ToArray());
        Write(root, "Scripts/ZTIUtility.vbs", Content(random, 4096));
        long smallBytes = bytes / 2 / Math.Max(1, files - large.Length - 3);
        for (int i = 0; i < files - large.Length - 3; i++)
        {
            string extension = (i % 3) switch { 0 => "inf", 1 => "sys", _ => "cat" };
            string path = $"Out-of-Box Drivers/Vendor{i % 5}/Model{i / 5 % 12}/Driver{i / 60}/file{i}.{extension}";
            Write(root, path, Content(random, (long)(smallBytes * (0.25 + (random.NextDouble() * 1.5)))));
        }
    }

    /// <summary>Rewrites a fraction of the files with new content of another size, dated later, as an edit would.</summary>
    public static IReadOnlyList<string> Change(string root, double fraction, int seed)
    {
        var random = new Random(seed);
        var changed = new List<string>();
        foreach (string file in Directory.GetFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (random.NextDouble() < fraction)
            {
                var info = new FileInfo(file);
                DateTime written = info.LastWriteTimeUtc;
                File.WriteAllBytes(file, Content(random, Math.Max(1, info.Length + random.Next(1, 4096))));
                File.SetLastWriteTimeUtc(file, written.AddMinutes(1));
                changed.Add(Path.GetRelativePath(root, file));
            }
        }

        return changed;
    }

    /// <summary>SHA-256 of every file by '/'-separated relative path: an oracle that shares no code with the product.
    /// The ownership marker and lock the publisher keeps at a target root are left out.</summary>
    public static Dictionary<string, string> Hashes(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith(".mdtshare-", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(root, f).Replace('\\', '/'), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))), StringComparer.Ordinal);

    private static byte[] Content(Random random, long length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static void Write(string root, string relativePath, byte[] content)
    {
        string path = Path.Combine(root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }
}
