using System.Runtime.CompilerServices;
namespace MdtShare.Build.Mirror;

public enum CopyReason
{
    New,
    Changed,
}

public sealed record CopyItem(TreeFile Source, string RelativePath, string DestinationPath, CopyReason Reason, bool ReplacesReadOnly);

public enum DeleteKind
{
    File,
    Link,
    Directory,
}

public sealed record DeleteItem(string RelativePath, string FullPath, DeleteKind Kind, bool ReadOnly = false);

/// <summary>
/// What a publish must do to make a destination equal the source plus overlays, in the order it must be done:
/// type swaps, folders, bulk content, metadata (Control/ and overlay files) last, then purges.
/// </summary>
public sealed class MirrorPlan
{
    public List<DeleteItem> SwapDeletes { get; } = [];

    public List<string> DirectoriesToCreate { get; } = [];

    public List<CopyItem> BulkCopies { get; } = [];

    public List<CopyItem> MetadataCopies { get; } = [];

    public List<DeleteItem> Deletes { get; } = [];

    public int Unchanged { get; private set; }

    /// <summary>Files the destination held before the publish (excluded ones left out): the base for the delete guard.</summary>
    public int DestinationFileCount { get; private set; }

    public IEnumerable<CopyItem> Copies => BulkCopies.Concat(MetadataCopies);

    public int FileDeleteCount => SwapDeletes.Concat(Deletes).Count(d => d.Kind != DeleteKind.Directory);

    /// <param name="source">The source share with overlay files merged in.</param>
    /// <param name="overlayPaths">Relative paths that come from an overlay: published with the metadata.</param>
    /// <param name="isUnchanged">Decides whether an existing destination file already matches its source.</param>
    [MethodImpl(HotPath.Optimize)]
    public static MirrorPlan Create(SourceTree source, TreeSnapshot destination, string destinationRoot, Func<TreeFile, TreeFile, bool> isUnchanged)
    {
        var plan = new MirrorPlan { DestinationFileCount = destination.Files.Count + destination.Links.Count };
        var links = new HashSet<string>(destination.Links, StringComparer.Ordinal);
        var swappedFolders = new List<string>();

        foreach (string folder in source.Directories)
        {
            if (destination.Files.TryGetValue(folder, out TreeFile? file))
            {
                plan.SwapDeletes.Add(new DeleteItem(folder, file.FullPath, DeleteKind.File, file.ReadOnly));
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
            if (destination.Files.TryGetValue(relative, out TreeFile? existing))
            {
                if (isUnchanged(sourceFile, existing))
                {
                    plan.Unchanged++;
                    continue;
                }

                reason = CopyReason.Changed;
                readOnly = existing.ReadOnly;
            }
            else if (links.Remove(relative))
            {
                plan.SwapDeletes.Add(new DeleteItem(relative, destinationPath, DeleteKind.Link));
            }
            else if (destination.Directories.Contains(relative))
            {
                swappedFolders.Add(relative);
            }

            var item = new CopyItem(sourceFile, relative, destinationPath, reason, readOnly);
            (source.IsMetadata(relative) ? plan.MetadataCopies : plan.BulkCopies).Add(item);
        }

        // A destination folder where the source has a file: its whole content goes first, deepest first.
        foreach (string folder in swappedFolders)
        {
            string prefix = folder + "/";
            plan.SwapDeletes.AddRange(destination.Files.Values.Where(f => f.RelativePath.StartsWith(prefix, StringComparison.Ordinal))
                .Select(f => new DeleteItem(f.RelativePath, f.FullPath, DeleteKind.File, f.ReadOnly)));
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
            .Select(f => new DeleteItem(f.RelativePath, f.FullPath, DeleteKind.File, f.ReadOnly)));
        plan.Deletes.AddRange(links.Where(l => !swapped.Contains(l)).OrderBy(l => l, StringComparer.Ordinal)
            .Select(l => new DeleteItem(l, TreeSnapshot.Combine(destinationRoot, l), DeleteKind.Link)));
        plan.Deletes.AddRange(destination.Directories
            .Where(d => !source.Directories.Contains(d) && !destination.ProtectedDirectories.Contains(d) && !swapped.Contains(d))
            .OrderByDescending(d => d.Count(c => c == '/')).ThenBy(d => d, StringComparer.Ordinal)
            .Select(d => new DeleteItem(d, TreeSnapshot.Combine(destinationRoot, d), DeleteKind.Directory)));
        return plan;
    }
}
