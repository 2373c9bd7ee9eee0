using MdtShare.Build.Mirror;
using MdtShare.Build.Tests.Shared;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.SmbTests;

/// <summary>A generated share published to the SMB target: first, nothing to do, after changes; each checked on the
/// server's own disk, not through the mount's caches.</summary>
[Collection(SambaCollection.Name)]
public sealed class PublishToSmbTests(SambaFixture samba) : IDisposable
{
    private readonly TempDirectory _temp = new();

    private string Source => _temp.Path;

    public void Dispose() => _temp.Dispose();

    [SkippableFact]
    public void FirstPublish_NoOp_ThenChanges_EachVerifiedOnTheServer()
    {
        var (mounted, onServer) = samba.NewTarget("publish");
        SyntheticShare.Create(Source, files: 2000, bytes: 200L << 20, seed: 1);

        MirrorResult first = Publish(mounted, new RecordingListener());
        Assert.True(first.Succeeded, Describe(first));
        Assert.Equal(2000, first.Copied);
        Assert.Equal(SyntheticShare.Hashes(Source), SyntheticShare.Hashes(onServer));

        // SMB keeps whole seconds and the server stamps its own time on a handle's close: the times set after close
        // must still compare equal, or every publish would copy everything again.
        MirrorResult noOp = Publish(mounted, new RecordingListener());
        Assert.True(noOp.Succeeded, Describe(noOp));
        Assert.Equal((0, 0, 0, 2000), (noOp.Copied, noOp.Updated, noOp.Deleted, noOp.Skipped));

        IReadOnlyList<string> changed = SyntheticShare.Change(Source, 0.05, seed: 2);
        File.Delete(Path.Combine(Source, "Scripts/ZTIUtility.vbs"));
        File.WriteAllText(Path.Combine(Source, "Scripts/New.vbs"), "' new");
        MirrorResult update = Publish(mounted, new RecordingListener());
        Assert.True(update.Succeeded, Describe(update));
        Assert.Equal((1, changed.Count(c => c != "Scripts/ZTIUtility.vbs"), 1), (update.Copied, update.Updated, update.Deleted));
        Assert.Equal(SyntheticShare.Hashes(Source), SyntheticShare.Hashes(onServer));
    }

    private MirrorResult Publish(string target, RecordingListener listener) =>
        new MirrorEngine(listener).Publish(new MirrorOptions(Source, target) { AdoptExistingTarget = true, MaxDeletePercent = 100 }, CancellationToken.None);

    internal static string Describe(MirrorResult result) =>
        $"{result.Abort} copied {result.Copied}, updated {result.Updated}, failed {result.Failed}";
}
