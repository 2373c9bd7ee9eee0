using MdtShare.Build.Diagnostics;
using MdtShare.Build.Mirror;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.Mirror;

public sealed partial class MirrorEngineTests : IDisposable
{
    private static readonly string[] Reserved = [TargetOwnership.MarkerName, TargetOwnership.LockName];

    private readonly TempDirectory _temp = new();
    private readonly FakeClock _clock = new();
    private readonly RecordingListener _listener = new();
    private readonly FaultyFileSystem _fs;

    public MirrorEngineTests()
    {
        _fs = new FaultyFileSystem(_clock);
        Trees.Write(Source,
            ("Control/Bootstrap.ini", "[Settings]\r\nPriority=Default\r\n"),
            ("Control/CustomSettings.ini", "[Settings]\r\n"),
            ("Control/WIN11/ts.xml", "<sequence/>"),
            ("Scripts/LiteTouch.wsf", "<job/>"),
            ("Operating Systems/W11/install.wim", new string('w', 300_000)),
            ("Out-of-Box Drivers/Dell/net/e1d.inf", "[Version]"),
            ("Out-of-Box Drivers/Dell/net/e1d.sys", new string('s', 5000)),
            ("Applications/7-Zip/7z.msi", new string('m', 2000)),
            ("Boot/LiteTouchPE_x64.wim", new string('b', 100_000)),
            ("Tools/x64/BDDRUN.exe", "exe"),
            ("Logs/source-side.log", "never published"),
            ("Audit.log", "workbench audit"));
        Directory.CreateDirectory(Path.Combine(Source, "Templates", "Empty"));
    }

    private string Source => _temp.Combine("share");

    private string Target => _temp.Combine("cluster", "Distribution$");

    public void Dispose() => _temp.Dispose();

    private MirrorResult Publish(Func<MirrorOptions, MirrorOptions>? configure = null, CancellationToken cancellation = default)
    {
        Directory.CreateDirectory(_temp.Combine("cluster"));
        var options = new MirrorOptions(Source, Target) { Parallelism = 3 };
        options = configure?.Invoke(options) ?? options;
        MirrorResult result = new MirrorEngine(_fs, _clock, _listener, isWindows: false).Publish(options, cancellation);

        // Whatever a test does to the target, the source share is never changed.
        Assert.DoesNotContain(_fs.Changes, c => c.Path.StartsWith(Source + Path.DirectorySeparatorChar, StringComparison.Ordinal) || c.Path == Source);
        return result;
    }

    private static MirrorOptions With(MirrorOptions o, string? target = null, IReadOnlyList<string>? overlays = null, double? maxDeletePercent = null,
        bool? whatIf = null, bool? adopt = null, bool? breakLock = null, CompareMode? compare = null, IReadOnlyList<string>? exclude = null, TimeSpan? window = null) =>
        new(o.SourceRoot, target ?? o.DestinationRoot)
        {
            OverlayRoots = overlays ?? o.OverlayRoots,
            MaxDeletePercent = maxDeletePercent ?? o.MaxDeletePercent,
            WhatIf = whatIf ?? o.WhatIf,
            AdoptExistingTarget = adopt ?? o.AdoptExistingTarget,
            BreakLock = breakLock ?? o.BreakLock,
            Compare = compare ?? o.Compare,
            Exclude = exclude ?? o.Exclude,
            RetryWindow = window ?? o.RetryWindow,
            Parallelism = o.Parallelism,
        };

    private SortedDictionary<string, string> Expected() => Trees.Read(Source, "Logs", "Audit.log");

    /// <summary>The files under their final names (temp files are not published content).</summary>
    private SortedDictionary<string, string> Published() => new(
        Trees.Read(Target, Reserved).Where(f => !Path.GetFileName(f.Key).StartsWith(TreeSnapshot.TempPrefix, StringComparison.Ordinal)).ToDictionary(),
        StringComparer.Ordinal);

    /// <summary>What a publish changed besides taking and releasing its lock.</summary>
    private IEnumerable<(string Operation, string Path)> ContentChanges() =>
        _fs.Changes.Where(c => !Path.GetFileName(c.Path).StartsWith(TargetOwnership.LockName, StringComparison.Ordinal));

    private void AssertNoTempFiles() =>
        Assert.Empty(Directory.EnumerateFiles(_temp.Path, TreeSnapshot.TempPrefix + "*", SearchOption.AllDirectories));

    [Fact]
    public void FirstPublishCopiesTheShare_WritesTheMarker_AndReleasesTheLock()
    {
        MirrorResult result = Publish();

        Assert.True(result.Succeeded, string.Join("\n", _listener.Diagnostics));
        Assert.Equal(Expected(), Published());
        Assert.Equal((10, 0, 0, 0), (result.Copied, result.Updated, result.Deleted, result.Failed));
        Assert.True(File.Exists(Path.Combine(Target, TargetOwnership.MarkerName)));
        Assert.False(File.Exists(Path.Combine(Target, TargetOwnership.LockName)));
        Assert.True(Directory.Exists(Path.Combine(Target, "Templates", "Empty")));
        Assert.False(Directory.Exists(Path.Combine(Target, "Logs")));
        Assert.Equal(File.GetLastWriteTimeUtc(Path.Combine(Source, "Boot", "LiteTouchPE_x64.wim")), File.GetLastWriteTimeUtc(Path.Combine(Target, "Boot", "LiteTouchPE_x64.wim")));
        AssertNoTempFiles();
        Assert.Empty(_listener.Diagnostics);
    }

    [Fact]
    public void NoWriteEverOpensAFinalName()
    {
        Publish();
        var writes = _fs.Changes.Where(c => c.Operation is "Create" or "CreateNew").Select(c => Path.GetFileName(c.Path));
        Assert.All(writes, name => Assert.True(name.StartsWith(TreeSnapshot.TempPrefix, StringComparison.Ordinal) || Reserved.Contains(name), name));
    }

    [Fact]
    public void SecondPublishChangesNothing()
    {
        Publish();
        _fs.Changes.Clear();

        MirrorResult second = Publish();

        Assert.Equal((0, 0, 0, 10), (second.Copied, second.Updated, second.Deleted, second.Skipped));
        Assert.Empty(ContentChanges());
    }

    [Fact]
    public void ChangesAreCopied_DeletionsPurged_ExcludedPathsKeptOnTheTarget()
    {
        Publish();
        Trees.Write(Target, ("Logs/client1/BDD.log", "client log"), ("Captures/ref.wim", "capture"), ("Backup/Automatic/x.xml", "b"), ("Audit.log", "target audit"));
        Trees.Write(Source, ("Scripts/LiteTouch.wsf", "<job version='2'/>"), ("Scripts/New.vbs", "new"));
        File.Delete(Path.Combine(Source, "Tools", "x64", "BDDRUN.exe"));

        MirrorResult result = Publish(o => With(o, maxDeletePercent: 100));

        Assert.True(result.Succeeded);
        Assert.Equal((1, 1, 1), (result.Copied, result.Updated, result.Deleted));
        var published = Published();
        Assert.Equal("client log", published["Logs/client1/BDD.log"]);
        Assert.Equal("capture", published["Captures/ref.wim"]);
        Assert.Equal("target audit", published["Audit.log"]);
        Assert.Equal("b", published["Backup/Automatic/x.xml"]);
        Assert.Equal(Expected(), new SortedDictionary<string, string>(published.Where(p => !p.Key.StartsWith("Logs/") && !p.Key.StartsWith("Captures/") && !p.Key.StartsWith("Backup/") && p.Key != "Audit.log").ToDictionary(), StringComparer.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(Target, "Tools", "x64")) && File.Exists(Path.Combine(Target, "Tools", "x64", "BDDRUN.exe")));
    }

    [Fact]
    public void UserExcludePatternsAreNeitherCopiedNorPurged()
    {
        Trees.Write(Source, ("Out-of-Box Drivers/Dell/net/readme.txt", "skip me"));
        Publish(o => With(o, exclude: [.. ExcludeFilter.Defaults, "**/*.txt", "Applications/7-Zip"]));
        Trees.Write(Target, ("Applications/7-Zip/user-added.cmd", "keep"));

        MirrorResult result = Publish(o => With(o, exclude: [.. ExcludeFilter.Defaults, "**/*.txt", "Applications/7-Zip"]));

        Assert.True(result.Succeeded);
        Assert.False(File.Exists(Path.Combine(Target, "Out-of-Box Drivers", "Dell", "net", "readme.txt")));
        Assert.Equal("keep", File.ReadAllText(Path.Combine(Target, "Applications", "7-Zip", "user-added.cmd")));
        Assert.False(File.Exists(Path.Combine(Target, "Applications", "7-Zip", "7z.msi")));
    }

    [Fact]
    public void TimestampModeTrustsSizeAndTime_ContentModeCatchesSameSizeEdits()
    {
        Publish();
        string source = Path.Combine(Source, "Scripts", "LiteTouch.wsf");
        DateTime time = File.GetLastWriteTimeUtc(source);
        File.WriteAllText(source, "<JOB/>");
        File.SetLastWriteTimeUtc(source, time.AddSeconds(1));

        Assert.Equal(0, Publish().Updated);
        Assert.Equal("<job/>", File.ReadAllText(Path.Combine(Target, "Scripts", "LiteTouch.wsf")));

        Assert.Equal(1, Publish(o => With(o, compare: CompareMode.Content)).Updated);
        Assert.Equal("<JOB/>", File.ReadAllText(Path.Combine(Target, "Scripts", "LiteTouch.wsf")));
    }

    [Fact]
    public void OverlayFilesReplaceTheSharesFiles_KeepingTheSharesSpelling()
    {
        Trees.Write(_temp.Combine("overlay"), ("control/BOOTSTRAP.INI", "patched"), ("Boot/Extra.txt", "added"));
        Trees.Write(_temp.Combine("site"), ("Control/Bootstrap.ini", "patched for site 2"));

        MirrorResult result = Publish(o => With(o, overlays: [_temp.Combine("overlay"), _temp.Combine("site")]));

        Assert.True(result.Succeeded);
        var published = Published();
        Assert.Equal("patched for site 2", published["Control/Bootstrap.ini"]);
        Assert.Equal("added", published["Boot/Extra.txt"]);
        Assert.DoesNotContain("control/BOOTSTRAP.INI", published.Keys);
    }

    [Fact]
    public void BulkContentFirst_ThenControlAndOverlay_ThenDeletions()
    {
        Publish();
        Trees.Write(_temp.Combine("overlay"), ("Control/Bootstrap.ini", "patched"));
        foreach (string file in Directory.EnumerateFiles(Source, "*", SearchOption.AllDirectories))
        {
            File.AppendAllText(file, "!");
        }

        Trees.Write(Target, ("Old/stale.txt", "x"));
        _fs.Changes.Clear();

        Publish(o => With(o, overlays: [_temp.Combine("overlay")], maxDeletePercent: 100));

        var order = _fs.Changes.Where(c => c.Operation is "Replace" or "DeleteFile" && !Reserved.Contains(Path.GetFileName(c.Path)))
            .Select(c => (c.Operation, Relative: Path.GetRelativePath(Target, c.Path).Replace('\\', '/'))).ToList();
        int lastBulk = order.FindLastIndex(c => c.Operation == "Replace" && !c.Relative.StartsWith("Control/"));
        int firstControl = order.FindIndex(c => c.Relative.StartsWith("Control/"));
        int firstDelete = order.FindIndex(c => c.Operation == "DeleteFile");
        Assert.True(lastBulk < firstControl && firstControl < firstDelete, string.Join("\n", order));
        Assert.Equal("Old/stale.txt", order[^1].Relative);
    }
}
