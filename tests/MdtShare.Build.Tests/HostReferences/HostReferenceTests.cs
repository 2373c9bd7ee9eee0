using System.Text;
using MdtShare.Build.HostReferences;
using MdtShare.Build.Tasks;
using MdtShare.Build.Tests.Support;
using Microsoft.Build.Utilities;

namespace MdtShare.Build.Tests.HostReferences;

public sealed class HostReferenceTests : IDisposable
{
    private static readonly string SampleShare = Path.Combine(Repository.Root, "samples", "deploymentshare", "DeploymentShare");

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static ReferenceFinder Finder(params HostReferenceMap[] maps) =>
        new(new SourceServer([@"\\MDT01\DeploymentShare$", @"\\10.0.0.5\Images\MDT"], ["mdt01.corp.contoso.com"]), maps);

    [Theory]
    [InlineData(@"\\MDT01\DeploymentShare$\Logs", "InsideShare", @"\\MDT01\DeploymentShare$")]
    [InlineData(@"\\mdt01.corp.contoso.com\deploymentshare$\Logs", "InsideShare", @"\\mdt01.corp.contoso.com\deploymentshare$")]
    [InlineData(@"\\10.0.0.5\Images\MDT\Captures", "InsideShare", @"\\10.0.0.5\Images\MDT")]
    [InlineData(@"\\10.0.0.5\Images\Other", "OtherShare", @"\\10.0.0.5\Images")]
    [InlineData(@"\\MDT01\DeploymentShare$2\Logs", "OtherShare", @"\\MDT01\DeploymentShare$2")]
    [InlineData(@"\\MDT01\Logs$", "OtherShare", @"\\MDT01\Logs$")]
    [InlineData("http://MDT01:9800", "Service", "http://MDT01:9800")]
    [InlineData("https://mdt01.corp.contoso.com/ws/ad.asmx", "Service", "https://mdt01.corp.contoso.com")]
    public void APathOrUrlIsClassifiedByWhatMovesWithTheShare(string value, string kind, string text)
    {
        Reference reference = Assert.Single(Finder().InText(value, @"\\MDTCLUSTER\Distribution$"));

        Assert.Equal(kind, reference.Kind.ToString());
        Assert.Equal(text, reference.Text);
        Assert.Equal(0, reference.Start);
    }

    [Theory]
    [InlineData("SQLServer", "MDT01", "Service")]
    [InlineData("SQLServer", @"MDT01\SQLEXPRESS", "Service")]
    [InlineData("SQLServer", "mdt01.corp.contoso.com,1433", "Service")]
    [InlineData("SQLServer", "tcp:MDT01,1433", "Service")]
    [InlineData("WSUSServer", "mdt01:8530", "Service")]
    [InlineData("BuildServer", "10.0.0.5", "Host")]
    [InlineData("BuildServer", "MDT012", null)]
    [InlineData("SkipBDDWelcome", "YES", null)]
    public void ABareValueNamingTheServerIsFoundInAnyKey(string key, string value, string? kind)
    {
        Assert.Equal(kind, Finder().AsBareValue(value, key)?.Kind.ToString());
    }

    [Fact]
    public void AnExplicitMapWinsAndTheLongestOneApplies()
    {
        var finder = Finder(new HostReferenceMap(@"\\MDT01\Logs$", @"\\MDTCLUSTER\Logs$"), new HostReferenceMap(@"\\MDT01\Logs$\Site1", @"\\FS1\Logs$"));

        Reference reference = Assert.Single(finder.InText(@"\\MDT01\Logs$\Site1\x", null));

        Assert.True(reference.ByMap);
        Assert.Equal(@"\\FS1\Logs$", reference.Replacement);
        Assert.Equal(@"\\MDT01\Logs$\Site1".Length, reference.Length);
    }

    [Fact]
    public void TheSampleBuildMapsSLShareIntoTheClusterShareAndLeavesTheEventServiceAlone()
    {
        var engine = new FakeBuildEngine(_temp.Combine("deploymentshare.proj"));
        var task = new ReportHostReferences
        {
            BuildEngine = engine,
            DeploymentShare = SampleShare,
            DeployRoot = @"\\MDTCLUSTER\Distribution$",
            OverlayDirectory = _temp.Combine("overlay"),
            RewriteHostReferences = true,
        };

        Assert.True(task.Execute());

        string rewritten = File.ReadAllText(_temp.Combine("overlay", "Control", "CustomSettings.ini"));
        Assert.Contains(@"SLShare=\\MDTCLUSTER\Distribution$\Logs", rewritten);
        Assert.Contains("EventService=http://MDT01:9800", rewritten);
        Assert.Equal(
        [
            "MDTS1023 CustomSettings.ini(10,14)",
            "MDTS1021 Settings.xml(3,12)",
            "MDTS1023 Settings.xml(5,16)",
            "MDTS1022 ts.xml(4,22)",
        ], engine.Warnings.Select(w => $"{w.Code} {Path.GetFileName(w.File)}({w.LineNumber},{w.ColumnNumber})"));
    }

    /// <summary>Two sites, one MDT server each, published to one cluster per site: each site's CustomSettings.ini maps
    /// the share paths into its own cluster, and the merge note is not given (the servers are not merged).</summary>
    [Fact]
    public void EachPerSiteTargetGetsItsSharePathsMappedIntoItsOwnDeployRoot()
    {
        _temp.WriteFile("share/Control/Bootstrap.ini", Encoding.ASCII.GetBytes(
            "[Settings]\r\nPriority=DefaultGateway, Default\r\n\r\n[DefaultGateway]\r\n10.1.0.1=NewYork\r\n10.2.0.1=Stockholm\r\n\r\n"
            + "[NewYork]\r\nDeployRoot=\\\\MDT01\\MDTProduction$\r\n\r\n[Stockholm]\r\nDeployRoot=\\\\MDT02\\MDTProduction$\r\n"));
        _temp.WriteFile("share/Control/CustomSettings.ini", Encoding.ASCII.GetBytes(
            "[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nSLShare=\\\\MDT01\\MDTProduction$\\Logs\r\nDomainAdminPassword=MDT01\r\n"));
        var site = new TaskItem(@"\\STOCLUSTER\Distribution$");
        site.SetMetadata("DeployRoot", @"\\STOCLUSTER\Distribution$");
        site.SetMetadata("OverlayDirectory", _temp.Combine("sto", "overlay"));
        var engine = new FakeBuildEngine(_temp.Combine("deploymentshare.proj"));
        var task = new ReportHostReferences
        {
            BuildEngine = engine,
            DeploymentShare = _temp.Combine("share"),
            DeployRoot = @"\\NYCLUSTER\Distribution$",
            OverlayDirectory = _temp.Combine("overlay"),
            Targets = [site],
            RewriteHostReferences = true,
        };

        Assert.True(task.Execute());

        Assert.Contains(@"SLShare=\\NYCLUSTER\Distribution$\Logs", File.ReadAllText(_temp.Combine("overlay", "Control", "CustomSettings.ini")));
        Assert.Contains(@"SLShare=\\STOCLUSTER\Distribution$\Logs", File.ReadAllText(_temp.Combine("sto", "overlay", "Control", "CustomSettings.ini")));
        Assert.Equal(["NYCLUSTER", "STOCLUSTER"], task.ClientOutcomes.Select(c => c.GetMetadata("TargetDeployRoot").Split('\\')[2]).Distinct());

        // The credential's value equals the server's name: it is not a reference, and never reaches a message.
        Assert.DoesNotContain(engine.AllText, t => t.Contains("DomainAdminPassword", StringComparison.Ordinal));
    }

    [Fact]
    public void SeveralMdtServersMergedOntoOneClusterAreNoted()
    {
        _temp.WriteFile("share/Control/Bootstrap.ini", Encoding.ASCII.GetBytes(
            "[Settings]\r\nPriority=DefaultGateway, Default\r\n[DefaultGateway]\r\n10.1.0.1=NewYork\r\n10.2.0.1=Stockholm\r\n"
            + "[NewYork]\r\nDeployRoot=\\\\MDT01\\MDTProduction$\r\n[Stockholm]\r\nDeployRoot=\\\\MDT02\\MDTProduction$\r\n[Default]\r\nDeployRoot=\\\\MDTCLUSTER\\Distribution$\r\n"));
        var engine = new FakeBuildEngine(_temp.Combine("deploymentshare.proj"));
        var patch = new PatchBootstrapIni
        {
            BuildEngine = engine,
            DeploymentShare = _temp.Combine("share"),
            DeployRoot = @"\\MDTCLUSTER\Distribution$",
            OverlayDirectory = _temp.Combine("overlay"),
        };
        var task = new ReportHostReferences
        {
            BuildEngine = engine,
            DeploymentShare = _temp.Combine("share"),
            DeployRoot = @"\\MDTCLUSTER\Distribution$",
            OverlayDirectory = _temp.Combine("overlay"),
        };

        Assert.True(patch.Execute());
        Assert.True(task.Execute());

        // The cluster, already named in [Default], is not one of the MDT servers.
        Assert.Contains(engine.Messages, m => m.Message!.Contains("2 MDT servers (MDT01, MDT02)", StringComparison.Ordinal));
    }
}
