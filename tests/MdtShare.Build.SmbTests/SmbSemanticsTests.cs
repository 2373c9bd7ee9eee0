using MdtShare.Build.Diagnostics;
using MdtShare.Build.Mirror;
using MdtShare.Build.Tests.Shared;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.SmbTests;

/// <summary>
/// What a real SMB target does that a local disk does not, each shown first (so the test cannot pass by the
/// environment being kinder than production) and then handled by the publisher.
/// </summary>
[Collection(SambaCollection.Name)]
public sealed class SmbSemanticsTests(SambaFixture samba) : IDisposable
{
    private readonly TempDirectory _temp = new();

    private string Source => _temp.Path;

    public void Dispose() => _temp.Dispose();

    /// <summary>The fixture's own safety net: a client whose calls hang (smbnetfs deadlocks now and then after a
    /// failover) is restarted by the watchdog, the hung call fails with an error a publish rides through as an
    /// outage, and the mount works again.</summary>
    [SkippableFact]
    public async Task AHungClientIsRestarted_TheHungCallFails_AndTheMountWorksAgain()
    {
        var (mounted, onServer) = samba.NewTarget("hung");
        SambaServer server = samba.Require();
        int restarts = server.ClientRestarts;

        server.FreezeClient();
        Task<int> hung = Task.Run(() => Directory.GetFileSystemEntries(mounted).Length);

        Exception failed = await Assert.ThrowsAnyAsync<IOException>(() => hung.WaitAsync(TimeSpan.FromSeconds(120)));
        Assert.Equal(restarts + 1, server.ClientRestarts);
        Assert.Equal(FailureKind.Outage, FailureClassifier.Classify(failed, isWindows: false, () => true));
        for (int attempt = 0; !Directory.Exists(mounted) && attempt < 300; attempt++)
        {
            await Task.Delay(100);
        }

        using (Stream stream = PhysicalFileSystem.Instance.Create(Path.Combine(mounted, "after-restart.txt")))
        {
            stream.Write("x"u8);
        }

        Assert.Equal("x", File.ReadAllText(Path.Combine(onServer, "after-restart.txt")));
    }

    [SkippableFact]
    public void AWriteOnlyOpenFailsThroughThisClient_ThePublishersReadWriteOpenWorks()
    {
        var (mounted, onServer) = samba.NewTarget("writeonly");

        Assert.ThrowsAny<IOException>(() => File.WriteAllText(Path.Combine(mounted, "write-only.txt"), "x"));
        using (Stream stream = PhysicalFileSystem.Instance.Create(Path.Combine(mounted, "read-write.txt")))
        {
            stream.Write("published"u8);
        }

        Assert.Equal("published", File.ReadAllText(Path.Combine(onServer, "read-write.txt")));
    }

    /// <summary>The server keeps whole seconds, and may stamp its own time when the client closes the handle after
    /// close() returned (on a few percent of files; see MirrorEngineTests for the decision): the publisher sets times
    /// after close, checks them once the copies are done, and compares with a tolerance.</summary>
    [SkippableFact]
    public void TheTimesThePublisherSetsAreKept_SoThePublishAfterCopiesNothing()
    {
        var (mounted, onServer) = samba.NewTarget("times");
        var wanted = new DateTime(2024, 3, 4, 5, 6, 7, 890, DateTimeKind.Utc);
        Write("Scripts/LiteTouch.wsf", "<job/>", wanted);
        Assert.True(Publish(mounted).Succeeded);

        // Whole seconds on the server, within the tolerance the next publish compares with, so it copies nothing.
        Assert.Equal(wanted.AddTicks(-(wanted.Ticks % TimeSpan.TicksPerSecond)), File.GetLastWriteTimeUtc(Path.Combine(onServer, "Scripts/LiteTouch.wsf")));
        MirrorResult again = Publish(mounted);
        Assert.Equal((0, 0, 1), (again.Copied, again.Updated, again.Skipped));
    }

    [SkippableFact]
    public void ATargetFileSpelledInAnotherCaseIsTheSameFile_AndEndsInTheSharesSpelling()
    {
        var (mounted, onServer) = samba.NewTarget("case");
        Directory.CreateDirectory(Path.Combine(onServer, "drivers"));
        File.WriteAllText(Path.Combine(onServer, "drivers", "a.INF"), "old");
        Assert.True(File.Exists(Path.Combine(mounted, "Drivers", "A.inf")), "the share should be case-insensitive, as a Windows share is");
        Write("Drivers/A.inf", "new", DateTime.UtcNow.AddMinutes(-5));
        Write("Setup.exe", "setup", DateTime.UtcNow.AddMinutes(-5));

        MirrorResult first = Publish(mounted);

        Assert.True(first.Succeeded, first.Abort?.Message);
        Assert.Equal(0, first.Deleted);
        Assert.Equal(["Drivers"], Directory.GetDirectories(onServer).Select(Path.GetFileName));
        Assert.Equal(["A.inf"], Directory.GetFiles(Path.Combine(onServer, "Drivers")).Select(Path.GetFileName));
        Assert.Equal("new", File.ReadAllText(Path.Combine(onServer, "Drivers", "A.inf")));

        // A case-only rename in the share: a rename on the target, not a copy and a purge of the same file.
        File.Move(Path.Combine(Source, "Setup.exe"), Path.Combine(Source, "setup.exe"));
        MirrorResult renamed = Publish(mounted);

        Assert.True(renamed.Succeeded, renamed.Abort?.Message);
        Assert.Equal((0, 0, 0), (renamed.Copied, renamed.Updated, renamed.Deleted));
        Assert.Equal(["setup.exe"], samba.Require().ServerFilesNamed(Path.Combine(Path.GetFileName(onServer), "setup.exe")).Select(Path.GetFileName));
        Assert.Equal("setup", File.ReadAllText(Path.Combine(onServer, "setup.exe")));
    }

    [SkippableFact]
    public void RenamingOverAFileAnotherClientHoldsOpenWaitsForIt_ThenFailsWithItsCode_NeverSkipped()
    {
        var (mounted, onServer) = samba.NewTarget("busy");
        Write("Control/Bootstrap.ini", "[Settings]", DateTime.UtcNow.AddMinutes(-10));
        Assert.True(Publish(mounted).Succeeded);
        Write("Control/Bootstrap.ini", "[Settings]\r\nPriority=Default", DateTime.UtcNow.AddMinutes(-5));

        var listener = new RecordingListener();
        MirrorResult held;
        using (new FileStream(Path.Combine(mounted, "Control", "Bootstrap.ini"), FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            held = Publish(mounted, listener, busyWait: TimeSpan.FromSeconds(3));
        }

        Assert.False(held.Succeeded);
        Assert.Equal(1, held.Failed);
        Assert.Equal([Severity.Warning, Severity.Error], listener.Diagnostics.Where(d => d.Code.Id == "MDTS2013").Select(d => d.Severity));
        Assert.Equal("[Settings]", File.ReadAllText(Path.Combine(onServer, "Control", "Bootstrap.ini")));

        // Released while the publish waits: it goes through.
        listener = new RecordingListener();
        var reader = new FileStream(Path.Combine(mounted, "Control", "Bootstrap.ini"), FileMode.Open, FileAccess.Read, FileShare.Read);
        Task release = Task.Delay(1500).ContinueWith(_ => reader.Dispose());
        MirrorResult released = Publish(mounted, listener, busyWait: TimeSpan.FromSeconds(30));
        release.Wait();

        Assert.True(released.Succeeded, released.Abort?.Message);
        Assert.Contains("MDTS2013", listener.Codes);
        Assert.Equal("[Settings]\r\nPriority=Default", File.ReadAllText(Path.Combine(onServer, "Control", "Bootstrap.ini")));
    }

    private void Write(string relativePath, string content, DateTime written)
    {
        string path = Path.Combine(Source, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        File.SetLastWriteTimeUtc(path, written);
    }

    private MirrorResult Publish(string target, RecordingListener? listener = null, TimeSpan? busyWait = null) =>
        new MirrorEngine(listener ?? new RecordingListener()).Publish(
            new MirrorOptions(Source, target) { AdoptExistingTarget = true, MaxDeletePercent = 100, RetryWindow = TimeSpan.FromSeconds(60), BusyWait = busyWait ?? TimeSpan.FromSeconds(60) },
            CancellationToken.None);
}
