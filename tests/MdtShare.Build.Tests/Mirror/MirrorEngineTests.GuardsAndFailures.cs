using MdtShare.Build.Diagnostics;
using MdtShare.Build.Mirror;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.Mirror;

public sealed partial class MirrorEngineTests
{
    [Theory]
    [InlineData("share")]
    [InlineData("share/Boot")]
    [InlineData("")]
    public void TargetOverlappingTheSourceIsRefused(string target)
    {
        MirrorResult result = Publish(o => With(o, target: target.Length == 0 ? _temp.Path : _temp.Combine(target.Split('/'))));

        Assert.Equal("MDTS2001", result.Abort?.Code.Id);
        Assert.Empty(_fs.Changes);
    }

    [Fact]
    public void FileSystemRootIsRefused()
    {
        Assert.Equal("MDTS2002", Publish(o => With(o, target: "/")).Abort?.Code.Id);
        Assert.Empty(_fs.Changes);
    }

    [Fact]
    public void NonEmptyTargetWithoutMarkerIsRefused_UnlessAdopted()
    {
        Trees.Write(Target, ("important.docx", "someone's file"));

        MirrorResult refused = Publish();

        Assert.Equal("MDTS2003", refused.Abort?.Code.Id);
        Assert.Empty(_fs.Changes);

        MirrorResult adopted = Publish(o => With(o, adopt: true, maxDeletePercent: 100));

        Assert.True(adopted.Succeeded);
        Assert.Equal(Expected(), Published());
        Assert.True(File.Exists(Path.Combine(Target, TargetOwnership.MarkerName)));
    }

    [Fact]
    public void EmptySourceAbortsBeforeAnyDelete()
    {
        Publish();
        Directory.Delete(Source, true);
        Directory.CreateDirectory(Source);
        _fs.Changes.Clear();

        MirrorResult result = Publish(o => With(o, maxDeletePercent: 100));

        Assert.Equal("MDTS2004", result.Abort?.Code.Id);
        Assert.Empty(ContentChanges());
        Assert.False(File.Exists(Path.Combine(Target, TargetOwnership.LockName)));
        Assert.Equal(10, Published().Count);
    }

    /// <summary>A folder that cannot be listed, in the share (MDTS2005) or on the target (MDTS2015), stops the publish
    /// before anything changes: an incomplete listing would look like files to delete or to copy.</summary>
    [Theory]
    [InlineData("share", "Out-of-Box Drivers", "MDTS2005")]
    [InlineData("target", "Scripts", "MDTS2015")]
    public void AnUnreadableFolderAbortsBeforeAnyChange(string side, string folder, string code)
    {
        Publish();
        _fs.Changes.Clear();
        string unreadable = Path.Combine(side == "share" ? Source : Target, folder);
        _fs.Fault = (op, path) =>
        {
            if (op == "Enumerate" && path == unreadable)
            {
                throw new UnauthorizedAccessException("Access to the path is denied.");
            }
        };

        MirrorResult result = Publish(o => With(o, maxDeletePercent: 100));

        Assert.Equal(code, result.Abort?.Code.Id);
        Assert.Empty(ContentChanges());
        Assert.False(File.Exists(Path.Combine(Target, TargetOwnership.LockName)));
    }

    [Fact]
    public void TooManyDeletionsAbortWithNothingChanged()
    {
        Publish();
        foreach (string file in Directory.EnumerateFiles(Path.Combine(Source, "Out-of-Box Drivers"), "*", SearchOption.AllDirectories))
        {
            File.Delete(file);
        }

        Trees.Write(Source, ("Scripts/New.vbs", "new"));
        _fs.Changes.Clear();

        MirrorResult result = Publish();

        Assert.Equal("MDTS2006", result.Abort?.Code.Id);
        Assert.Contains("2 of its 10 files", result.Abort!.Message);
        Assert.Empty(ContentChanges());
        Assert.Equal(2, Trees.Read(Path.Combine(Target, "Out-of-Box Drivers")).Count);
    }

    [Fact]
    public void AFreeSpaceTheTargetCannotTell_IsWarnedAbout_AndThePublishGoesAhead()
    {
        _fs.FreeSpaceUnknown = true;

        MirrorResult result = Publish();

        Assert.True(result.Succeeded);
        Diagnostic warning = Assert.Single(_listener.Diagnostics);
        Assert.Equal(("MDTS2020", Severity.Warning), (warning.Code.Id, warning.Severity));
        Assert.Equal(Expected(), Published());
    }

    [Fact]
    public void FreeSpaceNeededCountsGrowthAndTheTempCopiesBesideReplacedFiles()
    {
        TreeFile Sized(long length) => new("f", "/f", length, DateTime.UnixEpoch, false);
        var plan = new MirrorPlan();
        plan.BulkCopies.Add(new CopyItem(Sized(100), "new", "/t/new", CopyReason.New, false, 0));
        plan.BulkCopies.Add(new CopyItem(Sized(50), "grown", "/t/grown", CopyReason.Changed, false, 30));
        plan.BulkCopies.Add(new CopyItem(Sized(10), "shrunk", "/t/shrunk", CopyReason.Changed, false, 40));

        Assert.Equal(100 + 20 + 30, plan.BytesNeeded(writers: 1));
        Assert.Equal(100 + 20 + 30 + 10, plan.BytesNeeded(writers: 4));
    }

    /// <summary>Found by ConvergenceTests' injected faults: a permanent error at a folder creation, at the target
    /// listing for the ownership marker, or while comparing contents escaped as an exception. Every operation kind
    /// failing for good now ends the publish with a code, never an exception, and the next publish converges.</summary>
    [Theory]
    [InlineData("Enumerate")]
    [InlineData("GetEntry")]
    [InlineData("OpenRead")]
    [InlineData("Create")]
    [InlineData("CreateNew")]
    [InlineData("SetTime")]
    [InlineData("Replace")]
    [InlineData("DeleteFile")]
    [InlineData("DeleteDirectory")]
    [InlineData("CreateDirectory")]
    public void AnOperationFailingForGoodEndsThePublishWithACode(string operation)
    {
        Trees.Write(Target, ("Stale/old.txt", "to be purged"), ("Scripts/LiteTouch.wsf", "<old version/>"));
        _fs.Fault = (op, path) =>
        {
            if (op == operation)
            {
                throw new UnauthorizedAccessException($"Permission denied: {path} (injected)");
            }
        };

        MirrorResult failed = Publish(o => With(o, adopt: true, compare: CompareMode.Content, maxDeletePercent: 100));

        Assert.False(failed.Succeeded, $"an operation of every kind is met by this publish, and {operation} failed for good");
        Assert.True(failed.Abort is not null || _listener.Codes.Contains("MDTS2011"), operation);

        _fs.Fault = null;
        Assert.True(Publish(o => With(o, adopt: true, maxDeletePercent: 100)).Succeeded);
        Assert.Equal(Expected(), Published());
    }

    [Fact]
    public void PermanentErrorFailsThatFileOnly_AndSkipsDeletions()
    {
        Publish();
        Trees.Write(Target, ("Old/stale.txt", "x"));
        Trees.Write(Source, ("Scripts/A.vbs", "a"), ("Scripts/B.vbs", "b"));
        _fs.Fault = (op, path) =>
        {
            if (op == "Replace" && path.EndsWith("A.vbs", StringComparison.Ordinal))
            {
                throw new IOException("File name too long", 36);
            }
        };

        MirrorResult result = Publish(o => With(o, maxDeletePercent: 100));

        Assert.Equal((1, 1, 0), (result.Copied, result.Failed, result.Deleted));
        Diagnostic error = Assert.Single(_listener.Diagnostics);
        Assert.Equal("MDTS2011", error.Code.Id);
        Assert.Contains("Scripts/A.vbs", error.Message);
        Assert.True(File.Exists(Path.Combine(Target, "Old", "stale.txt")));
        Assert.False(File.Exists(Path.Combine(Target, "Scripts", "A.vbs")));
        AssertNoTempFiles();
    }

    [Fact]
    public void CancellationStopsPromptly_LeavingNoTempAndNoTornFile()
    {
        using var cancel = new CancellationTokenSource();
        int copies = 0;
        _fs.Fault = (op, _) =>
        {
            if (op == "Create" && Interlocked.Increment(ref copies) == 4)
            {
                cancel.Cancel();
            }
        };

        MirrorResult result = Publish(cancellation: cancel.Token);

        Assert.False(Directory.Exists(Path.Combine(Target, "Out-of-Box Drivers")) && Published().Count == Expected().Count);
        var expected = Expected();
        Assert.All(Published(), file => Assert.Equal(expected[file.Key], file.Value));
        AssertNoTempFiles();
        Assert.False(File.Exists(Path.Combine(Target, TargetOwnership.LockName)));
        Assert.DoesNotContain(_listener.Diagnostics, d => d.Severity == Severity.Error);
        Assert.True(result.Copied < 10);
    }

    private Dictionary<string, string> ManifestHashes() =>
        Expected().ToDictionary(f => f.Key, f => MdtShare.Build.Manifest.FileHasher.Hash(Path.Combine(Source, f.Key), CancellationToken.None));

    [Fact]
    public void EveryCopiedFileIsHashedAsWritten_ASourceChangedSinceTheBuildNeverReachesTheTarget()
    {
        Publish();
        Trees.Write(Source, ("Scripts/LiteTouch.wsf", "<job v2/>"));
        var hashes = ManifestHashes();
        Trees.Write(Source, ("Scripts/LiteTouch.wsf", "<job v3 changed after the build/>"));

        MirrorResult result = Publish(o => new MirrorOptions(o.SourceRoot, o.DestinationRoot) { ExpectedHashes = hashes });

        Assert.Equal(1, result.Failed);
        Diagnostic error = Assert.Single(_listener.Diagnostics);
        Assert.Equal("MDTS2016", error.Code.Id);
        Assert.Contains("Scripts/LiteTouch.wsf", error.Message);
        Assert.Equal("<job/>", File.ReadAllText(Path.Combine(Target, "Scripts", "LiteTouch.wsf")));
        AssertNoTempFiles();
    }

    [Fact]
    public async Task AReaderNeverSeesATornFileWhileTheMirrorReplacesIt()
    {
        string big = new('o', 4_000_000);
        string bigger = new('n', 4_100_000);
        Trees.Write(Source, ("Operating Systems/W11/install.wim", big));
        Publish();
        Trees.Write(Source, ("Operating Systems/W11/install.wim", bigger));
        string target = Path.Combine(Target, "Operating Systems", "W11", "install.wim");
        using var stop = new CancellationTokenSource();
        int reads = 0;
        _fs.Fault = (op, path) =>
        {
            if (op == "Replace" && path == target)
            {
                // Let the reader look at the file while the complete temp file waits to be renamed over it.
                Thread.Sleep(300);
            }
        };
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                string content = File.ReadAllText(target);
                Assert.True(content == big || content == bigger, $"torn read of {content.Length} chars");
                reads++;
            }
        });

        MirrorResult result = Publish();
        int readsAtEnd = reads;
        SpinWait.SpinUntil(() => reads > readsAtEnd + 2, TimeSpan.FromSeconds(10));
        stop.Cancel();
        await reader;

        Assert.True(result.Succeeded);
        Assert.Equal(bigger, File.ReadAllText(target));
        Assert.True(reads > 3, $"{reads} reads");
    }
}
