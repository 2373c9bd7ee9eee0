using MdtShare.Build.Diagnostics;
using MdtShare.Build.Ini;

namespace MdtShare.Build.HostReferences;

/// <summary>What one target's CustomSettings.ini becomes, and what the build says about it.</summary>
internal sealed record CustomSettingsAnalysis(byte[] Output, IReadOnlyList<string> Rewrites, IReadOnlyList<Diagnostic> Diagnostics)
{
    public int Changed => Rewrites.Count;
}

/// <summary>
/// Reads CustomSettings.ini as ZTIGather does, for one publish target: a path inside the deployment share maps to the
/// same path inside the target's DeployRoot; other shares and services on the MDT server are reported, not moved,
/// unless the project maps them; a DeployRoot or ResourceRoot that sends clients off the target is reported with
/// the rule that selects it. Lines MDT never reads (comments, keys before the first section, keys starting with
/// '#' or an apostrophe) are neither references nor rewritten. Every other byte stays as it was.
/// </summary>
internal static class CustomSettingsAnalyzer
{
    public static CustomSettingsAnalysis Analyze(byte[] input, string path, ReferenceFinder finder, string? targetRoot, bool rewrite)
    {
        IniText text = IniText.Decode(input, path);
        var document = IniDocument.Parse(text.RawText);
        var rules = new RuleSet(document);
        string? rawTarget = targetRoot is null ? null : text.ToRaw(targetRoot);
        var diagnostics = new List<Diagnostic>();
        var rewrites = new List<string>();
        if (text.HadUtf8ByteOrderMark)
        {
            // Rewriting publishes a copy, which is then written without it, as Bootstrap.ini is.
            diagnostics.Add(new Diagnostic(DiagnosticCode.ByteOrderMarkRemoved,
                "The file starts with a UTF-8 byte order mark, which MDT reads as part of the first line, so it does not find [Settings] there; "
                + (rewrite ? "the published copy is written without it." : "remove it on the MDT server (save the file as ANSI), or build with -p:MdtShareRewriteHostReferences=true."),
                path, 1, 1));
            if (rewrite)
            {
                rewrites.Add("UTF-8 byte order mark removed");
            }
        }

        IniSection? section = null;
        for (int i = 0; i < document.Lines.Count; i++)
        {
            IniLine line = document.Lines[i];
            section = line.Kind == IniLineKind.SectionHeader ? document.Sections.First(s => s.HeaderIndex == i) : section;
            if (line.Kind != IniLineKind.KeyValue || section?.Name is null || line.Key!.Length == 0 || line.Key[0] is '#' or '\'')
            {
                continue;
            }

            // A credential is never a reference: its value must not reach a message.
            string key = text.FromRaw(line.Key);
            if (MdtKeys.IsSecret(key))
            {
                continue;
            }

            string sectionName = text.FromRaw(section.Name);
            bool root = MdtKeys.IsRoot(key);
            if (root && !MdtKeys.IsRuleSection(section.Name))
            {
                diagnostics.Add(BootstrapPatcher.IgnoredOutsideRules(path, key, sectionName, i + 1, line.KeyStart + 1));
                continue;
            }

            var references = finder.InText(line.Value!, rawTarget).ToList();
            if (finder.AsBareValue(line.Value!, key) is { } bare)
            {
                references.Add(bare);
            }

            string value = line.Value!;
            var kept = new List<Reference>();
            foreach (Reference reference in references.OrderByDescending(r => r.Start))
            {
                if (rewrite && reference.Replacement is not null)
                {
                    value = value.Substring(0, reference.Start) + reference.Replacement + value.Substring(reference.Start + reference.Length);
                }
                else
                {
                    kept.Add(reference);
                }
            }

            if (value != line.Value)
            {
                document = document.WithValue(i, value);
                line = document.Lines[i];
                rewrites.Add($"{key} in [{sectionName}] at line {i + 1} -> {text.FromRaw(value)}");
            }

            foreach (Reference reference in kept.OrderBy(r => r.Start))
            {
                if (!(root && reference.Kind == ReferenceKind.InsideShare))
                {
                    diagnostics.Add(Report(reference, key, text, path, i + 1, line.ValueStart + reference.Start + 1));
                }
            }

            if (root && rawTarget is not null && !IsInside(value, rawTarget))
            {
                string fix = kept.FirstOrDefault(r => r.Replacement is not null) is { } mappable
                    ? $"-p:MdtShareRewriteHostReferences=true maps it to {text.FromRaw(mappable.Replacement!)}"
                    : $"point it at {targetRoot} if those clients must stay on the cluster";
                diagnostics.Add(new Diagnostic(DiagnosticCode.RootSendsClientsElsewhere,
                    $"{key} in [{sectionName}] (selected by {text.FromRaw(rules.SelectedBy(section.Name))}) is {text.FromRaw(value)}: LiteTouch reconnects there after Bootstrap.ini, off {targetRoot}; {fix}.",
                    path, i + 1, line.ValueStart + 1));
            }
        }

        return new CustomSettingsAnalysis(IniText.Encode(document.ToString()), rewrites, diagnostics);
    }

    /// <summary>The target's DeployRoot itself or a folder in it.</summary>
    internal static bool IsInside(string value, string root) =>
        string.Equals(value.TrimEnd('\\'), root, StringComparison.OrdinalIgnoreCase)
        || value.StartsWith(root + @"\", StringComparison.OrdinalIgnoreCase);

    internal static Diagnostic Report(Reference reference, string what, IniText? text, string path, int line, int column)
    {
        string found = text?.FromRaw(reference.Text) ?? reference.Text;
        string map = reference.ByMap
            ? $"; a HostReferenceMap maps it to {text?.FromRaw(reference.Replacement!) ?? reference.Replacement}, which MdtShareRewriteHostReferences=true applies"
            : $"; if it moved too, map it: <HostReferenceMap Include=\"{found}\" To=\"...\" />";
        return reference.Kind switch
        {
            ReferenceKind.InsideShare => new Diagnostic(DiagnosticCode.HostReferenceFound,
                reference.Replacement is null
                    ? $"{what} names the MDT server ({found}), so clients and the Workbench keep using it after the move to the cluster; change it on the MDT server if they must use the cluster."
                    : $"{what} names the deployment share on the MDT server ({found}), so clients keep using the server after the move; -p:MdtShareRewriteHostReferences=true maps it to {text?.FromRaw(reference.Replacement) ?? reference.Replacement}.",
                path, line, column),
            ReferenceKind.OtherShare => new Diagnostic(DiagnosticCode.OtherShareReferenceKept,
                $"{what} names another share on the MDT server ({found}); it does not move with the deployment share, so it is left as it is{map}.",
                path, line, column),
            ReferenceKind.Service => new Diagnostic(DiagnosticCode.ServiceReferenceKept,
                $"{what} names a service on the MDT server ({found}); monitoring, WSUS, SQL and web services do not move with a file share, so it is left as it is{map}.",
                path, line, column),
            _ => new Diagnostic(DiagnosticCode.HostReferenceFound,
                $"{what} names the MDT server ({found}), so clients keep using it after the move to the cluster{map}.",
                path, line, column),
        };
    }
}
