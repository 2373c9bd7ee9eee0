using MdtShare.Build.Diagnostics;

namespace MdtShare.Build.Ini;

/// <summary>A DeployRoot value found in the source file, before patching.</summary>
internal sealed record OriginalDeployRoot(string Section, string Value, int Line);

internal sealed class PatchResult
{
    internal PatchResult(byte[] output, IReadOnlyList<Diagnostic> diagnostics, IReadOnlyList<string> changes,
        IReadOnlyList<OriginalDeployRoot> originalDeployRoots)
    {
        Output = output;
        Diagnostics = diagnostics;
        Changes = changes;
        OriginalDeployRoots = originalDeployRoots;
    }

    /// <summary>The patched file; empty when <see cref="Succeeded"/> is false.</summary>
    public byte[] Output { get; }

    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>One line per edit, with credential values masked.</summary>
    public IReadOnlyList<string> Changes { get; }

    public IReadOnlyList<OriginalDeployRoot> OriginalDeployRoots { get; }

    public bool Succeeded => Diagnostics.All(d => d.Severity != Severity.Error);
}

/// <summary>
/// Rewrites settings in a Bootstrap.ini the way MDT reads it (ZTIUtility.vbs ReadIni, ZTIGather.wsf): only the
/// values MDT would read change; every other byte stays.
/// </summary>
internal static class BootstrapPatcher
{
    /// <param name="path">The source file, for findings about the input.</param>
    /// <param name="outputPath">Where the result goes, for findings about it (its line numbers).</param>
    public static PatchResult Patch(byte[] input, string path, IReadOnlyList<SettingChange> changes, string? outputPath = null)
    {
        var diagnostics = new List<Diagnostic>();
        var log = new List<string>();
        IniText text;
        try
        {
            text = IniText.Decode(input, path);
        }
        catch (MdtShareException e)
        {
            return new PatchResult([], [e.Diagnostic], log, []);
        }

        if (text.HadUtf8ByteOrderMark)
        {
            diagnostics.Add(new Diagnostic(DiagnosticCode.ByteOrderMarkRemoved,
                "The file starts with a UTF-8 byte order mark, which MDT reads as part of the first line; the patched file is written without it.",
                path, 1, 1));
        }

        var document = IniDocument.Parse(text.RawText);
        var originals = FindDeployRoots(document, text);
        var validator = new Validator(document, text, path, diagnostics);
        validator.CheckStructure();
        foreach (SettingChange change in changes)
        {
            validator.CheckChange(change);
        }

        foreach (OriginalDeployRoot original in originals.Where(o => !IsDynamic(o.Value)))
        {
            if (UncPath.TryParse(original.Value, out string problem) is null)
            {
                diagnostics.Add(new Diagnostic(DiagnosticCode.OriginalDeployRootMalformed,
                    $"DeployRoot in [{original.Section}] is not a valid UNC path ({problem}); it is replaced.",
                    path, original.Line, document.Lines[original.Line - 1].ValueStart + 1));
            }
        }

        if (diagnostics.Any(d => d.Severity == Severity.Error))
        {
            return new PatchResult([], diagnostics, log, originals);
        }

        foreach (SettingChange change in changes)
        {
            document = Apply(document, text, path, change, diagnostics, log);
        }

        document = PsdDeployRoots.Rewrite(document, changes.Where(c => c.IsDeployRoot).ToList(), text, log);

        ReportPlaintextSecrets(document, outputPath ?? path, diagnostics);
        return new PatchResult(IniText.Encode(document.ToString()), diagnostics, log, originals);
    }

    /// <summary>The DeployRoot values a Bootstrap.ini sets (empty for one MDT could not read, e.g. UTF-16).</summary>
    public static IReadOnlyList<OriginalDeployRoot> ReadDeployRoots(byte[] ini)
    {
        try
        {
            IniText text = IniText.Decode(ini, string.Empty);
            return FindDeployRoots(IniDocument.Parse(text.RawText), text);
        }
        catch (MdtShareException)
        {
            return [];
        }
    }

    private static bool IsDynamic(string value) => value.IndexOf('%') >= 0 || value.IndexOf('#') >= 0;

    private static List<OriginalDeployRoot> FindDeployRoots(IniDocument document, IniText text) =>
        document.Sections
            .Where(s => s.IsFirstWithName)
            .Select(s => (Section: s, Line: document.FindKey(s, MdtKeys.DeployRoot)))
            .Where(x => x.Line >= 0)
            .Select(x => new OriginalDeployRoot(text.FromRaw(x.Section.Name!), text.FromRaw(document.Lines[x.Line].Value!), x.Line + 1))
            .ToList();

    private static IniDocument Apply(IniDocument document, IniText text, string path, SettingChange change,
        List<Diagnostic> diagnostics, List<string> log)
    {
        string rawValue = text.ToRaw(change.Value)!;
        string rawKey = text.ToRaw(change.Key)!;
        if (change.Sections.Count > 0)
        {
            foreach (string sectionName in change.Sections)
            {
                document = SetInSection(document, text.ToRaw(sectionName)!, rawKey, rawValue, change, log);
            }

            return document;
        }

        ReportShadowedKeys(document, text, path, change.Key, diagnostics);
        var targets = document.Sections
            .Where(s => s.IsFirstWithName)
            .Select(s => (Section: s, Line: document.FindKey(s, rawKey)))
            .Where(x => x.Line >= 0)
            .ToList();
        foreach (var (section, line) in targets.Where(t => !MdtKeys.IsRuleSection(t.Section.Name)))
        {
            diagnostics.Add(IgnoredOutsideRules(path, change.Key, text.FromRaw(section.Name!), line + 1, document.Lines[line].KeyStart + 1));
        }

        targets.RemoveAll(t => !MdtKeys.IsRuleSection(t.Section.Name));
        if (targets.Count == 0)
        {
            if (!new RuleSet(document).Entries.Any(e => string.Equals(e.Name, MdtKeys.Default, StringComparison.OrdinalIgnoreCase)))
            {
                int priorityLine = RuleSet.PriorityLine(document);
                diagnostics.Add(new Diagnostic(DiagnosticCode.DefaultSectionNotInPriority,
                    $"No section sets {change.Key}, so it is added to [Default], but Priority does not list Default: MDT will not read it there. Add Default to Priority or name the section with the Section metadata.",
                    path, priorityLine + 1, document.Lines[priorityLine].ValueStart + 1));
            }

            return SetInSection(document, MdtKeys.Default, rawKey, rawValue, change, log);
        }

        foreach (var (section, line) in targets)
        {
            string current = document.Lines[line].Value!;
            if (change.IsDeployRoot && IsDynamic(current))
            {
                string advice = current.IndexOf("%WDSServer%", StringComparison.OrdinalIgnoreCase) >= 0
                    ? "it follows the PXE server that booted the client, and WDS is not a cluster role, so it can never be highly available. "
                      + $"To send these clients to the cluster, write DeployRoot={change.Value} in the source file, or set it for this section: "
                      + $"<BootstrapSetting Include=\"DeployRoot\" Section=\"{text.FromRaw(section.Name!)}\" Value=\"{change.Value}\" />"
                    : "check that it resolves to the cluster.";
                diagnostics.Add(new Diagnostic(DiagnosticCode.DynamicDeployRootKept,
                    $"DeployRoot in [{text.FromRaw(section.Name!)}] is '{text.FromRaw(current)}', which clients resolve at boot; it is kept unchanged: {advice}",
                    path, line + 1, document.Lines[line].ValueStart + 1));
                continue;
            }

            document = SetLine(document, line, rawValue, change, text.FromRaw(section.Name!), log);
        }

        return document;
    }

    private static IniDocument SetInSection(IniDocument document, string rawSection, string rawKey, string rawValue,
        SettingChange change, List<string> log)
    {
        string newLine = rawKey + "=" + rawValue;
        IniSection? section = document.FindSection(rawSection);
        if (section is null)
        {
            log.Add($"Added [{rawSection}] with {change.Key}={change.LoggableValue}");
            return document.WithSectionAppended(rawSection, newLine);
        }

        int line = document.FindKey(section, rawKey);
        if (line >= 0)
        {
            return SetLine(document, line, rawValue, change, rawSection, log);
        }

        int after = section.BodyIndexes.LastOrDefault(i => document.Lines[i].Kind == IniLineKind.KeyValue);
        if (after == 0)
        {
            after = section.HeaderIndex;
        }

        log.Add($"Added {change.Key}={change.LoggableValue} to [{rawSection}] at line {after + 2}");
        return document.WithLineAfter(after, newLine);
    }

    private static IniDocument SetLine(IniDocument document, int line, string rawValue, SettingChange change,
        string sectionName, List<string> log)
    {
        if (document.Lines[line].Value == rawValue)
        {
            return document;
        }

        log.Add($"Set {change.Key}={change.LoggableValue} in [{sectionName}] at line {line + 1}");
        return document.WithValue(line, rawValue);
    }

    /// <summary>Lines MDT never reads (a later duplicate key, or a key in a repeated section) are left alone, with a warning.</summary>
    private static void ReportShadowedKeys(IniDocument document, IniText text, string path, string key, List<Diagnostic> diagnostics)
    {
        string rawKey = text.ToRaw(key)!;
        foreach (IniSection section in document.Sections.Where(s => s.Name is not null))
        {
            int used = section.IsFirstWithName ? document.FindKey(section, rawKey) : -1;
            foreach (int i in section.BodyIndexes.Where(i => i != used && document.Lines[i].HasKey(rawKey)))
            {
                string why = section.IsFirstWithName
                    ? $"line {used + 1} sets it first in [{text.FromRaw(section.Name!)}]"
                    : $"it is in a repeated [{text.FromRaw(section.Name!)}] section";
                diagnostics.Add(new Diagnostic(DiagnosticCode.ShadowedSettingIgnored,
                    $"{key} on this line is ignored by MDT because {why}; it is left unchanged.",
                    path, i + 1, document.Lines[i].KeyStart + 1));
            }
        }
    }

    /// <summary>A key MDT does not read from [Settings] or [DefaultGateway]: warned about, and treated as absent.</summary>
    internal static Diagnostic IgnoredOutsideRules(string path, string key, string section, int line, int column) =>
        new(DiagnosticCode.SettingOutsideRules,
            $"{key} in [{section}] is ignored by MDT, which reads properties only from the sections Priority selects; the build treats it as absent and leaves this line unchanged.",
            path, line, column);

    /// <summary>Every credential the published file carries, also in blocks MDT does not read and on lines commented
    /// out: the bytes are published all the same.</summary>
    private static void ReportPlaintextSecrets(IniDocument document, string path, List<Diagnostic> diagnostics)
    {
        foreach (IniLine line in document.Lines)
        {
            string trimmed = line.Text.TrimStart(IniLine.MdtWhitespace);
            int equals = trimmed.IndexOf('=');
            if (line.Kind is not (IniLineKind.KeyValue or IniLineKind.Comment) || equals < 0)
            {
                continue;
            }

            string key = trimmed.Substring(0, equals).TrimStart(';', '#', '\'', ' ', '\t').Trim(IniLine.MdtWhitespace);
            if (MdtKeys.IsSecret(key) && trimmed.Substring(equals + 1).Trim(IniLine.MdtWhitespace).Length > 0)
            {
                string where = line.Kind == IniLineKind.Comment ? " (on a line MDT does not read)" : string.Empty;
                diagnostics.Add(new Diagnostic(DiagnosticCode.PlaintextSecretPublished,
                    $"{key} is set in plain text{where}; the published Bootstrap.ini and every boot image built from it carry it, readable by anyone with the boot media.",
                    path, line.Number, line.Text.Length - trimmed.Length + 1));
            }
        }
    }

    /// <summary>Checks that stop a patch (errors) or deserve a look (warnings), before anything is changed.</summary>
    private sealed class Validator(IniDocument document, IniText text, string path, List<Diagnostic> diagnostics)
    {
        public void CheckStructure()
        {
            IniSection? settings = document.FindSection(MdtKeys.Settings);
            if (settings is null)
            {
                Add(DiagnosticCode.SettingsSectionMissing,
                    "There is no [Settings] section. MDT needs [Settings] with a Priority key to process the file.", 0, 0);
                return;
            }

            int priorityLine = document.FindKey(settings, MdtKeys.Priority);
            if (priorityLine < 0 || document.Lines[priorityLine].Value!.Trim(',', ' ').Length == 0)
            {
                Add(DiagnosticCode.PriorityMissing,
                    "[Settings] has no Priority value. MDT fails with \"rule Priority key not set in section [Settings]\"; add for example Priority=Default.",
                    priorityLine >= 0 ? priorityLine + 1 : settings.HeaderIndex + 1, 1);
                return;
            }

            var rules = new RuleSet(document);
            foreach (var (name, column) in rules.Entries)
            {
                if (string.Equals(name, MdtKeys.DefaultGateway, StringComparison.OrdinalIgnoreCase))
                {
                    CheckGatewaySections(priorityLine, column);
                }
                else if (document.FindSection(name) is null && !rules.IsPropertyEntry(name))
                {
                    Add(DiagnosticCode.PrioritySectionMissing,
                        $"Priority lists '{text.FromRaw(name)}', but there is no [{text.FromRaw(name)}] section and it is not a property MDT gathers; MDT skips it.",
                        priorityLine + 1, column);
                }
            }
        }

        public void CheckChange(SettingChange change)
        {
            if (text.ToRaw(change.Key) is null || change.Sections.Any(s => text.ToRaw(s) is null))
            {
                Add(DiagnosticCode.ValueNotRepresentable,
                    $"The key or section name of {change.Key} cannot be written in the file's encoding ({text.FileEncoding}).", 0, 0, change.Origin);
            }

            if (change.IsDeployRoot)
            {
                if (change.Value.Any(c => c > 0x7F))
                {
                    Add(DiagnosticCode.DeployRootNotAscii,
                        $"DeployRoot '{change.Value}' contains non-ASCII characters; MDT reads Bootstrap.ini as ANSI and host names must be ASCII.", 0, 0, change.Origin);
                }
                else if (UncPath.TryParse(change.Value, out string problem) is null)
                {
                    Add(DiagnosticCode.DeployRootInvalid,
                        $"DeployRoot '{change.Value}' is not a UNC path of the form \\\\server\\share[\\folder...]: {problem}.", 0, 0, change.Origin);
                }
            }
            else if (text.ToRaw(change.Value) is null)
            {
                Add(DiagnosticCode.ValueNotRepresentable,
                    $"The value of {change.Key} cannot be written in the file's encoding ({text.FileEncoding}); MDT reads ANSI (Windows-1252).", 0, 0, change.Origin);
            }
        }

        private void CheckGatewaySections(int priorityLine, int column)
        {
            IniSection? gateways = document.FindSection(MdtKeys.DefaultGateway);
            if (gateways is null)
            {
                Add(DiagnosticCode.PrioritySectionMissing,
                    "Priority lists DefaultGateway, but there is no [DefaultGateway] section mapping gateway addresses to sections.",
                    priorityLine + 1, column);
                return;
            }

            foreach (int i in gateways.BodyIndexes.Where(i => document.Lines[i].Kind == IniLineKind.KeyValue))
            {
                IniLine line = document.Lines[i];
                if (line.Value!.Length > 0 && document.FindSection(line.Value) is null)
                {
                    Add(DiagnosticCode.PrioritySectionMissing,
                        $"[DefaultGateway] maps {text.FromRaw(line.Key!)} to '{text.FromRaw(line.Value)}', but there is no [{text.FromRaw(line.Value)}] section.",
                        i + 1, line.ValueStart + 1);
                }
            }
        }

        private void Add(DiagnosticCode code, string message, int line, int column, string? file = null) =>
            diagnostics.Add(new Diagnostic(code, message, file ?? path, line, column));
    }
}
