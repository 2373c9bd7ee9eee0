using System.Security.Cryptography;
using System.Text;

namespace MdtShare.Build.EndToEndTests;

/// <summary>
/// `dotnet build -t:Publish` with MdtShareImageVersions on a share shaped as the Workbench leaves it: a full-source
/// OS whose install.wim two editions name, a captured image, and a split .swm set. Each image is published under a
/// name from its content; a changed image is published beside the old one, which stays for the retention time.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class ImageVersionTests(PackageFixture package) : IDisposable
{
    private const string FullSource = "Operating Systems/W11 x64/sources/install.wim";
    private const string Captured = "Operating Systems/Win11 Ref Capture/Win11 Ref Capture.wim";
    private const string SplitFolder = "Operating Systems/W10 Split/sources/";

    private readonly TestProject _project = new(package);

    public void Dispose() => _project.Dispose();

    /// <summary>One &lt;os&gt; entry as the Workbench writes it (the fields LiteTouch reads, CRLF, two-space indent).</summary>
    private static string Os(string name, string imageFile, int index) =>
        $"  <os guid=\"{{{Guid.NewGuid()}}}\" enable=\"True\">\r\n    <Name>{name}</Name>\r\n    <Platform>x64</Platform>\r\n"
        + $"    <IncludesSetup>True</IncludesSetup>\r\n    <ImageFile>{imageFile}</ImageFile>\r\n    <ImageIndex>{index}</ImageIndex>\r\n"
        + $"    <ImageName>{name}</ImageName>\r\n  </os>\r\n";

    private void WriteShareAndProject()
    {
        string xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<oss>\r\n"
            + Os("Windows 11 Education", @".\Operating Systems\W11 x64\sources\install.wim", 3)
            + Os("Windows 11 Pro", @".\Operating Systems\W11 x64\sources\install.wim", 6)
            + Os("Win11 Ref Capture", @".\Operating Systems\Win11 Ref Capture\Win11 Ref Capture.wim", 1)
            + Os("Windows 10 Enterprise", @".\Operating Systems\W10 Split\sources\install.swm", 3)
            + "</oss>\r\n";
        _project.Write("share/Control/OperatingSystems.xml", Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(xml)).ToArray());
        _project.Write("share/Control/Bootstrap.ini", "[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nDeployRoot=\\\\MDT01\\DeploymentShare$\r\n");
        _project.Write("share/Scripts/LiteTouch.wsf", "<job/>");
        _project.Write("share/" + FullSource, "W11 23H2, " + new string('w', 40_000));
        _project.Write("share/" + Captured, "captured reference, " + new string('c', 30_000));
        _project.Write("share/" + SplitFolder + "install.swm", "part 1, " + new string('1', 20_000));
        _project.Write("share/" + SplitFolder + "install2.swm", "part 2, " + new string('2', 20_000));
        _project.Write("share/" + SplitFolder + "install3.swm", "part 3, " + new string('3', 5_000));
        Directory.CreateDirectory(_project.PathOf("cluster"));
        _project.WriteSdkProject("""
              <PropertyGroup>
                <DeploymentShare>share</DeploymentShare>
                <DeployRoot>\\MDTCLUSTER\Distribution$</DeployRoot>
                <MdtShareImageVersions>true</MdtShareImageVersions>
              </PropertyGroup>
              <ItemGroup>
                <PublishTarget Include="cluster" />
              </ItemGroup>
            """);
    }

    private static string H(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content))).Substring(0, 12);

    private static string Versioned(string path, string content) => path.Substring(0, path.LastIndexOf('.')) + "." + H(content) + ".wim";

    /// <summary>The images on the target: every .wim and .swm file under Operating Systems, relative and sorted.</summary>
    private List<string> ImagesOnTarget() =>
        Directory.EnumerateFiles(_project.PathOf("cluster/Operating Systems"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(_project.PathOf("cluster"), f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void ImagesArePublishedUnderNamesFromTheirContent_AndTheTargetPassesSha256sumAndVerify()
    {
        WriteShareAndProject();

        ProcessResult published = _project.Build("deploymentshare.proj", "-t:Publish");

        Assert.True(published.ExitCode == 0, published.ToString());
        string split = H(string.Join("\n", new[] { "part 1, " + new string('1', 20_000), "part 2, " + new string('2', 20_000), "part 3, " + new string('3', 5_000) }
            .Select(p => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(p))))));
        Assert.Equal(
        [
            SplitFolder + split + ".install.swm", SplitFolder + split + ".install2.swm", SplitFolder + split + ".install3.swm",
            Versioned(FullSource, "W11 23H2, " + new string('w', 40_000)),
            Versioned(Captured, "captured reference, " + new string('c', 30_000)),
        ], ImagesOnTarget().Order(StringComparer.Ordinal));
        string xml = _project.Read("cluster/Control/OperatingSystems.xml");
        Assert.Contains($@"<ImageFile>.\Operating Systems\W10 Split\sources\{split}.install.swm</ImageFile>", xml);
        Assert.Equal(2, xml.Split(@"\sources\install." + H("W11 23H2, " + new string('w', 40_000)) + ".wim</ImageFile>").Length - 1);
        Assert.Equal(0, VerifyTests.Sha256sum(_project.PathOf("cluster"), _project.PathOf("bin/DeploymentShare.sha256")));
        Assert.Equal("W11 23H2, " + new string('w', 40_000), File.ReadAllText(_project.PathOf("share/" + FullSource)));
    }

    [Fact]
    public void AfterTwoImageChangesTheOldImagesStay_AndAPublishWithRetentionZeroLeavesExactlyTheCurrentOnes()
    {
        WriteShareAndProject();
        Assert.True(_project.Build("deploymentshare.proj", "-t:Publish").ExitCode == 0);
        string first = Versioned(FullSource, "W11 23H2, " + new string('w', 40_000));

        _project.Write("share/" + FullSource, "W11 24H2, " + new string('w', 40_000));
        string second24H2 = Versioned(FullSource, "W11 24H2, " + new string('w', 40_000));
        ProcessResult whatIf = _project.Build("deploymentshare.proj", "-t:Publish", "-p:MdtShareWhatIf=true", "-v:n");
        Assert.True(whatIf.ExitCode == 0, whatIf.ToString());
        Assert.Contains($"Would copy {second24H2} ", whatIf.Output);
        Assert.Contains($"{first} would stay for clients that read the previous OperatingSystems.xml", whatIf.Output);
        Assert.Contains("Would update Control/OperatingSystems.xml", whatIf.Output);
        Assert.DoesNotContain(second24H2, ImagesOnTarget());

        ProcessResult second = _project.Build("deploymentshare.proj", "-t:Publish");
        Assert.True(second.ExitCode == 0, second.ToString());
        string summary = _project.Read("bin/publish-summary.md");
        Assert.Contains($"| `{second24H2}` | new: clients that start now get it |", summary);
        Assert.Contains($"| `{first}` | retired 0.0 h ago, kept for clients that read the previous OperatingSystems.xml |", summary);
        _project.Write("share/" + FullSource, "W11 25H2, " + new string('w', 40_000));
        ProcessResult third = _project.Build("deploymentshare.proj", "-t:Publish");
        Assert.True(third.ExitCode == 0, third.ToString());

        string current = Versioned(FullSource, "W11 25H2, " + new string('w', 40_000));
        Assert.Contains(first, ImagesOnTarget());
        Assert.Contains(Versioned(FullSource, "W11 24H2, " + new string('w', 40_000)), ImagesOnTarget());
        Assert.Contains(current, ImagesOnTarget());
        Assert.Contains(" 0 deleted, ", third.Output);
        ProcessResult verified = _project.Build("deploymentshare.proj", "-t:Verify");
        Assert.True(verified.ExitCode == 0, verified.ToString());
        Assert.Contains("retired image(s) kept", verified.Output);

        ProcessResult cleaned = _project.Build("deploymentshare.proj", "-t:Publish", "-p:MdtShareImageRetentionHours=0");

        Assert.True(cleaned.ExitCode == 0, cleaned.ToString());
        Assert.Equal(5, ImagesOnTarget().Count);
        Assert.Contains(current, ImagesOnTarget());
        Assert.DoesNotContain(first, ImagesOnTarget());
        Assert.Equal(0, VerifyTests.Sha256sum(_project.PathOf("cluster"), _project.PathOf("bin/DeploymentShare.sha256")));
        Assert.True(_project.Build("deploymentshare.proj", "-t:Verify").ExitCode == 0);
    }
}
