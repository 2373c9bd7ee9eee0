using MdtShare.Build.IO;
using MdtShare.Build.Mirror;

namespace MdtShare.Build.Manifest;

/// <param name="Written">Whether the file was written (or, when only checking, would be).</param>
internal sealed record WrittenManifest(string File, ManifestBuild Build, bool Written);

/// <summary>
/// Builds and writes manifests (one per set of overlays) with one shared hash cache. When nothing was hashed and
/// the share holds the same files as last time, the manifests written with that cache still hold (unless one was
/// touched after it, e.g. edited by hand), so a rebuild with nothing changed serialises nothing.
/// </summary>
internal static class ManifestWriter
{
    /// <returns>The manifests, whether the cache file was damaged and rebuilt, and whether it was (or would be) saved.</returns>
    /// <param name="cache">The cache loaded from <paramref name="cacheFile"/> (<see cref="HashCache.LoadInBackground"/>).</param>
    /// <param name="onlyCheck">Write nothing; tell what would be written (MSBuild's question mode).</param>
    public static (IReadOnlyList<WrittenManifest> Manifests, bool CacheRebuilt, bool CacheSaved) Write(
        IReadOnlyList<(string File, SourceTree Tree)> manifests, string cacheFile, Task<HashCache> cache, int parallelism, CancellationToken cancellation,
        bool onlyCheck = false)
    {
        DateTime cacheWritten = File.Exists(cacheFile) ? File.GetLastWriteTimeUtc(cacheFile) : DateTime.MinValue;
        HashCache hashes = cache.GetAwaiter().GetResult();
        var builds = manifests.Select(m => (m.File, Build: ManifestBuilder.Build(m.Tree, hashes, parallelism, cancellation))).ToList();
        var keys = new HashSet<string>(manifests.SelectMany(m => m.Tree.Files.Values.Select(m.Tree.CacheKey)), StringComparer.Ordinal);
        bool unchanged = !hashes.NeedsSaving(keys);
        var written = builds.Select(b =>
        {
            bool current = unchanged && File.Exists(b.File) && File.GetLastWriteTimeUtc(b.File) <= cacheWritten;
            byte[]? bytes = current ? null : b.Build.Manifest.ToBytes();
            bool write = bytes is not null && (onlyCheck ? !AtomicFile.Holds(b.File, bytes) : AtomicFile.WriteIfChanged(b.File, bytes));
            return new WrittenManifest(b.File, b.Build, write);
        }).ToList();
        if (!unchanged && !onlyCheck)
        {
            AtomicFile.WriteIfChanged(cacheFile, hashes.ToBytes(keys));
        }

        return (written, hashes.WasRebuilt, !unchanged);
    }
}
