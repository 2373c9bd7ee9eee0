using System.Text;
using MdtShare.Build.Manifest;
using MdtShare.Build.Mirror;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.WindowsTests.Support;

/// <summary>A deployment share in MDT's layout, and what the tests publish and compare.</summary>
internal static class Shares
{
    public const string Image = "Operating Systems/Windows 11 x64/sources/install.wim";

    public static readonly string[] Layout =
    [
        "Control/Bootstrap.ini", "Control/CustomSettings.ini", "Control/OperatingSystems.xml", "Control/WIN11-X64/ts.xml",
        "Scripts/LiteTouch.wsf", "Scripts/ZTIUtility.vbs", "Scripts/ZTIGather.wsf", "Scripts/ZTIGather.xml",
        "Tools/x64/BDDRUN.exe", "Boot/LiteTouchPE_x64.wim", "Applications/7-Zip/7z2408-x64.msi",
        "Out-of-Box Drivers/Dell/Latitude 7440/e1d68x64.inf", "Out-of-Box Drivers/Dell/Latitude 7440/e1d68x64.sys",
    ];

    /// <summary>The share, with an install image of a few MiB (several copy blocks), its files a day old.</summary>
    public static void WriteSample(TempDirectory share) => WriteSample(share.Path);

    public static void WriteSample(string root)
    {
        void Write(string relativePath, byte[] content)
        {
            string path = Path.Combine(root, relativePath.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, content);

            // Older than the tests' edits by more than the mirror's time tolerance.
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddDays(-1));
        }

        foreach (string file in Layout)
        {
            Write(file, Encoding.UTF8.GetBytes($"{file}\r\n; written by the Windows layer's tests\r\n"));
        }

        Write(Image, Bytes(seed: 1, length: 3 << 20));
    }

    public static byte[] Bytes(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <param name="publishedNames">Share files published under another name (images named by their content).</param>
    public static MirrorResult Publish(string source, string target, RecordingListener listener,
        TimeSpan? busyWait = null, TimeSpan? retryWindow = null,
        IReadOnlyDictionary<string, string>? publishedNames = null, TimeSpan? imageRetention = null)
    {
        var engine = new MirrorEngine(listener);
        var options = new MirrorOptions(source, target)
        {
            BusyWait = busyWait ?? TimeSpan.FromSeconds(120),
            RetryWindow = retryWindow ?? TimeSpan.FromSeconds(30),
            MaxDeletePercent = 50,   // the sample is small: a folder of two drivers is 14 % of it
            PublishedNames = publishedNames ?? new Dictionary<string, string>(),
            ImageRetention = imageRetention ?? TimeSpan.FromHours(MirrorOptions.DefaultImageRetentionHours),
        };
        return engine.Publish(options, CancellationToken.None);
    }

    /// <summary>Every file below a root, '/'-separated relative path → SHA-256, without MdtShare's own files.</summary>
    public static SortedDictionary<string, string> Hashes(string root)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            string relative = path.Substring(root.Length + 1).Replace('\\', '/');
            if (!relative.StartsWith(".mdtshare-", StringComparison.Ordinal))
            {
                files[relative] = FileHasher.Hash(path, CancellationToken.None);
            }
        }

        return files;
    }

    /// <summary>Temp files of a publish (a new version waiting under a temporary name).</summary>
    public static List<string> TempFiles(string root) =>
        Directory.EnumerateFiles(root, TreeSnapshot.TempPrefix + "*", SearchOption.AllDirectories).ToList();

    public static string Text(string path) => Encoding.UTF8.GetString(File.ReadAllBytes(path));
}
