using MdtShare.Build.Diagnostics;
using MdtShare.Build.Images;
using MdtShare.Build.Manifest;
using MdtShare.Build.Mirror;
using Microsoft.Build.Framework;

namespace MdtShare.Build.Tasks;

/// <summary>
/// Writes the SHA-256 manifest of what the published share will hold, after checking that every name can live on a
/// Windows share. With image versions, it first decides each image's published name from its content (the hashes
/// the manifest needs anyway) and writes the OperatingSystems.xml that names them into the build's overlay. Unchanged files' hashes come from a cache, so a rebuild with nothing changed hashes nothing.
/// </summary>
[MSBuildMultiThreadableTask]
public sealed class WriteShareManifest : MdtShareTask, IIncrementalTask
{
    [Required]
    public string DeploymentShare { get; set; } = string.Empty;

    /// <summary>The manifests to write. Metadata OverlayDirectories: the overlay folders, ';'-separated, in the
    /// order the publish applies them (later wins). One cache serves them all.</summary>
    [Required]
    public ITaskItem[] Manifests { get; set; } = [];

    /// <summary>MirrorExclude items, on top of the default exclusions.</summary>
    public ITaskItem[] Exclude { get; set; } = [];

    [Required]
    public string CacheFile { get; set; } = string.Empty;

    /// <summary>Files hashed at once; 0 = one per processor.</summary>
    public int Parallelism { get; set; }

    /// <summary>Publish each image of Control/OperatingSystems.xml under a name from its content (MdtShareImageVersions).</summary>
    public bool ImageVersions { get; set; } = true;

    /// <summary>The build's own overlay, which gets the OperatingSystems.xml naming the versioned images.</summary>
    public string OverlayDirectory { get; set; } = string.Empty;

    /// <summary>Each image file published under another name: Include = its path in the share, metadata PublishedAs.</summary>
    [Output]
    public ITaskItem[] PublishedNames { get; private set; } = [];

    protected override void ExecuteCore()
    {
        string share = ResolvePath(DeploymentShare);
        var exclude = new ExcludeFilter(Excludes(Exclude));
        string cacheFile = ResolvePath(CacheFile);
        Task<HashCache> cache = HashCache.LoadInBackground(cacheFile);
        var manifests = new List<(string File, SourceTree Tree)>();
        TreeSnapshot listing = TreeSnapshot.Take(PhysicalFileSystem.Instance, share, exclude, _ => false);
        IReadOnlyDictionary<string, string> publishedNames = OverlayDirectory.Length == 0 ? new Dictionary<string, string>()
            : ImageVersioning.Apply(share, listing, ResolvePath(OverlayDirectory), cache.GetAwaiter().GetResult(), ImageVersions, FailIfNotIncremental, BuildLog, Cancellation);
        PublishedNames = [.. publishedNames.Where(n => n.Key != n.Value).Select(n => TaskItems.ToItem(n.Key, n.Value))];
        foreach (ITaskItem manifestItem in Manifests)
        {
            var overlays = manifestItem.GetMetadata(Metadata.OverlayDirectories).Split(';').Select(o => o.Trim()).Where(o => o.Length > 0).Select(ResolvePath);
            SourceTree tree = SourceTree.WithOverlays(PhysicalFileSystem.Instance, listing, overlays, exclude, _ => false).WithPublishedNames(publishedNames);
            var invalid = WindowsNames.Check(tree.Files.Keys, share);
            Report(invalid);
            if (invalid.Count > 0)
            {
                return;
            }

            manifests.Add((ResolvePath(manifestItem.ItemSpec), tree));
        }

        IReadOnlyList<WrittenManifest> written;
        bool cacheRebuilt;
        bool cacheSaved;
        try
        {
            (written, cacheRebuilt, cacheSaved) = ManifestWriter.Write(manifests, cacheFile, cache, HashParallelism(Parallelism),
                Cancellation, onlyCheck: FailIfNotIncremental);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (FailIfNotIncremental)
        {
            foreach (WrittenManifest manifest in written.Where(m => m.Written))
            {
                ReportOutOfDate($"{manifest.File} would be written: {manifest.Build.HashedFiles:N0} file(s) of the share are new or changed");
            }

            if (cacheSaved && !written.Any(m => m.Written))
            {
                ReportOutOfDate($"{cacheFile} would be written: files of the share were touched without changing");
            }

            return;
        }

        if (cacheRebuilt)
        {
            Message(MessageImportance.Normal, $"The hash cache {cacheFile} was damaged or truncated; it was ignored and rebuilt.");
        }

        foreach (WrittenManifest manifest in written)
        {
            ManifestBuild build = manifest.Build;
            Message(MessageImportance.High,
                $"Manifest: {build.Manifest.Entries.Count:N0} files, {ProgressLine.Size(build.Manifest.TotalBytes)} " +
                $"(hashed {build.HashedFiles:N0} files, {ProgressLine.Size(build.HashedBytes)}; {build.CachedFiles:N0} from the cache) -> {manifest.File}" +
                (manifest.Written ? string.Empty : " (unchanged)"));
        }
    }
}
