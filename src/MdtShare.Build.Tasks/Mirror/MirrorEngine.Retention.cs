using System.Collections.Concurrent;

namespace MdtShare.Build.Mirror;

internal sealed partial class MirrorEngine
{
    /// <summary>Images kept after the publish that stops naming them (<see cref="ImageRetention"/>).</summary>
    private sealed partial class Run
    {
        private ImageRetention? _retention;
        private byte[]? _retentionRecord;
        private readonly ConcurrentBag<string> _retiredDeleted = new();

        // New image versions whose bytes the target already holds under the share's name: linked, not copied.
        private readonly ConcurrentDictionary<CopyItem, TreeFile> _adoptable = new();

        /// <summary>A new image version to give to a file the target already holds (it takes no shared copy).</summary>
        public bool Adopts(CopyItem item) => _adoptable.ContainsKey(item);

        /// <summary>
        /// A target published before image versions holds each image under the share's name. Where those bytes are
        /// the new version's (same size and time, and the published record's hash when there is one; with content
        /// comparison, the same SHA-256), the versioned name is given to the same file by a hard link instead of a
        /// second copy. Never a rename: a client that read the previous OperatingSystems.xml still opens the plain
        /// name, which stays, retained.
        /// </summary>
        private void FindAdoptable(MirrorPlan plan, TreeSnapshot destination)
        {
            var shareNames = _options.PublishedNames.Where(n => n.Key != n.Value).ToDictionary(n => n.Value, n => n.Key, StringComparer.Ordinal);
            foreach (CopyItem copy in plan.Copies.Where(c => c.Reason == CopyReason.New && shareNames.ContainsKey(c.RelativePath)))
            {
                string shareName = shareNames[copy.RelativePath];
                TreeFile? plain = destination.Files.Values.FirstOrDefault(f => string.Equals(f.RelativePath, shareName, StringComparison.OrdinalIgnoreCase));
                if (plain is not null && HoldsSameBytes(copy, plain))
                {
                    _adoptable[copy] = plain;
                }
            }
        }

        private bool HoldsSameBytes(CopyItem copy, TreeFile plain)
        {
            if (copy.Source.Length != plain.Length)
            {
                return false;
            }

            string? wanted = null;
            _options.ExpectedHashes?.TryGetValue(copy.RelativePath, out wanted);
            if (_options.Compare == CompareMode.Content)
            {
                return Retry(() => Hash(plain.FullPath), "hashing " + plain.RelativePath) == (wanted ?? Retry(() => Hash(copy.Source.FullPath), "hashing " + copy.Source.RelativePath));
            }

            return (copy.Source.LastWriteTimeUtc - plain.LastWriteTimeUtc).Duration() <= _options.TimestampTolerance
                && !(_published is { } published && published.TryGetValue(plain.RelativePath, out string? there) && wanted is not null && there != wanted);
        }

        /// <returns>Whether the version is in place by a link; false to copy it (the target cannot link, e.g. an SMB
        /// client without hard links, or the plain file has gone).</returns>
        private bool TryLink(CopyItem item)
        {
            if (!_adoptable.TryGetValue(item, out TreeFile? plain))
            {
                return false;
            }

            bool linked = false;
            Guarded(item.RelativePath, () => Retry(() => linked = Link(item, plain), "linking " + item.RelativePath), completed: () =>
            {
                if (linked)
                {
                    _copiedThisPhase.Add(item);
                    _result.AddCopied(item, linked: true);
                    Listener.Detail($"Linked {item.RelativePath} to {plain.RelativePath}: the same bytes, not copied again");
                }
            });
            return linked || Stopped;
        }

        private bool Link(CopyItem item, TreeFile plain)
        {
            try
            {
                _fs.CreateHardLink(plain.FullPath, item.DestinationPath);
                return true;
            }
            catch (IOException e) when (FailureClassifier.IsAlreadyExists(e) && _fs.GetEntry(item.DestinationPath)?.Length == item.Source.Length)
            {
                // Already linked: an earlier attempt whose answer a failover lost made it.
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException && _retry.Classify(e) != FailureKind.Outage)
            {
                Listener.Detail($"{item.RelativePath}: {_name} cannot link it to {plain.RelativePath} ({e.Message}); copied instead");
                return false;
            }
        }

        /// <summary>Before the delete guard: the images the target keeps are no deletes of this publish.</summary>
        private void ApplyRetention(MirrorPlan plan, TreeSnapshot destination)
        {
            _retentionRecord = ReadTargetFile(ImageRetention.RecordName, ImageRetention.RecordName);
            byte[]? operatingSystems = ImageRetention.FindOperatingSystemsXml(destination) is { } path
                ? ReadTargetFile(path, "the target's OperatingSystems.xml")
                : null;
            _retention = new ImageRetention(_retentionRecord, operatingSystems, destination, _options.ImageRetention, _engine._clock.UtcNow);
            _retention.Apply(plan);
            _result.RetainedImages = _retention.Retained;
            var versions = new HashSet<string>(_options.PublishedNames.Values, StringComparer.Ordinal);
            _result.NewImages = plan.Copies.Where(c => c.Reason == CopyReason.New && versions.Contains(c.RelativePath)).Select(c => c.RelativePath).ToList();
            foreach (RetainedImage image in _retention.Retained)
            {
                string age = (_engine._clock.UtcNow - image.RetiredUtc).TotalHours.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
                Listener.Info(image.Expired
                    ? $"{_name}: {image.Path} was retired {age} h ago; {(_options.WhatIf ? "it would be" : "it is")} deleted unless a client holds it"
                    : $"{_name}: {image.Path} {(_options.WhatIf ? "would stay" : "stays")} for clients that read the previous OperatingSystems.xml (retired {age} h ago)");
            }
        }

        /// <summary>
        /// Written before Control/ is replaced, so the images it stops naming are on record as soon as clients can
        /// no longer find them by it; and again after the deletes, without the expired ones that went.
        /// </summary>
        public void RecordRetained() => Step(() =>
        {
            if (_options.WhatIf || _retention is null)
            {
                return;
            }

            byte[] record = _retention.Record(_retiredDeleted.ToList());
            if (record.AsSpan().SequenceEqual(_retentionRecord ?? []))
            {
                return;
            }

            WriteTargetFile(ImageRetention.RecordName, record);
            _retentionRecord = record;
        });
    }
}
