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

        private string PublishedPath => Path.Combine(_options.DestinationRoot, TargetOwnership.PublishedName);

        private void ReadPublished()
        {
            if (_options.Compare != CompareMode.Timestamp || _options.ExpectedHashes is null)
            {
                return;
            }

            _published = Retry(() =>
            {
                if (_fs.GetEntry(PublishedPath) is null)
                {
                    return null;
                }

                using Stream stream = _fs.OpenRead(PublishedPath);
                using var reader = new StreamReader(stream, Encoding.UTF8);
                // Letter case ignored: a file the share renamed to another case is the same file on the target.
                var hashes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                for (string? line; (line = reader.ReadLine()) is not null;)
                {
                    if (line.Length > 66 && line[64] == ' ' && line[65] == ' ')
                    {
                        hashes[line.Substring(66)] = line.Substring(0, 64);
                    }
                }

                return hashes;
            }, "reading " + TargetOwnership.PublishedName);
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

            byte[] bytes = new UTF8Encoding(false).GetBytes(text.ToString());
            string temp = Path.Combine(_options.DestinationRoot, $"{TreeSnapshot.TempPrefix}{_runId}.published{TreeSnapshot.TempSuffix}");
            Retry(() =>
            {
                try
                {
                    using (Stream stream = _fs.Create(temp))
                    {
                        stream.Write(bytes, 0, bytes.Length);
                        FlushToDisk(stream);
                    }

                    _fs.Replace(temp, PublishedPath);
                    return true;
                }
                catch
                {
                    TryDelete(temp);
                    throw;
                }
            }, "writing " + TargetOwnership.PublishedName);
        });

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
