using MdtShare.Build.Manifest;
using MdtShare.Build.Mirror;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.Mirror;

/// <summary>A share file rewritten with its size and last-write time put back (a restore, an admin's copy tool,
/// touch -d) is still a change: the mirror copies it in both compare modes.</summary>
public sealed class ChangeDetectionTests : IDisposable
{
    private static readonly DateTime Yesterday = new(2026, 11, 28, 9, 0, 0, DateTimeKind.Utc);

    private readonly TempDirectory _temp = new();
    private readonly FakeClock _clock = new();
    private readonly RecordingListener _listener = new();
    private readonly FaultyFileSystem _fs;

    public ChangeDetectionTests()
    {
        _fs = new FaultyFileSystem(_clock);
        Trees.Write(Source, ("Scripts/LiteTouch.wsf", "<job/>"), ("Control/CustomSettings.ini", "[Settings]"));
        foreach (string file in Directory.EnumerateFiles(Source, "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, Yesterday);
        }
    }

    private string Source => _temp.Combine("share");

    private string Target => _temp.Combine("cluster", "Distribution$");

    private string Script => Path.Combine(Source, "Scripts", "LiteTouch.wsf");

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(nameof(CompareMode.Timestamp))]
    [InlineData(nameof(CompareMode.Content))]
    public void AnEditWithSizeAndTimePutBack_IsCopied(string mode)
    {
        var compare = Enum.Parse<CompareMode>(mode);
        Assert.True(Publish(compare).Succeeded);
        File.WriteAllText(Script, "<JOB/>");
        File.SetLastWriteTimeUtc(Script, Yesterday);

        MirrorResult result = Publish(compare);

        Assert.True(result.Succeeded, string.Join("\n", _listener.Diagnostics));
        Assert.Equal(1, result.Updated);
        Assert.Equal("<JOB/>", File.ReadAllText(Path.Combine(Target, "Scripts", "LiteTouch.wsf")));
        Assert.Equal(0, Publish(compare).Updated);
    }

    /// <summary>Content comparison reads the source's bytes, not the manifest: a manifest older than the share cannot
    /// make a changed file look unchanged (the copy then stops at the manifest's check, MDTS2016).</summary>
    [Fact]
    public void ContentComparisonHashesTheSourceBytes_NotTheManifest()
    {
        var built = Hashes();
        Assert.True(Publish(CompareMode.Content, built).Succeeded);
        File.WriteAllText(Script, "<JOB/>");
        File.SetLastWriteTimeUtc(Script, Yesterday);
        _fs.Reads.Clear();

        MirrorResult result = Publish(CompareMode.Content, built);

        Assert.Contains(Script, _fs.Reads);
        Assert.Equal(["MDTS2016"], _listener.Codes);
        Assert.Equal("<job/>", File.ReadAllText(Path.Combine(Target, "Scripts", "LiteTouch.wsf")));
        Assert.Equal(1, result.Failed);
    }

    [Fact]
    public void TheRecordOfWhatWasPublished_IsNotRewrittenByAPublishThatChangesNothing()
    {
        Assert.True(Publish(CompareMode.Timestamp).Succeeded);
        string record = Path.Combine(Target, TargetOwnership.PublishedName);
        Assert.Equal(Hashes().OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Value}  {h.Key}"), File.ReadAllLines(record));
        _fs.Changes.Clear();

        Publish(CompareMode.Timestamp);

        Assert.DoesNotContain(_fs.Changes, c => c.Path.EndsWith(TargetOwnership.PublishedName, StringComparison.Ordinal));
    }

    private Dictionary<string, string> Hashes() =>
        Directory.EnumerateFiles(Source, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(Source, f).Replace('\\', '/'), f => FileHasher.Hash(f, CancellationToken.None), StringComparer.Ordinal);

    /// <summary>A publish as the build runs it: with the manifest it wrote just before (or the one given).</summary>
    private MirrorResult Publish(CompareMode compare, IReadOnlyDictionary<string, string>? expected = null)
    {
        Directory.CreateDirectory(_temp.Combine("cluster"));
        var options = new MirrorOptions(Source, Target) { Compare = compare, ExpectedHashes = expected ?? Hashes() };
        return new MirrorEngine(_fs, _clock, _listener, isWindows: false).Publish(options, CancellationToken.None);
    }
}
