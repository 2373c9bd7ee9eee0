using System.Globalization;
using System.Text;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.IO;

namespace MdtShare.Build.Mirror;

/// <summary>
/// The two files MdtShare keeps at a destination's root: an ownership marker written by the first publish (a
/// purge is only ever done in a folder we own) and the lock that keeps a second publisher out (<see cref="PublishLock"/>).
/// </summary>
internal static class TargetOwnership
{
    public const string MarkerName = ".mdtshare-target";
    public const string LockName = PublishLock.Name;

    /// <summary>The SHA-256 of every file the last complete publish left on the target (sha256sum format).</summary>
    public const string PublishedName = ".mdtshare-published.sha256";

    /// <summary>The marker, the record of the last publish, the record of retained images, the lock, and a lock taken aside by a publisher breaking
    /// it (<c>.mdtshare-publish.lock.&lt;run&gt;</c>).</summary>
    public static bool IsReserved(string relativePath) =>
        string.Equals(relativePath, MarkerName, StringComparison.OrdinalIgnoreCase)
        || string.Equals(relativePath, PublishedName, StringComparison.OrdinalIgnoreCase)
        || string.Equals(relativePath, ImageRetention.RecordName, StringComparison.OrdinalIgnoreCase)
        || relativePath.StartsWith(LockName, StringComparison.OrdinalIgnoreCase) && relativePath.IndexOf('/') < 0;

    /// <summary>Refuses destinations a purge must never run in; null when the pair is fine.</summary>
    public static Diagnostic? CheckPaths(string source, string destination)
    {
        string sourceFull = Normalize(source);
        string destinationFull = Normalize(destination);
        StringComparison comparison = HostSystem.FileNameComparison;
        string trimmed = destinationFull.TrimEnd(Path.DirectorySeparatorChar);
        string? root = Path.GetPathRoot(destinationFull);
        bool isUncShare = destinationFull.StartsWith(@"\\", StringComparison.Ordinal);
        if (!isUncShare && root is not null && string.Equals(trimmed, root.TrimEnd(Path.DirectorySeparatorChar), comparison))
        {
            return new Diagnostic(DiagnosticCode.TargetIsFileSystemRoot,
                $"The publish target '{destination}' is the root of a drive or file system; publish into a folder (a UNC share root such as \\\\MDTCLUSTER\\Distribution$ is fine).");
        }

        if (destinationFull.StartsWith(sourceFull, comparison) || sourceFull.StartsWith(destinationFull, comparison))
        {
            return new Diagnostic(DiagnosticCode.TargetOverlapsSource,
                $"The publish target '{destination}' and the deployment share '{source}' are the same folder or one is inside the other; a mirror between them would copy into or purge the share.");
        }

        return null;
    }

    public static string MarkerContent(string source, DateTime createdUtc) => string.Join("\n",
        "This folder is a deployment share published by MdtShare.Build; publishes mirror into it and may delete files.",
        "source=" + source,
        "created=" + createdUtc.ToString("o", CultureInfo.InvariantCulture)) + "\n";

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Normalize(string path) =>
        Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) + Path.DirectorySeparatorChar;
}
