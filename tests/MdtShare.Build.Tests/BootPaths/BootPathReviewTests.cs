using MdtShare.Build.BootImage;
using MdtShare.Build.BootPaths;
using MdtShare.Build.Reports;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.BootPaths;

public sealed class BootPathReviewTests : IDisposable
{
    private const string Cluster = @"\\MDTCLUSTER\Distribution$";
    private const string ClusterIni = "[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nDeployRoot=\\\\MDTCLUSTER\\Distribution$\r\nSkipBDDWelcome=YES\r\n";
    private const string OldIni = "[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nDeployRoot=\\\\MDT01\\DeploymentShare$\r\n";

    private static readonly WdsServerDeclaration Wds01 = new("wds01.corp.contoso.com", "Lite Touch Windows PE (x64)", "x64", string.Empty, string.Empty, string.Empty);

    private readonly TempDirectory _temp = new();
    private readonly RecordingBuildListener _listener = new();
    private readonly BootPathOutputs _outputs = new();

    public BootPathReviewTests() =>
        Trees.Write(Share, ("Control/Bootstrap.ini", OldIni), ("Boot/LiteTouchPE_x64.wim", "wim"), ("Boot/LiteTouchPE_x86.wim", "wim"));

    public void Dispose() => _temp.Dispose();

    private string Share => _temp.Combine("share");

    private string Script => _temp.Combine("bin", "wds-replace.cmd");

    private BootPathRequest Request(params WdsServerDeclaration[] servers) =>
        new(Share, Cluster, Script, _temp.Combine("obj", "boot-paths.txt")) { WdsServers = servers, PathVariable = Environment.GetEnvironmentVariable("PATH") };

    private void Review(BootPathRequest request) => new BootPathReview(request, _listener, CancellationToken.None).Review(_outputs);

    [Fact]
    public void TheScriptIsWrittenOnlyIfChanged_AndEachImageIsAReportEntry()
    {
        Review(Request(Wds01, Wds01 with { Server = "wds02.corp.contoso.com" }));
        File.SetLastWriteTimeUtc(Script, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        Review(Request(Wds01, Wds01 with { Server = "wds02.corp.contoso.com" }));

        Assert.Equal(2, File.ReadAllLines(Script).Count(l => l.StartsWith("wdsutil /Replace-Image ", StringComparison.Ordinal)));
        Assert.Equal(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), File.GetLastWriteTimeUtc(Script));
        Assert.Equal(new BootPathEntry("wds", "wds01.corp.contoso.com", "to replace",
            @"'Lite Touch Windows PE (x64)' (x64) with \\MDTCLUSTER\Distribution$\Boot\LiteTouchPE_x64.wim, by wds-replace.cmd"), _outputs.Entries[0]);
        Assert.Equal($"wds-replace.cmd: 2 boot image(s) on 2 WDS server(s) -> {Script}", _listener.Lines[0]);
        Assert.Empty(_listener.Diagnostics);
    }

    /// <summary>A script that replaced some servers' images and quietly skipped the others would be worse than none,
    /// and the one an earlier build wrote may send the servers to a DeployRoot the build no longer publishes.</summary>
    [Fact]
    public void AnItemWithAProblemRemovesTheScriptOfAnEarlierBuild()
    {
        Review(Request(Wds01, Wds01 with { Server = "wds02.corp.contoso.com" }) with { DeployRoot = @"\\MDT01\DeploymentShare$" });

        Review(Request(Wds01, Wds01 with { Server = "wds02.corp.contoso.com", Architecture = "ia64" }));

        Assert.Equal(["MDTS4011"], _listener.Codes);
        Assert.False(File.Exists(Script));
        Assert.Equal($"{Script} was removed: a WdsServer item has a problem (see the errors), and the script an earlier build wrote may name another DeployRoot or image.",
            _listener.Lines[^1]);
    }

    [Fact]
    public void WithoutWdsServerItemsALeftOverScriptIsRemoved_OrInQuestionModeSaidToBeDue()
    {
        Review(Request(Wds01));

        Review(Request() with { OnlyCheck = true });
        Assert.True(File.Exists(Script));
        Assert.Equal([$"{Script} would be removed: there are no WdsServer items"], _listener.OutOfDates);

        Review(Request());
        Assert.False(File.Exists(Script));
    }

    [Fact]
    public void MediaOlderThanTheSharesBootstrapIniAreAStaleManualStep_NewerOnesStillAStep()
    {
        Trees.Write(_temp.Combine("Media", "MEDIA001"), ("Content/Deploy/Scripts/Media.tag", string.Empty),
            ("Content/Deploy/Control/Bootstrap.ini", "[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nSkipBDDWelcome=YES\r\n"),
            ("Content/Deploy/Boot/LiteTouchPE_x64.wim", "wim"), ("Content/Sources/boot.wim", "wim"));
        Trees.Write(_temp.Combine("Media", "MEDIA002"), ("Content/Deploy/Scripts/Media.tag", string.Empty), ("Content/Deploy/Control/Bootstrap.ini", OldIni));
        var bootstrapChanged = new DateTime(2026, 11, 2, 8, 30, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(Path.Combine(Share, "Control", "Bootstrap.ini"), bootstrapChanged);
        foreach (string file in Directory.EnumerateFiles(_temp.Combine("Media", "MEDIA001"), "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, bootstrapChanged.AddDays(-20));
        }

        Review(Request() with { MediaRoots = [_temp.Combine("Media", "MEDIA001"), _temp.Combine("Media", "MEDIA002")] });

        Assert.Equal(
        [
            new BootPathEntry("media", _temp.Combine("Media", "MEDIA001"), "stale",
                "older than the share's Bootstrap.ini (2026-11-02 08:30:00Z): Content/Deploy/Boot/LiteTouchPE_x64.wim, Content/Deploy/Control/Bootstrap.ini, Content/Sources/boot.wim; " +
                "its Bootstrap.ini names no DeployRoot (clients use the media)"),
            new BootPathEntry("media", _temp.Combine("Media", "MEDIA002"), "not touched",
                @"not older than the share's Bootstrap.ini; its Bootstrap.ini names DeployRoot \\MDT01\DeploymentShare$"),
        ], _outputs.Entries);
        Assert.Equal(2, _outputs.ManualSteps.Count);
        Assert.StartsWith($"MDT media {_temp.Combine("Media", "MEDIA001")} is a copy this build does not touch (older than", _outputs.ManualSteps[0]);
        Assert.EndsWith("Rebuild it with Update-MDTMedia (Deployment Workbench: Media > Update Media Content) and replace the copies made from it.", _outputs.ManualSteps[0]);
    }

    [Fact]
    public void AFolderWithoutMediaTagIsMDTS4018_AndNoStep()
    {
        Trees.Write(_temp.Combine("Media", "MEDIA001"), ("Content/Deploy/Control/Bootstrap.ini", OldIni));

        Review(Request() with { MediaRoots = [_temp.Combine("Media", "MEDIA001", "Content")] });

        Assert.Equal(["MDTS4018"], _listener.Codes);
        Assert.Empty(_outputs.ManualSteps);
    }

    /// <summary>The WDS server's REMINST, as a Linux agent reaches it through a mount: a LiteTouch image WDS still
    /// serves with the MDT server's DeployRoot, one already replaced, and WDS's own setup image without a Bootstrap.ini.</summary>
    [SkippableFact]
    public void ABootImageTheWdsServerServesWithAnOldDeployRootIsMDTS4016_OthersAreLeftAlone()
    {
        WimlibImagex tool = Wimlib.Require();
        string images = _temp.Combine("reminst", "Boot", "x64", "Images");
        Wimlib.CaptureLiteTouch(OldIni, Path.Combine(images, "LiteTouchPE_x64.wim"));
        Wimlib.CaptureLiteTouch(ClusterIni, Path.Combine(images, "LiteTouchPE_x64 (2).wim"));
        Trees.Write(_temp.Combine("setup"), ("Windows/System32/winpeshl.ini", "[LaunchApps]"));
        Wimlib.Capture(_temp.Combine("setup"), Path.Combine(images, "boot.wim"), name: "Microsoft Windows Setup (x64)");

        Review(Request(Wds01 with { RemInstPath = _temp.Combine("reminst") }) with { WimlibImagex = tool.Name });

        string old = Path.Combine(images, "LiteTouchPE_x64.wim");
        var warning = Assert.Single(_listener.Diagnostics);
        Assert.Equal("MDTS4016", warning.Code.Id);
        Assert.Equal(old, warning.File);
        Assert.Equal($@"{old}, a boot image WDS server wds01.corp.contoso.com serves, still sends PXE clients to DeployRoot \\MDT01\DeploymentShare$, not \\MDTCLUSTER\Distribution$. " +
            "Replace it with the published image (bin/wds-replace.cmd, or -t:PublishWds on Windows), or remove it from WDS if it is no longer used.", warning.Message);
        Assert.Equal(new BootPathEntry("wdsCopy", old, "old DeployRoot", @"DeployRoot \\MDT01\DeploymentShare$; the build publishes \\MDTCLUSTER\Distribution$"), _outputs.Entries[1]);
    }

    /// <summary>Proven by giving the clean image other bytes of the same size and time: read again, wimlib could not
    /// open it and would say so.</summary>
    [SkippableFact]
    public void AnImageFoundCleanIsNotReadAgainUntilItsSizeOrTimeChanges()
    {
        WimlibImagex tool = Wimlib.Require();
        string clean = _temp.Combine("reminst", "Boot", "x64", "Images", "LiteTouchPE_x64.wim");
        Wimlib.CaptureLiteTouch(ClusterIni, clean);
        BootPathRequest request = Request(Wds01 with { RemInstPath = _temp.Combine("reminst") }) with { WimlibImagex = tool.Name };
        Review(request);
        DateTime time = File.GetLastWriteTimeUtc(clean);
        File.WriteAllBytes(clean, new byte[new FileInfo(clean).Length]);
        File.SetLastWriteTimeUtc(clean, time);

        Review(request);
        Assert.Empty(_listener.Details);

        Assert.Empty(_listener.Diagnostics);

        File.SetLastWriteTimeUtc(clean, time.AddSeconds(1));
        Review(request);
        var warning = Assert.Single(_listener.Diagnostics);
        Assert.Equal(("MDTS4017", clean), (warning.Code.Id, warning.File));
        Assert.StartsWith($"{clean} cannot be checked for an old DeployRoot: {tool.Name} could not read it (", warning.Message);
    }

    /// <summary>A WDS image deliberately sent to a lab share names a DeployRoot that is not the MDT server's (the
    /// share's own Bootstrap.ini): told and reported, not warned of on every build.</summary>
    [SkippableFact]
    public void AnImageNamingAnotherShareThanTheMdtServersIsAnOtherDeployRootEntry_NotAWarning()
    {
        WimlibImagex tool = Wimlib.Require();
        string images = _temp.Combine("reminst", "Boot", "x64", "Images");
        Wimlib.CaptureLiteTouch("[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nDeployRoot=\\\\LAB01\\Lab$\r\n", Path.Combine(images, "LiteTouchPE_x64 Lab.wim"));
        Wimlib.CaptureLiteTouch("[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nDeployRoot=\\\\mdt01\\deploymentshare$\\\r\n", Path.Combine(images, "LiteTouchPE_x64.wim"));

        Review(Request(Wds01 with { RemInstPath = _temp.Combine("reminst") }) with { WimlibImagex = tool.Name });

        string lab = Path.Combine(images, "LiteTouchPE_x64 Lab.wim");
        Assert.Equal([("MDTS4016", Path.Combine(images, "LiteTouchPE_x64.wim"))], _listener.Diagnostics.Select(d => (d.Code.Id, d.File)));
        Assert.Equal([$@"{lab}, a boot image WDS server wds01.corp.contoso.com serves, names DeployRoot \\LAB01\Lab$: not the MDT server's (the share's Bootstrap.ini), so taken to point elsewhere on purpose."],
            _listener.Infos);
        Assert.Equal(new BootPathEntry("wdsCopy", lab, "other DeployRoot", @"DeployRoot \\LAB01\Lab$, not the MDT server's; the build publishes \\MDTCLUSTER\Distribution$"), _outputs.Entries[1]);
    }

    /// <summary>A WIM that vanished after it was listed (here a link to nothing) or that wimlib cannot read is a
    /// warning naming it; the server's other images are still checked.</summary>
    [SkippableFact]
    public void AWimThatCannotBeReadIsMDTS4017NamingIt_AndTheOthersAreStillChecked()
    {
        WimlibImagex tool = Wimlib.Require();
        string images = _temp.Combine("reminst", "Boot", "x64", "Images");
        Wimlib.CaptureLiteTouch(OldIni, Path.Combine(images, "LiteTouchPE_x64.wim"));
        File.CreateSymbolicLink(Path.Combine(images, "LiteTouchPE_a.wim"), _temp.Combine("gone.wim"));
        File.WriteAllText(Path.Combine(images, "LiteTouchPE_b.wim"), "not a WIM");

        Review(Request(Wds01 with { RemInstPath = _temp.Combine("reminst") }) with { WimlibImagex = tool.Name });

        Assert.Equal(["MDTS4017", "MDTS4017", "MDTS4016"], _listener.Codes);
        Assert.StartsWith($"{Path.Combine(images, "LiteTouchPE_a.wim")} cannot be checked for an old DeployRoot: {tool.Name} could not read it (", _listener.Diagnostics[0].Message);
        Assert.Equal(Path.Combine(images, "LiteTouchPE_b.wim"), _listener.Diagnostics[1].File);
    }

    /// <summary>Bootstrap.ini with a section per gateway names several DeployRoots; an image carrying any of the
    /// build's is not old.</summary>
    [SkippableFact]
    public void EveryDeployRootTheBuildsBootstrapIniNamesCountsAsCurrent()
    {
        WimlibImagex tool = Wimlib.Require();
        const string ini = "[Settings]\r\nPriority=DefaultGateway, Default\r\n\r\n[DefaultGateway]\r\n10.2.0.1=Stockholm\r\n\r\n[Stockholm]\r\nDeployRoot=\\\\STOCLUSTER\\Distribution$\r\n\r\n[Default]\r\nDeployRoot=\\\\MDTCLUSTER\\Distribution$\r\n";
        Trees.Write(_temp.Combine("bin", "overlay"), ("Control/Bootstrap.ini", ini));
        Wimlib.CaptureLiteTouch(ini, _temp.Combine("reminst", "Boot", "x64", "Images", "LiteTouchPE_x64.wim"));

        Review(Request(Wds01 with { RemInstPath = _temp.Combine("reminst") }) with
        {
            WimlibImagex = tool.Name,
            Overlays = [(_temp.Combine("bin", "overlay"), Cluster)],
        });

        Assert.Empty(_listener.Diagnostics);
    }

    /// <summary>A REMINST share that drops while its images are read: a warning naming the image, not a failed build.</summary>
    [Fact]
    public void AnImageThatFailsToReadWithAnIOErrorIsMDTS4017()
    {
        string wim = _temp.WriteFile("reminst/Boot/x64/Images/LiteTouchPE_x64.wim", "wim");
        var images = WdsBootImage.Resolve([Wds01 with { RemInstPath = _temp.Combine("reminst") }], Share, Cluster, windows: false, _listener);

        new ForgottenBootImages(new DroppingTool(), new StampFile(_temp.Combine("obj", "boot-paths.txt")), _listener).Check(images, Share, new Dictionary<string, IReadOnlyList<string>>());

        var warning = Assert.Single(_listener.Diagnostics);
        Assert.Equal(("MDTS4017", wim), (warning.Code.Id, warning.File));
        Assert.StartsWith($"{wim} cannot be checked for an old DeployRoot: it could not be read (The network name is no longer available.).", warning.Message);
    }

    [Fact]
    public void AReminstThisAgentCannotReadIsMDTS4017()
    {
        Review(Request(Wds01 with { RemInstPath = _temp.Combine("not-mounted") }) with { WimlibImagex = "/bin/true" });

        Assert.Equal(["MDTS4017"], _listener.Codes);
        Assert.StartsWith("The boot images of WdsServer 'wds01.corp.contoso.com' cannot be checked: ", _listener.Diagnostics[0].Message);
    }

    private sealed class DroppingTool : IBootImageTool
    {
        public string Name => "wimlib-imagex";

        public WimInfo Info(string wim) => throw new IOException("The network name is no longer available.");

        public byte[]? ReadFile(string wim, int image, string pathInImage) => throw new NotSupportedException();

        public bool ExtractFolder(string wim, int image, string folderInImage, string destination) => throw new NotSupportedException();

        public void ReplaceFile(string wim, int image, string localFile, string pathInImage) => throw new NotSupportedException();
    }
}
