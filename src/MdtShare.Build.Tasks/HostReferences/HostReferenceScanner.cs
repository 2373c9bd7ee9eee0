using System.Text.RegularExpressions;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.IO;

namespace MdtShare.Build.HostReferences;

/// <summary>
/// Finds the MDT server where the Workbench or task sequences still use it, outside the rules files: Settings.xml,
/// LocationServer.xml, Applications.xml and each task sequence's ts.xml. These are reported, never rewritten:
/// they are the Workbench's files.
/// </summary>
internal static class HostReferenceScanner
{
    private static readonly Regex Element = new(@"<(?<key>\w+)>(?<value>[^<]*)</\k<key>>", RegexOptions.CultureInvariant);

    /// <summary>The share's XML files that name servers, as full paths.</summary>
    public static IEnumerable<string> XmlFiles(string share)
    {
        string? control = ShareFiles.FindFolder(share, "Control");
        if (control is null)
        {
            yield break;
        }

        foreach (string name in new[] { "Settings.xml", "LocationServer.xml", "Applications.xml" })
        {
            if (ShareFiles.Find(control, name) is { } file)
            {
                yield return file;
            }
        }

        foreach (string sequence in Directory.EnumerateDirectories(control).OrderBy(d => d, StringComparer.Ordinal))
        {
            if (ShareFiles.Find(sequence, "ts.xml") is { } file)
            {
                yield return file;
            }
        }
    }

    public static IEnumerable<Diagnostic> Scan(string file, ReferenceFinder finder)
    {
        string[] lines = File.ReadAllLines(file);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (!finder.MayName(line))
            {
                continue;
            }

            string what = Regex.Match(line, @"<([A-Za-z][\w.-]*)[^>]*>") is { Success: true } element ? "<" + element.Groups[1].Value + ">" : "a command line";
            foreach (Reference reference in finder.InText(line, targetRoot: null))
            {
                yield return CustomSettingsAnalyzer.Report(reference, what, null, file, i + 1, reference.Start + 1);
            }

            foreach (Match value in Element.Matches(line))
            {
                if (finder.AsBareValue(value.Groups["value"].Value, value.Groups["key"].Value) is { } bare)
                {
                    yield return CustomSettingsAnalyzer.Report(bare, value.Groups["key"].Value, null, file, i + 1, value.Groups["value"].Index + bare.Start + 1);
                }
            }
        }
    }
}
