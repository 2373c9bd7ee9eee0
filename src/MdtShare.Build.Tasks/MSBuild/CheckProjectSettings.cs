using MdtShare.Build.Diagnostics;
using Microsoft.Build.Framework;

namespace MdtShare.Build.Tasks;

/// <summary>
/// Checks the project's own settings before anything is built: the property names this release renamed (MDTS5003),
/// and an MdtSharePublishSite that names no PublishTarget's Site (MDTS2019).
/// </summary>
[MSBuildMultiThreadableTask]
public sealed class CheckProjectSettings : MdtShareTask
{
    /// <summary>Old property names the project or command line set: Include = the old name, metadata Use = the new one.</summary>
    public ITaskItem[] RenamedProperties { get; set; } = [];

    /// <summary>The sites to publish, ';'-separated (case ignored); empty for all.</summary>
    public string PublishSite { get; set; } = string.Empty;

    public ITaskItem[] PublishTargets { get; set; } = [];

    protected override void ExecuteCore()
    {
        foreach (ITaskItem renamed in RenamedProperties)
        {
            string use = renamed.GetMetadata(Metadata.Use);
            Report(new Diagnostic(DiagnosticCode.PropertyRenamed,
                $"The property {renamed.ItemSpec} is now {use}; the old name still works in this release and will be removed in the next. Rename it where it is set (the project, Directory.Build.props, or -p:{use}=… on the command line).",
                ProjectPath));
        }

        var sites = PublishTargets.Select(t => t.GetMetadata(Metadata.Site).Trim()).Where(s => s.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        foreach (string wanted in PublishSite.Split(';').Select(s => s.Trim()).Where(s => s.Length > 0))
        {
            if (!sites.Contains(wanted, StringComparer.OrdinalIgnoreCase))
            {
                Report(new Diagnostic(DiagnosticCode.PublishSiteUnknown,
                    $"MdtSharePublishSite '{wanted}' names no PublishTarget. Give each PublishTarget its site, e.g. <PublishTarget Include=\"\\\\STOCLUSTER\\Distribution$\" Site=\"stockholm\" />; the sites in this project: {string.Join(", ", sites.Select(s => s.ToLowerInvariant()))}.",
                    ProjectPath));
            }
        }
    }
}
