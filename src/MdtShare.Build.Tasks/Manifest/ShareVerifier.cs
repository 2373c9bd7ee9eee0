using System.Runtime.CompilerServices;
using System.Collections.Concurrent;
using System.Diagnostics;
using MdtShare.Build.Mirror;

namespace MdtShare.Build.Manifest;

/// <summary>What one target looked like against the manifest. Paths are relative, '/'-separated, sorted.</summary>
internal sealed class VerifyResult(string target)
{
    public string Target { get; } = target;

    public bool TargetMissing { get; internal set; }

    public List<string> Missing { get; } = [];

    public List<string> Extra { get; } = [];

    /// <summary>Images the target keeps after the publish that stopped naming them (its record lists them): not drift.</summary>
    public List<string> Retained { get; } = [];

    public List<string> SizeMismatch { get; } = [];

    public List<string> HashMismatch { get; } = [];

    /// <summary>Path and the reason it could not be read.</summary>
    public List<(string Path, string Reason)> Unreadable { get; } = [];

    public int Verified { get; internal set; }

    public long BytesHashed { get; internal set; }

    public TimeSpan Duration { get; internal set; }

    public bool Passed => !TargetMissing && Missing.Count + Extra.Count + SizeMismatch.Count + HashMismatch.Count + Unreadable.Count == 0;
}

/// <summary>
/// Checks a target byte for byte against a manifest: every listed file present with its size and SHA-256, nothing
/// else there (excluded paths, MdtShare's marker and lock, and interrupted publishes' temp files aside). Only files
/// found by enumerating the target (never following links) are opened, so a manifest cannot make it read outside.
/// </summary>
internal static class ShareVerifier
{
    /// <param name="written">For the quick check after a publish: what the publish wrote. A file with that size and
    /// last-write time (within <paramref name="tolerance"/>) is taken as verified, since it was hashed as it was
    /// written; only files that look different are hashed again. Null hashes everything.</param>
    /// <param name="progress">Where the hashing stands, at most once per <paramref name="progressInterval"/>.</param>
    [MethodImpl(HotPath.Optimize)]
    public static VerifyResult Verify(ShareManifest manifest, string root, ExcludeFilter exclude, int parallelism, CancellationToken cancellation,
        IReadOnlyDictionary<string, TreeFile>? written = null, TimeSpan tolerance = default,
        Action<ProgressLine>? progress = null, TimeSpan progressInterval = default)
    {
        var watch = Stopwatch.StartNew();
        var result = new VerifyResult(root);
        if (!Directory.Exists(root))
        {
            result.TargetMissing = true;
            return result;
        }

        TreeSnapshot target;
        try
        {
            target = TreeSnapshot.Take(PhysicalFileSystem.Instance, root, exclude, TargetOwnership.IsReserved);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            result.Unreadable.Add((string.Empty, e.Message));
            return result;
        }

        // A Windows share is case-insensitive: a file stored as drivers/a.INF is the manifest's Drivers/A.inf.
        var insensitive = target.Files.Values.GroupBy(f => f.RelativePath, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        var matched = new HashSet<string>(StringComparer.Ordinal);
        var toHash = new List<(ManifestEntry Entry, TreeFile File)>();
        foreach (ManifestEntry entry in manifest.Entries)
        {
            if (!target.Files.TryGetValue(entry.Path, out TreeFile? file) && !insensitive.TryGetValue(entry.Path, out file))
            {
                result.Missing.Add(entry.Path);
                continue;
            }

            matched.Add(file.RelativePath);
            if (entry.Length >= 0 && entry.Length != file.Length)
            {
                result.SizeMismatch.Add(entry.Path);
            }
            else if (written is not null && written.TryGetValue(entry.Path, out TreeFile? wrote) && wrote.Length == file.Length
                && (wrote.LastWriteTimeUtc - file.LastWriteTimeUtc).Duration() <= tolerance)
            {
                result.Verified++;
            }
            else
            {
                toHash.Add((entry, file));
            }
        }

        string record = Path.Combine(root, ImageRetention.RecordName);
        var retained = new HashSet<string>(ImageRetention.RetainedPaths(File.Exists(record) ? File.ReadAllBytes(record) : null), StringComparer.Ordinal);
        var extra = target.Files.Keys.Where(p => !matched.Contains(p)).ToLookup(retained.Contains);
        result.Retained.AddRange(extra[true].OrderBy(p => p, StringComparer.Ordinal));
        result.Extra.AddRange(extra[false].Concat(target.Links).OrderBy(p => p, StringComparer.Ordinal));
        var mismatched = new ConcurrentBag<string>();
        var unreadable = new ConcurrentBag<(string, string)>();
        long bytes = 0;
        int hashed = 0;
        long totalBytes = toHash.Sum(x => x.File.Length);
        var throttle = new ProgressThrottle(progressInterval, DateTime.UtcNow);
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellation };
        Parallel.ForEach(toHash.OrderByDescending(x => x.File.Length), options, item =>
        {
            try
            {
                if (FileHasher.Hash(item.File.FullPath, cancellation) != item.Entry.Hash)
                {
                    mismatched.Add(item.Entry.Path);
                }

                long done = Interlocked.Add(ref bytes, item.File.Length);
                int files = Interlocked.Increment(ref hashed);
                if (progress is not null && DateTime.UtcNow is var now && throttle.Due(now))
                {
                    progress(new ProgressLine("Verifying " + root, files, toHash.Count, done, totalBytes, now - throttle.Started));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                unreadable.Add((item.Entry.Path, e.Message));
            }
        });

        result.HashMismatch.AddRange(mismatched.OrderBy(p => p, StringComparer.Ordinal));
        result.Unreadable.AddRange(unreadable.OrderBy(u => u.Item1, StringComparer.Ordinal));
        result.Verified += toHash.Count - mismatched.Count - unreadable.Count;
        result.BytesHashed = bytes;
        result.Duration = watch.Elapsed;
        return result;
    }
}
