using MdtShare.Build.IO;
using MdtShare.Build.Mirror;

namespace MdtShare.Build.Manifest;

public sealed record WrittenManifest(string File, ManifestBuild Build, bool Written);

/// <summary>
/// Builds and writes manifests (one per set of overlays) with one shared hash cache. When nothing was hashed and
/// the share holds the same files as last time, the manifests written with that cache still hold (unless one was
/// touched after it, e.g. edited by hand), so a rebuild with nothing changed serialises nothing.
/// </summary>
public static class ManifestWriter
{
    /// <returns>The manifests, and whether the cache file was damaged and rebuilt.</returns>
    /// <param name="cache">The cache loaded from <paramref name="cacheFile"/> (<see cref="HashCache.LoadInBackground"/>).</param>
    public static (IReadOnlyList<WrittenManifest> Manifests, bool CacheRebuilt) Write(
        IReadOnlyList<(string File, SourceTree Tree)> manifests, string cacheFile, Task<HashCache> cache, int parallelism, CancellationToken cancellation)
    {
        DateTime cacheWritten = File.Exists(cacheFile) ? File.GetLastWriteTimeUtc(cacheFile) : DateTime.MinValue;
        HashCache hashes = cache.GetAwaiter().GetResult();
        var builds = manifests.Select(m => (m.File, Build: ManifestBuilder.Build(m.Tree, hashes, parallelism, cancellation))).ToList();
        var keys = new HashSet<string>(manifests.SelectMany(m => m.Tree.Files.Values.Select(m.Tree.CacheKey)), StringComparer.Ordinal);
        bool unchanged = !hashes.NeedsSaving(keys);
        var written = builds.Select(b =>
        {
            bool current = unchanged && File.Exists(b.File) && File.GetLastWriteTimeUtc(b.File) <= cacheWritten;
            return new WrittenManifest(b.File, b.Build, !current && AtomicFile.WriteIfChanged(b.File, b.Build.Manifest.ToBytes()));
        }).ToList();
        if (!unchanged)
        {
            AtomicFile.WriteIfChanged(cacheFile, hashes.ToBytes(keys));
        }

        return (written, hashes.WasRebuilt);
    }
}
