using System.Security.Cryptography;
using System.Text;
using MdtShare.Build.Tasks;
using MdtShare.Build.Tests.Support;
using static MdtShare.Build.Tests.Images.WorkbenchXml;

namespace MdtShare.Build.Tests.Tasks;

/// <summary>WriteShareManifest with MdtShareImageVersions: the manifest describes the share as published, each image
/// under a name from its content and the overlay's OperatingSystems.xml naming it.</summary>
public sealed class ImageVersionsTaskTests : IDisposable
{
    private const string Install = "Operating Systems/W11 x64/sources/install.wim";
    private const string Capture = "Operating Systems/Win11 Ref Capture/Win11 Ref Capture.wim";

    private readonly TempDirectory _temp = new();
    private readonly FakeBuildEngine _engine;

    public ImageVersionsTaskTests()
    {
        _engine = new FakeBuildEngine(_temp.Combine("deploymentshare.proj"));
        _temp.WriteFile("share/Control/OperatingSystems.xml", Document(
            Os("Windows 11 Education", @".\Operating Systems\W11 x64\sources\install.wim", 3),
            Os("Windows 11 Pro", @".\Operating Systems\W11 x64\sources\install.wim", 6),
            Os("Win11 Ref Capture", @".\Operating Systems\Win11 Ref Capture\Win11 Ref Capture.wim")));
        _temp.WriteFile("share/Control/Bootstrap.ini", "[Settings]\r\nPriority=Default\r\n");
        _temp.WriteFile("share/" + Install, "W11 23H2, editions 3 and 6");
        _temp.WriteFile("share/" + Capture, "captured reference");
    }

    public void Dispose() => _temp.Dispose();

    private WriteShareManifest Writer(bool imageVersions = true)
    {
        WriteShareManifest writer = ManifestTaskTests.NewWriter(_engine, _temp.Combine("bin", "DeploymentShare.sha256"));
        writer.ImageVersions = imageVersions;
        writer.OverlayDirectory = "bin/overlay/";
        return writer;
    }

    private static string Versioned(string path, string content) =>
        path.Substring(0, path.LastIndexOf('.')) + "." + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content))).Substring(0, 12) + ".wim";

    /// <summary>The manifest's hash lines (its header and size comments left out), by path.</summary>
    private Dictionary<string, string> Manifest() => File.ReadAllLines(_temp.Combine("bin", "DeploymentShare.sha256"))
        .Where(l => !l.StartsWith('#')).ToDictionary(l => l.Substring(66), l => l.Substring(0, 64));

    [Fact]
    public void TheManifestListsEachImageUnderItsVersionedName_AndTheOverlaysOperatingSystemsXml()
    {
        WriteShareManifest writer = Writer();

        Assert.True(writer.Execute());

        string install = Versioned(Install, "W11 23H2, editions 3 and 6");
        string capture = Versioned(Capture, "captured reference");
        Dictionary<string, string> manifest = Manifest();
        Assert.Contains(install, manifest.Keys);
        Assert.Contains(capture, manifest.Keys);
        Assert.DoesNotContain(Install, manifest.Keys);
        byte[] overlayXml = File.ReadAllBytes(_temp.Combine("bin", "overlay", "Control", "OperatingSystems.xml"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(overlayXml)), manifest["Control/OperatingSystems.xml"]);
        Assert.Equal(2, Encoding.UTF8.GetString(overlayXml).Split(@"\sources\" + install.Split('/')[^1]).Length - 1);
        Assert.Equal([(Install, install), (Capture, capture)],
            writer.PublishedNames.Select(n => (n.ItemSpec, n.GetMetadata("PublishedAs"))).OrderBy(n => n.ItemSpec, StringComparer.Ordinal));
        // Each image is read once: hashed to name it, then taken from the cache by the manifest.
        Assert.Contains(_engine.Messages, m => m.Message!.Contains("(hashed 2 files") && m.Message.Contains("; 2 from the cache)"));
    }

    [Fact]
    public void ARebuildHashesNothing_AndAChangedImageGetsANewName()
    {
        Assert.True(Writer().Execute());
        Assert.True(Writer().Execute());
        Assert.Contains(_engine.Messages, m => m.Message!.Contains("(hashed 0 files, 0 B; 4 from the cache)"));

        _temp.WriteFile("share/" + Install, "W11 24H2, editions 3 and 6");
        Assert.True(Writer().Execute());

        Assert.Contains(Versioned(Install, "W11 24H2, editions 3 and 6"), Manifest().Keys);
        Assert.Contains(Versioned(Capture, "captured reference"), Manifest().Keys);
    }

    [Fact]
    public void TurnedOffTheImagesKeepTheirNames_AndTheOverlayCopyOfAnEarlierBuildIsRemoved()
    {
        Assert.True(Writer().Execute());

        WriteShareManifest writer = Writer(imageVersions: false);
        Assert.True(writer.Execute());

        Assert.Contains(Install, Manifest().Keys);
        Assert.False(File.Exists(_temp.Combine("bin", "overlay", "Control", "OperatingSystems.xml")));
        Assert.Empty(writer.PublishedNames);
    }

    [Fact]
    public void QuestionModeTellsTheOverlayCopyIsDue_AndWritesNothing()
    {
        WriteShareManifest writer = Writer();
        writer.FailIfNotIncremental = true;

        Assert.False(writer.Execute());

        Assert.Contains(_engine.Errors, e => e.Code == "MDTS5002" && e.Message!.Contains("OperatingSystems.xml would be written"));
        Assert.False(File.Exists(_temp.Combine("bin", "overlay", "Control", "OperatingSystems.xml")));
    }
}
