using System.Text;
using MdtShare.Build.BootImage;
using MdtShare.Build.Manifest;
using MdtShare.Build.Tasks;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.BootImage;

/// <summary>ISO rebuilding with the real xorriso and wimlib (CI installs both).</summary>
public sealed class IsoTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly FakeBuildEngine _engine;

    public IsoTests() => _engine = new FakeBuildEngine(_temp.Combine("deploymentshare.proj"));

    public void Dispose() => _temp.Dispose();

    /// <summary>A share with a LiteTouch WIM and an ISO around it, bootable by BIOS and UEFI like MDT's media.</summary>
    private void WriteShare()
    {
        Trees.Write(_temp.Combine("share"), ("Control/Bootstrap.ini", "[Settings]\r\nPriority=Default\r\n"));
        Trees.Write(_temp.Combine("pe"), ("Deploy/Scripts/Bootstrap.ini", "[Settings]\r\nPriority=Default\r\n[Default]\r\nDeployRoot=\\\\MDT01\\D$\r\n"));
        Wimlib.Capture(_temp.Combine("pe"), _temp.Combine("share", "Boot", "LiteTouchPE_x64.wim").EnsureParent());
        Trees.Write(_temp.Combine("media"), ("boot/etfsboot.com", new string('b', 4096)), ("boot/bcd", "bcd"), ("efi/microsoft/boot/efisys.bin", new string('e', 1_474_560)));
        File.Copy(_temp.Combine("share", "Boot", "LiteTouchPE_x64.wim"), _temp.Combine("media", "sources", "boot.wim").EnsureParent());
        Wimlib.Xorriso("-as", "mkisofs", "-quiet", "-iso-level", "3", "-o", _temp.Combine("share", "Boot", "LiteTouchPE_x64.iso"),
            "-b", "boot/etfsboot.com", "-no-emul-boot", "-boot-load-size", "8", "-eltorito-alt-boot", "-e", "efi/microsoft/boot/efisys.bin", "-no-emul-boot", _temp.Combine("media"));
        _temp.WriteFile("bin/overlay/Control/Bootstrap.ini", Encoding.ASCII.GetBytes("[Settings]\r\nPriority=Default\r\n[Default]\r\nDeployRoot=\\\\MDTCLUSTER\\Distribution$\r\n"));
    }

    private PatchBootImages Task(string xorriso) => new()
    {
        BuildEngine = _engine,
        ProjectFile = _engine.ProjectFileOfTaskNode,
        DeploymentShare = "share",
        OverlayDirectory = "bin/overlay",
        Xorriso = xorriso,
        StampFile = "obj/stamps.txt",
    };

    [SkippableFact]
    public void TheIsoIsRebuiltAroundThePatchedWim_KeepingBiosAndUefiBootRecords()
    {
        Wimlib.Require();
        Wimlib.RequireXorriso();
        WriteShare();
        string sourceIsoHash = FileHasher.Hash(_temp.Combine("share", "Boot", "LiteTouchPE_x64.iso"), CancellationToken.None);

        Assert.True(Task(string.Empty).Execute(), string.Join("\n", _engine.AllText));

        string iso = _temp.Combine("bin", "overlay", "Boot", "LiteTouchPE_x64.iso");
        Wimlib.Xorriso("-osirrox", "on", "-indev", iso, "-extract", "/sources/boot.wim", _temp.Combine("extracted.wim"));
        Assert.Equal(FileHasher.Hash(_temp.Combine("bin", "overlay", "Boot", "LiteTouchPE_x64.wim"), CancellationToken.None),
            FileHasher.Hash(_temp.Combine("extracted.wim"), CancellationToken.None));
        string records = Wimlib.Xorriso("-indev", iso, "-report_el_torito", "plain");
        Assert.Contains("El Torito img path :   1  /boot/etfsboot.com", records);
        Assert.Contains("El Torito img path :   2  /efi/microsoft/boot/efisys.bin", records);
        Assert.Matches(@"El Torito boot img :\s+1\s+BIOS\s+y", records);
        Assert.Matches(@"El Torito boot img :\s+2\s+UEFI\s+y", records);
        Assert.Equal(sourceIsoHash, FileHasher.Hash(_temp.Combine("share", "Boot", "LiteTouchPE_x64.iso"), CancellationToken.None));
        Assert.Contains(_engine.Messages, m => m.Message!.StartsWith("Boot/LiteTouchPE_x64.iso: rebuilt", StringComparison.Ordinal));

        DateTime written = File.GetLastWriteTimeUtc(iso);
        Assert.True(Task(string.Empty).Execute());
        Assert.Equal(written, File.GetLastWriteTimeUtc(iso));
    }

    [SkippableFact]
    public void TheReportIsToldEachIsoWasRebuilt_ThenUnchanged_OrLeftStale()
    {
        Wimlib.Require();
        Wimlib.RequireXorriso();
        WriteShare();
        string overlayIso = _temp.Combine("bin", "overlay", "Boot", "LiteTouchPE_x64.iso");
        (string, string, string, string) Iso(PatchBootImages task)
        {
            Assert.True(task.Execute(), string.Join("\n", _engine.AllText));
            var iso = Assert.Single(task.Isos);
            return (iso.ItemSpec, iso.GetMetadata("Kind"), iso.GetMetadata("State"), iso.GetMetadata("Detail"));
        }

        Assert.Equal(("Boot/LiteTouchPE_x64.iso", "iso", "rebuilt", $"rebuilt around the patched LiteTouchPE_x64.wim -> {overlayIso}"), Iso(Task(string.Empty)));
        Assert.Equal(("Boot/LiteTouchPE_x64.iso", "iso", "unchanged", $"rebuilt around the patched LiteTouchPE_x64.wim by an earlier build, unchanged since -> {overlayIso}"), Iso(Task(string.Empty)));
        Assert.Equal(("Boot/LiteTouchPE_x64.iso", "iso", "stale", "published unchanged (MDTS4008): xorriso was not found"), Iso(Task(_temp.Combine("no", "xorriso"))));
    }

    [SkippableFact]
    public void WithoutXorrisoTheIsoIsReportedStale()
    {
        Wimlib.Require();
        Wimlib.RequireXorriso();
        WriteShare();

        Assert.True(Task(_temp.Combine("no", "xorriso")).Execute());

        Assert.Equal(["MDTS4008"], _engine.WarningCodes);
        Assert.False(File.Exists(_temp.Combine("bin", "overlay", "Boot", "LiteTouchPE_x64.iso")));
    }
}

internal static class PathExtensions
{
    public static string EnsureParent(this string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }
}
