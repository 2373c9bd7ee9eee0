namespace MdtShare.Build.Ini;

/// <summary>
/// PowerShell Deployment (PSD) lists its roots in Bootstrap.ini as <c>PSDDeployRoots</c>, comma-separated, the
/// first reachable one winning. The SMB roots are copies of the share being published, so they become the
/// cluster's DeployRoot (once, at the first SMB entry's place); HTTP(S) roots are web servers and stay, in order.
/// </summary>
internal static class PsdDeployRoots
{
    public static IniDocument Rewrite(IniDocument document, IReadOnlyList<SettingChange> deployRoots, IniText text, List<string> log)
    {
        foreach (IniSection section in document.Sections.Where(s => s.IsFirstWithName && MdtKeys.IsRuleSection(s.Name)))
        {
            int line = document.FindKey(section, MdtKeys.PsdDeployRoots);
            string sectionName = text.FromRaw(section.Name!);
            SettingChange? root = deployRoots.FirstOrDefault(c => c.Sections.Contains(sectionName, StringComparer.OrdinalIgnoreCase))
                ?? deployRoots.FirstOrDefault(c => c.Sections.Count == 0);
            if (line < 0 || root is null)
            {
                continue;
            }

            string current = document.Lines[line].Value!;
            string rewritten = RewriteList(current, text.ToRaw(root.Value)!);
            if (rewritten != current)
            {
                log.Add($"Set PSDDeployRoots' SMB entries to {root.Value} in [{sectionName}] at line {line + 1}");
                document = document.WithValue(line, rewritten);
            }
        }

        return document;
    }

    /// <summary>Each entry keeps the spacing around it; SMB entries after the first are removed with their comma.</summary>
    private static string RewriteList(string list, string deployRoot)
    {
        var parts = new List<string>();
        bool smbWritten = false;
        foreach (string part in list.Split(','))
        {
            string entry = part.Trim(IniLine.MdtWhitespace);
            if (!entry.StartsWith(@"\\", StringComparison.Ordinal))
            {
                parts.Add(part);
            }
            else if (!smbWritten)
            {
                smbWritten = true;
                int start = part.IndexOf(entry, StringComparison.Ordinal);
                parts.Add(part.Substring(0, start) + deployRoot + part.Substring(start + entry.Length));
            }
        }

        return string.Join(",", parts);
    }
}
