using System.Runtime.CompilerServices;
namespace MdtShare.Build.Mirror;

/// <summary>
/// What a destination must hold: the share's files with the overlay folders applied on top (later overlays win).
/// An overlay file replaces the share's file of the same path whatever its letter case, keeping the share's
/// spelling, so a case-insensitive target never sees two names for one file.
/// </summary>
internal sealed class SourceTree
{
    private const string ControlFolder = "Control";

    private readonly HashSet<string> _overlayPaths = new(StringComparer.Ordinal);

    // Published name -> the share's name, for files published under a versioned name.
    private readonly Dictionary<string, string> _publishedFrom = new(StringComparer.Ordinal);

    private SourceTree(TreeSnapshot share, bool copy)
    {
        Files = copy ? new Dictionary<string, TreeFile>(share.Files, StringComparer.Ordinal) : share.Files;
        Directories = copy ? new SortedSet<string>(share.Directories, StringComparer.Ordinal) : share.Directories;
        Links = share.Links;
    }

    public Dictionary<string, TreeFile> Files { get; }

    public SortedSet<string> Directories { get; }

    /// <summary>Links found in the share: not published (a link could point anywhere).</summary>
    public IReadOnlyList<string> Links { get; }

    public static SourceTree Create(IMirrorFileSystem fileSystem, string shareRoot, IEnumerable<string> overlayRoots,
        ExcludeFilter exclude, Func<string, bool> isReserved) =>
        Create(fileSystem, TreeSnapshot.Take(fileSystem, shareRoot, exclude, isReserved), overlayRoots, exclude, isReserved, copy: false);

    /// <summary>The tree for one set of overlays over a share listed once (per-site targets share the listing).</summary>
    public static SourceTree WithOverlays(IMirrorFileSystem fileSystem, TreeSnapshot share, IEnumerable<string> overlayRoots,
        ExcludeFilter exclude, Func<string, bool> isReserved) =>
        Create(fileSystem, share, overlayRoots, exclude, isReserved, copy: true);

    [MethodImpl(HotPath.Optimize)]
    private static SourceTree Create(IMirrorFileSystem fileSystem, TreeSnapshot share, IEnumerable<string> overlayRoots,
        ExcludeFilter exclude, Func<string, bool> isReserved, bool copy)
    {
        var tree = new SourceTree(share, copy);
        var overlays = overlayRoots.Where(fileSystem.DirectoryExists).ToList();
        if (overlays.Count == 0)
        {
            return tree;
        }

        // Paths that differ only in case (possible on Linux) keep their first spelling here; the manifest reports them.
        var byInsensitivePath = FirstSpellings(tree.Files.Keys);
        var directoriesInsensitive = FirstSpellings(tree.Directories);
        foreach (string overlayRoot in overlays)
        {
            TreeSnapshot overlay = TreeSnapshot.Take(fileSystem, overlayRoot, exclude, isReserved);
            foreach (TreeFile file in overlay.Files.Values)
            {
                string relative = byInsensitivePath.TryGetValue(file.RelativePath, out string? existing) ? existing : Respell(file.RelativePath, directoriesInsensitive);
                byInsensitivePath[relative] = relative;
                tree.Files[relative] = file with { RelativePath = relative };
                tree._overlayPaths.Add(relative);
                for (int slash = relative.LastIndexOf('/'); slash > 0; slash = relative.LastIndexOf('/', slash - 1))
                {
                    string folder = relative.Substring(0, slash);
                    if (tree.Directories.Add(folder))
                    {
                        directoriesInsensitive[folder] = folder;
                    }
                }
            }
        }

        return tree;
    }

    /// <summary>
    /// Images published side by side (docs/reference.md, "Live shares"): each share file the map names is published
    /// under its versioned name instead of its own. Its hash stays cached under the share's name.
    /// </summary>
    public SourceTree WithPublishedNames(IReadOnlyDictionary<string, string> names)
    {
        foreach (KeyValuePair<string, string> name in names)
        {
            if (name.Key != name.Value && Files.TryGetValue(name.Key, out TreeFile? file))
            {
                Files.Remove(name.Key);
                Files[name.Value] = file with { RelativePath = name.Value };
                _publishedFrom[name.Value] = name.Key;
            }
        }

        return this;
    }

    /// <summary>Control/ and overlay files are published after the bulk content, so a client never sees new
    /// metadata that points at content not yet copied.</summary>
    public bool IsMetadata(string relativePath) =>
        _overlayPaths.Contains(relativePath)
        || relativePath.StartsWith(ControlFolder + "/", StringComparison.OrdinalIgnoreCase);

    /// <summary>A hash-cache key: the share's files by relative path; overlay files, which differ per target, by
    /// their own full path.</summary>
    public string CacheKey(TreeFile file) =>
        _overlayPaths.Contains(file.RelativePath) ? "overlay:" + file.FullPath
        : _publishedFrom.TryGetValue(file.RelativePath, out string? shareName) ? shareName
        : file.RelativePath;

    private static Dictionary<string, string> FirstSpellings(IEnumerable<string> paths)
    {
        var spellings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string path in paths.OrderBy(p => p, StringComparer.Ordinal))
        {
            if (!spellings.ContainsKey(path))
            {
                spellings[path] = path;
            }
        }

        return spellings;
    }

    /// <summary>Spells an overlay path's folders as the share spells them.</summary>
    private static string Respell(string relativePath, Dictionary<string, string> directories)
    {
        int slash = relativePath.LastIndexOf('/');
        return slash > 0 && directories.TryGetValue(relativePath.Substring(0, slash), out string? folder)
            ? folder + relativePath.Substring(slash)
            : relativePath;
    }
}
