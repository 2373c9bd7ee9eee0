using MdtShare.Build.Mirror;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.Mirror;

/// <summary>Several destinations in one publish (a cluster per site): each source file is read once for all of them,
/// and a destination in trouble holds the others back no longer than its own retry window.</summary>
public sealed class FanOutTests : IDisposable
{
    private static readonly string[] Reserved = [TargetOwnership.MarkerName, TargetOwnership.LockName];

    private readonly TempDirectory _temp = new();
    private readonly FakeClock _clock = new();
    private readonly RecordingListener _listener = new();
    private readonly FaultyFileSystem _fs;

    public FanOutTests()
    {
        _fs = new FaultyFileSystem(_clock);
        Trees.Write(Source,
            ("Control/Bootstrap.ini", "[Settings]\r\nPriority=Default\r\n"),
            ("Control/WIN11/ts.xml", "<sequence/>"),
            ("Scripts/LiteTouch.wsf", "<job/>"),
            ("Operating Systems/W11/install.wim", new string('w', 300_000)),
            ("Out-of-Box Drivers/Dell/net/e1d.inf", "[Version]"),
            ("Boot/LiteTouchPE_x64.wim", new string('b', 100_000)),
            ("Tools/x64/BDDRUN.exe", "exe"));
        Directory.CreateDirectory(_temp.Combine("clusters"));
    }

    private string Source => _temp.Combine("share");

    private string Site(string name) => _temp.Combine("clusters", name);

    public void Dispose() => _temp.Dispose();

    private IReadOnlyList<MirrorResult> Publish(params MirrorOptions[] targets) =>
        new MirrorEngine(_fs, _clock, _listener, isWindows: false).Publish(targets, CancellationToken.None);

    private MirrorOptions To(string site, string? overlay = null, TimeSpan? window = null) => new(Source, Site(site))
    {
        Parallelism = 3,
        OverlayRoots = overlay is null ? [] : [overlay],
        RetryWindow = window ?? TimeSpan.FromSeconds(120),
    };

    private SortedDictionary<string, string> Published(string site) => new(
        Trees.Read(Site(site), Reserved).Where(f => !Path.GetFileName(f.Key).StartsWith(TreeSnapshot.TempPrefix, StringComparison.Ordinal)).ToDictionary(),
        StringComparer.Ordinal);

    private Dictionary<string, int> SourceReads() => _fs.Reads.Where(p => p.StartsWith(Source + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        .GroupBy(p => p).ToDictionary(g => Path.GetRelativePath(Source, g.Key).Replace('\\', '/'), g => g.Count());

    [Fact]
    public void EverySourceFileIsReadOnceForAllDestinations_AndEachConverges()
    {
        IReadOnlyList<MirrorResult> results = Publish(To("newyork"), To("stockholm"), To("tokyo"));

        Assert.All(results, r => Assert.True(r.Succeeded, r.Abort?.Message));
        Assert.All(results, r => Assert.Equal((7, 0), (r.Copied, r.Failed)));
        var expected = Trees.Read(Source);
        Assert.Equal(expected, Published("newyork"));
        Assert.Equal(expected, Published("stockholm"));
        Assert.Equal(expected, Published("tokyo"));
        Assert.Equal(expected.Keys, SourceReads().Keys.Order(StringComparer.Ordinal));
        Assert.All(SourceReads(), read => Assert.Equal(1, read.Value));
        Assert.Empty(Directory.EnumerateFiles(_temp.Combine("clusters"), TreeSnapshot.TempPrefix + "*", SearchOption.AllDirectories));

        _fs.Reads.Clear();
        IReadOnlyList<MirrorResult> again = Publish(To("newyork"), To("stockholm"), To("tokyo"));

        Assert.All(again, r => Assert.Equal((0, 0, 7), (r.Copied, r.Updated, r.Skipped)));
        Assert.Empty(SourceReads());
    }

    [Fact]
    public void EachSiteGetsItsOwnOverlay_WhileTheShareItselfIsReadOnce()
    {
        Trees.Write(_temp.Combine("overlay-ny"), ("Control/Bootstrap.ini", "[Default]\r\nDeployRoot=\\\\NYCLUSTER\\Distribution$\r\n"));
        Trees.Write(_temp.Combine("overlay-sto"), ("Control/Bootstrap.ini", "[Default]\r\nDeployRoot=\\\\STOCLUSTER\\Distribution$\r\n"));

        IReadOnlyList<MirrorResult> results = Publish(To("newyork", _temp.Combine("overlay-ny")), To("stockholm", _temp.Combine("overlay-sto")));

        Assert.All(results, r => Assert.True(r.Succeeded, r.Abort?.Message));
        Assert.Contains("NYCLUSTER", Published("newyork")["Control/Bootstrap.ini"]);
        Assert.Contains("STOCLUSTER", Published("stockholm")["Control/Bootstrap.ini"]);
        Assert.Equal(Published("newyork").Remove("Control/Bootstrap.ini"), Published("stockholm").Remove("Control/Bootstrap.ini"));
        Assert.All(SourceReads(), read => Assert.Equal(1, read.Value));
        Assert.DoesNotContain("Control/Bootstrap.ini", SourceReads().Keys);
    }

    [Fact]
    public void ASiteInAnOutageDropsOutOfTheSharedCopies_AndRidesThroughOnItsOwn()
    {
        _fs.OutageAfter(operations: 30, TimeSpan.FromSeconds(45), Site("stockholm"));

        IReadOnlyList<MirrorResult> results = Publish(To("newyork"), To("stockholm"));

        Assert.All(results, r => Assert.True(r.Succeeded, r.Abort?.Message));
        Assert.Equal((0, 1), (results[0].Outages, results[1].Outages));
        Assert.Equal(["MDTS2009"], _listener.Codes);
        var expected = Trees.Read(Source);
        Assert.Equal(expected, Published("newyork"));
        Assert.Equal(expected, Published("stockholm"));
        var replaced = _fs.Changes.Where(c => c.Operation == "Replace").GroupBy(c => c.Path);
        Assert.All(replaced, g => Assert.Single(g));
    }

    [Fact]
    public void ASiteWhoseOutageOutlastsItsWindowFailsAlone_AndTheNextPublishConvergesEverywhere()
    {
        _fs.OutageAfter(operations: 30, TimeSpan.FromSeconds(150), Site("stockholm"));

        IReadOnlyList<MirrorResult> results = Publish(To("newyork"), To("stockholm", window: TimeSpan.FromSeconds(60)));

        Assert.True(results[0].Succeeded, results[0].Abort?.Message);
        Assert.Equal("MDTS2010", results[1].Abort?.Code.Id);
        var expected = Trees.Read(Source);
        Assert.Equal(expected, Published("newyork"));
        Assert.All(Published("stockholm"), file => Assert.Equal(expected[file.Key], file.Value));

        IReadOnlyList<MirrorResult> next = Publish(To("newyork"), To("stockholm"));

        Assert.All(next, r => Assert.True(r.Succeeded, r.Abort?.Message));
        Assert.Equal(expected, Published("stockholm"));
    }

    [Fact]
    public void AFileThatNoLongerMatchesTheManifestReachesNoSite()
    {
        var hashes = Trees.Read(Source).Keys.ToDictionary(k => k, k => MdtShare.Build.Manifest.FileHasher.Hash(Path.Combine(Source, k), CancellationToken.None), StringComparer.Ordinal);
        hashes["Scripts/LiteTouch.wsf"] = new string('0', 64);
        MirrorOptions Expecting(string site) => new(Source, Site(site)) { Parallelism = 3, ExpectedHashes = hashes };

        IReadOnlyList<MirrorResult> results = Publish(Expecting("newyork"), Expecting("stockholm"));

        Assert.All(results, r => Assert.Equal((6, 1), (r.Copied, r.Failed)));
        Assert.Equal(["MDTS2016", "MDTS2016"], _listener.Codes);
        Assert.All(new[] { "newyork", "stockholm" }, site => Assert.False(File.Exists(Path.Combine(Site(site), "Scripts", "LiteTouch.wsf"))));
        Assert.Equal(1, SourceReads()["Scripts/LiteTouch.wsf"]);
    }
}
