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
    private const int DefaultTimeoutSeconds = 1800;

    /// <summary>The longest timeout a cancellation timer takes (int.MaxValue milliseconds).</summary>
    private const int MaxTimeoutSeconds = int.MaxValue / 1000;

    [Required]
    public string DeploymentShare { get; set; } = string.Empty;

    public string DeployRoot { get; set; } = string.Empty;

    public ITaskItem[] WdsServers { get; set; } = [];

    /// <summary>The path of wdsutil.exe; empty = %SystemRoot%\System32\wdsutil.exe (Sysnative from a 32-bit
    /// MSBuild), else found on PATH.</summary>
    public string Wdsutil { get; set; } = string.Empty;

    /// <summary>How long one wdsutil may run before it is stopped and reported.</summary>
    public int TimeoutSeconds { get; set; } = DefaultTimeoutSeconds;

    /// <summary>The script the build wrote, named in the error on an agent that cannot run wdsutil.</summary>
    public string ScriptFile { get; set; } = string.Empty;

    protected override void ExecuteCore()
    {
        if (TimeoutSeconds is <= 0 or > MaxTimeoutSeconds)
        {
            throw new MdtShareException(new Diagnostic(DiagnosticCode.WdsTimeoutInvalid,
                $"MdtShareWdsTimeoutSeconds is {TimeoutSeconds}; use a number of seconds from 1 to {MaxTimeoutSeconds} (default {DefaultTimeoutSeconds})."));
        }

        if (!HostSystem.IsWindows)
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

        string systemWdsutil = SystemWdsutil(Environment.GetFolderPath(Environment.SpecialFolder.Windows), Environment.Is64BitProcess, Environment.Is64BitOperatingSystem);
        string? wdsutil = Wdsutil.Length > 0 ? ToolProcess.Find(ResolvePath(Wdsutil), null)
            : File.Exists(systemWdsutil) ? systemWdsutil : ToolProcess.Find(null, Environment.GetEnvironmentVariable("PATH"), "wdsutil.exe");
        if (wdsutil is null)
        {
            throw new MdtShareException(new Diagnostic(DiagnosticCode.WdsutilNotFound,
                "wdsutil.exe was not found: " + WdsReplacer.InstallAdvice));
        }

        int replaced = new WdsReplacer(wdsutil, TimeSpan.FromSeconds(TimeoutSeconds), BuildLog, Cancellation).Replace(images);
        Message(MessageImportance.High, $"wdsutil replaced {replaced} of {images.Count} boot image(s) on {images.Select(i => i.Server).Distinct(StringComparer.OrdinalIgnoreCase).Count()} WDS server(s).");
    }

    /// <summary>
    /// wdsutil.exe in the system folder. A 32-bit MSBuild.exe on 64-bit Windows is redirected from System32 to
    /// SysWOW64, which has no wdsutil.exe; Sysnative is the alias through which a 32-bit process reaches System32.
    /// </summary>
    internal static string SystemWdsutil(string windows, bool is64BitProcess, bool is64BitOperatingSystem) =>
        Path.Combine(windows, !is64BitProcess && is64BitOperatingSystem ? "Sysnative" : "System32", "wdsutil.exe");
}
