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

    /// <summary>Prints the parts <see cref="SmbClientReport.Parse"/> reads. The server's view needs WinRM rights on
    /// it; where they are missing its reason is printed and the client's view is used.</summary>
    internal const string Command = """
        $ErrorActionPreference = 'Stop'
        [Console]::OutputEncoding = [System.Text.Encoding]::UTF8
        '#connections'
        Get-SmbConnection | Select-Object ServerName,ShareName,Dialect,ContinuouslyAvailable,Encrypted,Signed | ConvertTo-Csv -NoTypeInformation
        '#mappings'
        Get-SmbMapping | Select-Object LocalPath,RemotePath,Status | ConvertTo-Csv -NoTypeInformation
        foreach ($unc in ($env:MDTSHARE_SMB_SHARES -split "`n")) {
          if (-not $unc) { continue }
          $server, $name = $unc -split '\\', 2
          "#share $unc"
          try {
            $session = New-CimSession -ComputerName $server -OperationTimeoutSec 15
            try { Get-SmbShare -CimSession $session -Name $name | Select-Object Name,ScopeName,ContinuouslyAvailable,CATimeout,ShareState,AvailabilityType | ConvertTo-Csv -NoTypeInformation }
            finally { Remove-CimSession $session }
          } catch { '#unreadable ' + ($_.Exception.Message -replace '\s+', ' ') }
        }
        """;

    /// <summary>Windows PowerShell where every Windows has it, not whatever a PATH names.</summary>
    public static string WindowsPowerShell => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.System), "WindowsPowerShell", "v1.0", "powershell.exe");

    /// <summary>Null with <paramref name="failure"/> when PowerShell could not answer in time.</summary>
    /// <param name="shares">As <c>server\share</c>.</param>
    /// <exception cref="OperationCanceledException">The build was cancelled.</exception>
    public static SmbClientReport? Run(string powershell, IReadOnlyCollection<string> shares, out string failure, CancellationToken cancellation)
    {
        string encoded = Convert.ToBase64String(Encoding.Unicode.GetBytes(Command));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(Timeout);
        try
        {
            byte[] output = ToolProcess.Run(powershell, ["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-EncodedCommand", encoded],
                new Dictionary<string, string> { [SharesVariable] = string.Join("\n", shares) }, out int exitCode, out string errors, timeout.Token);
            failure = exitCode == 0 ? string.Empty : $"PowerShell's SmbShare cmdlets failed (exit code {exitCode}): {errors}";
            return exitCode == 0 ? SmbClientReport.Parse(Encoding.UTF8.GetString(output)) : null;
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            failure = $"PowerShell's SmbShare cmdlets did not answer within {Timeout.TotalSeconds:0} s";
            return null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            failure = $"{powershell} could not be started: {e.Message}";
            return null;
        }
    }
}
