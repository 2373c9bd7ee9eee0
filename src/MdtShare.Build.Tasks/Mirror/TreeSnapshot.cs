using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
namespace MdtShare.Build.Mirror;

/// <summary>A file seen in a tree: where it is, and what it looked like when enumerated (the stamps: see
/// <see cref="FileSystemEntry"/>).</summary>
internal sealed record TreeFile(string RelativePath, string FullPath, long Length, DateTime LastWriteTimeUtc, bool ReadOnly, long ChangeStamp = 0, long FileId = 0);

/// <summary>
/// One recursive, link-safe enumeration of a tree: links are recorded, never followed, so enumeration cannot loop
/// or leave the tree. Relative paths use '/'. Excluded paths are left out; on a destination the folders holding
/// excluded content are remembered so they are never purged.
/// </summary>
internal sealed class TreeSnapshot
{
    public const string TempPrefix = ".~mdtshare.";
    public const string TempSuffix = ".tmp";

    private static readonly int ListingParallelism = Math.Max(4, Environment.ProcessorCount);

    public Dictionary<string, TreeFile> Files { get; } = new(StringComparer.Ordinal);

    public SortedSet<string> Directories { get; } = new(StringComparer.Ordinal);

    /// <summary>Links (relative path), which the mirror never follows.</summary>
    public List<string> Links { get; } = [];

    /// <summary>Folders holding excluded content somewhere below them; a purge keeps them.</summary>
    public HashSet<string> ProtectedDirectories { get; } = new(StringComparer.Ordinal);

    /// <summary>Temp files an interrupted run left behind (full paths).</summary>
    public List<string> LeftoverTempFiles { get; } = [];

    [MethodImpl(HotPath.Optimize)]
    public static TreeSnapshot Take(IMirrorFileSystem fileSystem, string root, ExcludeFilter exclude, Func<string, bool> isReserved)
    {
        var snapshot = new TreeSnapshot();
        for (List<string> level = [string.Empty]; level.Count > 0;)
        {
            IReadOnlyList<FileSystemEntry>[] listings = ListAll(fileSystem, root, level);
            var next = new List<string>();
            for (int i = 0; i < level.Count; i++)
            {
                string folder = level[i];
                foreach (FileSystemEntry entry in listings[i])
                {
                    string relative = folder.Length == 0 ? entry.Name : folder + "/" + entry.Name;
                    if (entry.Kind == EntryKind.File && entry.Name.StartsWith(TempPrefix, StringComparison.Ordinal) && entry.Name.EndsWith(TempSuffix, StringComparison.Ordinal))
                    {
                        snapshot.LeftoverTempFiles.Add(Combine(root, relative));
                    }
                    else if (isReserved(relative))
                    {
                    }
                    else if (entry.Kind == EntryKind.Directory ? exclude.ExcludesWholeFolder(relative) : exclude.IsExcluded(relative))
                    {
                        snapshot.Protect(folder);
                        if (entry.Kind == EntryKind.Directory)
                        {
                            snapshot.Protect(relative);
                        }
                    }
                    else if (entry.Kind == EntryKind.Link)
                    {
                        snapshot.Links.Add(relative);
                    }
                    else if (entry.Kind == EntryKind.Directory)
                    {
                        snapshot.Directories.Add(relative);
                        next.Add(relative);
                    }
                    else
                    {
                        snapshot.Files[relative] = new TreeFile(relative, Combine(root, relative), entry.Length, entry.LastWriteTimeUtc, entry.ReadOnly, entry.ChangeStamp, entry.FileId);
                    }
                }
            }

            level = next;
        }

        return snapshot;
    }

    /// <summary>Lists the folders of one level of the tree several at a time: listing is a stat per entry, and on a
    /// network share a round trip per folder, so overlapping them is most of the speed-up.</summary>
    private static IReadOnlyList<FileSystemEntry>[] ListAll(IMirrorFileSystem fileSystem, string root, List<string> folders)
    {
        var listings = new IReadOnlyList<FileSystemEntry>[folders.Count];
        try
        {
            Parallel.For(0, folders.Count, new ParallelOptions { MaxDegreeOfParallelism = ListingParallelism },
                i => listings[i] = fileSystem.Enumerate(Combine(root, folders[i])));
        }
        catch (AggregateException failure)
        {
            // The caller retries and classifies the failure itself, as for a listing on one thread.
            ExceptionDispatchInfo.Capture(failure.InnerExceptions[0]).Throw();
        }

        return listings;
    }

    public static string Combine(string root, string relativePath) =>
        relativePath.Length == 0 ? root
        : Path.Combine(root, Path.DirectorySeparatorChar == '/' ? relativePath : relativePath.Replace('/', Path.DirectorySeparatorChar));

    private void Protect(string folder)
    {
        for (string current = folder; current.Length > 0 && ProtectedDirectories.Add(current);)
        {
            int slash = current.LastIndexOf('/');
            current = slash < 0 ? string.Empty : current.Substring(0, slash);
        }
    }
}
