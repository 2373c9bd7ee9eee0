using MdtShare.Build.Mirror;
using MdtShare.Build.Tests.Shared;

namespace MdtShare.Build.SmbTests;

/// <summary>A generated share published to the SMB target: first, nothing to do, after changes; each checked on the
/// server's own disk, not through the mount's caches.</summary>
[Collection(SambaCollection.Name)]
public sealed class PublishToSmbTests(SambaFixture samba) : IDisposable
{
    private readonly string _source = Directory.CreateTempSubdirectory("mdtshare-smb-source-").FullName;

    public void Dispose() => Directory.Delete(_source, recursive: true);

    [SkippableFact]
    public void FirstPublish_NoOp_ThenChanges_EachVerifiedOnTheServer()
    {
        var (mounted, onServer) = samba.NewTarget("publish");
        SyntheticShare.Create(_source, files: 2000, bytes: 200L << 20, seed: 1);

        MirrorResult first = Publish(mounted, new Listener());
        Assert.True(first.Succeeded, Describe(first));
        Assert.Equal(2000, first.Copied);
        Assert.Equal(SyntheticShare.Hashes(_source), SyntheticShare.Hashes(onServer));

        // SMB keeps whole seconds and the server stamps its own time on a handle's close: the times set after close
        // must still compare equal, or every publish would copy everything again.
        MirrorResult noOp = Publish(mounted, new Listener());
        Assert.True(noOp.Succeeded, Describe(noOp));
        Assert.Equal((0, 0, 0, 2000), (noOp.Copied, noOp.Updated, noOp.Deleted, noOp.Skipped));

        IReadOnlyList<string> changed = SyntheticShare.Change(_source, 0.05, seed: 2);
        File.Delete(Path.Combine(_source, "Scripts/ZTIUtility.vbs"));
        File.WriteAllText(Path.Combine(_source, "Scripts/New.vbs"), "' new");
        MirrorResult update = Publish(mounted, new Listener());
        Assert.True(update.Succeeded, Describe(update));
        Assert.Equal((1, changed.Count(c => c != "Scripts/ZTIUtility.vbs"), 1), (update.Copied, update.Updated, update.Deleted));
        Assert.Equal(SyntheticShare.Hashes(_source), SyntheticShare.Hashes(onServer));
    }

    private MirrorResult Publish(string target, Listener listener) =>
        new MirrorEngine(listener).Publish(new MirrorOptions(_source, target) { AdoptExistingTarget = true, MaxDeletePercent = 100 }, CancellationToken.None);

    internal static string Describe(MirrorResult result) =>
        $"{result.Abort} copied {result.Copied}, updated {result.Updated}, failed {result.Failed}";
}
