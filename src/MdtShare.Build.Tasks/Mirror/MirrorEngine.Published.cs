using System.Text;
using MdtShare.Build.Manifest;

namespace MdtShare.Build.Mirror;

internal sealed partial class MirrorEngine
{
    /// <summary>
    /// Deciding whether a target file is already the share's. A file can be rewritten with its size and last-write
    /// time put back (a restore, a copy tool, touch -d), so size and time alone can miss a change. With the build's
    /// manifest at hand, each complete publish leaves on the target the SHA-256 of every file it holds
    /// (<see cref="TargetOwnership.PublishedName"/>): a file whose manifest hash is not the one published there is
    /// copied whatever its time says. Content comparison reads both files' bytes and trusts no recorded hash.
    /// </summary>
    private sealed partial class Run
    {
        private Dictionary<string, string>? _published;

        private void ReadPublished()
        {
            if (_options.Compare != CompareMode.Timestamp || _options.ExpectedHashes is null
                || ReadTargetFile(TargetOwnership.PublishedName, TargetOwnership.PublishedName) is not { } record)
            {
                return;
            }

            // Letter case ignored: a file the share renamed to another case is the same file on the target.
            _published = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (string line in Encoding.UTF8.GetString(record).Split('\n'))
            {
                if (line.Length > 66 && line[64] == ' ' && line[65] == ' ')
                {
                    _published[line.Substring(66)] = line.Substring(0, 64);
                }
            }
        }

        /// <summary>After a publish that left every file as the manifest says: the record the next one compares with.</summary>
        public void RecordPublished() => Step(() =>
        {
            if (_options.WhatIf || _options.ExpectedHashes is not { } hashes || _result.Failed > 0 || _abort is not null || Ended
                || (_published is { } published && published.Count == hashes.Count && hashes.All(h => published.TryGetValue(h.Key, out string? there) && there == h.Value)))
            {
                return;
            }

            var text = new StringBuilder();
            foreach (var entry in hashes.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                text.Append(entry.Value).Append("  ").Append(entry.Key).Append('\n');
            }

            WriteTargetFile(TargetOwnership.PublishedName, new UTF8Encoding(false).GetBytes(text.ToString()));
        });

        /// <summary>One of our small files at the target's root, replaced whole (temp file, flush, rename).</summary>
        private void WriteTargetFile(string name, byte[] bytes)
        {
            string temp = Path.Combine(_options.DestinationRoot, $"{TreeSnapshot.TempPrefix}{_runId}.{name.TrimStart('.')}{TreeSnapshot.TempSuffix}");
            Retry(() =>
            {
                try
                {
                    using (Stream stream = _fs.Create(temp))
                    {
                        stream.Write(bytes, 0, bytes.Length);
                        FlushToDisk(stream);
                    }

                    _fs.Replace(temp, Path.Combine(_options.DestinationRoot, name));
                    return true;
                }
                catch
                {
                    TryDelete(temp);
                    throw;
                }
            }, "writing " + name);
        }

        /// <summary>One of the target's small files whole, or null when it has none.</summary>
        private byte[]? ReadTargetFile(string relativePath, string what) => Retry(() =>
        {
            string path = TreeSnapshot.Combine(_options.DestinationRoot, relativePath);
            if (_fs.GetEntry(path) is null)
            {
                return null;
            }

            using Stream stream = _fs.OpenRead(path);
            using var bytes = new MemoryStream();
            stream.CopyTo(bytes);
            return bytes.ToArray();
        }, "reading " + what);

        private bool IsUnchanged(TreeFile source, TreeFile destination)
        {
            if (source.Length != destination.Length)
            {
                return false;
            }

            if (_options.Compare == CompareMode.Timestamp)
            {
                return (source.LastWriteTimeUtc - destination.LastWriteTimeUtc).Duration() <= _options.TimestampTolerance
                    && !(_published is { } published && published.TryGetValue(source.RelativePath, out string? there)
                        && _options.ExpectedHashes!.TryGetValue(source.RelativePath, out string? wanted) && there != wanted);
            }

            try
            {
                return Retry(() => Hash(source.FullPath), "hashing " + source.RelativePath)
                    == Retry(() => Hash(destination.FullPath), "hashing " + destination.RelativePath);
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException and not RetryWindowExhaustedException)
            {
                // A file that cannot be compared is copied: the copy replaces an unreadable target file, and an
                // unreadable source file fails there with its coded error.
                return false;
            }
        }

        private string Hash(string path)
        {
            using Stream stream = _fs.OpenRead(path);
            return FileHasher.Hash(stream, Token);
        }
    }
}
