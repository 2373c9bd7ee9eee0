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
