using System.Text;
using MdtShare.Build.Manifest;
using MdtShare.Build.Mirror;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.Manifest;

public sealed class HashCacheTests : IDisposable
{
    private const string Hash = "3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea";
    private static readonly TreeFile File1 = new("a/b.txt", "/s/a/b.txt", 12, new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), false, ChangeStamp: 5, FileId: 7);

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

    /// <summary>The change time and file id are what a user cannot put back: a file rewritten with its size and time
    /// restored, or a restored file, is hashed again.</summary>
    [Fact]
    public void AnotherSizeTimeChangeTimeOrFileIdIsAMiss()
    {
        HashCache loaded = HashCache.Load(SavedCache());
        Assert.False(loaded.TryGet("a/b.txt", File1 with { Length = 13 }, out _));
        Assert.False(loaded.TryGet("a/b.txt", File1 with { LastWriteTimeUtc = File1.LastWriteTimeUtc.AddTicks(1) }, out _));
        Assert.False(loaded.TryGet("a/b.txt", File1 with { ChangeStamp = 6 }, out _));
        Assert.False(loaded.TryGet("a/b.txt", File1 with { FileId = 8 }, out _));
    }

    [Fact]
    public void ACacheOfTheEarlierFormat_WithoutStamps_IsNotUsed()
    {
        byte[] body = Encoding.UTF8.GetBytes("mdtshare-hash-cache 1\n" + Hash + "\t12\t639000000000000000\ta/b.txt\n");
        string digest = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(body)).ToLowerInvariant();
        string path = _temp.WriteFile("cache.txt", [.. body, .. Encoding.UTF8.GetBytes($"end\t1\t{digest}\n")]);

        HashCache loaded = HashCache.Load(path);

        Assert.False(loaded.WasRebuilt);
        Assert.False(loaded.TryGet("a/b.txt", File1 with { LastWriteTimeUtc = new DateTime(639000000000000000, DateTimeKind.Utc), ChangeStamp = 0, FileId = 0 }, out _));
    }

    [Fact]
    public void StampsWithTheirHighBitSetRoundTrip()
    {
        HashCache cache = HashCache.Empty();
        TreeFile file = File1 with { ChangeStamp = long.MinValue + 3, FileId = -1 };
        cache.Set("a/b.txt", file, Hash);

        HashCache loaded = HashCache.Load(_temp.WriteFile("cache.txt", cache.ToBytes(["a/b.txt"])));

        Assert.True(loaded.TryGet("a/b.txt", file, out _));
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

    /// <summary>Lines a writer bug could produce, sealed with a valid count and digest: the parser itself must refuse them
    /// (the first line is the well-formed control).</summary>
    [Theory]
    [InlineData("\t12\t639000000000000000\t5\t7\ta/b.txt", false)]
    [InlineData("\t1x\t639000000000000000\t5\t7\ta/b.txt", true)]
    [InlineData("\t12\t639000000000000000\t99999999999999999999\t7\ta/b.txt", true)]
    [InlineData("\t12\t639000000000000000\t5\t18446744073709551616\ta/b.txt", true)]
    [InlineData("\t12\t639000000000000000\t5\t7\t", true)]
    [InlineData("\t12\t639000000000000000\ta/b.txt", true)]
    [InlineData("\t\t639000000000000000\t5\t7\ta/b.txt", true)]
    [InlineData(" 12\t639000000000000000\t5\t7\ta/b.txt", true)]
    public void MalformedLineUnderAValidDigestIsRebuiltNotTrusted(string afterHash, bool rebuilt)
    {
        byte[] body = Encoding.UTF8.GetBytes("mdtshare-hash-cache 2\n" + Hash + afterHash + "\n");
        string digest = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(body)).ToLowerInvariant();
        string path = _temp.WriteFile("cache.txt", [.. body, .. Encoding.UTF8.GetBytes($"end\t1\t{digest}\n")]);

        HashCache loaded = HashCache.Load(path);

        Assert.Equal(rebuilt, loaded.WasRebuilt);
        Assert.Equal(!rebuilt, loaded.TryGet("a/b.txt", File1 with { LastWriteTimeUtc = new DateTime(639000000000000000, DateTimeKind.Utc) }, out _));
    }

    [Fact]
    public void TheLargestTimeRoundTrips()
    {
        HashCache cache = HashCache.Empty();
        TreeFile latest = File1 with { LastWriteTimeUtc = DateTime.MaxValue };
        cache.Set("a/b.txt", latest, Hash);

        HashCache loaded = HashCache.Load(_temp.WriteFile("cache.txt", cache.ToBytes(["a/b.txt"])));

        Assert.False(loaded.WasRebuilt);
        Assert.True(loaded.TryGet("a/b.txt", latest, out _));
    }
}
