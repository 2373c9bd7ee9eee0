using MdtShare.Build.Diagnostics;
using MdtShare.Build.Ini;
using MdtShare.Build.IO;
using MdtShare.Build.Reports;

namespace MdtShare.Build.HostReferences;

/// <summary>An overlay the build writes, and the DeployRoot its Bootstrap.ini sends clients to; null when it names
/// none of its own (the root is then read from the published Bootstrap.ini).</summary>
internal sealed record PublishRoot(string? DeployRoot, string Overlay);

/// <summary>What to review, as full paths.</summary>
/// <param name="Roots">The build's own overlay, then one per site; an overlay named again is reviewed once, with the
/// DeployRoot it was first named with.</param>
internal sealed record HostReferenceRequest(string Share, IReadOnlyList<PublishRoot> Roots)
{
    /// <summary>Publish each overlay's CustomSettings.ini with its share paths and the maps applied.</summary>
    public bool Rewrite { get; init; }

    public IReadOnlyList<HostReferenceMap> Maps { get; init; } = [];

    /// <summary>Other names of the MDT server (its IP address, DNS aliases).</summary>
    public IReadOnlyList<string> ServerAliases { get; init; } = [];

    /// <summary>Change nothing; tell each change that is due (MSBuild's question mode).</summary>
    public bool OnlyCheck { get; init; }
}

/// <summary>What each kind of client of one publish root ends up with.</summary>
/// <param name="TargetDeployRoot">The root's DeployRoot, or "(no DeployRoot)".</param>
internal sealed record RootClients(string TargetDeployRoot, IReadOnlyList<ClientOutcome> Outcomes);

/// <summary>What the review found, for the publish report.</summary>
/// <param name="References">Each place reported, by share-relative file.</param>
internal sealed record HostReferenceResult(IReadOnlyList<HostReferenceEntry> References, IReadOnlyList<RootClients> Clients)
{
    public static HostReferenceResult None { get; } = new([], []);
}

/// <summary>
/// Reviews a share for its move to the publish roots: every place it still names the MDT server (the hosts of
/// Bootstrap.ini's original DeployRoots and PSD roots, and the aliases) and every rule that sends clients off a
/// root, reported once; per root, the overlay's CustomSettings.ini published with its share paths mapped (or removed
/// when the share's own is right) and what each kind of client ends up with. The share is only read. Knows nothing
/// of MSBuild.
/// </summary>
/// <remarks>Findings come once, after every root; a failure comes at once and ends the review after the
/// CustomSettings.ini at hand, with nothing returned, since the build fails anyway.</remarks>
internal sealed class HostReferenceReview(HostReferenceRequest request, IBuildListener listener)
{
    private static readonly DiagnosticCode[] ReferenceCodes =
    [
        DiagnosticCode.HostReferenceFound, DiagnosticCode.OtherShareReferenceKept, DiagnosticCode.ServiceReferenceKept,
        DiagnosticCode.RootSendsClientsElsewhere,
    ];

    private readonly List<Diagnostic> _findings = [];
    private bool _failed;

    public HostReferenceResult Run()
    {
        string share = request.Share;
        if (ShareFiles.Find(share, "Control/Bootstrap.ini") is not { } bootstrap)
        {
            return HostReferenceResult.None;
        }

        var roots = request.Roots.GroupBy(r => r.Overlay, StringComparer.OrdinalIgnoreCase).Select(g => g.First()).ToList();
        byte[] sourceBootstrap = File.ReadAllBytes(bootstrap);
        // A source file may already name a target (a [Default] fallback to the cluster): that host is not the MDT server.
        var targetHosts = new HashSet<string>(roots.Select(r => HostOf(r.DeployRoot ?? string.Empty)), StringComparer.OrdinalIgnoreCase);
        var sourceRoots = BootstrapPatcher.ReadDeployRoots(sourceBootstrap).Select(r => r.Value).Concat(PsdSmbRoots(sourceBootstrap))
            .Where(r => !targetHosts.Contains(HostOf(r))).ToList();
        var finder = new ReferenceFinder(new SourceServer(sourceRoots, request.ServerAliases), request.Maps);
        bool media = ShareFiles.Find(share, "Scripts/Media.tag") is not null;
        string? customSettings = ShareFiles.Find(share, "Control/CustomSettings.ini");
        var clients = new List<RootClients>();
        foreach (var (deployRoot, overlay) in roots)
        {
            string overlayBootstrap = Path.Combine(overlay, ShareFiles.Relative(share, bootstrap));
            byte[] publishedBootstrap = File.Exists(overlayBootstrap) ? File.ReadAllBytes(overlayBootstrap) : sourceBootstrap;
            string? root = media ? null : deployRoot ?? SingleDeployRoot(publishedBootstrap);
            byte[]? publishedCustomSettings = customSettings is null ? null
                : PublishCustomSettings(customSettings, Path.Combine(overlay, ShareFiles.Relative(share, customSettings)), finder, root);
            if (_failed)
            {
                return HostReferenceResult.None;
            }

            var table = ClientOutcomes.For(publishedBootstrap, publishedCustomSettings);
            clients.Add(new RootClients(root ?? "(no DeployRoot)", table));
            listener.Tell(Describe(root, table));
            CheckFallback(bootstrap, sourceBootstrap, table, root);
            NoteMergedServers(sourceRoots, publishedBootstrap, root);
        }

        foreach (string file in HostReferenceScanner.XmlFiles(share))
        {
            _findings.AddRange(HostReferenceScanner.Scan(file, finder));
        }

        var distinct = _findings.GroupBy(d => (d.Code.Id, d.File, d.Line, d.Column, d.Message)).Select(g => g.First()).ToList();
        distinct.ForEach(listener.Report);
        return new HostReferenceResult(distinct.Where(d => ReferenceCodes.Contains(d.Code)).Select(d => Entry(share, d)).ToList(), clients);
    }

    /// <returns>The CustomSettings.ini the root's clients read: the overlay's when it is published, else the share's.</returns>
    private byte[] PublishCustomSettings(string source, string destination, ReferenceFinder finder, string? root)
    {
        byte[] input = File.ReadAllBytes(source);
        CustomSettingsAnalysis analysis;
        try
        {
            analysis = CustomSettingsAnalyzer.Analyze(input, source, finder, root, request.Rewrite);
        }
        catch (MdtShareException e)
        {
            _failed = true;
            listener.Report(e.Diagnostic);
            return input;
        }

        _findings.AddRange(analysis.Diagnostics);
        bool write = request.Rewrite && analysis.Changed > 0;
        if (request.OnlyCheck)
        {
            if (write ? !AtomicFile.Holds(destination, analysis.Output) : File.Exists(destination))
            {
                _failed = true;
                listener.OutOfDate($"{destination} would be {(write ? "written" : "removed")}: CustomSettings.ini or the references to rewrite changed");
            }
        }
        else if (write)
        {
            AtomicFile.WriteIfChanged(destination, analysis.Output);
            analysis.Rewrites.ToList().ForEach(r => listener.Detail("CustomSettings.ini: " + r));
            listener.Tell($"CustomSettings.ini -> {destination} ({analysis.Changed} value(s) mapped{(root is null ? string.Empty : " into " + root)})");
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
        _findings.Add(new Diagnostic(DiagnosticCode.ClientsWithoutDeployRoot,
            "Clients that no gateway or property entry selects get no DeployRoot from Bootstrap.ini, and the Deployment Wizard stops to ask them for one. "
            + $"Give them a fallback in [Default] (listed in Priority): <BootstrapSetting Include=\"DeployRoot\" Section=\"Default\" Value=\"{value}\" />.",
            bootstrap, line + 1, line >= 0 ? document.Lines[line].ValueStart + 1 : 0));
    }

    private void NoteMergedServers(IReadOnlyList<string> sourceRoots, byte[] publishedBootstrap, string? root)
    {
        var servers = sourceRoots.Select(HostOf).Where(h => h.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (servers.Count > 1 && root is not null && SingleDeployRoot(publishedBootstrap) is not null)
        {
            listener.Tell(
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

    private static string Describe(string? root, IReadOnlyList<ClientOutcome> table)
    {
        static string Show(string? value) => value ?? "(none)";
        var lines = table.Select(o =>
            $"  {o.Client} ({o.Sections}): DeployRoot {Show(o.DeployRoot)}"
            + (string.Equals(o.DeployRoot, o.BootstrapDeployRoot, StringComparison.OrdinalIgnoreCase) ? string.Empty : $" (Bootstrap.ini: {Show(o.BootstrapDeployRoot)})")
            + $", SLShare {Show(o.SLShare)}, BackupShare {Show(o.BackupShare)}, EventService {Show(o.EventService)}");
        return $"Clients of {root ?? "the published share"} after the build:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}";
    }

    private static HostReferenceEntry Entry(string share, Diagnostic diagnostic) => new(
        diagnostic.File is { Length: > 0 } file && file.StartsWith(share, StringComparison.Ordinal) ? ShareFiles.Relative(share, file) : diagnostic.File ?? string.Empty,
        diagnostic.Line, $"{diagnostic.Code.Id}: {diagnostic.Message}");
}
