using MdtShare.Build.Ini;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.Ini;

/// <summary>The engine behind PatchBootstrapIni, over a two-site share as real ones are written by hand: gateway
/// rules, comments, odd spacing and letter case.</summary>
public sealed class BootstrapOverlayWriterTests : IDisposable
{
    private const string Bootstrap =
        "[Settings]\r\nPriority=DefaultGateway, Default\r\n\r\n; Stockholm and New York, one MDT server each\r\n[DefaultGateway]\r\n"
        + "10.1.0.1 = NewYork\r\n10.2.0.1=Stockholm\r\n\r\n[NewYork]\r\nDeployRoot=\\\\MDT01.corp.example.com\\DeploymentShare$\r\n"
        + "[stockholm]\r\ndeployroot = \\\\10.2.0.10\\DeploymentShare$\r\n\r\n[Default]\r\nSkipBDDWelcome=YES\r\nDeployRoot=\\\\MDT01\\DeploymentShare$\r\n";

    private readonly TempDirectory _temp = new();
    private readonly RecordingBuildListener _listener = new();

    public BootstrapOverlayWriterTests() => _temp.WriteFile("share/Control/Bootstrap.ini", Bootstrap);

    public void Dispose() => _temp.Dispose();

    private BootstrapRequest Request(params DeclaredSetting[] settings) => new(_temp.Combine("share"),
        [new BootstrapOverlay(_temp.Combine("sto"), @"\\STOCLUSTER\Distribution$"), new BootstrapOverlay(_temp.Combine("nyc"), @"\\NYCLUSTER\Distribution$")],
        settings, _temp.Combine("deploymentshare.proj"), _ => null);

    private string Overlay(string site) => _temp.Combine(site, "Control", "Bootstrap.ini");

    [Fact]
    public void EveryOverlayGetsItsDeployRoot_AndTheSettingsAreResolvedOnce()
    {
        var written = new BootstrapOverlayWriter(Request(new DeclaredSetting("UserPassword", "Literal!", string.Empty, string.Empty)), _listener).Write();

        Assert.Equal([Overlay("sto"), Overlay("nyc")], written.Select(f => f.Path));
        Assert.All(written, f => Assert.Equal("Control/Bootstrap.ini", f.RelativePath));
        Assert.Contains(@"DeployRoot=\\STOCLUSTER\Distribution$", File.ReadAllText(Overlay("sto")));
        Assert.Contains(@"DeployRoot=\\NYCLUSTER\Distribution$", File.ReadAllText(Overlay("nyc")));
        // The project's literal secret is said once; each overlay that holds it in plain text says so for itself.
        Assert.Equal(["MDTS1014", "MDTS1013", "MDTS1013"], _listener.Codes);
        Assert.Equal(Bootstrap, File.ReadAllText(_temp.Combine("share", "Control", "Bootstrap.ini")));
    }

    [Fact]
    public void AnUnsetSecretStopsEveryOverlay_NamingTheVariableOnce()
    {
        var written = new BootstrapOverlayWriter(Request(new DeclaredSetting("UserPassword", string.Empty, "MDT_JOIN_PASSWORD", string.Empty)), _listener).Write();

        Assert.Empty(written);
        Assert.Equal(["MDTS1016"], _listener.Codes);
        Assert.Contains("MDT_JOIN_PASSWORD", _listener.Diagnostics[0].Message);
        Assert.False(Directory.Exists(_temp.Combine("sto")));
        Assert.False(Directory.Exists(_temp.Combine("nyc")));
    }

    [Fact]
    public void OnlyCheckingTellsWhatIsDue_AndChangesNothing()
    {
        new BootstrapOverlayWriter(Request(), _listener).Write();
        _temp.WriteFile("share/Control/Bootstrap.ini", Bootstrap.Replace("SkipBDDWelcome=YES", "SkipBDDWelcome=NO"));
        string before = File.ReadAllText(Overlay("sto"));

        var written = new BootstrapOverlayWriter(Request() with { OnlyCheck = true }, _listener).Write();

        Assert.Empty(written);
        Assert.Equal(
            [$"{Overlay("sto")} would be written: Bootstrap.ini or the requested settings changed", $"{Overlay("nyc")} would be written: Bootstrap.ini or the requested settings changed"],
            _listener.OutOfDates);
        Assert.Equal(before, File.ReadAllText(Overlay("sto")));
    }
}
