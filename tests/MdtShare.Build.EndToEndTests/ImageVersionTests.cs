using static MdtShare.Build.EndToEndTests.WorkbenchShare;

namespace MdtShare.Build.EndToEndTests;

/// <summary>
/// `dotnet build -t:Publish` with MdtShareImageVersions on a share shaped as the Workbench leaves it
/// (<see cref="WorkbenchShare"/>): a full-source OS whose install.wim two editions name, a captured image, and a split
/// .swm set. Each image is published under a name from its content; a changed image is published beside the old one,
/// which stays for the retention time.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class ImageVersionTests(PackageFixture package) : IDisposable
{
    private readonly TestProject _project = new(package);

    public void Dispose() => _project.Dispose();

    private void WriteShareAndProject()
    {
        WorkbenchShare.Write(_project);
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

    /// <summary>The images on the target: every .wim and .swm file under Operating Systems, relative and sorted.</summary>
    private List<string> ImagesOnTarget() => ImagesIn(_project.PathOf("cluster"));

    [Fact]
    public void ImagesArePublishedUnderNamesFromTheirContent_AndTheTargetPassesSha256sumAndVerify()
    {
        WriteShareAndProject();

        ProcessResult published = _project.Build("deploymentshare.proj", "-t:Publish");

        Assert.True(published.ExitCode == 0, published.ToString());
        Assert.Equal(PublishedImages("23H2"), ImagesOnTarget());
        AssertNamedByOperatingSystemsXml(_project.PathOf("cluster"), "23H2");
        Assert.Equal(0, VerifyTests.Sha256sum(_project.PathOf("cluster"), _project.PathOf("bin/DeploymentShare.sha256")));
        Assert.Equal(InstallImage("23H2"), File.ReadAllText(_project.PathOf("share/" + FullSource)));
    }

    [Fact]
    public void AfterTwoImageChangesTheOldImagesStay_AndAPublishWithRetentionZeroLeavesExactlyTheCurrentOnes()
    {
        WriteShareAndProject();
        Assert.True(_project.Build("deploymentshare.proj", "-t:Publish").ExitCode == 0);
        string first = Versioned(FullSource, InstallImage("23H2"));

        WriteInstallImage(_project, "24H2");
        string second24H2 = Versioned(FullSource, InstallImage("24H2"));
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
        WriteInstallImage(_project, "25H2");
        ProcessResult third = _project.Build("deploymentshare.proj", "-t:Publish");
        Assert.True(third.ExitCode == 0, third.ToString());

        string current = Versioned(FullSource, InstallImage("25H2"));
        Assert.Contains(first, ImagesOnTarget());
        Assert.Contains(Versioned(FullSource, InstallImage("24H2")), ImagesOnTarget());
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
