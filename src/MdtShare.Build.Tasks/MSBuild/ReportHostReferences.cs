using MdtShare.Build.Diagnostics;
using MdtShare.Build.HostReferences;
using MdtShare.Build.Ini;
using MdtShare.Build.IO;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace MdtShare.Build.Tasks;

/// <summary>
/// Warns about every other place where the share names the MDT server (taken from Bootstrap.ini's original
/// DeployRoot), and with RewriteHostReferences rewrites them in the published CustomSettings.ini.
/// </summary>
[MSBuildMultiThreadableTask]
public sealed class ReportHostReferences : MdtShareTask, IIncrementalTask
{
    [Required]
    public string DeploymentShare { get; set; } = string.Empty;

    /// <summary>The cluster's DeployRoot: its host replaces the MDT server's in rewritten values.</summary>
    public string DeployRoot { get; set; } = string.Empty;

    [Required]
    public string OverlayDirectory { get; set; } = string.Empty;

    public bool RewriteHostReferences { get; set; }

    /// <summary>Each place found, for the publish report: the share-relative file, metadata Line and Text.</summary>
    [Output]
    public ITaskItem[] References { get; private set; } = [];

    private readonly List<ITaskItem> _references = [];

    protected override void ExecuteCore()
    {
        Scan();
        References = [.. _references];
    }

    private void Scan()
    {
        string share = ResolvePath(DeploymentShare);
        string bootstrap = Path.Combine(share, "Control", "Bootstrap.ini");
        string newHost = HostReferenceScanner.HostOf(DeployRoot.Trim());
        var hosts = File.Exists(bootstrap)
            ? BootstrapPatcher.ReadDeployRoots(File.ReadAllBytes(bootstrap)).Select(d => HostReferenceScanner.HostOf(d.Value))
                .Where(h => h.Length > 0 && !string.Equals(h, newHost, StringComparison.OrdinalIgnoreCase)).Distinct(StringComparer.OrdinalIgnoreCase).ToList()
            : [];
        if (hosts.Count == 0)
        {
            return;
        }

        var scanner = new HostReferenceScanner(hosts);
        foreach (string relative in HostReferenceScanner.FilesToScan(share))
        {
            string file = Path.Combine(share, relative.Replace('/', Path.DirectorySeparatorChar));
            bool rewrite = RewriteHostReferences && newHost.Length > 0 && relative == "Control/CustomSettings.ini";
            if (rewrite)
            {
                Rewrite(file, relative, scanner, newHost);
                continue;
            }

            foreach (HostReference reference in scanner.Scan(file, relative))
            {
                string hint = relative == "Control/CustomSettings.ini"
                    ? "-p:RewriteHostReferences=true rewrites it in the published copy"
                    : "change it on the MDT server if clients or the Workbench must use the cluster";
                Report(new Diagnostic(DiagnosticCode.HostReferenceFound,
                    $"{reference.What} names the MDT server ({reference.Text}), so clients keep using it after the move to the cluster; {hint}.",
                    file, reference.Line, reference.Column));
                var item = new TaskItem(relative);
                item.SetMetadata("Line", reference.Line.ToString(System.Globalization.CultureInfo.InvariantCulture));
                item.SetMetadata("Text", $"{reference.What} names the MDT server ({reference.Text})");
                _references.Add(item);
            }
        }
    }

    private void Rewrite(string file, string relative, HostReferenceScanner scanner, string newHost)
    {
        var (output, changed) = CustomSettingsRewriter.Rewrite(File.ReadAllBytes(file), file, scanner, newHost);
        string destination = Path.Combine(ResolvePath(OverlayDirectory), relative.Replace('/', Path.DirectorySeparatorChar));
        if (FailIfNotIncremental)
        {
            if (changed == 0 ? File.Exists(destination) : !AtomicFile.Holds(destination, output))
            {
                ReportOutOfDate($"{destination} would be {(changed == 0 ? "removed" : "written")}: {relative} changed");
            }

            return;
        }

        if (changed == 0)
        {
            if (File.Exists(destination))
            {
                File.Delete(destination);
            }

            return;
        }

        AtomicFile.WriteIfChanged(destination, output);
        Message(MessageImportance.High, $"{relative}: {changed} value(s) naming the MDT server now name {newHost} -> {destination}");
    }
}
