using MdtShare.Build.Mirror;
using MdtShare.Build.Tests.Support;
using static MdtShare.Build.Tests.Images.WorkbenchXml;

namespace MdtShare.Build.Tests.Mirror;

/// <summary>Images published side by side: the engine publishes a share file under the name the build gave it.</summary>
public sealed partial class MirrorEngineTests
{
    private const string Image = "Operating Systems/W11/install.wim";
    private const string VersionedImage = "Operating Systems/W11/install.3f2a1b4c5d6e.wim";

    private MirrorResult PublishVersioned() => Publish(o => new MirrorOptions(o.SourceRoot, o.DestinationRoot)
    {
        Parallelism = o.Parallelism,
        PublishedNames = new Dictionary<string, string> { [Image] = VersionedImage },
    });

    [Fact]
    public void AFileWithAPublishedNameIsPublishedUnderItOnly_AndAnUnchangedOneIsNotCopiedAgain()
    {
        MirrorResult first = PublishVersioned();

        Assert.True(first.Succeeded, first.Abort?.Message);
        Assert.True(File.Exists(Path.Combine(Target, VersionedImage)));
        Assert.False(File.Exists(Path.Combine(Target, Image)));
        Assert.Equal(File.ReadAllBytes(Path.Combine(Source, Image)), File.ReadAllBytes(Path.Combine(Target, VersionedImage)));

        MirrorResult second = PublishVersioned();

        Assert.Equal((0, 0), (second.Copied, second.Updated));
    }

    [Fact]
    public void APublishedNameKeepsTheSharesNameAsItsHashCacheKey()
    {
        SourceTree tree = SourceTree.Create(_fs, Source, [], new ExcludeFilter(ExcludeFilter.Defaults), _ => false)
            .WithPublishedNames(new Dictionary<string, string> { [Image] = VersionedImage });

        TreeFile file = tree.Files[VersionedImage];

        Assert.DoesNotContain(Image, tree.Files.Keys);
        Assert.Equal(Path.Combine(Source, "Operating Systems", "W11", "install.wim"), file.FullPath);
        Assert.Equal(Image, tree.CacheKey(file));
    }

    private static string VersionOf(string h) => $"Operating Systems/W11/install.{h}.wim";

    /// <summary>The share as the build leaves it for one image version: the image, and OperatingSystems.xml naming
    /// it under its versioned name (the overlay's copy, here in the share itself).</summary>
    private MirrorResult PublishImage(string content, string h, TimeSpan? retention = null)
    {
        Trees.Write(Source, (Image, content));
        string xml = Path.Combine(Source, "Control", "OperatingSystems.xml");
        File.WriteAllBytes(xml, Document(Os("Windows 11 Pro", $@".\Operating Systems\W11\install.{h}.wim", 6)));

        // Each version's file has the same size: its time tells it apart, as a build's would.
        File.SetLastWriteTimeUtc(xml, new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(h[0]));
        return Publish(o => new MirrorOptions(o.SourceRoot, o.DestinationRoot)
        {
            Parallelism = o.Parallelism,
            PublishedNames = new Dictionary<string, string> { [Image] = VersionOf(h) },
            ImageRetention = retention ?? TimeSpan.FromHours(24),
        });
    }

    private string Record => File.ReadAllText(Path.Combine(Target, ImageRetention.RecordName));

    [Fact]
    public void ASwitchedImageIsKeptForItsRetention_FromThePublishThatRetiredIt_ThenDeleted()
    {
        Assert.True(PublishImage("23H2", "aaaaaaaaaaaa").Succeeded);
        _clock.Delay(TimeSpan.FromHours(3), default);

        MirrorResult switched = PublishImage("24H2", "bbbbbbbbbbbb");

        Assert.True(switched.Succeeded, switched.Abort?.Message);
        Assert.Equal(0, switched.Deleted);
        Assert.True(File.Exists(Path.Combine(Target, VersionOf("aaaaaaaaaaaa"))));
        Assert.Equal("24H2", File.ReadAllText(Path.Combine(Target, VersionOf("bbbbbbbbbbbb"))));
        Assert.Equal($"2026-11-26T15:00:00Z\t{VersionOf("aaaaaaaaaaaa")}\n", Record);
        Assert.Equal([new RetainedImage(VersionOf("aaaaaaaaaaaa"), new DateTime(2026, 11, 26, 15, 0, 0, DateTimeKind.Utc), Expired: false)], switched.RetainedImages);

        _clock.Delay(TimeSpan.FromHours(23), default);
        Assert.Equal(0, PublishImage("24H2", "bbbbbbbbbbbb").Deleted);
        Assert.True(File.Exists(Path.Combine(Target, VersionOf("aaaaaaaaaaaa"))));

        _clock.Delay(TimeSpan.FromHours(1), default);
        MirrorResult expired = PublishImage("24H2", "bbbbbbbbbbbb");

        Assert.True(expired.Deleted == 1, string.Join("\n", _listener.Infos.Concat(_listener.Details.Where(d => !d.StartsWith("Copied")))));
        Assert.False(File.Exists(Path.Combine(Target, VersionOf("aaaaaaaaaaaa"))));
        Assert.Equal(string.Empty, Record);
    }

    [Fact]
    public void ATargetThatPredatesVersionsKeepsItsPlainImageForClientsOfItsOldOperatingSystemsXml()
    {
        File.WriteAllBytes(Path.Combine(Source, "Control", "OperatingSystems.xml"), Document(Os("Windows 11 Pro", @".\Operating Systems\W11\install.wim", 6)));
        Assert.True(Publish().Succeeded);

        MirrorResult versioned = PublishImage("24H2", "bbbbbbbbbbbb");

        Assert.True(versioned.Succeeded, versioned.Abort?.Message);
        Assert.True(File.Exists(Path.Combine(Target, Image)));
        Assert.True(File.Exists(Path.Combine(Target, VersionOf("bbbbbbbbbbbb"))));
        Assert.EndsWith($"\t{Image}\n", Record);
    }

    [Fact]
    public void WithARetentionOfZeroTheNextPublishDeletesTheRetiredImage_UnlessAClientHoldsIt_WithoutWaiting()
    {
        Assert.True(PublishImage("23H2", "aaaaaaaaaaaa", TimeSpan.Zero).Succeeded);
        Assert.True(PublishImage("24H2", "bbbbbbbbbbbb", TimeSpan.Zero).Succeeded);
        Assert.True(File.Exists(Path.Combine(Target, VersionOf("aaaaaaaaaaaa"))));
        _fs.Fault = (operation, path) =>
        {
            if (operation == "DeleteFile" && path.EndsWith(VersionOf("aaaaaaaaaaaa").Split('/')[^1], StringComparison.Ordinal))
            {
                throw new IOException("Device or resource busy", 16);
            }
        };

        MirrorResult held = PublishImage("24H2", "bbbbbbbbbbbb", TimeSpan.Zero);

        Assert.True(held.Succeeded, held.Abort?.Message + string.Join("\n", _listener.Diagnostics));
        Assert.Equal(TimeSpan.Zero, _clock.TotalDelay);
        Assert.Contains(_listener.Infos, i => i.Contains("is retired but a client holds it open"));
        Assert.Contains(VersionOf("aaaaaaaaaaaa"), Record);
        _fs.Fault = null;

        Assert.Equal(1, PublishImage("24H2", "bbbbbbbbbbbb", TimeSpan.Zero).Deleted);
        Assert.False(File.Exists(Path.Combine(Target, VersionOf("aaaaaaaaaaaa"))));
    }

    /// <summary>A target published before image versions, whose install.wim holds the new version's bytes.</summary>
    private MirrorResult PublishPlainThenVersioned()
    {
        string xml = Path.Combine(Source, "Control", "OperatingSystems.xml");
        File.WriteAllBytes(xml, Document(Os("Windows 11 Pro", @".\Operating Systems\W11\install.wim", 6)));
        Assert.True(Publish().Succeeded);
        File.WriteAllBytes(xml, Document(Os("Windows 11 Pro", @".\Operating Systems\W11\install.cccccccccccc.wim", 6)));
        File.SetLastWriteTimeUtc(xml, new DateTime(2026, 11, 2, 0, 0, 0, DateTimeKind.Utc));
        return Publish(o => new MirrorOptions(o.SourceRoot, o.DestinationRoot)
        {
            Parallelism = o.Parallelism,
            PublishedNames = new Dictionary<string, string> { [Image] = VersionOf("cccccccccccc") },
        });
    }

    [Fact]
    public void APlainImageWithTheVersionsBytesIsLinkedToItsNewName_NotCopiedAgain_AndStaysForOldClients()
    {
        MirrorResult adopted = PublishPlainThenVersioned();

        Assert.True(adopted.Succeeded, adopted.Abort?.Message);
        Assert.Equal((1, 1), (adopted.Copied, adopted.Linked));
        Assert.True(adopted.BytesCopied < 300_000, $"{adopted.BytesCopied} bytes copied");
        FileSystemEntry plain = PhysicalFileSystem.Instance.GetEntry(Path.Combine(Target, Image))!;
        FileSystemEntry versioned = PhysicalFileSystem.Instance.GetEntry(Path.Combine(Target, VersionOf("cccccccccccc")))!;
        Assert.NotEqual(0, plain.FileId);
        Assert.Equal(plain.FileId, versioned.FileId);
        Assert.EndsWith($"\t{Image}\n", Record);
    }

    [Fact]
    public void ATargetThatCannotLinkGetsACopy()
    {
        _fs.Fault = (operation, _) =>
        {
            if (operation == "CreateHardLink")
            {
                throw new UnauthorizedAccessException("Operation not permitted");
            }
        };

        MirrorResult copied = PublishPlainThenVersioned();

        Assert.True(copied.Succeeded, copied.Abort?.Message);
        Assert.Equal((1, 0), (copied.Copied, copied.Linked));
        Assert.Equal(File.ReadAllBytes(Path.Combine(Source, Image)), File.ReadAllBytes(Path.Combine(Target, VersionOf("cccccccccccc"))));
        Assert.Contains(_listener.Details, d => d.Contains("cannot link it to Operating Systems/W11/install.wim (Operation not permitted); copied instead"));
    }
}
