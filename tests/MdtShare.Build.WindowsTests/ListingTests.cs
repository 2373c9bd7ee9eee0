using MdtShare.Build.Mirror;
using MdtShare.Build.WindowsTests.Support;

using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.WindowsTests;

/// <summary>What the mirror's listing reports, against the host's own API: the Windows directory query under Wine,
/// statx under Mono.</summary>
public sealed class ListingTests : IDisposable
{
    private readonly TempDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void TheListingMatchesWhatTheHostReportsForEachEntry()
    {
        _scratch.WriteFile("Scripts/LiteTouch.wsf", "<job id=\"LiteTouch\"/>");
        _scratch.WriteFile("install.wim", Shares.Bytes(seed: 4, length: 70_000));
        File.SetAttributes(_scratch["install.wim"], FileAttributes.ReadOnly);

        var listed = PhysicalFileSystem.Instance.Enumerate(_scratch.Path).ToDictionary(e => e.Name);

        Assert.Equal(["Scripts", "install.wim"], listed.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(EntryKind.Directory, listed["Scripts"].Kind);
        var image = new FileInfo(_scratch["install.wim"]);
        Assert.Equal((EntryKind.File, 70_000L, image.LastWriteTimeUtc, true), (listed["install.wim"].Kind, listed["install.wim"].Length, listed["install.wim"].LastWriteTimeUtc, listed["install.wim"].ReadOnly));
        Assert.NotEqual(0, listed["install.wim"].ChangeStamp);
        Assert.NotEqual(0, listed["install.wim"].FileId);
    }

    [Fact]
    public void AFileRewrittenWithItsSizeAndTimePutBack_ShowsANewChangeStamp_AndAReplacedFileANewId()
    {
        string script = _scratch.WriteFile("ZTIUtility.vbs", "' version 1");
        DateTime time = File.GetLastWriteTimeUtc(script);
        FileSystemEntry before = Single();
        Thread.Sleep(50);

        File.WriteAllText(script, "' version 2");
        File.SetLastWriteTimeUtc(script, time);
        FileSystemEntry rewritten = Single();
        string replacement = _scratch.WriteFile("ZTIUtility.new", "' version 3");
        File.SetLastWriteTimeUtc(replacement, time);
        File.Delete(script);
        File.Move(replacement, script);
        FileSystemEntry replaced = Single();

        // Mono sets times to the microsecond.
        Assert.Equal((before.Length, before.LastWriteTimeUtc.Ticks / 10), (rewritten.Length, rewritten.LastWriteTimeUtc.Ticks / 10));
        Assert.NotEqual(before.ChangeStamp, rewritten.ChangeStamp);
        Assert.Equal(before.FileId, rewritten.FileId);
        Assert.NotEqual(rewritten.FileId, replaced.FileId);
    }

    private FileSystemEntry Single() => Assert.Single(PhysicalFileSystem.Instance.Enumerate(_scratch.Path));
}
