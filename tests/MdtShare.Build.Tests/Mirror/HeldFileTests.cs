using MdtShare.Build.Diagnostics;
using MdtShare.Build.Mirror;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.Mirror;

/// <summary>
/// Files held open by other processes (clients deploying from them), as the mirror sees them through its file-system
/// seam: a sharing violation. The same cases run against the Win32 API under Wine in the Windows layer
/// (tests/MdtShare.Build.WindowsTests/HeldFileTests.cs); here the clock is fake, so waits of minutes take no time.
/// </summary>
public sealed class HeldFileTests : IDisposable
{
    private const string Image = "Operating Systems/W11/install.wim";
    private static readonly DateTime Yesterday = DateTime.UtcNow.AddDays(-1);

    private readonly TempDirectory _temp = new();
    private readonly FakeClock _clock = new();
    private readonly RecordingListener _listener = new();
    private readonly FaultyFileSystem _fs;
    private int _attempts;

    public HeldFileTests()
    {
        _fs = new FaultyFileSystem(_clock);
        Trees.Write(Source,
            ("Control/CustomSettings.ini", "[Settings]\r\n"),
            ("Scripts/LiteTouch.wsf", "<job/>"),
            (Image, new string('w', 300_000)),
            ("Out-of-Box Drivers/Dell/net/e1d.inf", "[Version]"),
            ("Out-of-Box Drivers/Dell/net/e1d.sys", new string('s', 5000)),
            ("Boot/LiteTouchPE_x64.wim", new string('b', 100_000)));
        foreach (string file in Directory.EnumerateFiles(Source, "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, Yesterday);
        }

        Assert.True(Publish().Succeeded);
        _listener.Diagnostics.Clear();
        _fs.Changes.Clear();
    }

    private string Source => _temp.Combine("share");

    private string Target => _temp.Combine("cluster", "Distribution$");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void AReplaceRefusedAsBusy_WaitsUntilEverythingElseIsDone_ThenInstallsTheCopyItAlreadyMade()
    {
        Trees.Write(Source, (Image, new string('W', 300_000)), ("Control/CustomSettings.ini", "[Settings]\r\nPriority=Default\r\n"));
        File.Delete(Path.Combine(Source, "Scripts", "LiteTouch.wsf"));
        HoldOpen(Image, times: 5);
        _fs.Reads.Clear();

        MirrorResult result = Publish(o => With(o, maxDeletePercent: 100));

        Assert.True(result.Succeeded, string.Join("\n", _listener.Diagnostics));
        Assert.Equal(6, _attempts);
        var order = _fs.Changes.Select(c => c.Path).ToList();
        int installed = order.FindLastIndex(p => p.EndsWith("install.wim", StringComparison.Ordinal));
        Assert.True(order.FindIndex(p => p.EndsWith("CustomSettings.ini", StringComparison.Ordinal)) < installed, "Control is published before the held image");
        Assert.True(order.FindIndex(p => p.EndsWith("LiteTouch.wsf", StringComparison.Ordinal)) < installed, "the deletes are done before the held image");
        Assert.Single(_fs.Reads, p => p.EndsWith("install.wim", StringComparison.Ordinal));
        Diagnostic busy = Assert.Single(_listener.Diagnostics);
        Assert.Equal(("MDTS2013", Severity.Warning), (busy.Code.Id, busy.Severity));
        Assert.Contains(Image, busy.Message);
        Assert.Equal(Trees.Read(Source), Trees.Read(Target, TargetOwnership.MarkerName));
    }

    [Fact]
    public void AFileHeldPastTheBusyWait_KeepsItsOldVersion_FailsThePublishWithOneError_AndTheNextPublishConverges()
    {
        Trees.Write(Source, (Image, new string('W', 300_000)), ("Scripts/New.vbs", "new"));
        HoldOpen(Image, times: int.MaxValue);

        MirrorResult held = Publish(o => With(o, busyWait: TimeSpan.FromMinutes(15)));

        Assert.False(held.Succeeded);
        Assert.Equal((1, 1), (held.Copied, held.Failed));
        Diagnostic error = Assert.Single(_listener.Diagnostics, d => d.Severity == Severity.Error);
        Assert.Equal("MDTS2013", error.Code.Id);
        Assert.Contains(Image, error.Message);
        Assert.InRange(_clock.TotalDelay, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15.1));
        Assert.Equal(new string('w', 300_000), File.ReadAllText(Path.Combine(Target, Image)));
        Assert.Equal("new", File.ReadAllText(Path.Combine(Target, "Scripts", "New.vbs")));
        AssertNoTempFiles();

        _fs.Fault = null;
        Assert.True(Publish().Succeeded);
        Assert.Equal(Trees.Read(Source), Trees.Read(Target, TargetOwnership.MarkerName));
    }

    [Fact]
    public void ABusyWaitOfZero_TriesTheHeldFileOnceMore_AndDoesNotWait()
    {
        Trees.Write(Source, (Image, new string('W', 300_000)));
        HoldOpen(Image, times: int.MaxValue);

        MirrorResult held = Publish(o => With(o, busyWait: TimeSpan.Zero));

        Assert.Equal(1, held.Failed);
        Assert.Equal(TimeSpan.Zero, _clock.TotalDelay);
        Assert.Equal(2, _attempts);
        AssertNoTempFiles();
    }

    [Fact]
    public void AHeldFileInAFolderToDelete_HoldsTheFolderBack_AndBothGoOnceItIsClosed()
    {
        Directory.Delete(Path.Combine(Source, "Out-of-Box Drivers", "Dell"), recursive: true);
        HoldOpen("Out-of-Box Drivers/Dell/net/e1d.sys", times: 3, operation: "DeleteFile");

        MirrorResult result = Publish(o => With(o, maxDeletePercent: 100));

        Assert.True(result.Succeeded, string.Join("\n", _listener.Diagnostics.Select(d => d.ToString()).Concat(_listener.Details).Concat(_listener.Infos)));
        Assert.Equal(2, result.Deleted);
        Assert.Equal("MDTS2013", Assert.Single(_listener.Diagnostics).Code.Id);
        Assert.False(Directory.Exists(Path.Combine(Target, "Out-of-Box Drivers", "Dell")));
    }

    [Fact]
    public void ASourceFileTheServerHoldsExclusively_IsCopiedOnceItIsFree()
    {
        Trees.Write(Source, ("Scripts/LiteTouch.wsf", "<job version='2'/>"));
        HoldOpen("Scripts/LiteTouch.wsf", times: 2, operation: "OpenRead", root: Source);

        MirrorResult result = Publish();

        Assert.True(result.Succeeded, string.Join("\n", _listener.Diagnostics));
        Assert.Equal(1, result.Updated);
        Assert.Equal("<job version='2'/>", File.ReadAllText(Path.Combine(Target, "Scripts", "LiteTouch.wsf")));
    }

    [Fact]
    public void CancelledWhileWaitingForAHeldFile_LeavesNoTempFile_AndTheOldVersion()
    {
        Trees.Write(Source, (Image, new string('W', 300_000)));
        using var cancel = new CancellationTokenSource();
        _fs.Fault = (operation, path) =>
        {
            if (operation == "Replace" && path.EndsWith("install.wim", StringComparison.Ordinal))
            {
                if (_clock.TotalDelay > TimeSpan.FromSeconds(30))
                {
                    cancel.Cancel();
                }

                throw new IOException("Device or resource busy", 16);
            }
        };

        MirrorResult result = Publish(cancellation: cancel.Token);

        Assert.Equal(new string('w', 300_000), File.ReadAllText(Path.Combine(Target, Image)));
        AssertNoTempFiles();
        Assert.False(File.Exists(Path.Combine(Target, TargetOwnership.LockName)));
        Assert.DoesNotContain(_listener.Diagnostics, d => d.Severity == Severity.Error);
        Assert.Equal(0, result.Failed);
    }

    [Fact]
    public void AFileHeldOnOneSite_DoesNotHoldTheOtherBack()
    {
        string other = _temp.Combine("cluster", "Stockholm$");
        Trees.Write(Source, (Image, new string('W', 300_000)));
        HoldOpen(Image, times: int.MaxValue);

        IReadOnlyList<MirrorResult> results = new MirrorEngine(_fs, _clock, _listener, isWindows: false)
            .Publish([Options(Target), Options(other)], CancellationToken.None);

        Assert.Equal(1, results[0].Failed);
        Assert.True(results[1].Succeeded, string.Join("\n", _listener.Diagnostics));
        Assert.Equal(new string('W', 300_000), File.ReadAllText(Path.Combine(other, Image)));
    }

    /// <summary>The first <paramref name="times"/> attempts of <paramref name="operation"/> on the file fail as a
    /// sharing violation does (EBUSY here; the Windows layer proves the Win32 codes map to the same). Every attempt is
    /// counted in <see cref="_attempts"/>.</summary>
    private void HoldOpen(string relativePath, int times, string operation = "Replace", string? root = null)
    {
        string path = Path.Combine(root ?? Target, relativePath.Replace('/', Path.DirectorySeparatorChar));
        _fs.Fault = (op, target) =>
        {
            if (op == operation && target == path && Interlocked.Increment(ref _attempts) <= times)
            {
                throw new IOException("Device or resource busy", 16);
            }
        };
    }

    private MirrorOptions Options(string target) => new(Source, target) { Parallelism = 3 };

    private MirrorResult Publish(Func<MirrorOptions, MirrorOptions>? configure = null, CancellationToken cancellation = default)
    {
        Directory.CreateDirectory(_temp.Combine("cluster"));
        MirrorOptions options = configure?.Invoke(Options(Target)) ?? Options(Target);
        return new MirrorEngine(_fs, _clock, _listener, isWindows: false).Publish(options, cancellation);
    }

    private static MirrorOptions With(MirrorOptions o, TimeSpan? busyWait = null, double? maxDeletePercent = null) =>
        new(o.SourceRoot, o.DestinationRoot)
        {
            Parallelism = o.Parallelism,
            BusyWait = busyWait ?? o.BusyWait,
            MaxDeletePercent = maxDeletePercent ?? o.MaxDeletePercent,
        };

    private void AssertNoTempFiles() =>
        Assert.Empty(Directory.EnumerateFiles(_temp.Path, TreeSnapshot.TempPrefix + "*", SearchOption.AllDirectories));
}
