using MdtShare.Build.Diagnostics;
using Microsoft.Build.Framework;

namespace MdtShare.Build.Tasks;

/// <summary>
/// Checks the project's own settings before anything is built: the property names this release renamed (MDTS5003).
/// </summary>
[MSBuildMultiThreadableTask]
public sealed class CheckProjectSettings : MdtShareTask
{
    /// <summary>Old property names the project or command line set: Include = the old name, metadata Use = the new one.</summary>
    public ITaskItem[] RenamedProperties { get; set; } = [];

    protected override void ExecuteCore()
    {
        foreach (ITaskItem renamed in RenamedProperties)
        {
            string use = renamed.GetMetadata(Metadata.Use);
            Report(new Diagnostic(DiagnosticCode.PropertyRenamed,
                $"The property {renamed.ItemSpec} is now {use}; the old name still works in this release and will be removed in the next. Rename it where it is set (the project, Directory.Build.props, or -p:{use}=… on the command line).",
                ProjectPath));
        }
    }
}
