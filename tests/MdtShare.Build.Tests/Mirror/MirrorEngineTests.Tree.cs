using MdtShare.Build.Diagnostics;
using MdtShare.Build.Mirror;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.Mirror;

public sealed partial class MirrorEngineTests
{
    [Fact]
    public void LinksOnTheTargetAreRemovedAsLinks_NeverFollowed()
    {
        Publish();
        string outside = _temp.Combine("outside");
        Trees.Write(outside, ("precious.txt", "do not touch"));
        Directory.CreateSymbolicLink(Path.Combine(Target, "Scripts", "to-outside"), outside);
        Directory.CreateSymbolicLink(Path.Combine(Target, "Tools", "loop"), Target);
        File.CreateSymbolicLink(Path.Combine(Target, "Scripts", "file-link.vbs"), Path.Combine(outside, "precious.txt"));

        MirrorResult result = Publish(o => With(o, maxDeletePercent: 100));

        Assert.True(result.Succeeded, string.Join("\n", _listener.Diagnostics));
        Assert.Equal("do not touch", File.ReadAllText(Path.Combine(outside, "precious.txt")));
        Assert.False(Path.Exists(Path.Combine(Target, "Scripts", "to-outside")));
        Assert.False(Path.Exists(Path.Combine(Target, "Tools", "loop")));
        Assert.False(Path.Exists(Path.Combine(Target, "Scripts", "file-link.vbs")));
        Assert.Equal(Expected(), Published());
    }

    [Fact]
    public void LinksInTheShareAreNotPublished_WithAWarning()
    {
        Directory.CreateSymbolicLink(Path.Combine(Source, "Tools", "loop"), Source);

        MirrorResult result = Publish();

        Assert.True(result.Succeeded);
        Assert.Equal(["MDTS2012"], _listener.Codes);
        Assert.False(Path.Exists(Path.Combine(Target, "Tools", "loop")));
    }

    /// <summary>Driver packages nest deeply: a path past Windows' old 260-character limit is published and updated
    /// like any other (the temp file beside it is longer still).</summary>
    [Fact]
    public void PathsLongerThan260CharactersArePublished()
    {
        string deep = "Out-of-Box Drivers/" + string.Join('/', Enumerable.Range(1, 12).Select(i => $"Intel Wireless Bluetooth Package {i:00}")) + "/ibtusb.inf";
        Assert.True(Path.Combine(Target, deep).Length > 260);
        Trees.Write(Source, (deep, "[Version]"));

        Assert.True(Publish().Succeeded);
        Trees.Write(Source, (deep, "[Version] v2"));
        MirrorResult update = Publish();

        Assert.True(update.Succeeded, update.Abort?.Message);
        Assert.Equal(1, update.Updated);
        Assert.Equal(Expected(), Published());
    }

    /// <summary>Windows refuses to rename over or delete a read-only file (Wine lets the rename through, so the rule is
    /// played here by the file-system seam).</summary>
    [Fact]
    public void ReadOnlyTargetFilesAreReplacedAndDeleted()
    {
        Publish();
        _fs.Fault = (operation, path) =>
        {
            if (operation is "Replace" or "DeleteFile" && File.Exists(path) && File.GetAttributes(path).HasFlag(FileAttributes.ReadOnly))
            {
                throw new UnauthorizedAccessException($"Access to the path '{path}' is denied.");
            }
        };
        File.SetAttributes(Path.Combine(Target, "Scripts", "LiteTouch.wsf"), FileAttributes.ReadOnly);
        File.SetAttributes(Path.Combine(Target, "Tools", "x64", "BDDRUN.exe"), FileAttributes.ReadOnly);
        Trees.Write(Source, ("Scripts/LiteTouch.wsf", "<job v2/>"));
        File.Delete(Path.Combine(Source, "Tools", "x64", "BDDRUN.exe"));

        MirrorResult result = Publish(o => With(o, maxDeletePercent: 100));

        Assert.True(result.Succeeded, string.Join("\n", _listener.Diagnostics));
        Assert.Equal("<job v2/>", File.ReadAllText(Path.Combine(Target, "Scripts", "LiteTouch.wsf")));
        Assert.False(File.Exists(Path.Combine(Target, "Tools", "x64", "BDDRUN.exe")));
        Assert.Contains(_fs.Changes, c => c.Operation == "SetReadOnly" && c.Path.EndsWith("LiteTouch.wsf", StringComparison.Ordinal));
    }

    [Fact]
    public void FileAndFolderSwapsConverge()
    {
        Publish();
        File.Delete(Path.Combine(Source, "Scripts", "LiteTouch.wsf"));
        Trees.Write(Source, ("Scripts/LiteTouch.wsf/now-a-folder.txt", "f"));
        Directory.Delete(Path.Combine(Source, "Tools"), true);
        Trees.Write(Source, ("Tools", "now a file"));

        MirrorResult result = Publish(o => With(o, maxDeletePercent: 100));

        Assert.True(result.Succeeded, string.Join("\n", _listener.Diagnostics));
        Assert.Equal(Expected(), Published());
    }

    [Fact]
    public void LeftoverTempFilesAreSwept()
    {
        Publish();
        Trees.Write(Target, ("Boot/.~mdtshare.deadbeef.7.tmp", "torn"), (".~mdtshare.deadbeef.8.tmp", "torn"));

        MirrorResult result = Publish();

        Assert.Equal(2, result.SweptTempFiles);
        AssertNoTempFiles();
    }

    [Fact]
    public void WhatIfPlansEverythingAndChangesNothing()
    {
        MirrorResult result = Publish(o => With(o, whatIf: true));

        Assert.True(result.Succeeded);
        Assert.Equal(10, result.Copied);
        Assert.Empty(_fs.Changes);
        Assert.False(Directory.Exists(Target));
        Assert.Contains(_listener.Infos, i => i == "Would copy Boot/LiteTouchPE_x64.wim (100,000 bytes)");
    }

    /// <summary>Samba stamps its own time on a file when smbnetfs closes the written handle, which can come after our
    /// time was set (seen on 3 % of files against the real server). The stamp is simulated on the temp file just
    /// before its rename; the publish must put the source's time back, or the next one copies the file again.</summary>
    [Fact]
    public void ATimeTheServerStampedAfterOursIsSetAgain_SoTheNextPublishCopiesNothing()
    {
        _fs.Fault = (operation, path) =>
        {
            if (operation == "Replace")
            {
                foreach (string temp in Directory.GetFiles(Path.GetDirectoryName(path)!, TreeSnapshot.TempPrefix + "*"))
                {
                    try
                    {
                        File.SetLastWriteTimeUtc(temp, DateTime.UtcNow.AddMinutes(5));
                    }
                    catch (FileNotFoundException)
                    {
                        // Another worker's temp file, renamed into place between the listing and the stamp.
                    }
                }
            }
        };

        MirrorResult stamped = Publish();
        Assert.True(stamped.Succeeded, stamped.Abort?.Message);
        _fs.Fault = null;

        Assert.All(Expected().Keys, relative => Assert.Equal(
            File.GetLastWriteTimeUtc(Path.Combine(Source, relative)), File.GetLastWriteTimeUtc(Path.Combine(Target, relative))));
        MirrorResult again = Publish();
        Assert.Equal((0, 0), (again.Copied, again.Updated));
    }

    /// <summary>On a Windows share drivers/a.INF IS Drivers/A.inf: copying one and purging the other deleted the file
    /// just written (seen against Samba). The target entry is renamed to the share's spelling and updated instead.</summary>
    [Fact]
    public void ATargetSpelledInAnotherCaseIsRenamedToTheSharesSpelling_NotCopiedAndPurged()
    {
        Trees.Write(Target, ("out-of-box drivers/DELL/net/E1D.INF", "old"));

        MirrorResult result = Publish(o => With(o, adopt: true));

        Assert.True(result.Succeeded, result.Abort?.Message);
        Assert.Equal(Expected(), Published());
        Assert.Equal(0, result.Deleted);
        Assert.Contains("Renamed Out-of-Box Drivers/ to the share's letter case", _listener.Details);
        Assert.Contains("Renamed Out-of-Box Drivers/Dell/ to the share's letter case", _listener.Details);
        Assert.Contains("Renamed Out-of-Box Drivers/Dell/net/e1d.inf to the share's letter case", _listener.Details);
    }

    /// <summary>Found by ConvergenceTests: a content comparison runs while planning, before the case renames, so it
    /// must read the target file where it is, not where it will be.</summary>
    [Fact]
    public void AContentComparisonUnderAFolderStillToBeRenamedReadsTheFileWhereItIs()
    {
        Trees.Write(Target, ("applications/7-zip/7z.msi", new string('m', 2000)));

        MirrorResult result = Publish(o => With(o, adopt: true, compare: CompareMode.Content));

        Assert.True(result.Succeeded, result.Abort?.Message);
        Assert.Equal(Expected(), Published());
        Assert.DoesNotContain(ContentChanges(), c => c.Path.EndsWith("7z.msi", StringComparison.Ordinal) && c.Operation != "Rename");
    }

    [Fact]
    public void ACaseOnlyRenameInTheShareIsARenameOnTheTarget()
    {
        Assert.True(Publish().Succeeded);
        File.Move(Path.Combine(Source, "Tools/x64/BDDRUN.exe"), Path.Combine(Source, "Tools/x64/bddrun.exe"));
        Directory.Move(Path.Combine(Source, "Applications/7-Zip"), Path.Combine(Source, "Applications/7-ZIP"));
        _fs.Changes.Clear();

        MirrorResult result = Publish();

        Assert.True(result.Succeeded, result.Abort?.Message);
        Assert.Equal(Expected(), Published());
        Assert.Equal((0, 0, 0), (result.Copied, result.Updated, result.Deleted));
        Assert.Equal(2, ContentChanges().Count(c => c.Operation == "Rename"));
    }

    [Fact]
    public void OnACaseSensitiveTargetHoldingBothSpellingsTheExactOneWins_TheOtherIsPurged()
    {
        Assert.True(Publish().Succeeded);
        Trees.Write(Target, ("scripts/litetouch.WSF", "stray"));

        MirrorResult result = Publish();

        Assert.True(result.Succeeded, result.Abort?.Message);
        Assert.Equal(Expected(), Published());
        Assert.Equal(1, result.Deleted);
        Assert.DoesNotContain(ContentChanges(), c => c.Operation == "Rename");
    }

    [Fact]
    public void TooLittleFreeSpaceStopsThePublishBeforeAnythingChanges()
    {
        long shareBytes = Expected().Keys.Sum(f => new FileInfo(Path.Combine(Source, f)).Length);
        _fs.FreeSpace = shareBytes - 1;

        MirrorResult result = Publish();

        Assert.Equal("MDTS2017", result.Abort?.Code.Id);
        Assert.Empty(Published());
        _fs.FreeSpace = shareBytes;
        Assert.True(Publish().Succeeded);
    }
}
