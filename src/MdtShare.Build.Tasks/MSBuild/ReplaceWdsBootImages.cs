using MdtShare.Build.BootPaths;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.IO;
using Microsoft.Build.Framework;

namespace MdtShare.Build.Tasks;

/// <summary>
/// Replaces each WdsServer's boot image with the published one by running wdsutil, as bin/wds-replace.cmd would.
/// wdsutil exists only on Windows (with the WDS tools): elsewhere the task fails with MDTS4013, naming the script.
/// </summary>
[MSBuildMultiThreadableTask]
public sealed class ReplaceWdsBootImages : MdtShareTask
{
    /// <summary>Default <see cref="TimeoutSeconds"/>: the WDS server copies a boot image of a few hundred MB from
    /// the share, over a WAN link for a remote site.</summary>
    public const int DefaultTimeoutSeconds = 1800;

    [Required]
    public string DeploymentShare { get; set; } = string.Empty;

    public string DeployRoot { get; set; } = string.Empty;

    public ITaskItem[] WdsServers { get; set; } = [];

    /// <summary>The path of wdsutil.exe; empty = %SystemRoot%\System32\wdsutil.exe, else found on PATH.</summary>
    public string Wdsutil { get; set; } = string.Empty;

    /// <summary>How long one wdsutil may run before it is stopped and reported.</summary>
    public int TimeoutSeconds { get; set; } = DefaultTimeoutSeconds;

    /// <summary>The script the build wrote, named in the error on an agent that cannot run wdsutil.</summary>
    public string ScriptFile { get; set; } = string.Empty;

    protected override void ExecuteCore()
    {
        if (Path.DirectorySeparatorChar != '\\')
        {
            throw new MdtShareException(new Diagnostic(DiagnosticCode.WdsutilWindowsOnly,
                $"wdsutil runs only on Windows, so the WDS servers' boot images cannot be replaced from this agent. Run {ResolvePath(ScriptFile)} " +
                "on a Windows machine with the WDS tools (Remote Server Administration Tools), after publishing."));
        }

        var images = WdsBootImage.Resolve(WdsServers.Select(TaskItems.ToWdsServer), ResolvePath(DeploymentShare), DeployRoot, windows: true, BuildLog);
        if (Log.HasLoggedErrors || images.Count == 0)
        {
            return;
        }

        string systemWdsutil = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.System), "wdsutil.exe");
        string? wdsutil = Wdsutil.Length > 0 ? ToolProcess.Find(ResolvePath(Wdsutil), null)
            : File.Exists(systemWdsutil) ? systemWdsutil : ToolProcess.Find(null, Environment.GetEnvironmentVariable("PATH"), "wdsutil.exe");
        if (wdsutil is null)
        {
            throw new MdtShareException(new Diagnostic(DiagnosticCode.WdsutilNotFound,
                "wdsutil.exe was not found: install the Windows Deployment Services tools (Remote Server Administration Tools) on this agent, or set MdtShareWdsutil."));
        }

        int replaced = new WdsReplacer(wdsutil, TimeSpan.FromSeconds(TimeoutSeconds), BuildLog, Cancellation).Replace(images);
        Message(MessageImportance.High, $"wdsutil replaced {replaced} of {images.Count} boot image(s) on {images.Select(i => i.Server).Distinct(StringComparer.OrdinalIgnoreCase).Count()} WDS server(s).");
    }
}
