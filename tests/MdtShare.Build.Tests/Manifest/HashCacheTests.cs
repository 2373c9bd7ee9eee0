using System.Text;
using MdtShare.Build.Manifest;
using MdtShare.Build.Mirror;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.Manifest;

public sealed class HashCacheTests : IDisposable
{
    private const string Hash = "3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea";
    private static readonly TreeFile File1 = new("a/b.txt", "/s/a/b.txt", 12, new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), false);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string SavedCache()
    {
        HashCache cache = HashCache.Empty();
        cache.Set("a/b.txt", File1, Hash);
        cache.Set("gone.txt", File1 with { RelativePath = "gone.txt" }, Hash);
        return _temp.WriteFile("cache.txt", cache.ToBytes(["a/b.txt"]));
    }

    [Fact]
    public void SavedEntriesAreFoundAgain_ForgottenOnesAreNot()
    {
        HashCache loaded = HashCache.Load(SavedCache());

        Assert.False(loaded.WasRebuilt);
        Assert.True(loaded.TryGet("a/b.txt", File1, out string hash));
        Assert.Equal(Hash, hash);
        Assert.False(loaded.TryGet("gone.txt", File1, out _));
    }

    [Fact]
    public void AnotherSizeOrTimeIsAMiss()
    {
        HashCache loaded = HashCache.Load(SavedCache());
        Assert.False(loaded.TryGet("a/b.txt", File1 with { Length = 13 }, out _));
        Assert.False(loaded.TryGet("a/b.txt", File1 with { LastWriteTimeUtc = File1.LastWriteTimeUtc.AddTicks(1) }, out _));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(60)]
    [InlineData(-2)]
    public void TruncatedCacheIsRebuiltNotTrusted(int keep)
    {
        string path = SavedCache();
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(keep > 0 ? keep : bytes.Length + keep)]);

        HashCache loaded = HashCache.Load(path);

        Assert.True(loaded.WasRebuilt);
        Assert.False(loaded.TryGet("a/b.txt", File1, out _));
    }

    [Fact]
    public void CorruptCacheIsRebuiltNotTrusted()
    {
        string path = SavedCache();
        string text = File.ReadAllText(path).Replace(Hash, Hash.Replace('3', '4'));
        File.WriteAllText(path, text, new UTF8Encoding(false));

        HashCache loaded = HashCache.Load(path);

        Assert.True(loaded.WasRebuilt);
        Assert.False(loaded.TryGet("a/b.txt", File1, out _));
    }
}
