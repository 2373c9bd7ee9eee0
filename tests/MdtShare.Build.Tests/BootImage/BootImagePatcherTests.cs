using System.Text;
using MdtShare.Build.BootImage;
using MdtShare.Build.Manifest;
using MdtShare.Build.Tasks;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.BootImage;

public sealed class BootImagePatcherTests : IDisposable
{
    private const string OldIni = "[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nDeployRoot=\\\\MDT01\\DeploymentShare$\r\nUserID=svc\r\n";
    private const string NewIni = "[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nDeployRoot=\\\\MDTCLUSTER\\Distribution$\r\nUserID=svc\r\n";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Source => _temp.Combine("share", "Boot", "LiteTouchPE_x64.wim");

    private string Output => _temp.Combine("overlay", "Boot", "LiteTouchPE_x64.wim");

    private string Ini => _temp.WriteFile("overlay/Control/Bootstrap.ini", Encoding.ASCII.GetBytes(NewIni));

    private string Tree(string name, string? ini = OldIni)
    {
        string root = _temp.Combine(name);
        Trees.Write(root, ("Windows/System32/winpeshl.ini", "[LaunchApps]\r\n%SYSTEMDRIVE%\\Deploy\\Scripts\\LiteTouch.wsf"),
            ("Deploy/Scripts/LiteTouch.wsf", "<job/>"), ("Deploy/Tools/x64/BDDRUN.exe", new string('x', 50_000)));
        if (ini is not null)
        {
            _temp.WriteFile(name + "/Deploy/Scripts/Bootstrap.ini", Encoding.ASCII.GetBytes(ini));
        }

        return root;
    }

    private BootImagePatcher Patcher(WimlibImagex tool) => new(tool, new StampFile(_temp.Combine("obj", "stamps.txt")));

    [SkippableTheory]
    [InlineData("LZX")]
    [InlineData("XPRESS")]
    public void PatchesTheCopy_EveryOtherFileIntact_BootIndexKept_SourceUntouched(string compression)
    {
        WimlibImagex tool = Wimlib.Require();
        Directory.CreateDirectory(Path.GetDirectoryName(Source)!);
        Wimlib.Capture(Tree("pe"), Source, compression);
        string sourceHash = FileHasher.Hash(Source, CancellationToken.None);

        BootImageResult result = Patcher(tool).Patch(Source, Output, Ini);

        Assert.Equal(BootImageOutcome.Patched, result.Outcome);
        Assert.Empty(result.Diagnostics);
        Assert.Equal(1, result.Image);
        Assert.Equal([@"\\MDT01\DeploymentShare$"], result.DeployRootsBefore);
        Assert.Equal([@"\\MDTCLUSTER\Distribution$"], result.DeployRootsAfter);
        Assert.Equal(sourceHash, FileHasher.Hash(Source, CancellationToken.None));
        Assert.Equal(new WimInfo(1, 1), tool.Info(Output));
        Assert.Contains("Lite Touch Windows PE (x64)", ImageMetadata(Source));
        Assert.Equal(ImageMetadata(Source), ImageMetadata(Output));
        Wimlib.Apply(Output, 1, _temp.Combine("applied"));
        var expected = Trees.Read(_temp.Combine("pe"));
        expected["Deploy/Scripts/Bootstrap.ini"] = NewIni;
        Assert.Equal(expected, Trees.Read(_temp.Combine("applied")));
        Assert.Empty(Directory.EnumerateFiles(_temp.Combine("overlay", "Boot"), ".~mdtshare*"));
    }

    /// <summary>The patched image holds no trace of the Bootstrap.ini it replaced: uncompressed (so the bytes would be
    /// visible as they are), the file holds neither the old DeployRoot nor the old password anywhere.</summary>
    [SkippableFact]
    public void NoTraceOfTheOldBootstrapIniStaysInThePatchedImage()
    {
        WimlibImagex tool = Wimlib.Require();
        const string Secret = "Old-Pa55word-Only-In-The-Source";
        Directory.CreateDirectory(Path.GetDirectoryName(Source)!);
        Wimlib.Capture(Tree("pe", OldIni + $"UserPassword={Secret}\r\n"), Source, compression: "none");
        Assert.Contains(Secret, Encoding.ASCII.GetString(File.ReadAllBytes(Source)));

        Assert.Equal(BootImageOutcome.Patched, Patcher(tool).Patch(Source, Output, Ini).Outcome);

        string patched = Encoding.ASCII.GetString(File.ReadAllBytes(Output));
        Assert.DoesNotContain(Secret, patched);
        Assert.DoesNotContain(@"\\MDT01\DeploymentShare$", patched);
        Assert.Contains(@"\\MDTCLUSTER\Distribution$", patched);
    }

    /// <summary>The image's name, description and counts as wiminfo reports them.</summary>
    private static string ImageMetadata(string wim) => string.Join("\n", Wimlib.Run("info", wim, "1").Split('\n')
        .Where(l => l.StartsWith("Name:", StringComparison.Ordinal) || l.StartsWith("Description:", StringComparison.Ordinal)
            || l.StartsWith("Directory Count:", StringComparison.Ordinal) || l.StartsWith("File Count:", StringComparison.Ordinal)));

    [SkippableFact]
    public void TheBootIndexImageIsPatched_NotImageOne()
    {
        WimlibImagex tool = Wimlib.Require();
        Directory.CreateDirectory(Path.GetDirectoryName(Source)!);
        Wimlib.Capture(Tree("setup", ini: null), Source, name: "Setup");
        Wimlib.Append(Tree("pe"), Source, "Lite Touch Windows PE (x64)", boot: true);

        BootImageResult result = Patcher(tool).Patch(Source, Output, Ini);

        Assert.Equal((BootImageOutcome.Patched, 2), (result.Outcome, result.Image));
        Assert.Equal(new WimInfo(2, 2), tool.Info(Output));
        Assert.Equal(NewIni, Encoding.ASCII.GetString(tool.ReadFile(Output, 2, BootImagePatcher.BootstrapPath)!));
        Assert.Null(tool.ReadFile(Output, 1, BootImagePatcher.BootstrapPath));
    }

    [SkippableFact]
    public void AnImageWithoutBootstrapIniIsLeftAlone()
    {
        WimlibImagex tool = Wimlib.Require();
        Directory.CreateDirectory(Path.GetDirectoryName(Source)!);
        Wimlib.Capture(Tree("pe", ini: null), Source);

        BootImageResult result = Patcher(tool).Patch(Source, Output, Ini);

        Assert.Equal(BootImageOutcome.Skipped, result.Outcome);
        Assert.Equal(["MDTS4005"], result.Diagnostics.Select(d => d.Code.Id));
        Assert.False(File.Exists(Output));
    }

    [SkippableFact]
    public void ACorruptImageIsACodedErrorAndNothingIsWritten()
    {
        WimlibImagex tool = Wimlib.Require();
        _temp.WriteFile("share/Boot/LiteTouchPE_x64.wim", Encoding.ASCII.GetBytes("MSWIM\0\0\0 but not really a WIM"));

        BootImageResult result = Patcher(tool).Patch(Source, Output, Ini);

        Assert.Equal(["MDTS4003"], result.Diagnostics.Select(d => d.Code.Id));
        Assert.False(File.Exists(Output));
    }

    [SkippableFact]
    public void PatchedAgainOnlyWhenTheImageOrTheIniChanged()
    {
        WimlibImagex tool = Wimlib.Require();
        Directory.CreateDirectory(Path.GetDirectoryName(Source)!);
        Wimlib.Capture(Tree("pe"), Source);
        string ini = Ini;
        Assert.Equal(BootImageOutcome.Patched, Patcher(tool).Patch(Source, Output, ini).Outcome);
        DateTime written = File.GetLastWriteTimeUtc(Output);

        Assert.Equal(BootImageOutcome.UpToDate, Patcher(tool).Patch(Source, Output, ini).Outcome);
        Assert.Equal(written, File.GetLastWriteTimeUtc(Output));

        File.WriteAllText(ini, NewIni.Replace("svc", "svc2"));
        Assert.Equal(BootImageOutcome.Patched, Patcher(tool).Patch(Source, Output, ini).Outcome);

        File.SetLastWriteTimeUtc(Source, DateTime.UtcNow.AddMinutes(5));
        Assert.Equal(BootImageOutcome.Patched, Patcher(tool).Patch(Source, Output, ini).Outcome);
        Assert.DoesNotContain("svc2", File.ReadAllText(_temp.Combine("obj", "stamps.txt")));
    }

    [SkippableFact]
    public void OnlyCheckingTellsWhetherAPatchIsDue_AndChangesNothing()
    {
        WimlibImagex tool = Wimlib.Require();
        Directory.CreateDirectory(Path.GetDirectoryName(Source)!);
        Wimlib.Capture(Tree("pe"), Source);
        string ini = Ini;

        Assert.Equal(BootImageOutcome.OutOfDate, Patcher(tool).Patch(Source, Output, ini, onlyCheck: true).Outcome);
        Assert.False(File.Exists(Output));

        Assert.Equal(BootImageOutcome.Patched, Patcher(tool).Patch(Source, Output, ini).Outcome);
        byte[] patched = File.ReadAllBytes(Output);
        Assert.Equal(BootImageOutcome.UpToDate, Patcher(tool).Patch(Source, Output, ini, onlyCheck: true).Outcome);

        File.WriteAllText(ini, NewIni.Replace("svc", "svc2"));
        Assert.Equal(BootImageOutcome.OutOfDate, Patcher(tool).Patch(Source, Output, ini, onlyCheck: true).Outcome);
        Assert.Equal(patched, File.ReadAllBytes(Output));
    }

    [SkippableFact]
    public void AnImageThatAlreadyCarriesTheIniNeedsNoCopy()
    {
        WimlibImagex tool = Wimlib.Require();
        Directory.CreateDirectory(Path.GetDirectoryName(Source)!);
        Wimlib.Capture(Tree("pe", NewIni), Source);

        BootImageResult result = Patcher(tool).Patch(Source, Output, Ini);

        Assert.Equal(BootImageOutcome.AlreadyCurrent, result.Outcome);
        Assert.False(File.Exists(Output));
    }

    /// <summary>A cancelled build (Ctrl+C, a pipeline's cancel) kills a WIM tool that hangs or runs long: the task
    /// returns at once, reports no success, and no copy reaches the overlay. The cancel lands while the tool runs (it
    /// says so before it sleeps).</summary>
    [SkippableFact]
    public async Task CancellingTheTaskKillsTheRunningToolAtOnce()
    {
        Skip.If(OperatingSystem.IsWindows(), "a shell script stands in for the tool");
        string started = _temp.Combine("tool-started");
        string hanging = _temp.WriteFile("bin/wimlib-imagex", Encoding.UTF8.GetBytes($"#!/bin/sh\ntouch '{started}'\nexec sleep 60\n"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(hanging, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        Trees.Write(_temp.Combine("share"), ("Control/Bootstrap.ini", "[Settings]\r\nPriority=Default\r\n"), ("Boot/LiteTouchPE_x64.wim", "wim"));
        var engine = new FakeBuildEngine(_temp.Combine("deploymentshare.proj"));
        var task = new PatchBootImages
        {
            BuildEngine = engine, ProjectFile = engine.ProjectFileOfTaskNode, DeploymentShare = "share", OverlayDirectory = "bin/overlay",
            WimlibImagex = hanging, StampFile = "obj/stamps.txt",
        };

        Task<bool> running = Task.Run(task.Execute);
        Assert.True(SpinWait.SpinUntil(() => File.Exists(started), TimeSpan.FromSeconds(20)), "the tool started");
        Assert.False(running.IsCompleted);
        task.Cancel();

        // The tool would sleep for a minute; a task that waited for it fails here.
        bool succeeded = await running.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.False(succeeded, "a cancelled task does not report success");
        Assert.Empty(engine.Errors);
        Assert.False(File.Exists(_temp.Combine("bin", "overlay", "Boot", "LiteTouchPE_x64.wim")));
    }

    [Fact]
    public void ToolDiscoveryUsesTheConfiguredPathOrPath()
    {
        Assert.Null(WimlibImagex.Find(_temp.Combine("missing", "wimlib-imagex"), "/usr/bin"));
        string fake = _temp.WriteFile("bin/wimlib-imagex", [0]);
        Assert.Equal(fake, WimlibImagex.Find(null, "/nonexistent" + Path.PathSeparator + _temp.Combine("bin"))?.Name);
        Assert.Null(WimlibImagex.Find(null, "/nonexistent"));
    }
}
