using System.Globalization;
using System.Text;
using MdtShare.Build.Images;

namespace MdtShare.Build.Mirror;

/// <summary>An image the target keeps after the publish that stopped naming it.</summary>
/// <param name="Expired">Its retention is over: this publish deletes it, unless a client still holds it.</param>
internal sealed record RetainedImage(string Path, DateTime RetiredUtc, bool Expired);

/// <summary>
/// Images stay on the target after the publish that stops naming them in Control/OperatingSystems.xml, for the
/// retention time (docs/reference.md, "Live shares"): a client that read the old OperatingSystems.xml applies its
/// image minutes later, for up to 40 minutes. What the target's OperatingSystems.xml named before this publish is
/// retired now; each retirement is recorded on the target (<see cref="RecordName"/>), so the time counts from the
/// publish that retired it, whichever agent publishes next. Only files the plan already deletes are kept or deleted
/// here: a damaged record can keep a file longer, never delete one.
/// </summary>
internal sealed class ImageRetention
{
    public const string RecordName = ".mdtshare-retained";

    private const string OperatingSystemsXmlPath = "Control/OperatingSystems.xml";

    private readonly Dictionary<string, DateTime> _retiredAt;
    private readonly HashSet<string> _namedBefore;
    private readonly TimeSpan _retention;
    private readonly DateTime _now;
    private readonly List<RetainedImage> _retained = [];

    /// <param name="record">The target's record, or null.</param>
    /// <param name="operatingSystemsXml">The target's OperatingSystems.xml as this publish found it, or null.</param>
    public ImageRetention(byte[]? record, byte[]? operatingSystemsXml, TreeSnapshot target, TimeSpan retention, DateTime now)
    {
        _retiredAt = ParseRecord(record);
        _namedBefore = NamedImages(operatingSystemsXml, target);
        _retention = retention;
        _now = now;
    }

    /// <summary>Where the target's OperatingSystems.xml is, whatever its letter case.</summary>
    public static string? FindOperatingSystemsXml(TreeSnapshot target) =>
        target.Files.Keys.FirstOrDefault(p => string.Equals(p, OperatingSystemsXmlPath, StringComparison.OrdinalIgnoreCase));

    /// <summary>The images this publish keeps or deletes late, each with its retirement.</summary>
    public IReadOnlyList<RetainedImage> Retained => _retained;

    /// <summary>
    /// Takes the retired images out of the plan's deletes while their retention runs (with the folders holding them);
    /// an expired one stays a delete that leaves the file alone while a client holds it.
    /// </summary>
    public void Apply(MirrorPlan plan)
    {
        var kept = new List<string>();
        for (int i = 0; i < plan.Deletes.Count; i++)
        {
            DeleteItem delete = plan.Deletes[i];
            if (delete.Kind != DeleteKind.File)
            {
                continue;
            }

            DateTime? retired = _namedBefore.Contains(delete.RelativePath) ? _now
                : _retiredAt.TryGetValue(delete.RelativePath, out DateTime at) ? at
                : null;
            if (retired is not { } since)
            {
                continue;
            }

            // Retired by this very publish: kept whatever the retention, as clients of the old file are still starting.
            bool expired = !_namedBefore.Contains(delete.RelativePath) && _now - since >= _retention;
            _retained.Add(new RetainedImage(delete.RelativePath, since, expired));
            if (expired)
            {
                plan.Deletes[i] = delete with { KeepIfHeld = true };
            }
            else
            {
                kept.Add(delete.RelativePath);
            }
        }

        plan.Deletes.RemoveAll(d => d.Kind == DeleteKind.File ? kept.Contains(d.RelativePath) : kept.Any(k => k.StartsWith(d.RelativePath + "/", StringComparison.Ordinal)));
    }

    /// <summary>The record to leave on the target: every retained image but those deleted.</summary>
    public byte[] Record(IReadOnlyCollection<string> deleted)
    {
        var text = new StringBuilder();
        foreach (RetainedImage image in _retained.Where(r => !deleted.Contains(r.Path)).OrderBy(r => r.Path, StringComparer.Ordinal))
        {
            text.Append(image.RetiredUtc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)).Append('\t').Append(image.Path).Append('\n');
        }

        return new UTF8Encoding(false).GetBytes(text.ToString());
    }

    /// <summary>The paths a record lists: retained images, which are not drift on the target.</summary>
    public static IReadOnlyCollection<string> RetainedPaths(byte[]? record) => ParseRecord(record).Keys;

    /// <summary>Lines "retired-at TAB path"; anything else is skipped (a hand-edited record keeps what it can).</summary>
    private static Dictionary<string, DateTime> ParseRecord(byte[]? record)
    {
        var retired = new Dictionary<string, DateTime>(StringComparer.OrdinalIgnoreCase);
        foreach (string line in record is null ? [] : Encoding.UTF8.GetString(record).Split('\n'))
        {
            int tab = line.IndexOf('\t');
            if (tab > 0 && DateTime.TryParseExact(line.Substring(0, tab), "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime at))
            {
                retired[line.Substring(tab + 1).TrimEnd('\r')] = at;
            }
        }

        return retired;
    }

    /// <summary>The target files an OperatingSystems.xml names: each ImageFile in the share, and for a split image
    /// every part DISM's pattern (the value without .swm, then *.swm) finds beside it.</summary>
    private static HashSet<string> NamedImages(byte[]? operatingSystemsXml, TreeSnapshot target)
    {
        var named = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (operatingSystemsXml is null || Images.OperatingSystemsXml.TryRead(operatingSystemsXml, out _) is not { } xml)
        {
            return named;
        }

        foreach (ImageFileEntry entry in xml.ImageFiles)
        {
            if (ImageFileLocation.InShare(entry, out _) is not { } path)
            {
                continue;
            }

            named.Add(path);
            if (path.EndsWith(".swm", StringComparison.OrdinalIgnoreCase))
            {
                string stem = path.Substring(0, path.Length - ".swm".Length);
                named.UnionWith(target.Files.Keys.Where(p => p.StartsWith(stem, StringComparison.OrdinalIgnoreCase)
                    && p.EndsWith(".swm", StringComparison.OrdinalIgnoreCase) && p.IndexOf('/', stem.Length) < 0));
            }
        }

        return named;
    }
}
