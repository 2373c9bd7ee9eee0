using MdtShare.Build.Diagnostics;
using MdtShare.Build.Manifest;
using MdtShare.Build.Mirror;
using MdtShare.Build.Tests.Support;
using MdtShare.Build.WindowsTests.Support;

namespace MdtShare.Build.WindowsTests;

/// <summary>
/// A client deploying from the cluster holds install.wim open for the whole apply (DISM opens it for reading, sharing
/// reads). Windows refuses to replace or delete it meanwhile; the publish must neither fail nor tear it.
/// </summary>
[Trait("Semantics", "Windows")]
[Collection(ChildProcessCollection.Name)]
public sealed class HeldFileTests : IDisposable
{
    private static readonly TimeSpan Answer = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _source = new();
    private readonly TempDirectory _cluster = new();
    private readonly RecordingListener _listener = new();

    public HeldFileTests()
    {
        Shares.WriteSample(_source);
        Assert.True(Shares.Publish(_source.Path, Target, new RecordingListener()).Succeeded);
    }

    private string Target => _cluster["Distribution"];

    private string TargetImage => Path.Combine(Target, Shares.Image.Replace('/', Path.DirectorySeparatorChar));

    public void Dispose()
    {
        _source.Dispose();
        _cluster.Dispose();
    }

    [Theory(Timeout = 180_000)]
    [InlineData("Read", 20)]
    [InlineData("ReadDelete", 5)]
    public async Task APublishWaitsForAnImageAClientHolds_AndFinishesWhenTheClientClosesIt(string sharing, int holdSeconds)
    {
        string oldImage = FileHasher.Hash(TargetImage, CancellationToken.None);
        _source.WriteFile(Shares.Image, Shares.Bytes(seed: 2, length: 3 << 20));
        _source.WriteFile("Control/CustomSettings.ini", "[Settings]\r\nPriority=Default\r\n");
        using Child client = Child.Start("--hold", TargetImage, sharing);
        Assert.Equal("held " + oldImage, await client.ReadLineAsync(Answer, TestContext.Current.CancellationToken));

        Task<MirrorResult> publishing = Task.Run(() => Shares.Publish(_source.Path, Target, _listener), TestContext.Current.CancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(holdSeconds), TestContext.Current.CancellationToken);

        Assert.False(publishing.IsCompleted, "the publish waits while the image is held open");
        Assert.Equal("[Settings]\r\nPriority=Default\r\n", Shares.Text(Path.Combine(Target, "Control", "CustomSettings.ini")));
        Assert.Equal(oldImage, FileHasher.Hash(TargetImage, CancellationToken.None));
        Assert.Single(Shares.TempFiles(Target));

        client.Tell("release");
        Assert.Equal("released " + oldImage, await client.ReadLineAsync(Answer, TestContext.Current.CancellationToken));
        MirrorResult result = await publishing.Within(Answer);

        Assert.True(result.Succeeded, string.Join(Environment.NewLine, _listener.Diagnostics));
        Diagnostic busy = Assert.Single(_listener.Diagnostics);
        Assert.Equal(("MDTS2013", Severity.Warning), (busy.Code.Id, busy.Severity));
        Assert.Contains(Shares.Image, busy.Message);
        Assert.Equal(Shares.Hashes(_source.Path), Shares.Hashes(Target));
    }

    [Fact(Timeout = 180_000)]
    public async Task AnImageHeldPastTheBusyWait_KeepsItsOldVersion_EverythingElseIsPublished_AndTheNextPublishConverges()
    {
        string oldImage = FileHasher.Hash(TargetImage, CancellationToken.None);
        _source.WriteFile(Shares.Image, Shares.Bytes(seed: 3, length: 3 << 20));
        _source.WriteFile("Control/CustomSettings.ini", "[Settings]\r\nPriority=Default\r\n");
        _source.WriteFile("Applications/Office/setup.cmd", "setup.exe /configure office.xml\r\n");
        File.Delete(_source["Scripts/ZTIGather.xml"]);
        using Child client = Child.Start("--hold", TargetImage, "Read");
        Assert.Equal("held " + oldImage, await client.ReadLineAsync(Answer, TestContext.Current.CancellationToken));

        MirrorResult held = await Task.Run(() => Shares.Publish(_source.Path, Target, _listener, busyWait: TimeSpan.FromSeconds(10)), TestContext.Current.CancellationToken);

        Assert.False(held.Succeeded);
        Assert.Equal(1, held.Failed);
        Diagnostic error = Assert.Single(_listener.Diagnostics, d => d.Severity == Severity.Error);
        Assert.Equal("MDTS2013", error.Code.Id);
        Assert.Contains(Shares.Image, error.Message);
        var published = Shares.Hashes(Target);
        var wanted = Shares.Hashes(_source.Path);
        Assert.Equal(oldImage, published[Shares.Image]);
        published.Remove(Shares.Image);
        wanted.Remove(Shares.Image);
        Assert.Equal(wanted, published);

        client.Tell("release");
        Assert.Equal("released " + oldImage, await client.ReadLineAsync(Answer, TestContext.Current.CancellationToken));
        var after = new RecordingListener();
        Assert.True(Shares.Publish(_source.Path, Target, after).Succeeded, string.Join(Environment.NewLine, after.Diagnostics));
        Assert.Equal(Shares.Hashes(_source.Path), Shares.Hashes(Target));
    }

    [Fact(Timeout = 180_000)]
    public async Task AFolderToDeleteWhoseFileAClientHolds_IsDeletedOnceTheFileIsClosed()
    {
        const string Driver = "Out-of-Box Drivers/Dell/Latitude 7440/e1d68x64.sys";
        Directory.Delete(_source["Out-of-Box Drivers/Dell/Latitude 7440"], recursive: true);
        string heldDriver = Path.Combine(Target, Driver.Replace('/', Path.DirectorySeparatorChar));
        using Child client = Child.Start("--hold", heldDriver, "Read");
        await client.ReadLineAsync(Answer, TestContext.Current.CancellationToken);

        Task<MirrorResult> publishing = Task.Run(() => Shares.Publish(_source.Path, Target, _listener), TestContext.Current.CancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        Assert.False(publishing.IsCompleted, "the delete waits while the file is held open");
        Assert.True(File.Exists(heldDriver));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(heldDriver)!, "e1d68x64.inf")));

        client.Tell("release");
        await client.ReadLineAsync(Answer, TestContext.Current.CancellationToken);
        MirrorResult result = await publishing.Within(Answer);

        Assert.True(result.Succeeded, string.Join(Environment.NewLine, _listener.Diagnostics));
        Assert.Equal("MDTS2013", Assert.Single(_listener.Diagnostics).Code.Id);
        Assert.False(Directory.Exists(Path.GetDirectoryName(heldDriver)));
        Assert.Equal(Shares.Hashes(_source.Path), Shares.Hashes(Target));
    }
}
