using MdtShare.Build.Diagnostics;
using MdtShare.Build.Manifest;
using MdtShare.Build.Mirror;
using Microsoft.Build.Framework;

namespace MdtShare.Build.Tasks;

/// <summary>
/// Writes the SHA-256 manifest of what the published share will hold, after checking that every name can live on a
/// Windows share. Unchanged files' hashes come from a cache, so a rebuild with nothing changed hashes nothing.
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

    protected override void ExecuteCore()
    {
        string share = ResolvePath(DeploymentShare);
        var exclude = new ExcludeFilter(Excludes(Exclude));
        string cacheFile = ResolvePath(CacheFile);
        Task<HashCache> cache = HashCache.LoadInBackground(cacheFile);
        var manifests = new List<(string File, SourceTree Tree)>();
        TreeSnapshot listing = TreeSnapshot.Take(PhysicalFileSystem.Instance, share, exclude, _ => false);
        foreach (ITaskItem manifestItem in Manifests)
        {
            var overlays = manifestItem.GetMetadata(Metadata.OverlayDirectories).Split(';').Select(o => o.Trim()).Where(o => o.Length > 0).Select(ResolvePath);
            SourceTree tree = SourceTree.WithOverlays(PhysicalFileSystem.Instance, listing, overlays, exclude, _ => false);
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
