using System.Text;
using MdtShare.Build.HostReferences;
using MdtShare.Build.Tasks;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.HostReferences;

public sealed class HostReferenceTests : IDisposable
{
    private static readonly string SampleShare = Path.Combine(Repository.Root, "samples", "deploymentshare", "DeploymentShare");

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void TheSampleSharesHostReferencesAreFoundWithFileAndLine()
    {
        var scanner = new HostReferenceScanner(["MDT01"]);

        var found = HostReferenceScanner.FilesToScan(SampleShare)
            .SelectMany(f => scanner.Scan(Path.Combine(SampleShare, f), f))
            .Select(r => $"{r.File}({r.Line},{r.Column}) {r.What}: {r.Text}")
            .ToList();

        Assert.Equal(
        [
            @"Control/CustomSettings.ini(9,9) SLShare: \\MDT01",
            @"Control/CustomSettings.ini(10,14) EventService: http://MDT01",
            @"Control/Settings.xml(3,12) <UNCPath>: \\MDT01",
            "Control/Settings.xml(5,16) MonitorHost: MDT01",
            @"Control/WIN11-X64/ts.xml(4,22) <action>: \\MDT01",
        ], found);
    }

    [Theory]
    [InlineData(@"SLShare=\\mdt01.corp.contoso.com\Logs$", true)]
    [InlineData(@"UDShare=\\MDT01\UserData", true)]
    [InlineData("WebService=https://mdt01:8443/ws", true)]
    [InlineData("WSUSServer=http://MDT01.corp:8530", true)]
    [InlineData("SQLServer=MDT01", true)]
    [InlineData("SQLServer=MDT01.corp.contoso.com", true)]
    [InlineData(@"SLShare=\\MDT012\Logs$", false)]
    [InlineData(@"SLShare=\\OTHERMDT01\Logs$", false)]
    [InlineData("SkipBDDWelcome=MDT01", false)]
    [InlineData(@";SLShare=\\MDT01\Logs$", false)]
    public void MatchesTheServerShortNameAndFqdn_NotLookalikes(string line, bool found)
    {
        string file = _temp.WriteFile("CustomSettings.ini", Encoding.ASCII.GetBytes("[Default]\r\n" + line + "\r\n"));
        Assert.Equal(found, new HostReferenceScanner(["mdt01.corp.contoso.com"]).Scan(file, "Control/CustomSettings.ini").Any());
    }

    [Fact]
    public void RewriteChangesOnlyTheHostPartOfTheValues()
    {
        byte[] input = Encoding.ASCII.GetBytes("[Settings]\r\nPriority=Default\r\n[Default]\r\nSLShare = \\\\MDT01\\DeploymentShare$\\Logs \r\n; \\\\MDT01 in a comment\r\nEventService=http://mdt01.corp:9800\r\nOSInstall=Y");

        var (output, changed) = CustomSettingsRewriter.Rewrite(input, "CustomSettings.ini", new HostReferenceScanner(["MDT01"]), "MDTCLUSTER");

        Assert.Equal(2, changed);
        Assert.Equal("[Settings]\r\nPriority=Default\r\n[Default]\r\nSLShare = \\\\MDTCLUSTER\\DeploymentShare$\\Logs \r\n; \\\\MDT01 in a comment\r\nEventService=http://MDTCLUSTER:9800\r\nOSInstall=Y",
            Encoding.ASCII.GetString(output));
    }

    [Fact]
    public void TaskWarnsPerOccurrence_OrRewritesCustomSettingsIntoTheOverlay()
    {
        var engine = new FakeBuildEngine(_temp.Combine("deploymentshare.proj"));
        var task = new ReportHostReferences
        {
            BuildEngine = engine,
            ProjectFile = engine.ProjectFileOfTaskNode,
            DeploymentShare = SampleShare,
            DeployRoot = @"\\MDTCLUSTER\Distribution$",
            OverlayDirectory = _temp.Combine("overlay"),
        };

        Assert.True(task.Execute());
        Assert.Equal(5, engine.Warnings.Count(w => w.Code == "MDTS1021"));
        Assert.Contains(engine.Warnings, w => w.File.EndsWith("CustomSettings.ini", StringComparison.Ordinal) && w.LineNumber == 9);
        Assert.False(Directory.Exists(_temp.Combine("overlay")));

        var rewriting = new FakeBuildEngine(_temp.Combine("deploymentshare.proj"));
        task.BuildEngine = rewriting;
        task.RewriteHostReferences = true;

        Assert.True(task.Execute());
        Assert.Equal(3, rewriting.Warnings.Count);
        string rewritten = File.ReadAllText(_temp.Combine("overlay", "Control", "CustomSettings.ini"));
        Assert.Contains(@"SLShare=\\MDTCLUSTER\DeploymentShare$\Logs", rewritten);
        Assert.Contains("EventService=http://MDTCLUSTER:9800", rewritten);
    }
}
