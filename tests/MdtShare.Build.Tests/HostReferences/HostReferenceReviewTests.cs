using MdtShare.Build.Diagnostics;
using MdtShare.Build.HostReferences;
using MdtShare.Build.Reports;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.HostReferences;

public sealed class HostReferenceReviewTests : IDisposable
{
    private const string NewYork = @"\\NYCLUSTER\Distribution$";
    private const string Stockholm = @"\\STOCLUSTER\Distribution$";

    /// <summary>Two sites picked by gateway, each on its own MDT server (one named by FQDN, one by address), and no
    /// fallback for other clients; a comment, odd spacing and letter case as the Workbench leaves them after hand edits.</summary>
    private const string TwoSiteBootstrap =
        "; Bootstrap.ini for New York and Stockholm\r\n[Settings]\r\npriority =  DefaultGateway\r\n\r\n[DefaultGateway]\r\n"
        + "10.1.0.1 = NewYork\r\n10.2.0.1=Stockholm\r\n\r\n[NewYork]\r\nDeployRoot=\\\\mdt01.corp.contoso.com\\MDTProduction$\r\nSkipBDDWelcome=YES\r\n\r\n"
        + "[STOCKHOLM]\r\nDeployRoot = \\\\10.2.0.5\\MDTProduction$\r\nSkipBDDWelcome=YES\r\n";

    private const string TwoSiteCustomSettings =
        "[Settings]\r\nPriority=DefaultGateway, Default\r\nProperties=MyCustomProperty\r\n\r\n[DefaultGateway]\r\n10.1.0.1=NewYork\r\n10.2.0.1=Stockholm\r\n\r\n"
        + "[NewYork]\r\nSLShare=\\\\MDT01\\MDTProduction$\\Logs\\NewYork\r\n; SLShare=\\\\MDT01\\Logs$ before 2019\r\n\r\n"
        + "[Stockholm]\r\nSLShare=\\\\10.2.0.5\\mdtproduction$\\Logs\\Stockholm\r\n\r\n"
        + "[Default]\r\nOSInstall=Y\r\nSLShare =  \\\\MDT01.corp.contoso.com\\MDTProduction$\\Logs\r\nEventService=http://mdt01:9800\r\n";

    private readonly TempDirectory _temp = new();
    private readonly RecordingBuildListener _listener = new();

    public HostReferenceReviewTests() =>
        Trees.Write(Share, ("Control/Bootstrap.ini", TwoSiteBootstrap), ("Control/CustomSettings.ini", TwoSiteCustomSettings));

    public void Dispose() => _temp.Dispose();

    private string Share => _temp.Combine("share");

    private HostReferenceRequest Request(params (string? DeployRoot, string Overlay)[] roots) =>
        new(Share, roots.Select(r => new PublishRoot(r.DeployRoot, _temp.Combine(r.Overlay))).ToList()) { Rewrite = true };

    private HostReferenceResult Run(HostReferenceRequest request) => new HostReferenceReview(request, _listener).Run();

    private string Published(string overlay) => _temp.Combine(overlay, "Control", "CustomSettings.ini");

    [Fact]
    public void EachRootGetsItsSharePathsMappedIntoItsOwnDeployRoot_AndATableOfWhatItsClientsGet()
    {
        HostReferenceResult result = Run(Request((NewYork, "overlay"), (Stockholm, "sto/overlay")));

        Assert.Equal(TwoSiteCustomSettings.Replace(@"\\MDT01\MDTProduction$", NewYork).Replace(@"\\10.2.0.5\mdtproduction$", NewYork)
            .Replace(@"\\MDT01.corp.contoso.com\MDTProduction$", NewYork), File.ReadAllText(Published("overlay")));
        Assert.Contains(@"SLShare =  \\STOCLUSTER\Distribution$\Logs" + "\r\n", File.ReadAllText(Published("sto/overlay")));
        Assert.Equal([NewYork, Stockholm], result.Clients.Select(c => c.TargetDeployRoot));
        Assert.Equal(["gateway 10.1.0.1", "gateway 10.2.0.1", "any other client"], result.Clients[1].Outcomes.Select(o => o.Client));
        Assert.Equal(Stockholm + @"\Logs\Stockholm", result.Clients[1].Outcomes[1].SLShare);
        Assert.Equal($"CustomSettings.ini -> {Published("sto/overlay")} (3 value(s) mapped into {Stockholm})", _listener.Lines[2]);
        Assert.StartsWith($"Clients of {Stockholm} after the build:{Environment.NewLine}  gateway 10.1.0.1 (", _listener.Lines[3]);
        Assert.Contains("CustomSettings.ini: SLShare in [Stockholm] at line 14 -> \\\\STOCLUSTER\\Distribution$\\Logs\\Stockholm", _listener.Details);
    }

    /// <summary>The fallback finding names the line and column of Priority's value, as the user must edit it, and
    /// suggests the root's own DeployRoot; the EventService on the server is kept, and said once for both roots.</summary>
    [Fact]
    public void FindingsAreReportedOnce_AfterEveryRoot_TheFallbackOneAtThePriorityLine()
    {
        HostReferenceResult result = Run(Request((NewYork, "overlay"), (Stockholm, "sto/overlay")));

        Assert.Equal(["MDTS1023", "MDTS1026", "MDTS1026"], _listener.Codes);
        Diagnostic fallback = _listener.Diagnostics[1];
        Assert.Equal((_temp.Combine("share", "Control", "Bootstrap.ini"), 3, 13), (fallback.File, fallback.Line, fallback.Column));
        Assert.EndsWith($"<BootstrapSetting Include=\"DeployRoot\" Section=\"Default\" Value=\"{NewYork}\" />.", fallback.Message);
        Assert.Contains($"Value=\"{Stockholm}\"", _listener.Diagnostics[2].Message);
        HostReferenceEntry reference = Assert.Single(result.References);
        Assert.Equal(("Control/CustomSettings.ini", 19), (reference.File, reference.Line));
        Assert.StartsWith("MDTS1023: EventService names a service on the MDT server (http://mdt01:9800)", reference.Text);
    }

    [Fact]
    public void TwoRootsThatShareAnOverlayPathAreReviewedOnce_WithTheFirstOnesDeployRoot()
    {
        HostReferenceResult result = Run(Request((NewYork, "overlay"), (Stockholm, "OVERLAY")));

        RootClients clients = Assert.Single(result.Clients);
        Assert.Equal(NewYork, clients.TargetDeployRoot);
        Assert.Single(_listener.Lines, l => l.StartsWith("CustomSettings.ini -> ", StringComparison.Ordinal));
        Assert.Single(_listener.Lines, l => l.StartsWith("Clients of ", StringComparison.Ordinal));
        Assert.DoesNotContain("STOCLUSTER", File.ReadAllText(Published("overlay")), StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyCheckingTellsWhichOverlayCustomSettingsIniWouldBeWritten_AndWritesNothing()
    {
        HostReferenceResult result = Run(Request((NewYork, "overlay"), (Stockholm, "sto/overlay")) with { OnlyCheck = true });

        Assert.Equal([$"{Published("overlay")} would be written: CustomSettings.ini or the references to rewrite changed"], _listener.OutOfDates);
        Assert.False(Directory.Exists(_temp.Combine("overlay")));
        Assert.Same(HostReferenceResult.None, result);
        Assert.Empty(_listener.Lines);
        Assert.Empty(_listener.Diagnostics);
    }

    [Fact]
    public void OnlyCheckingAnUpToDateOverlayTellsNothing()
    {
        Run(Request((NewYork, "overlay")));
        var again = new RecordingBuildListener();

        new HostReferenceReview(Request((NewYork, "overlay")) with { OnlyCheck = true }, again).Run();

        Assert.Empty(again.OutOfDates);
        Assert.Equal(_listener.Codes, again.Codes);
    }

    /// <summary>Without rewriting, the share's own file is what clients read: an overlay copy an earlier build wrote
    /// is removed (or, only checking, said to be due for removal).</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WithoutRewritingAnEarlierOverlayCopyIsRemoved(bool onlyCheck)
    {
        string stale = _temp.WriteFile("overlay/Control/CustomSettings.ini", "[Settings]\r\nPriority=Default\r\n");

        HostReferenceResult result = Run(Request((NewYork, "overlay")) with { Rewrite = false, OnlyCheck = onlyCheck });

        Assert.Equal(onlyCheck, File.Exists(stale));
        Assert.Equal(onlyCheck ? [$"{stale} would be removed: CustomSettings.ini or the references to rewrite changed"] : [], _listener.OutOfDates);
        Assert.Equal(onlyCheck ? [] : [@"\\MDT01\MDTProduction$\Logs\NewYork"], result.Clients.SelectMany(c => c.Outcomes).Take(1).Select(o => o.SLShare));
        Assert.DoesNotContain(_listener.Lines, l => l.StartsWith("CustomSettings.ini -> ", StringComparison.Ordinal));
    }

    /// <summary>A root without a DeployRoot of its own maps into the one its published Bootstrap.ini names; and when
    /// the source Bootstrap.ini sent clients to several servers, the build says they are merged onto that one.</summary>
    [Fact]
    public void ARootWithoutADeployRootUsesThePublishedBootstrapIni_AndMergedServersAreNoted()
    {
        _temp.WriteFile("overlay/Control/Bootstrap.ini", "[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nDeployRoot=" + NewYork + "\r\n");

        HostReferenceResult result = Run(Request((null, "overlay")));

        Assert.Equal(NewYork, Assert.Single(result.Clients).TargetDeployRoot);
        Assert.Contains(@"SLShare =  \\NYCLUSTER\Distribution$\Logs", File.ReadAllText(Published("overlay")));
        Assert.Equal(
            $"Bootstrap.ini sent clients to 2 MDT servers (mdt01.corp.contoso.com, 10.2.0.5); after the build all of them use {NewYork}. "
            + "Per-site clusters: give each PublishTarget its own DeployRoot and Site (docs/reference.md).", _listener.Lines[^1]);
        Assert.DoesNotContain("MDTS1026", _listener.Codes);
    }

    [Fact]
    public void OfflineMediaHasNoDeployRoot()
    {
        Trees.Write(Share, ("Scripts/Media.tag", string.Empty));

        HostReferenceResult result = Run(Request((NewYork, "overlay")));

        Assert.Equal("(no DeployRoot)", Assert.Single(result.Clients).TargetDeployRoot);
        Assert.StartsWith("Clients of the published share after the build:", _listener.Lines[^1]);
        Assert.Contains(@"Value=""\\MDTCLUSTER\Distribution$""", _listener.Diagnostics.First(d => d.Code.Id == "MDTS1026").Message);
    }

    /// <summary>A CustomSettings.ini MDT cannot read is said at once and ends the review: nothing else is worth saying.</summary>
    [Fact]
    public void AnUnreadableCustomSettingsIniStopsTheReview()
    {
        _temp.WriteFile("share/Control/CustomSettings.ini", [0xFF, 0xFE, (byte)'[', 0]);

        HostReferenceResult result = Run(Request((NewYork, "overlay"), (Stockholm, "sto/overlay")));

        Assert.Equal(["MDTS1002"], _listener.Codes);
        Assert.Same(HostReferenceResult.None, result);
        Assert.Empty(_listener.Lines);
    }

    [Fact]
    public void AShareWithoutBootstrapIniHasNothingToReview()
    {
        File.Delete(_temp.Combine("share", "Control", "Bootstrap.ini"));

        Assert.Same(HostReferenceResult.None, Run(Request((NewYork, "overlay"))));
        Assert.Empty(_listener.Diagnostics);
        Assert.False(Directory.Exists(_temp.Combine("overlay")));
    }
}
