using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using MdtShare.Build.Manifest;
using MdtShare.Build.Mirror;
using MdtShare.Build.Tests.Support;
using MdtShare.Build.WindowsTests.Support;
using static MdtShare.Build.Tests.Images.WorkbenchXml;

namespace MdtShare.Build.WindowsTests;

/// <summary>
/// A live share (issue 17): each image is published under a name carrying its content hash, and the target's
/// OperatingSystems.xml names it. A client that read the previous OperatingSystems.xml applies the previous image,
/// holding it open as DISM does (sharing reads only) for the whole apply. Under Windows' sharing rules, switching the
/// image must neither wait for that client nor change its bytes, and a retired image goes once it is closed.
/// </summary>
[Trait("Semantics", "Windows")]
[Collection(ChildProcessCollection.Name)]
public sealed class LiveImageSwitchTests : IDisposable
{
    private static readonly TimeSpan Answer = TimeSpan.FromSeconds(60);

    /// <summary>Far below <see cref="BusyWait"/>, far above a publish of the sample under Wine (a tenth of a second).</summary>
    private static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(10);

    /// <summary>A publish that waited for the client would take this long.</summary>
    private static readonly TimeSpan BusyWait = TimeSpan.FromMinutes(15);

    private readonly TempDirectory _source = new();
    private readonly TempDirectory _cluster = new();

    /// <summary>The image's published path ('/'-separated), as the share's OperatingSystems.xml names it now.</summary>
    private string _image;

    private Child? _client;

    public LiveImageSwitchTests()
    {
        Shares.WriteSample(_source);
        _image = WriteImage(File.ReadAllBytes(_source[Shares.Image]), DateTime.UtcNow.AddDays(-1));
        var listener = new RecordingListener();
        Assert.True(Publish(listener, TimeSpan.FromHours(24)).Succeeded, string.Join(Environment.NewLine, listener.Diagnostics));
    }

    private string Target => _cluster["Distribution"];

    public void Dispose()
    {
        _client?.Dispose();
        _source.Dispose();
        _cluster.Dispose();
    }

    [Fact(Timeout = 180_000)]
    public async Task SwitchingTheImageWhileAClientAppliesTheOldOne_DoesNotWait_LeavesTheClientsBytes_AndNamesTheNewBytes()
    {
        CancellationToken cancellation = TestContext.Current.CancellationToken;
        string oldImage = _image;
        string oldHash = await ApplyTheImage(cancellation);

        await SwitchAtOnce(Shares.Bytes(seed: 2, length: 3 << 20), TimeSpan.FromHours(24), cancellation);

        Assert.Equal(oldHash, HashOnTarget(oldImage));
        Assert.Contains("\t" + oldImage + "\n", Retained());
        Assert.Empty(Shares.TempFiles(Target));
        await Release(oldHash, cancellation);
    }

    [Fact(Timeout = 240_000)]
    public async Task WithARetentionOfZero_AnImageAClientHoldsIsKeptWithoutWaiting_AndTheFirstPublishAfterItIsClosedDeletesIt()
    {
        CancellationToken cancellation = TestContext.Current.CancellationToken;
        string oldImage = _image;
        string oldHash = await ApplyTheImage(cancellation);

        // Retired by this very publish: kept whatever the retention.
        await SwitchAtOnce(Shares.Bytes(seed: 3, length: 3 << 20), TimeSpan.Zero, cancellation);
        Assert.Equal(oldHash, HashOnTarget(oldImage));

        // Expired, and held: Windows refuses the delete (a sharing violation); the image is left, and nobody waits.
        var holding = new RecordingListener();
        MirrorResult held = await PublishAtOnce(holding, TimeSpan.Zero, "the publish while the client holds the retired image", cancellation);
        Assert.True(held.Succeeded, string.Join(Environment.NewLine, holding.Timeline));
        Assert.Empty(holding.Diagnostics);
        Assert.Equal(0, held.Deleted);
        Assert.Contains(holding.Infos, i => i.Contains(oldImage + " is retired but a client holds it open"));
        Assert.Equal(oldHash, HashOnTarget(oldImage));
        Assert.Contains("\t" + oldImage + "\n", Retained());

        await Release(oldHash, cancellation);
        var after = new RecordingListener();
        MirrorResult cleared = await PublishAtOnce(after, TimeSpan.Zero, "the publish after the client closed the image", cancellation);
        Assert.True(cleared.Succeeded, string.Join(Environment.NewLine, after.Timeline));
        Assert.True(cleared.Deleted == 1, string.Join(Environment.NewLine, after.Timeline));
        Assert.False(File.Exists(OnTarget(oldImage)));
        Assert.Equal(string.Empty, Retained());
        Assert.Equal(Published(), Shares.Hashes(Target));
    }

    /// <summary>A client deploying from the target: it read OperatingSystems.xml and applies the image it names,
    /// held open as DISM holds it (sharing reads only).</summary>
    /// <returns>The hash of what the client read.</returns>
    private async Task<string> ApplyTheImage(CancellationToken cancellation)
    {
        string hash = HashOnTarget(_image);
        _client = Child.Start("--hold", OnTarget(_image), "Read");
        Assert.Equal("held " + hash, await _client.ReadLineAsync(Answer, cancellation));
        return hash;
    }

    /// <summary>The client is done: its second read of the image, from the same handle, is the first one's bytes.</summary>
    private async Task Release(string hash, CancellationToken cancellation)
    {
        _client!.Tell("release");
        Assert.Equal("released " + hash, await _client.ReadLineAsync(Answer, cancellation));
        Assert.True(_client.WaitForExit(Answer), "the client closes the image and ends");
    }

    /// <summary>A new image in the share, published without a wait or a warning: the target's OperatingSystems.xml
    /// names it, under its content's name, with its bytes.</summary>
    private async Task SwitchAtOnce(byte[] image, TimeSpan retention, CancellationToken cancellation)
    {
        _image = WriteImage(image, DateTime.UtcNow);
        var listener = new RecordingListener();
        MirrorResult switched = await PublishAtOnce(listener, retention, "the switch", cancellation);

        Assert.True(switched.Succeeded, string.Join(Environment.NewLine, listener.Timeline));
        Assert.Empty(listener.Diagnostics);   // no MDTS2013: nothing waited for the client
        Assert.Equal(_image, ImageNamedByTarget());
        Assert.Equal(Sha256(image), HashOnTarget(_image));
    }

    /// <summary>Puts an image version in the share as the build leaves it: the image, and OperatingSystems.xml naming
    /// it by its content (the first 12 hex digits of its SHA-256) in the Deployment Workbench's form.</summary>
    /// <param name="written">The OperatingSystems.xml's time: each version's has the same size.</param>
    /// <returns>The image's published path.</returns>
    private string WriteImage(byte[] image, DateTime written)
    {
        string published = $"Operating Systems/Windows 11 x64/sources/install.{Sha256(image).Substring(0, 12)}.wim";
        _source.WriteFile(Shares.Image, image);
        string xml = _source.WriteFile("Control/OperatingSystems.xml",
            Document(Os("Windows 11 Pro", ".\\" + published.Replace('/', '\\'), index: 6)));
        File.SetLastWriteTimeUtc(xml, written);
        return published;
    }

    private MirrorResult Publish(RecordingListener listener, TimeSpan retention) =>
        Shares.Publish(_source.Path, Target, listener, busyWait: BusyWait,
            publishedNames: new Dictionary<string, string> { [Shares.Image] = _image }, imageRetention: retention);

    /// <summary>A publish that must end within <see cref="AtOnce"/>: one waiting for a held file would take the
    /// <see cref="BusyWait"/>.</summary>
    private async Task<MirrorResult> PublishAtOnce(RecordingListener listener, TimeSpan retention, string what, CancellationToken cancellation)
    {
        var watch = Stopwatch.StartNew();
        Task<MirrorResult> publishing = Task.Run(() => Publish(listener, retention), cancellation);
        if (await Task.WhenAny(publishing, Task.Delay(AtOnce, cancellation)) != publishing)
        {
            Assert.Fail($"{what} did not end within {AtOnce.TotalSeconds:0} s:{Environment.NewLine}{string.Join(Environment.NewLine, listener.Timeline)}");
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{what}: {watch.Elapsed.TotalSeconds:0.00} s");
        return await publishing;
    }

    /// <summary>What the target's OperatingSystems.xml names, as a '/'-separated path.</summary>
    private string ImageNamedByTarget()
    {
        string xml = Shares.Text(Path.Combine(Target, "Control", "OperatingSystems.xml"));
        return Assert.Single(Regex.Matches(xml, @"<ImageFile>\.\\([^<]*)</ImageFile>").Cast<Match>()).Groups[1].Value.Replace('\\', '/');
    }

    /// <summary>What the target should hold: the share, its image under its published name.</summary>
    private SortedDictionary<string, string> Published()
    {
        SortedDictionary<string, string> files = Shares.Hashes(_source.Path);
        files[_image] = files[Shares.Image];
        files.Remove(Shares.Image);
        return files;
    }

    private string Retained() => Shares.Text(Path.Combine(Target, ImageRetention.RecordName));

    private string OnTarget(string relativePath) => Path.Combine(Target, relativePath.Replace('/', Path.DirectorySeparatorChar));

    private string HashOnTarget(string relativePath) => FileHasher.Hash(OnTarget(relativePath), CancellationToken.None);

    private static string Sha256(byte[] bytes)
    {
        using var sha = SHA256.Create();
        return string.Concat(sha.ComputeHash(bytes).Select(b => b.ToString("x2")));
    }
}
