using MdtShare.Build.Manifest;
using MdtShare.Build.Mirror;
using MdtShare.Build.Tests.Support;
using MdtShare.Build.WindowsTests.Support;

namespace MdtShare.Build.WindowsTests;

/// <summary>Case-insensitive names, names Windows refuses, and read-only files, as the Win32 API treats them.</summary>
[Trait("Semantics", "Windows")]
public sealed class NamesAndCaseTests : IDisposable
{
    private readonly TempDirectory _source = new();
    private readonly TempDirectory _cluster = new();

    public NamesAndCaseTests() => Shares.WriteSample(_source);

    private string Target => _cluster["Distribution"];

    public void Dispose()
    {
        _source.Dispose();
        _cluster.Dispose();
    }

    [Fact]
    public void ATargetFileSpelledInAnotherCase_IsTheSameFile_UpdatedInPlace_NeverCopiedBesideOrDeleted()
    {
        Assert.True(Shares.Publish(_source.Path, Target, new RecordingListener()).Succeeded);
        string folder = Path.Combine(Target, "Scripts");
        File.Delete(Path.Combine(folder, "ZTIUtility.vbs"));
        File.WriteAllText(Path.Combine(folder, "ztiutility.VBS"), "an older ZTIUtility");
        Assert.True(File.Exists(Path.Combine(folder, "ZTIUtility.vbs")), "the Win32 API finds a name in any letter case");
        _source.WriteFile("Scripts/ZTIUtility.vbs", "' ZTIUtility, MDT 8456 with the 2024 fixes");
        var listener = new RecordingListener();

        MirrorResult result = Shares.Publish(_source.Path, Target, listener);

        Assert.True(result.Succeeded, string.Join(Environment.NewLine, listener.Diagnostics));
        Assert.Equal((0, 1, 0), (result.Copied, result.Updated, result.Deleted));
        string held = Assert.Single(Directory.GetFiles(folder), f => string.Equals(Path.GetFileName(f), "ZTIUtility.vbs", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("' ZTIUtility, MDT 8456 with the 2024 fixes", Shares.Text(held));
    }

    [Theory]
    [InlineData("con.txt")]
    [InlineData("a*b.vbs")]
    [InlineData("what?.txt")]
    [InlineData("a<b")]
    [InlineData("a>b")]
    [InlineData("a|b")]
    [InlineData("say \"hi\".txt")]
    [InlineData("trailing dot.")]
    [InlineData("trailing space ")]
    [InlineData("Windows 11 x64")]
    [InlineData("7z2408-x64.msi")]
    [InlineData("Pilote réseau ünïcode.inf")]
    [InlineData("setup.exe.config")]
    public void TheNamesTheBuildRejects_AreTheNamesWindowsCannotHold(string name)
    {
        bool usable;
        try
        {
            File.WriteAllText(Path.Combine(_cluster.Path, name), "x");
            usable = Directory.GetFiles(_cluster.Path).Select(Path.GetFileName).Contains(name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            usable = false;
        }

        Assert.Equal(usable, WindowsNames.Problem(name) is null);
    }

    [Fact]
    public void ReadOnlyTargetFiles_AreReplacedAndDeleted()
    {
        Assert.True(Shares.Publish(_source.Path, Target, new RecordingListener()).Succeeded);
        File.SetAttributes(Path.Combine(Target, "Scripts", "LiteTouch.wsf"), FileAttributes.ReadOnly);
        File.SetAttributes(Path.Combine(Target, "Scripts", "ZTIGather.xml"), FileAttributes.ReadOnly);
        _source.WriteFile("Scripts/LiteTouch.wsf", "<job id=\"LiteTouch\" version=\"2\"/>");
        File.Delete(_source["Scripts/ZTIGather.xml"]);
        var listener = new RecordingListener();

        MirrorResult result = Shares.Publish(_source.Path, Target, listener);

        Assert.True(result.Succeeded, string.Join(Environment.NewLine, listener.Diagnostics));
        Assert.Equal((1, 1), (result.Updated, result.Deleted));
        Assert.Equal(Shares.Hashes(_source.Path), Shares.Hashes(Target));
    }
}
