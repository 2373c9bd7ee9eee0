using MdtShare.Build.Availability;
using MdtShare.Build.IO;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.Availability;

/// <summary>
/// The fixed command of <see cref="WindowsSmbQuery"/> run by a real PowerShell (pwsh 7, the PowerShell dotnet tool;
/// .ci/run installs it). No Windows SMB client exists here, so modules named as Windows names them (SmbShare,
/// CimCmdlets), found through PSModulePath as Windows finds its own, stand in for the cmdlets with objects of the
/// shapes MSFT_SmbConnection, MSFT_SmbMapping and MSFT_SmbShare have. What this shows: the command runs, the shares
/// reach it through the environment, names with spaces and '$' survive, a server that cannot be read is reported
/// and the rest still are, and what PowerShell prints is what <see cref="SmbClientReport"/> reads.
/// </summary>
public sealed class WindowsSmbQueryTests : IDisposable
{
    private readonly TempDirectory _modules = new();

    public void Dispose() => _modules.Dispose();

    [SkippableFact]
    public void TheFixedCommandRunsInRealPowerShell_AndItsOutputIsRead()
    {
        string pwsh = RequirePwsh();
        WriteModule("SmbShare", """
            function Get-SmbConnection {
              [pscustomobject]@{ ServerName = 'MDTCLUSTER'; ShareName = 'Distribution$'; UserName = 'CORP\svc-mdtpublish'; Credential = 'CORP\svc-mdtpublish'; Dialect = '3.1.1'; NumOpens = 4; ContinuouslyAvailable = $true; Encrypted = $false; Signed = $true; Redirected = $false }
              [pscustomobject]@{ ServerName = 'nas-berlin'; ShareName = 'MDT Site Berlin'; UserName = 'CORP\svc-mdtpublish'; Credential = 'CORP\svc-mdtpublish'; Dialect = '2.1'; NumOpens = 0; ContinuouslyAvailable = $false; Encrypted = $false; Signed = $false; Redirected = $false }
            }
            function Get-SmbMapping { [pscustomobject]@{ Status = 'OK'; LocalPath = 'Z:'; RemotePath = '\\MDTCLUSTER\Distribution$' } }
            function Get-SmbShare {
              param($CimSession, $Name)
              [pscustomobject]@{ Name = $Name; ScopeName = $CimSession.ComputerName; Path = 'C:\ClusterStorage\Volume1\Shares\Distribution'; Description = ''; ContinuouslyAvailable = $true; CATimeout = [uint32]0; ShareState = 'Online'; AvailabilityType = 'Clustered' }
            }
            """);
        WriteModule("CimCmdlets", """
            function New-CimSession {
              param($ComputerName, $OperationTimeoutSec)
              if ($ComputerName -eq 'nas-berlin') { throw "WinRM cannot complete the operation.`r`nVerify that the specified computer name is valid." }
              [pscustomobject]@{ ComputerName = $ComputerName }
            }
            function Remove-CimSession { param($CimSession) }
            """);

        SmbClientReport? report = RunWithModules(pwsh, [@"MDTCLUSTER\Distribution$", @"nas-berlin\MDT Site Berlin"], out string failure);

        Assert.True(report is not null, failure);
        Assert.Equal([new SmbConnection("MDTCLUSTER", "Distribution$", "3.1.1", true), new SmbConnection("nas-berlin", "MDT Site Berlin", "2.1", false)], report.Connections);
        Assert.Equal(@"\\MDTCLUSTER\Distribution$", report.Mappings["Z:"]);
        Assert.Equal(new SmbServerShare(true, 0, "MDTCLUSTER", "Clustered"), report.ServerShares[@"MDTCLUSTER\Distribution$"]);
        Assert.Equal("WinRM cannot complete the operation. Verify that the specified computer name is valid.", report.Unreadable[@"nas-berlin\MDT Site Berlin"]);
    }

    [SkippableFact]
    public void ACommandThatFailsIsAFailureSaid_NotAnEmptyReport()
    {
        string pwsh = RequirePwsh();
        WriteModule("SmbShare", "function Get-SmbConnection { throw 'The SMB client service is not running.' }");

        Assert.Null(RunWithModules(pwsh, [@"MDTCLUSTER\Distribution$"], out string failure));
        Assert.StartsWith("PowerShell's SmbShare cmdlets failed (exit code 1): ", failure);
        Assert.Contains("The SMB client service is not running.", failure);
    }

    /// <summary>The child PowerShell inherits this process's PSModulePath, as it would inherit Windows'.</summary>
    private SmbClientReport? RunWithModules(string pwsh, string[] shares, out string failure)
    {
        string? saved = Environment.GetEnvironmentVariable("PSModulePath");
        try
        {
            Environment.SetEnvironmentVariable("PSModulePath", _modules.Path);
            return WindowsSmbQuery.Run(pwsh, shares, out failure, default);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PSModulePath", saved);
        }
    }

    private void WriteModule(string name, string script)
    {
        Directory.CreateDirectory(_modules.Combine(name));
        File.WriteAllText(_modules.Combine(name, name + ".psm1"), script);
    }

    private static string RequirePwsh()
    {
        string? home = Environment.GetEnvironmentVariable("HOME");
        string path = Environment.GetEnvironmentVariable("PATH") + Path.PathSeparator + (home is null ? string.Empty : Path.Combine(home, ".dotnet", "tools"));
        string? found = ToolProcess.Find(Environment.GetEnvironmentVariable("MDTSHARE_PWSH"), path, "pwsh");
        if (found is null && Environment.GetEnvironmentVariable("CI") == "true")
        {
            throw new InvalidOperationException("pwsh is missing on a CI machine; .ci/run must install the PowerShell dotnet tool.");
        }

        Skip.If(found is null, "pwsh not found: dotnet tool install --global PowerShell --version 7.6.9 to run the PowerShell tests.");
        return found!;
    }
}
