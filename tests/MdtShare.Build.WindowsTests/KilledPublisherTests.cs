using MdtShare.Build.Mirror;
using MdtShare.Build.Tests.Support;
using MdtShare.Build.WindowsTests.Support;

namespace MdtShare.Build.WindowsTests;

/// <summary>A publisher killed in the middle of a copy (a cancelled pipeline, a rebooted agent) leaves its lock and a
/// temp file behind. Under Wine the lock names a Windows process id; under Mono, a Linux one.</summary>
[Collection(ChildProcessCollection.Name)]
public sealed class KilledPublisherTests : IDisposable
{
    private static readonly TimeSpan Answer = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _source = new();
    private readonly TempDirectory _cluster = new();

    public KilledPublisherTests() => Shares.WriteSample(_source);

    private string Target => _cluster["Distribution"];

    public void Dispose()
    {
        _source.Dispose();
        _cluster.Dispose();
    }

    [Fact(Timeout = 240_000)]
    public async Task ASecondPublisherIsRefusedAtOnce_AndOnceTheFirstIsKilledTheNextBreaksItsLockAndConverges()
    {
        using Child first = Child.Start("--publish-and-stall", _source.Path, Target);
        Assert.StartsWith("stalled ", await first.ReadLineAsync(Answer, TestContext.Current.CancellationToken));

        MirrorResult refused = await Task.Run(() => Shares.Publish(_source.Path, Target, new RecordingListener()),
            TestContext.Current.CancellationToken).Within(Answer);

        Assert.Equal("MDTS2007", refused.Abort?.Code.Id);
        Assert.Contains($"pid {first.Id}", refused.Abort!.Message);

        first.Kill();
        Assert.True(File.Exists(Path.Combine(Target, TargetOwnership.LockName)));
        Assert.NotEmpty(Shares.TempFiles(Target));
        var listener = new RecordingListener();
        MirrorResult next = await Task.Run(() => Shares.Publish(_source.Path, Target, listener),
            TestContext.Current.CancellationToken).Within(Answer);

        Assert.True(next.Succeeded, string.Join(Environment.NewLine, listener.Diagnostics));
        Assert.Equal(["MDTS2008"], listener.Codes);
        Assert.Equal(Shares.Hashes(_source.Path), Shares.Hashes(Target));
        Assert.False(File.Exists(Path.Combine(Target, TargetOwnership.LockName)));
    }
}
