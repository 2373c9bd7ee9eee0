using System.Text;
using MdtShare.Build.IO;

namespace MdtShare.Build.Availability;

/// <summary>
/// Asks Windows' own SMB client about the agent's connections, through one child <c>powershell.exe</c> running a fixed
/// command: the SmbShare module's cmdlets are the supported view of MSFT_SmbConnection and MSFT_SmbShare, the same
/// from MSBuild.exe (.NET Framework) and dotnet build (.NET), with no package to ship (CIM from .NET needs
/// Microsoft.Management.Infrastructure or System.Management, neither part of .NET 8). The shares asked about reach
/// the command through an environment variable, never through its text, so no name can change what it runs.
/// </summary>
internal static class WindowsSmbQuery
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private const string SharesVariable = "MDTSHARE_SMB_SHARES";

    private const string DrivesVariable = "MDTSHARE_SMB_DRIVES";

    /// <summary>Prints the parts <see cref="SmbClientReport.Parse"/> reads. The server's view needs WinRM rights on
    /// it; where they are missing its reason is printed and the client's view is used. The servers share 40 s, so
    /// that one that does not answer cannot take the client's view, printed first, down with it when the whole
    /// command is stopped at <see cref="Timeout"/>. UTF-8 without a byte order mark, which would hide the first line.</summary>
    internal const string Command = """
        $ErrorActionPreference = 'Stop'
        $ProgressPreference = 'SilentlyContinue'
        [Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false
        '#connections'
        Get-SmbConnection | Select-Object ServerName,ShareName,Dialect,ContinuouslyAvailable | ConvertTo-Csv -NoTypeInformation
        $mappings = @(Get-SmbMapping)
        '#mappings'
        $mappings | Select-Object LocalPath,RemotePath | ConvertTo-Csv -NoTypeInformation
        $drives = @($env:MDTSHARE_SMB_DRIVES -split "`n")
        $mapped = $mappings | Where-Object { $drives -contains $_.LocalPath } | ForEach-Object { (($_.RemotePath.TrimStart('\') -split '\\')[0..1]) -join '\' }
        $deadline = (Get-Date).AddSeconds(40)
        foreach ($unc in (@($env:MDTSHARE_SMB_SHARES -split "`n") + @($mapped) | Where-Object { $_ } | Select-Object -Unique)) {
          $server, $name = $unc -split '\\', 2
          "#share $unc"
          $left = [int]($deadline - (Get-Date)).TotalSeconds
          if ($left -lt 5) { '#unreadable not asked: the servers before it took the time'; continue }
          try {
            $session = New-CimSession -ComputerName $server -OperationTimeoutSec ([Math]::Min(15, $left))
            try { Get-SmbShare -CimSession $session -Name ([System.Management.Automation.WildcardPattern]::Escape($name)) | Select-Object ScopeName,ContinuouslyAvailable,CATimeout,AvailabilityType | ConvertTo-Csv -NoTypeInformation }
            finally { Remove-CimSession $session }
          } catch { '#unreadable ' + ($_.Exception.Message -replace '\s+', ' ') }
        }
        """;

    /// <summary>Windows PowerShell where every Windows has it, not whatever a PATH names.</summary>
    public static string WindowsPowerShell => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.System), "WindowsPowerShell", "v1.0", "powershell.exe");

    /// <summary>Null with <paramref name="failure"/> when PowerShell could not answer in time.</summary>
    /// <param name="shares">As <c>server\share</c>.</param>
    /// <param name="drives">Drive letters ("Z:") whose mapped shares the server is asked about too.</param>
    /// <param name="within">Normally <see cref="Timeout"/>.</param>
    /// <exception cref="OperationCanceledException">The build was cancelled.</exception>
    public static SmbClientReport? Run(string powershell, IReadOnlyCollection<string> shares, IReadOnlyCollection<string> drives, TimeSpan within,
        out string failure, CancellationToken cancellation)
    {
        string encoded = Convert.ToBase64String(Encoding.Unicode.GetBytes(Command));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(within);
        try
        {
            byte[] output = ToolProcess.Run(powershell, ["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-EncodedCommand", encoded],
                new Dictionary<string, string> { [SharesVariable] = string.Join("\n", shares), [DrivesVariable] = string.Join("\n", drives) }, out int exitCode, out string errors, timeout.Token);
            failure = exitCode == 0 ? string.Empty : $"PowerShell's SmbShare cmdlets failed (exit code {exitCode}): {errors}";
            return exitCode == 0 ? SmbClientReport.Parse(Encoding.UTF8.GetString(output)) : null;
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            failure = $"PowerShell's SmbShare cmdlets did not answer within {within.TotalSeconds:0} s";
            return null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            failure = $"{powershell} could not be started: {e.Message}";
            return null;
        }
    }
}
