using System.Globalization;
using System.Text.RegularExpressions;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.IO;

namespace MdtShare.Build.Images;

/// <summary>
/// Decides the versioned names of a share's images and the OperatingSystems.xml that names them. Reads the share,
/// writes nothing. An image it cannot version is kept in place with a warning: publishing it as before is never worse
/// than what every publish did until now.
/// </summary>
internal static class ImageVersionPlanner
{
    private const string SplitExtension = ".swm";

    /// <param name="shareRoot">The deployment share's root, a full path.</param>
    /// <param name="operatingSystemsXml">Its <c>Control/OperatingSystems.xml</c>, a full path.</param>
    /// <param name="sha256">A file's SHA-256 as lowercase hex, given its full path.</param>
    public static ImageVersionPlan Plan(string shareRoot, string operatingSystemsXml, Func<string, string> sha256)
    {
        var xml = OperatingSystemsXml.TryRead(File.ReadAllBytes(operatingSystemsXml), out string problem);
        if (xml is null)
        {
            return new ImageVersionPlan([], null, [new Diagnostic(
                DiagnosticCode.OperatingSystemsXmlNotVersioned,
                $"{operatingSystemsXml} cannot be read as the Deployment Workbench writes it: {problem}. Every image is published in place, under its own name, as before.",
                operatingSystemsXml)]);
        }

        var diagnostics = new List<Diagnostic>();
        var kept = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var entriesByPath = new Dictionary<string, List<ImageFileEntry>>(StringComparer.OrdinalIgnoreCase);
        var paths = new List<string>();
        foreach (ImageFileEntry entry in xml.ImageFiles)
        {
            string? path = ImageFileLocation.InShare(entry, out string whyNot);
            if (path is null)
            {
                if (kept.Add(entry.Value))
                {
                    diagnostics.Add(new Diagnostic(
                        DiagnosticCode.ImageNotInShare,
                        $"ImageFile '{entry.Value}' is not an image in the deployment share: {whyNot}. It is kept in place, as before, without a versioned name.",
                        operatingSystemsXml,
                        entry.Line));
                }
            }
            else if (entriesByPath.TryGetValue(path, out var entries))
            {
                entries.Add(entry);
            }
            else
            {
                entriesByPath.Add(path, [entry]);
                paths.Add(path);
            }
        }

        var images = new List<VersionedImage>();
        var newValues = new Dictionary<ImageFileEntry, string>();
        foreach (string path in paths)
        {
            var entries = entriesByPath[path];
            string? file = ShareFiles.Find(shareRoot, path);
            if (file is null)
            {
                diagnostics.Add(new Diagnostic(
                    DiagnosticCode.ImageFileMissing,
                    $"ImageFile '{entries[0].Value}' names {path}, which is not in the deployment share. The entry is kept in place, as before, without a versioned name.",
                    operatingSystemsXml,
                    entries[0].Line));
            }
            else
            {
                VersionedImage image = Version(shareRoot, file, entries.Select(e => e.Value).Distinct(StringComparer.Ordinal), sha256);
                images.Add(image);
                var changed = image.ValueChanges.Where(c => c.OldValue != c.NewValue).ToDictionary(c => c.OldValue, c => c.NewValue);
                entries.Where(e => changed.ContainsKey(e.Value)).ToList().ForEach(e => newValues[e] = changed[e.Value]);
            }
        }

        return new ImageVersionPlan(images, newValues.Count == 0 ? null : xml.Rewrite(newValues), diagnostics.OrderBy(d => d.Line).ToList());
    }

    private static VersionedImage Version(string shareRoot, string file, IEnumerable<string> values, Func<string, string> sha256)
    {
        bool split = file.EndsWith(SplitExtension, StringComparison.OrdinalIgnoreCase);
        List<string> parts = split ? SplitParts(file) : [file];
        List<string> hashes = parts.Select(sha256).ToList();
        string hash = split ? VersionedName.ForSplitSet(hashes) : hashes[0];
        var imageParts = parts.Select(part =>
        {
            string source = ShareFiles.Relative(shareRoot, part);
            string name = Path.GetFileName(part);
            string published = split ? VersionedName.ForSplitPart(name, hash) : VersionedName.ForFile(name, hash);
            return new ImagePart(source, source.Substring(0, source.LastIndexOf('/') + 1) + published);
        }).ToList();

        // The value keeps the folder as the XML spells it; the file name is the one published, which for a split set
        // makes LTIApply's pattern <value without .swm>*.swm match exactly the new parts.
        string newName = imageParts[0].PublishedPath.Substring(imageParts[0].PublishedPath.LastIndexOf('/') + 1);
        var changes = values.Select(v => new XmlValueChange(v, v.Substring(0, v.LastIndexOfAny(['\\', '/']) + 1) + newName)).ToList();
        return new VersionedImage(imageParts, changes);
    }

    /// <summary>The files DISM loads for <c>/SWMFile:&lt;stem&gt;*.swm</c>, matched ignoring case as Windows does: the
    /// named part first, then by the number after the stem.</summary>
    private static List<string> SplitParts(string namedPart)
    {
        string folder = Path.GetDirectoryName(namedPart)!;
        string namedName = Path.GetFileName(namedPart);
        string stem = namedName.Substring(0, namedName.Length - SplitExtension.Length);
        var pattern = new Regex("^" + Regex.Escape(stem) + "(.*)" + Regex.Escape(SplitExtension) + @"\z",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);
        return Directory.EnumerateFiles(folder)
            .Select(path => pattern.Match(Path.GetFileName(path)))
            .Where(match => match.Success)
            .OrderBy(match => match.Value == namedName ? 0 : 1)
            .ThenBy(match => int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int number) ? number : int.MaxValue)
            .ThenBy(match => match.Value, StringComparer.Ordinal)
            .Select(match => Path.Combine(folder, match.Value))
            .ToList();
    }
}
