using System.Text.Json;
using MdtShare.Build.Manifest;
using MdtShare.Build.Mirror;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.Manifest;

public sealed class ManifestAndVerifyTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly ExcludeFilter _exclude = new(ExcludeFilter.Defaults);

    public ManifestAndVerifyTests()
    {
        Trees.Write(Share,
            ("Control/Bootstrap.ini", "[Settings]"),
            ("Scripts/LiteTouch.wsf", "<job/>"),
            ("Boot/LiteTouchPE_x64.wim", new string('w', 300_000)),
            ("Out-of-Box Drivers/Dell/x.inf", "[Version]"),
            ("Logs/server.log", "excluded"));
        Trees.Write(Overlay, ("Control/Bootstrap.ini", "[Settings] patched"));
    }

    private string Share => _temp.Combine("share");

    private string Overlay => _temp.Combine("overlay");

    private string Target => _temp.Combine("target");

    public void Dispose() => _temp.Dispose();

    private SourceTree Tree() => SourceTree.Create(PhysicalFileSystem.Instance, Share, [Overlay], _exclude, _ => false);

    private ManifestBuild Build(HashCache cache) => ManifestBuilder.Build(Tree(), cache, 2, CancellationToken.None);

    private ShareManifest PublishAndManifest()
    {
        new MirrorEngine(new RecordingListener()).Publish(new MirrorOptions(Share, Target) { OverlayRoots = [Overlay] }, CancellationToken.None);
        return Build(HashCache.Empty()).Manifest;
    }

    private VerifyResult Verify(ShareManifest manifest) => ShareVerifier.Verify(manifest, Target, _exclude, 2, CancellationToken.None);

    [Fact]
    public void ManifestHoldsTheShareWithTheOverlay_ExcludedPathsLeftOut()
    {
        ManifestBuild build = Build(HashCache.Empty());

        Assert.Equal(["Boot/LiteTouchPE_x64.wim", "Control/Bootstrap.ini", "Out-of-Box Drivers/Dell/x.inf", "Scripts/LiteTouch.wsf"],
            build.Manifest.Entries.Select(e => e.Path));
        Assert.Equal(FileHasher.Hash(Path.Combine(Overlay, "Control", "Bootstrap.ini"), CancellationToken.None),
            build.Manifest.Entries.Single(e => e.Path == "Control/Bootstrap.ini").Hash);
        Assert.Equal((4, 0), (build.HashedFiles, build.CachedFiles));
    }

    [Fact]
    public void WarmCacheHashesNothing_ATouchedFileIsHashedAgainAlone()
    {
        HashCache cache = HashCache.Empty();
        ManifestBuild cold = Build(cache);

        ManifestBuild warm = Build(cache);
        Assert.Equal((0, 0L, 4), (warm.HashedFiles, warm.HashedBytes, warm.CachedFiles));
        Assert.Equal(cold.Manifest.Entries, warm.Manifest.Entries);

        string touched = Path.Combine(Share, "Scripts", "LiteTouch.wsf");
        File.SetLastWriteTimeUtc(touched, File.GetLastWriteTimeUtc(touched).AddMinutes(1));
        ManifestBuild afterTouch = Build(cache);
        Assert.Equal((1, 6L), (afterTouch.HashedFiles, afterTouch.HashedBytes));
        Assert.Equal(cold.Manifest.Entries, afterTouch.Manifest.Entries);
    }

    [Fact]
    public void APublishedTargetVerifies_IgnoringExcludedPathsMarkerAndTempFiles()
    {
        ShareManifest manifest = PublishAndManifest();
        Trees.Write(Target, ("Logs/client.log", "client"), ("Boot/.~mdtshare.dead.1.tmp", "torn"));

        VerifyResult result = Verify(manifest);

        Assert.True(result.Passed);
        Assert.Equal((4, 300_000L + 6 + 9 + 18), (result.Verified, result.BytesHashed));
    }

    [Fact]
    public void ALongVerifyReportsItsProgress()
    {
        ShareManifest manifest = PublishAndManifest();
        var lines = new System.Collections.Concurrent.ConcurrentQueue<ProgressLine>();

        ShareVerifier.Verify(manifest, Target, _exclude, 1, CancellationToken.None, progress: lines.Enqueue, progressInterval: TimeSpan.Zero);

        Assert.Equal([1, 2, 3, 4], lines.Select(l => l.Files));
        Assert.All(lines, l => Assert.Equal((4, 300_000L + 6 + 9 + 18, "Verifying " + Target), (l.TotalFiles, l.TotalBytes, l.Target)));
        Assert.Equal(100, lines.Last().Percent);
        Assert.StartsWith($"Verifying {Target}: 4/4 files, ", lines.Last().ToString());
    }

    [Fact]
    public void EveryKindOfDriftIsFound()
    {
        ShareManifest manifest = PublishAndManifest();
        File.Delete(Path.Combine(Target, "Out-of-Box Drivers", "Dell", "x.inf"));
        File.AppendAllText(Path.Combine(Target, "Scripts", "LiteTouch.wsf"), "!");
        Trees.Write(Target, ("Scripts/added.vbs", "hand-copied"));
        string wim = Path.Combine(Target, "Boot", "LiteTouchPE_x64.wim");
        DateTime time = File.GetLastWriteTimeUtc(wim);
        File.WriteAllText(wim, new string('x', 300_000));
        File.SetLastWriteTimeUtc(wim, time);
        Directory.CreateSymbolicLink(Path.Combine(Target, "Scripts", "link"), "/etc");

        VerifyResult result = Verify(manifest);

        Assert.False(result.Passed);
        Assert.Equal(["Out-of-Box Drivers/Dell/x.inf"], result.Missing);
        Assert.Equal(["Scripts/LiteTouch.wsf"], result.SizeMismatch);
        Assert.Equal(["Boot/LiteTouchPE_x64.wim"], result.HashMismatch);
        Assert.Equal(["Scripts/added.vbs", "Scripts/link"], result.Extra);
    }

    /// <summary>Images kept after the publish that retired them are listed in the target's record: not drift; an
    /// extra file the record does not list still is.</summary>
    [Fact]
    public void RetainedImagesTheRecordListsAreNotDrift()
    {
        ShareManifest manifest = PublishAndManifest();
        Trees.Write(Target, ("Operating Systems/W11/install.aaaaaaaaaaaa.wim", "retired"), ("Operating Systems/W11/install.bbbbbbbbbbbb.wim", "stray"),
            (ImageRetention.RecordName, "2026-11-26T15:00:00Z\tOperating Systems/W11/install.aaaaaaaaaaaa.wim\n"));

        VerifyResult result = Verify(manifest);

        Assert.Equal(["Operating Systems/W11/install.aaaaaaaaaaaa.wim"], result.Retained);
        Assert.Equal(["Operating Systems/W11/install.bbbbbbbbbbbb.wim"], result.Extra);
    }

    /// <summary>An admin's copy tool or a restore can put a file's size and last-write time back; its change time
    /// moves all the same, so the next build hashes it again, and Verify holds the target to the new bytes.</summary>
    [Fact]
    public void ContentChangedWithSizeAndTimeRestored_IsHashedAgain_AndVerifyPassesOnlyOnTheNewBytes()
    {
        HashCache cache = HashCache.Empty();
        Build(cache);
        new MirrorEngine(new RecordingListener()).Publish(new MirrorOptions(Share, Target) { OverlayRoots = [Overlay] }, CancellationToken.None);
        string source = Path.Combine(Share, "Scripts", "LiteTouch.wsf");
        DateTime time = File.GetLastWriteTimeUtc(source);
        string before = File.ReadAllText(source);
        File.WriteAllText(source, before.ToUpperInvariant());
        File.SetLastWriteTimeUtc(source, time);

        ManifestBuild rebuilt = Build(cache);

        Assert.Equal(1, rebuilt.HashedFiles);
        Assert.Equal(["Scripts/LiteTouch.wsf"], Verify(rebuilt.Manifest).HashMismatch);
        string target = Path.Combine(Target, "Scripts", "LiteTouch.wsf");
        File.WriteAllText(target, before.ToUpperInvariant());
        Assert.True(Verify(rebuilt.Manifest).Passed);
    }

    [Fact]
    public void CaseOnlyDifferencesMatchAsOnAWindowsShare()
    {
        ShareManifest manifest = PublishAndManifest();
        File.Move(Path.Combine(Target, "Scripts", "LiteTouch.wsf"), Path.Combine(Target, "Scripts", "litetouch.WSF"));

        Assert.True(Verify(manifest).Passed);
    }

    [Fact]
    public void AMissingTargetIsReported()
    {
        VerifyResult result = Verify(Build(HashCache.Empty()).Manifest);
        Assert.True(result.TargetMissing);
        Assert.False(result.Passed);
    }

    [Fact]
    public void ReportIsValidJsonWithEveryList()
    {
        ShareManifest manifest = PublishAndManifest();
        File.Delete(Path.Combine(Target, "Scripts", "LiteTouch.wsf"));
        VerifyResult result = Verify(manifest);
        result.Unreadable.Add(("Boot/\"odd\"\\name\t.wim", "I/O error"));

        using JsonDocument json = JsonDocument.Parse(VerifyReport.ToJson(result, "/bin/DeploymentShare.sha256", DateTime.UnixEpoch));

        JsonElement root = json.RootElement;
        Assert.Equal("mdtshare-verify/1", root.GetProperty("schema").GetString());
        Assert.False(root.GetProperty("passed").GetBoolean());
        Assert.Equal("Scripts/LiteTouch.wsf", root.GetProperty("missing")[0].GetString());
        Assert.Equal("Boot/\"odd\"\\name\t.wim", root.GetProperty("unreadable")[0].GetProperty("path").GetString());
        Assert.Equal(3, root.GetProperty("verifiedFiles").GetInt32());
    }
}
