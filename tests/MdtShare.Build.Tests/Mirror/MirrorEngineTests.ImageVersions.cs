using MdtShare.Build.Mirror;
using MdtShare.Build.Tests.Support;

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
}
