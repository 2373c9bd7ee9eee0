using System.Runtime.CompilerServices;
using MdtShare.Build.Mirror;

namespace MdtShare.Build.Manifest;

internal sealed record ManifestBuild(ShareManifest Manifest, int HashedFiles, long HashedBytes, int CachedFiles);

/// <summary>Hashes what the published share will hold (the share with overlays, excluded paths left out), in
/// parallel, taking unchanged files' hashes from the cache.</summary>
internal static class ManifestBuilder
{
    [MethodImpl(HotPath.Optimize)]
    public static ManifestBuild Build(SourceTree tree, HashCache cache, int parallelism, CancellationToken cancellation)
    {
        var files = tree.Files.Values.ToList();
        var hashes = new string[files.Count];
        int hashedFiles = 0;
        long hashedBytes = 0;
        var toHash = new List<int>();
        for (int i = 0; i < files.Count; i++)
        {
            if (cache.TryGet(tree.CacheKey(files[i]), files[i], out string hash))
            {
                hashes[i] = hash;
            }
            else
            {
                toHash.Add(i);
            }
        }

        // Largest first, so one big WIM does not start last and leave the other cores idle.
        var ordered = toHash.OrderByDescending(i => files[i].Length).ToList();
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellation };
        Parallel.ForEach(ordered, options, i =>
        {
            TreeFile file = files[i];
            hashes[i] = FileHasher.Hash(file.FullPath, cancellation);
            cache.Set(tree.CacheKey(file), file, hashes[i]);
            Interlocked.Increment(ref hashedFiles);
            Interlocked.Add(ref hashedBytes, file.Length);
        });

        var entries = files.Select((f, i) => new ManifestEntry(f.RelativePath, f.Length, hashes[i]));
        return new ManifestBuild(new ShareManifest(entries), hashedFiles, hashedBytes, files.Count - toHash.Count);
    }
}
