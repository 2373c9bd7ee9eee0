using MdtShare.Build.BootImage;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.IO;
using MdtShare.Build.Reports;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.BootImage;

public sealed class BootImageOverlayWriterTests : IDisposable
{
    private const string ShareIni = "[Settings]\r\nPriority=Default\r\n[Default]\r\nDeployRoot=\\\\MDT01\\D$\r\n";

    private readonly TempDirectory _temp = new();
    private readonly RecordingBuildListener _listener = new();
    private readonly BootImageOutputs _outputs = new();

    public void Dispose() => _temp.Dispose();

    private string Share => _temp.Combine("share");

    private BootImageRequest Request(params string[] overlays) =>
        new(Share, overlays.Select(o => _temp.Combine(o)).ToList(), _temp.Combine("obj", "stamps.txt"))
        {
            WimlibImagex = _temp.Combine("no", "wimlib-imagex"),
            Xorriso = _temp.Combine("no", "xorriso"),
        };

    private void Write(BootImageRequest request) => new BootImageOverlayWriter(request, _listener, CancellationToken.None).Write(_outputs);

    /// <summary>A share copied onto a case-sensitive disk may hold boot/ or BOOT/; its images are named as the share names them.</summary>
    [Theory]
    [InlineData("Boot")]
    [InlineData("boot")]
    [InlineData("BOOT")]
    public void ImagesAreFoundInTheBootFolderInAnyLetterCase(string folder)
    {
        Trees.Write(Share, ("Control/Bootstrap.ini", ShareIni), ($"{folder}/LiteTouchPE_x86.wim", "wim"), ($"{folder}/LiteTouchPE_x64.wim", "wim"),
            ($"{folder}/litetouchpe_arm64.WIM", "wim"), ($"{folder}/Capture_x64.wim", "not LiteTouch"), ($"{folder}/LiteTouchPE_x64.iso", "iso"));

        Write(Request("overlay"));

        Assert.StartsWith($"3 boot image(s) ({folder}/LiteTouchPE_x64.wim, {folder}/LiteTouchPE_x86.wim, {folder}/litetouchpe_arm64.WIM) cannot be patched",
            Assert.Single(_listener.Diagnostics).Message);
    }

    [Fact]
    public void ABootImageThatIsNotInTheShareIsReported_TheOthersAreStillLookedAt()
    {
        Trees.Write(Share, ("Control/Bootstrap.ini", ShareIni), ("Boot/LiteTouchPE_x64.wim", "wim"));
        BootImageRequest request = Request("overlay") with { Images = [@"Boot\Custom.wim", "/Boot/LiteTouchPE_x64.wim"] };

        Write(request);

        Assert.Equal(["MDTS4007", "MDTS4001"], _listener.Codes);
        Assert.Equal($"BootImage 'Boot\\Custom.wim' does not exist in the deployment share ({Path.Combine(Share, "Boot", "Custom.wim")}).",
            _listener.Diagnostics[0].Message);
        Assert.StartsWith("1 boot image(s) (Boot/LiteTouchPE_x64.wim) cannot be patched", _listener.Diagnostics[1].Message);
    }

    [Theory]
    [InlineData(false, "MDTS4001")]
    [InlineData(true, "MDTS4002")]
    public void WithoutAToolTheImagesAreAManualStep_AWarning_OrAnErrorWhenPatchingIsRequired_OnceForEveryOverlay(bool require, string code)
    {
        Trees.Write(Share, ("Control/Bootstrap.ini", ShareIni), ("Boot/LiteTouchPE_x64.wim", "wim"));

        Write(Request("overlay", "targets/sto/overlay", "targets/nyc/overlay") with { RequireTool = require });

        Diagnostic diagnostic = Assert.Single(_listener.Diagnostics);
        Assert.Equal(code, diagnostic.Code.Id);
        Assert.Equal("1 boot image(s) (Boot/LiteTouchPE_x64.wim) cannot be patched: wimlib-imagex was not found (install wimtools, or set MdtShareWimlibImagex). " +
            "PXE and ISO clients will keep booting with the old DeployRoot.", diagnostic.Message);
        Assert.Equal([diagnostic.Message], _outputs.ManualSteps);
        Assert.Empty(_outputs.Written);
        Assert.Empty(_outputs.Entries);
    }

    /// <summary>An overlay with its own Bootstrap.ini gets a patched copy (and the WDS step, and the ISO that embeds
    /// the old WIM is stale without xorriso); an overlay without one falls back to the share's, which the image
    /// already carries.</summary>
    [SkippableFact]
    public void EachOverlayGetsItsOwnBootstrapIni_AndTheReportSaysWhatIsLeftToDoByHand()
    {
        WimlibImagex tool = Wimlib.Require();
        WriteShareWithImage();
        _temp.WriteFile("site/Control/Bootstrap.ini", "[Settings]\r\nPriority=Default\r\n[Default]\r\nDeployRoot=\\\\MDTCLUSTER\\Distribution$\r\n");

        Write(Request("site", "plain") with { WimlibImagex = tool.Name });

        string patched = _temp.Combine("site", "Boot", "LiteTouchPE_x64.wim");
        Assert.Equal([new OverlayFile(patched, "Boot/LiteTouchPE_x64.wim")], _outputs.Written);
        Assert.Equal([("site", "Patched"), ("plain", "AlreadyCurrent")], _outputs.Entries.Select(i => (Path.GetFileName(i.Overlay), i.Outcome)));
        Assert.Equal(["MDTS4008"], _listener.Codes);
        Assert.Equal(
        [
            _listener.Diagnostics[0].Message,
            "WDS keeps its own copy of each boot image. On every WDS server, replace it (WDS console > Boot Images > Replace Image) with the published Boot/LiteTouchPE_x64.wim.",
        ], _outputs.ManualSteps);
        Assert.Equal(
        [
            $"Boot/LiteTouchPE_x64.wim (image 1): DeployRoot \\\\MDT01\\D$ -> \\\\MDTCLUSTER\\Distribution$; patched copy -> {patched}",
            "To do by hand after publishing: " + _outputs.ManualSteps[1],
            "Boot/LiteTouchPE_x64.wim (image 1): DeployRoot \\\\MDT01\\D$ -> \\\\MDT01\\D$; the image already carries this Bootstrap.ini",
        ], _listener.Lines);
        Assert.False(File.Exists(_temp.Combine("plain", "Boot", "LiteTouchPE_x64.wim")));
    }

    /// <summary>With WdsServer items the WDS step is the script the build writes (or -t:PublishWds where wdsutil
    /// runs) instead of the console's way; the ISO left stale is in the report too.</summary>
    [SkippableTheory]
    [InlineData(false, "WDS keeps its own copy of each boot image. Run {0} on a Windows machine with the WDS tools, after publishing: it replaces them on the WdsServer items' servers.")]
    [InlineData(true, "WDS keeps its own copy of each boot image. After publishing, replace them on the WdsServer items' servers: dotnet build -t:PublishWds, or run {0}.")]
    public void WithWdsServerItemsTheWdsStepIsTheScript_OnWindowsAlsoPublishWds(bool windows, string step)
    {
        WimlibImagex tool = Wimlib.Require();
        WriteShareWithImage();
        _temp.WriteFile("site/Control/Bootstrap.ini", "[Settings]\r\nPriority=Default\r\n[Default]\r\nDeployRoot=\\\\MDTCLUSTER\\Distribution$\r\n");
        string script = _temp.Combine("bin", "wds-replace.cmd");

        Write(Request("site") with { WimlibImagex = tool.Name, WdsReplaceScript = script, Windows = windows });

        Assert.Equal(string.Format(step, script), _outputs.ManualSteps[1]);
        Assert.Equal([new BootPathEntry("iso", "Boot/LiteTouchPE_x64.iso", "stale", "published unchanged (MDTS4008): xorriso was not found")], _outputs.Isos);
    }

    /// <summary>Two sites, each with a Bootstrap.ini of its own, a share copied as boot/ onto a case-sensitive disk, and
    /// no xorriso: the ISO is found, and said to be stale once, as the share names it.</summary>
    [SkippableFact]
    public void AnIsoLeftStaleIsReportedOnceForEverySite_InAnyLetterCaseOfItsFolder()
    {
        WimlibImagex tool = Wimlib.Require();
        WriteShareWithImage();
        Directory.Move(_temp.Combine("share", "Boot"), _temp.Combine("share", "boot"));
        _temp.WriteFile("sto/Control/Bootstrap.ini", "[Settings]\r\nPriority=Default\r\n[Default]\r\nDeployRoot=\\\\STOCLUSTER\\Distribution$\r\n");
        _temp.WriteFile("nyc/Control/Bootstrap.ini", "[Settings]\r\nPriority=Default\r\n[Default]\r\nDeployRoot=\\\\NYCLUSTER\\Distribution$\r\n");

        Write(Request("sto", "nyc") with { WimlibImagex = tool.Name });

        Diagnostic stale = Assert.Single(_listener.Diagnostics);
        Assert.Equal("MDTS4008", stale.Code.Id);
        Assert.StartsWith("boot/LiteTouchPE_x64.iso embeds its own copy of the boot image", stale.Message);
        Assert.Equal(["boot/LiteTouchPE_x64.wim", "boot/LiteTouchPE_x64.wim"], _outputs.Written.Select(w => w.RelativePath));
    }

    [SkippableFact]
    public void AShareWithoutBootstrapIniIsItsCodedError()
    {
        BootImageRequest request = Request("overlay") with { WimlibImagex = Wimlib.Require().Name };
        Trees.Write(Share, ("Boot/LiteTouchPE_x64.wim", "wim"));

        var error = Assert.Throws<MdtShareException>(() => Write(request));

        Assert.Equal("MDTS1001", error.Diagnostic.Code.Id);
        Assert.Contains("has no Control", error.Diagnostic.Message);
    }

    /// <summary>The share's LiteTouch.wsf and BDDRUN.exe were updated after the image was built; ZTIUtility.vbs and
    /// Microsoft.BDD.Utility.dll are the same in both, and Bootstrap.ini differs by design.</summary>
    [SkippableFact]
    public void ABootImageBuiltBeforeTheSharesScriptsChangedIsWarnedOf_NamingTheFilesThatDiffer()
    {
        WimlibImagex tool = Wimlib.Require();
        Trees.Write(Share, ("Control/Bootstrap.ini", ShareIni), ("Scripts/LiteTouch.wsf", "<job id=\"LiteTouch\"> 6.3.8456.1000 </job>"),
            ("Scripts/ZTIUtility.vbs", "' ZTIUtility 6.3.8456.1000"), ("Scripts/Bootstrap.ini", "[Settings]"),
            ("Tools/x64/BDDRUN.exe", "BDDRUN 6.3.8456.1000"), ("Tools/x64/Microsoft.BDD.Utility.dll", "utility 6.3.8456.1000"));
        Trees.Write(_temp.Combine("pe"), ("Deploy/Scripts/Bootstrap.ini", ShareIni), ("Deploy/Scripts/LiteTouch.wsf", "<job id=\"LiteTouch\"> 6.3.8450.1000 </job>"),
            ("Deploy/Scripts/ZTIUtility.vbs", "' ZTIUtility 6.3.8456.1000"), ("Deploy/Scripts/wpeinit.cmd", "only in the image"),
            ("Deploy/Tools/x64/BDDRUN.exe", "BDDRUN 6.3.8450.1000"), ("Deploy/Tools/x64/Microsoft.BDD.Utility.dll", "utility 6.3.8456.1000"));
        Directory.CreateDirectory(_temp.Combine("share", "Boot"));
        Wimlib.Capture(_temp.Combine("pe"), _temp.Combine("share", "Boot", "LiteTouchPE_x64.wim"));

        Write(Request("overlay") with { WimlibImagex = tool.Name });

        Diagnostic stale = Assert.Single(_listener.Diagnostics, d => d.Code.Id == "MDTS4010");
        Assert.StartsWith("Boot/LiteTouchPE_x64.wim was built before the share's scripts or tools changed: 2 file(s) of its Deploy folder differ from the share's (Scripts\\LiteTouch.wsf, Tools\\x64\\BDDRUN.exe).", stale.Message);
        Assert.Equal(_temp.Combine("share", "Boot", "LiteTouchPE_x64.wim"), stale.File);

        File.WriteAllText(_temp.Combine("share", "Scripts", "LiteTouch.wsf"), "<job id=\"LiteTouch\"> 6.3.8450.1000 </job>");
        File.WriteAllText(_temp.Combine("share", "Tools", "x64", "BDDRUN.exe"), "BDDRUN 6.3.8450.1000");
        _listener.Diagnostics.Clear();
        Write(Request("overlay") with { WimlibImagex = tool.Name });
        Assert.DoesNotContain(_listener.Diagnostics, d => d.Code.Id == "MDTS4010");
    }

    [SkippableFact]
    public void OnlyCheckingTellsWhatIsOutOfDate_AndWritesNothing()
    {
        WimlibImagex tool = Wimlib.Require();
        WriteShareWithImage();
        _temp.WriteFile("site/Control/Bootstrap.ini", "[Settings]\r\nPriority=Default\r\n[Default]\r\nDeployRoot=\\\\MDTCLUSTER\\Distribution$\r\n");

        Write(Request("site") with { WimlibImagex = tool.Name, OnlyCheck = true });

        Assert.Equal([$"{_temp.Combine("site", "Boot", "LiteTouchPE_x64.wim")} would be written or removed: Boot/LiteTouchPE_x64.wim or Bootstrap.ini changed"],
            _listener.OutOfDates);
        Assert.Empty(_outputs.Written);
        Assert.Empty(_outputs.Entries);
        Assert.False(Directory.Exists(_temp.Combine("site", "Boot")));
    }

    /// <summary>A share whose Bootstrap.ini its one LiteTouch image carries, and an ISO around that image.</summary>
    private void WriteShareWithImage()
    {
        Trees.Write(Share, ("Control/Bootstrap.ini", ShareIni), ("Boot/LiteTouchPE_x64.iso", "not an ISO"));
        Trees.Write(_temp.Combine("pe"), ("Deploy/Scripts/Bootstrap.ini", ShareIni));
        Wimlib.Capture(_temp.Combine("pe"), _temp.Combine("share", "Boot", "LiteTouchPE_x64.wim"));
    }
}
