using MdtShare.Build.Diagnostics;
using MdtShare.Build.HostReferences;
using MdtShare.Build.Ini;
using MdtShare.Build.IO;
using MdtShare.Build.Reports;
using Microsoft.Build.Framework;

namespace MdtShare.Build.Tasks;

/// <summary>
/// Reports every place the share still names the MDT server (taken from Bootstrap.ini's original DeployRoots and
/// PSD roots, plus MdtShareServerAliases) and every rule that sends clients off a target; with MdtShareRewriteHostReferences,
/// writes each target's CustomSettings.ini with its share paths (and HostReferenceMap items) mapped. Also says, per
/// target, what each kind of client ends up with after the build.
/// </summary>
[MSBuildMultiThreadableTask]
public sealed class ReportHostReferences : MdtShareTask, IIncrementalTask
{
    private static readonly DiagnosticCode[] ReferenceCodes =
    [
        DiagnosticCode.HostReferenceFound, DiagnosticCode.OtherShareReferenceKept, DiagnosticCode.ServiceReferenceKept,
        DiagnosticCode.RootSendsClientsElsewhere,
    ];

    [Required]
    public string DeploymentShare { get; set; } = string.Empty;

    /// <summary>The cluster's DeployRoot: share paths map into it.</summary>
    public string DeployRoot { get; set; } = string.Empty;

    [Required]
    public string OverlayDirectory { get; set; } = string.Empty;

    /// <summary>PublishTarget items; one with its own DeployRoot metadata gets its own CustomSettings.ini in its
    /// OverlayDirectory.</summary>
    public ITaskItem[] Targets { get; set; } = [];

    public bool RewriteHostReferences { get; set; }

    /// <summary>HostReferenceMap items: Include = what is written now (UNC prefix, URL prefix or host), To = its new name.</summary>
    public ITaskItem[] HostReferenceMaps { get; set; } = [];

    /// <summary>Other names of the MDT server (its IP address, DNS aliases), ';'-separated.</summary>
    public string MdtServerAliases { get; set; } = string.Empty;

    /// <summary>Each place reported, for the publish report: the share-relative file, metadata Line and Text.</summary>
    [Output]
    public ITaskItem[] References { get; private set; } = [];

    /// <summary>Per target and kind of client (the item): metadata TargetDeployRoot, Sections, BootstrapDeployRoot,
    /// DeployRoot, SLShare, BackupShare, EventService.</summary>
    [Output]
    public ITaskItem[] ClientOutcomes { get; private set; } = [];

    private readonly List<Diagnostic> _diagnostics = [];

    protected override void ExecuteCore()
    {
        string share = ResolvePath(DeploymentShare);
        if (ShareFiles.Find(share, "Control/Bootstrap.ini") is not { } bootstrap)
        {
            return;
        }

        byte[] sourceBootstrap = File.ReadAllBytes(bootstrap);
        // A source file may already name a target (a [Default] fallback to the cluster): that host is not the MDT server.
        var targetHosts = new HashSet<string>(PublishRoots().Select(p => HostOf(p.DeployRoot ?? string.Empty)), StringComparer.OrdinalIgnoreCase);
        var sourceRoots = BootstrapPatcher.ReadDeployRoots(sourceBootstrap).Select(r => r.Value).Concat(PsdSmbRoots(sourceBootstrap))
            .Where(r => !targetHosts.Contains(HostOf(r))).ToList();
        var finder = new ReferenceFinder(new SourceServer(sourceRoots, MdtServerAliases.Split(';')), ReadMaps());
        bool media = ShareFiles.Find(share, "Scripts/Media.tag") is not null;
        string? customSettings = ShareFiles.Find(share, "Control/CustomSettings.ini");
        var outcomes = new List<ITaskItem>();
        foreach (var (deployRoot, overlay) in PublishRoots())
        {
            string? overlayBootstrap = Path.Combine(overlay, ShareFiles.Relative(share, bootstrap));
            byte[] publishedBootstrap = File.Exists(overlayBootstrap) ? File.ReadAllBytes(overlayBootstrap) : sourceBootstrap;
            string? root = media ? null : deployRoot ?? SingleDeployRoot(publishedBootstrap);
            byte[]? publishedCustomSettings = customSettings is null ? null
                : PublishCustomSettings(customSettings, Path.Combine(overlay, ShareFiles.Relative(share, customSettings)), finder, root);
            if (Log.HasLoggedErrors)
            {
                return;
            }

            var table = HostReferences.ClientOutcomes.For(publishedBootstrap, publishedCustomSettings);
            outcomes.AddRange(table.Select(o => TaskItems.ToItem(root ?? "(no DeployRoot)", o)));
            Message(MessageImportance.High, Describe(root, table));
            CheckFallback(bootstrap, sourceBootstrap, table, root);
            NoteMergedServers(sourceRoots, publishedBootstrap, root);
        }

        foreach (string file in HostReferenceScanner.XmlFiles(share))
        {
            _diagnostics.AddRange(HostReferenceScanner.Scan(file, finder));
        }

        var distinct = _diagnostics.GroupBy(d => (d.Code.Id, d.File, d.Line, d.Column, d.Message)).Select(g => g.First()).ToList();
        Report(distinct);
        References = distinct.Where(d => ReferenceCodes.Contains(d.Code)).Select(d => ReferenceItem(share, d)).ToArray();
        ClientOutcomes = [.. outcomes];
    }

    /// <summary>The build's own DeployRoot and overlay, then each PublishTarget with its own.</summary>
    private IEnumerable<(string? DeployRoot, string Overlay)> PublishRoots()
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        string main = DeployRoot.Trim();
        if (seen.Add(ResolvePath(OverlayDirectory)))
        {
            yield return (main.Length > 0 ? main : null, ResolvePath(OverlayDirectory));
        }

        foreach (ITaskItem target in Targets.Where(t => t.GetMetadata(Metadata.DeployRoot).Trim().Length > 0 && t.GetMetadata(Metadata.OverlayDirectory).Length > 0))
        {
            if (seen.Add(ResolvePath(target.GetMetadata(Metadata.OverlayDirectory))))
            {
                yield return (target.GetMetadata(Metadata.DeployRoot).Trim(), ResolvePath(target.GetMetadata(Metadata.OverlayDirectory)));
            }
        }
    }

    private byte[] PublishCustomSettings(string source, string destination, ReferenceFinder finder, string? root)
    {
        byte[] input = File.ReadAllBytes(source);
        CustomSettingsAnalysis analysis;
        try
        {
            analysis = CustomSettingsAnalyzer.Analyze(input, source, finder, root, RewriteHostReferences);
        }
        catch (MdtShareException e)
        {
            Report(e.Diagnostic);
            return input;
        }

        _diagnostics.AddRange(analysis.Diagnostics);
        bool write = RewriteHostReferences && analysis.Changed > 0;
        if (FailIfNotIncremental)
        {
            if (write ? !AtomicFile.Holds(destination, analysis.Output) : File.Exists(destination))
            {
                ReportOutOfDate($"{destination} would be {(write ? "written" : "removed")}: CustomSettings.ini or the references to rewrite changed");
            }
        }
        else if (write)
        {
            AtomicFile.WriteIfChanged(destination, analysis.Output);
            analysis.Rewrites.ToList().ForEach(r => Message(MessageImportance.Normal, "CustomSettings.ini: " + r));
            Message(MessageImportance.High, $"CustomSettings.ini -> {destination} ({analysis.Changed} value(s) mapped{(root is null ? string.Empty : " into " + root)})");
        }
        else if (File.Exists(destination))
        {
            File.Delete(destination);
        }

        return write ? analysis.Output : input;
    }

    /// <summary>Clients the rules give no DeployRoot are asked for one by the wizard: a deployment nobody watches stops.</summary>
    private void CheckFallback(string bootstrap, byte[] source, IReadOnlyList<ClientOutcome> table, string? root)
    {
        if (table[table.Count - 1].BootstrapDeployRoot is not null || table.All(o => o.BootstrapDeployRoot is null))
        {
            return;
        }

        IniText text = IniText.Decode(source, bootstrap);
        var document = IniDocument.Parse(text.RawText);
        int line = RuleSet.PriorityLine(document);
        string value = root ?? @"\\MDTCLUSTER\Distribution$";
        _diagnostics.Add(new Diagnostic(DiagnosticCode.ClientsWithoutDeployRoot,
            "Clients that no gateway or property entry selects get no DeployRoot from Bootstrap.ini, and the Deployment Wizard stops to ask them for one. "
            + $"Give them a fallback in [Default] (listed in Priority): <BootstrapSetting Include=\"DeployRoot\" Section=\"Default\" Value=\"{value}\" />.",
            bootstrap, line + 1, line >= 0 ? document.Lines[line].ValueStart + 1 : 0));
    }

    private void NoteMergedServers(IReadOnlyList<string> sourceRoots, byte[] publishedBootstrap, string? root)
    {
        var servers = sourceRoots.Select(HostOf).Where(h => h.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (servers.Count > 1 && root is not null && SingleDeployRoot(publishedBootstrap) is not null)
        {
            Message(MessageImportance.High,
                $"Bootstrap.ini sent clients to {servers.Count} MDT servers ({string.Join(", ", servers)}); after the build all of them use {root}. "
                + "Per-site clusters: give each PublishTarget its own DeployRoot and Site (docs/reference.md).");
        }
    }

    private static string HostOf(string root) =>
        UncPath.TryParse(root, out _) is { } unc && root.IndexOf('%') < 0 ? unc.Host : string.Empty;

    private static string? SingleDeployRoot(byte[] bootstrap)
    {
        var roots = BootstrapPatcher.ReadDeployRoots(bootstrap).Select(r => r.Value).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return roots.Count == 1 ? roots[0] : null;
    }

    /// <summary>The SMB entries of PSDDeployRoots: the same share, served by the MDT server.</summary>
    private static IEnumerable<string> PsdSmbRoots(byte[] bootstrap)
    {
        IniText text = IniText.Decode(bootstrap, string.Empty);
        var document = IniDocument.Parse(text.RawText);
        return document.Sections.Where(s => s.IsFirstWithName)
            .Select(s => document.FindKey(s, MdtKeys.PsdDeployRoots))
            .Where(line => line >= 0)
            .SelectMany(line => document.Lines[line].Value!.Split(','))
            .Select(entry => text.FromRaw(entry.Trim(IniLine.MdtWhitespace)))
            .Where(entry => entry.StartsWith(@"\\", StringComparison.Ordinal));
    }

    private List<HostReferenceMap> ReadMaps()
    {
        var maps = new List<HostReferenceMap>();
        foreach (ITaskItem item in HostReferenceMaps)
        {
            string to = item.GetMetadata(Metadata.To).Trim();
            if (to.Length == 0 || item.ItemSpec.Trim().Length == 0)
            {
                Report(new Diagnostic(DiagnosticCode.BootstrapSettingInvalid,
                    $"HostReferenceMap '{item.ItemSpec}' needs both Include (what the share names now) and To (its new name), e.g. <HostReferenceMap Include=\"\\\\MDT01\\Logs$\" To=\"\\\\MDTCLUSTER\\Logs$\" />.",
                    ProjectPath));
                continue;
            }

            // MSBuild on Unix turns an item spec's backslashes into slashes: a UNC path comes in as //MDT01/Logs$.
            string from = item.ItemSpec.Trim();
            maps.Add(new HostReferenceMap(from.StartsWith("//", StringComparison.Ordinal) ? from.Replace('/', '\\') : from, to));
        }

        return maps;
    }

    private static string Describe(string? root, IReadOnlyList<ClientOutcome> table)
    {
        static string Show(string? value) => value ?? "(none)";
        var lines = table.Select(o =>
            $"  {o.Client} ({o.Sections}): DeployRoot {Show(o.DeployRoot)}"
            + (string.Equals(o.DeployRoot, o.BootstrapDeployRoot, StringComparison.OrdinalIgnoreCase) ? string.Empty : $" (Bootstrap.ini: {Show(o.BootstrapDeployRoot)})")
            + $", SLShare {Show(o.SLShare)}, BackupShare {Show(o.BackupShare)}, EventService {Show(o.EventService)}");
        return $"Clients of {root ?? "the published share"} after the build:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}";
    }

    private static ITaskItem ReferenceItem(string share, Diagnostic diagnostic) => TaskItems.ToItem(new HostReferenceEntry(
        diagnostic.File is { Length: > 0 } file && file.StartsWith(share, StringComparison.Ordinal) ? ShareFiles.Relative(share, file) : diagnostic.File ?? string.Empty,
        diagnostic.Line, $"{diagnostic.Code.Id}: {diagnostic.Message}"));
}
