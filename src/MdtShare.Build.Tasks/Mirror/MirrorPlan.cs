using System.Runtime.CompilerServices;
namespace MdtShare.Build.Mirror;

internal enum CopyReason
{
    New,
    Changed,
}

/// <param name="ReplacedLength">The size of the target file it replaces (0 for a new file).</param>
internal sealed record CopyItem(TreeFile Source, string RelativePath, string DestinationPath, CopyReason Reason, bool ReplacesReadOnly, long ReplacedLength);

internal enum DeleteKind
{
    File,
    Link,
    Directory,
}

/// <param name="KeepIfHeld">A retired image whose retention is over: while a client holds it, it stays for a later
/// publish instead of being waited for.</param>
internal sealed record DeleteItem(string RelativePath, string FullPath, DeleteKind Kind, bool ReadOnly = false, bool KeepIfHeld = false);

/// <summary>An unchanged file whose read-only attribute, or last-write time beyond the tolerance (same bytes under a
/// content comparison), differs from the share's: both are set as the share has them.</summary>
internal sealed record AttributeFix(string RelativePath, string DestinationPath, bool ReadOnly, DateTime LastWriteTimeUtc);

/// <summary>A target entry spelled differently from the source's in letter case only, renamed to the source's spelling.</summary>
internal sealed record CaseRename(string From, string To, string RelativePath, bool IsDirectory);

/// <summary>
/// What a publish must do to make a destination equal the source plus overlays, in the order it must be done:
/// case renames, type swaps, folders, bulk content, metadata (Control/ and overlay files) last, then purges.
/// Target names are matched to the source's ignoring letter case, as a Windows share does: there `drivers/a.INF` IS
/// `Drivers/A.inf`, so copying the one and purging the other would delete the file just written.
/// </summary>
internal sealed class MirrorPlan
{
    /// <summary>Folders first, parents before children, then files.</summary>
    public List<CaseRename> CaseRenames { get; } = [];

    public List<DeleteItem> SwapDeletes { get; } = [];

    public List<string> DirectoriesToCreate { get; } = [];

    public List<CopyItem> BulkCopies { get; } = [];

    public List<CopyItem> MetadataCopies { get; } = [];

    public List<DeleteItem> Deletes { get; } = [];

    public List<AttributeFix> AttributeFixes { get; } = [];

    public int Unchanged { get; private set; }

    /// <summary>Files the destination held before the publish (excluded ones left out): the base for the delete guard.</summary>
    public int DestinationFileCount { get; private set; }

    public IEnumerable<CopyItem> Copies => BulkCopies.Concat(MetadataCopies);

    /// <summary>The free space the copies need at their peak: new files, growth of changed ones, and each writer's
    /// temp copy of a changed file existing beside the file it replaces.</summary>
    public long BytesNeeded(int writers) =>
        Copies.Sum(c => Math.Max(0, c.Source.Length - c.ReplacedLength))
        + Copies.Where(c => c.ReplacedLength > 0).Select(c => Math.Min(c.Source.Length, c.ReplacedLength)).OrderByDescending(l => l).Take(writers).Sum();

    public int FileDeleteCount => SwapDeletes.Concat(Deletes).Count(d => d.Kind != DeleteKind.Directory);

    /// <param name="source">The source share with overlay files merged in.</param>
    /// <param name="overlayPaths">Relative paths that come from an overlay: published with the metadata.</param>
    /// <param name="isUnchanged">Decides whether an existing destination file already matches its source.</param>
    /// <param name="timestampTolerance">How far apart two last-write times may be and still be the same.</param>
    [MethodImpl(HotPath.Optimize)]
    public static MirrorPlan Create(SourceTree source, TreeSnapshot listed, string destinationRoot, Func<TreeFile, TreeFile, bool> isUnchanged, TimeSpan timestampTolerance)
    {
        var plan = new MirrorPlan { DestinationFileCount = listed.Files.Count + listed.Links.Count };
        TreeSnapshot destination = plan.MatchCase(source, listed, destinationRoot);
        var links = new HashSet<string>(destination.Links, StringComparer.Ordinal);
        var swappedFolders = new List<string>();

        foreach (string folder in source.Directories)
        {
            if (destination.Files.TryGetValue(folder, out TreeFile? file))
            {
                plan.SwapDeletes.Add(new DeleteItem(folder, TreeSnapshot.Combine(destinationRoot, folder), DeleteKind.File, file.ReadOnly));
            }
            else if (links.Remove(folder))
            {
                plan.SwapDeletes.Add(new DeleteItem(folder, TreeSnapshot.Combine(destinationRoot, folder), DeleteKind.Link));
            }

            if (!destination.Directories.Contains(folder))
            {
                plan.DirectoriesToCreate.Add(folder);
            }
        }

        foreach (TreeFile sourceFile in source.Files.Values.OrderBy(f => f.RelativePath, StringComparer.Ordinal))
        {
            string relative = sourceFile.RelativePath;
            string destinationPath = TreeSnapshot.Combine(destinationRoot, relative);
            CopyReason reason = CopyReason.New;
            bool readOnly = false;
            long replaced = 0;
            if (destination.Files.TryGetValue(relative, out TreeFile? existing))
            {
                if (isUnchanged(sourceFile, existing))
                {
                    plan.Unchanged++;
                    if (sourceFile.ReadOnly != existing.ReadOnly || (sourceFile.LastWriteTimeUtc - existing.LastWriteTimeUtc).Duration() > timestampTolerance)
                    {
                        plan.AttributeFixes.Add(new AttributeFix(relative, destinationPath, sourceFile.ReadOnly, sourceFile.LastWriteTimeUtc));
                    }

                    continue;
                }

                reason = CopyReason.Changed;
                readOnly = existing.ReadOnly;
                replaced = existing.Length;
            }
            else if (links.Remove(relative))
            {
                plan.SwapDeletes.Add(new DeleteItem(relative, destinationPath, DeleteKind.Link));
            }
            else if (destination.Directories.Contains(relative))
            {
                swappedFolders.Add(relative);
            }

            var item = new CopyItem(sourceFile, relative, destinationPath, reason, readOnly, replaced);
            (source.IsMetadata(relative) ? plan.MetadataCopies : plan.BulkCopies).Add(item);
        }

        // A destination folder where the source has a file: its whole content goes first, deepest first.
        foreach (string folder in swappedFolders)
        {
            string prefix = folder + "/";
            plan.SwapDeletes.AddRange(destination.Files.Values.Where(f => f.RelativePath.StartsWith(prefix, StringComparison.Ordinal))
                .Select(f => new DeleteItem(f.RelativePath, TreeSnapshot.Combine(destinationRoot, f.RelativePath), DeleteKind.File, f.ReadOnly)));
            plan.SwapDeletes.AddRange(destination.Links.Where(l => l.StartsWith(prefix, StringComparison.Ordinal))
                .Select(l => new DeleteItem(l, TreeSnapshot.Combine(destinationRoot, l), DeleteKind.Link)));
            plan.SwapDeletes.AddRange(destination.Directories.Where(d => d == folder || d.StartsWith(prefix, StringComparison.Ordinal))
                .OrderByDescending(d => d.Length)
                .Select(d => new DeleteItem(d, TreeSnapshot.Combine(destinationRoot, d), DeleteKind.Directory)));
        }

        var swapped = new HashSet<string>(plan.SwapDeletes.Select(d => d.RelativePath), StringComparer.Ordinal);
        plan.Deletes.AddRange(destination.Files.Values
            .Where(f => !source.Files.ContainsKey(f.RelativePath) && !source.Directories.Contains(f.RelativePath) && !swapped.Contains(f.RelativePath))
            .OrderBy(f => f.RelativePath, StringComparer.Ordinal)
            .Select(f => new DeleteItem(f.RelativePath, TreeSnapshot.Combine(destinationRoot, f.RelativePath), DeleteKind.File, f.ReadOnly)));
        plan.Deletes.AddRange(links.Where(l => !swapped.Contains(l)).OrderBy(l => l, StringComparer.Ordinal)
            .Select(l => new DeleteItem(l, TreeSnapshot.Combine(destinationRoot, l), DeleteKind.Link)));
        plan.Deletes.AddRange(destination.Directories
            .Where(d => !source.Directories.Contains(d) && !destination.ProtectedDirectories.Contains(d) && !swapped.Contains(d))
            .OrderByDescending(d => d.Count(c => c == '/')).ThenBy(d => d, StringComparer.Ordinal)
            .Select(d => new DeleteItem(d, TreeSnapshot.Combine(destinationRoot, d), DeleteKind.Directory)));
        return plan;
    }

    /// <summary>
    /// The destination as it will be named once the case renames are done: an entry whose path matches a source
    /// entry of the same kind in all but letter case takes the source's spelling (and a rename is planned). On a
    /// case-sensitive target that holds both spellings, the exact one wins and the other stays an extra entry.
    /// </summary>
    [MethodImpl(HotPath.Optimize)]
    private TreeSnapshot MatchCase(SourceTree source, TreeSnapshot listed, string root)
    {
        var spellings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string path in source.Files.Keys.Concat(source.Directories).OrderBy(p => p, StringComparer.Ordinal))
        {
            if (!spellings.ContainsKey(path))
            {
                spellings[path] = path;
            }
        }

        var result = new TreeSnapshot();
        var located = new Dictionary<string, string>(StringComparer.Ordinal) { [string.Empty] = string.Empty };
        var taken = new HashSet<string>(StringComparer.Ordinal);

        // Where an entry is once its parent folders carry their new names; taking the source's spelling if it may.
        string Place(string path, bool isDirectory, bool sourceHasKind)
        {
            int slash = path.LastIndexOf('/');
            string parent = located[slash < 0 ? string.Empty : path.Substring(0, slash)];
            string here = parent.Length == 0 ? path.Substring(slash + 1) : parent + "/" + path.Substring(slash + 1);
            string key = here;
            if (spellings.TryGetValue(here, out string? spelled) && spelled != here && sourceHasKind && !taken.Contains(spelled)
                && !listed.Files.ContainsKey(spelled) && !listed.Directories.Contains(spelled))
            {
                key = spelled;
                CaseRenames.Add(new CaseRename(TreeSnapshot.Combine(root, here), TreeSnapshot.Combine(root, spelled), spelled, isDirectory));
            }

            taken.Add(key);
            return key;
        }

        foreach (string folder in listed.Directories.OrderBy(d => d.Count(c => c == '/')).ThenBy(d => d, StringComparer.Ordinal))
        {
            string key = Place(folder, isDirectory: true, spellings.TryGetValue(folder, out string? s) && source.Directories.Contains(s));
            located[folder] = key;
            result.Directories.Add(key);
            if (listed.ProtectedDirectories.Contains(folder))
            {
                result.ProtectedDirectories.Add(key);
            }
        }

        foreach (TreeFile file in listed.Files.Values.OrderBy(f => f.RelativePath, StringComparer.Ordinal))
        {
            string key = Place(file.RelativePath, isDirectory: false, spellings.TryGetValue(file.RelativePath, out string? s) && source.Files.ContainsKey(s));
            // FullPath stays where the file is now, for a content comparison made before the renames run; everything
            // done after them (deletes) goes by the relative path.
            result.Files[key] = key == file.RelativePath ? file : file with { RelativePath = key };
        }

        foreach (string link in listed.Links)
        {
            int slash = link.LastIndexOf('/');
            string parent = located[slash < 0 ? string.Empty : link.Substring(0, slash)];
            result.Links.Add(parent.Length == 0 ? link : parent + link.Substring(slash));
        }

        return result;
    }
}
