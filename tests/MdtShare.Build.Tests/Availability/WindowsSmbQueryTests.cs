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
[Collection(Name)]
public sealed class WindowsSmbQueryTests : IDisposable
{
    /// <summary>The tests change this process's PSModulePath, which every other child process would inherit.</summary>
    public const string Name = "PSModulePath";

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

        SmbClientReport? report = RunWithModules(pwsh, [@"MDTCLUSTER\Distribution$", @"nas-berlin\MDT Site Berlin"], ["Z:"], WindowsSmbQuery.Timeout, out string failure);

        Assert.True(report is not null, failure);
        Assert.Equal([new SmbConnection("MDTCLUSTER", "Distribution$", "3.1.1", true), new SmbConnection("nas-berlin", "MDT Site Berlin", "2.1", false)], report.Connections);
        Assert.Equal(@"\\MDTCLUSTER\Distribution$", report.Mappings["Z:"]);
        Assert.Equal([new SmbServerShare(true, 0, "MDTCLUSTER", "Clustered")], report.ServerShares[@"MDTCLUSTER\Distribution$"]);
        Assert.Equal(2, report.ServerShares.Count + report.Unreadable.Count);
        Assert.Equal("WinRM cannot complete the operation. Verify that the specified computer name is valid.", report.Unreadable[@"nas-berlin\MDT Site Berlin"]);
    }

    /// <summary>A target given by drive letter: the command finds the drive's share in Get-SmbMapping and asks its
    /// server too, also when the mapping names a folder inside the share.</summary>
    [SkippableFact]
    public void ADriveAskedAboutHasItsSharesServerAsked()
    {
        string pwsh = RequirePwsh();
        WriteModule("SmbShare", """
            function Get-SmbConnection { }
            function Get-SmbMapping { [pscustomobject]@{ Status = 'OK'; LocalPath = 'Y:'; RemotePath = '\\MDTCLUSTER\Distribution$\Sites\Berlin' } }
            function Get-SmbShare { param($CimSession, $Name) [pscustomobject]@{ Name = $Name; ScopeName = 'MDTCLUSTER'; ContinuouslyAvailable = $true; CATimeout = [uint32]0; AvailabilityType = 'Clustered' } }
            """);
        WriteModule("CimCmdlets", """
            function New-CimSession { param($ComputerName, $OperationTimeoutSec) [pscustomobject]@{ ComputerName = $ComputerName } }
            function Remove-CimSession { param($CimSession) }
            """);

        SmbClientReport? report = RunWithModules(pwsh, [], ["Y:"], WindowsSmbQuery.Timeout, out string failure);

        Assert.True(report is not null, failure);
        Assert.Equal([@"MDTCLUSTER\Distribution$"], report.ServerShares.Keys);
    }

    /// <summary>PowerShell that does not answer is stopped at the timeout, and the agent says so; the test waits at
    /// most the timeout and PowerShell's start.</summary>
    [SkippableFact]
    public void APowerShellThatDoesNotAnswerIsStoppedAtTheTimeout()
    {
        string pwsh = RequirePwsh();
        WriteModule("SmbShare", "function Get-SmbConnection { Start-Sleep -Seconds 120 }");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Null(RunWithModules(pwsh, [@"MDTCLUSTER\Distribution$"], [], TimeSpan.FromSeconds(3), out string failure));

        Assert.Equal("PowerShell's SmbShare cmdlets did not answer within 3 s", failure);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"stopped after {clock.Elapsed}");
    }

    [Fact]
    public void APowerShellThatCannotStartIsAFailureSaid()
    {
        string missing = Path.Combine(_modules.Path, "no-such-powershell.exe");

        Assert.Null(WindowsSmbQuery.Run(missing, [@"MDTCLUSTER\Distribution$"], [], WindowsSmbQuery.Timeout, out string failure, default));
        Assert.StartsWith($"{missing} could not be started: ", failure);
    }

    [SkippableFact]
    public void ACommandThatFailsIsAFailureSaid_NotAnEmptyReport()
    {
        string pwsh = RequirePwsh();
        WriteModule("SmbShare", "function Get-SmbConnection { throw 'The SMB client service is not running.' }");

        Assert.Null(RunWithModules(pwsh, [@"MDTCLUSTER\Distribution$"], [], WindowsSmbQuery.Timeout, out string failure));
        Assert.StartsWith("PowerShell's SmbShare cmdlets failed (exit code 1): ", failure);
        Assert.Contains("The SMB client service is not running.", failure);
    }

    /// <summary>The child PowerShell inherits this process's PSModulePath, as it would inherit Windows'.</summary>
    private SmbClientReport? RunWithModules(string pwsh, string[] shares, string[] drives, TimeSpan within, out string failure)
    {
        string? saved = Environment.GetEnvironmentVariable("PSModulePath");
        try
        {
            Environment.SetEnvironmentVariable("PSModulePath", _modules.Path);
            return WindowsSmbQuery.Run(pwsh, shares, drives, within, out failure, default);
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

[CollectionDefinition(WindowsSmbQueryTests.Name, DisableParallelization = true)]
public sealed class PSModulePathCollection
{
}
