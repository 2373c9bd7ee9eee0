using System.Text.Json;

namespace MdtShare.Build.EndToEndTests;

/// <summary>The bundled sample and the README's commands, run as a new user would.</summary>
[Collection(PackageCollection.Name)]
public sealed class SampleTests(PackageFixture package)
{
    private string SampleFolder => Path.Combine(package.RepositoryRoot, "samples", "deploymentshare");

    [Fact]
    public void SampleGlobalJsonNamesThePackedVersion()
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(SampleFolder, "global.json")));
        Assert.Equal(package.Version, json.RootElement.GetProperty("msbuild-sdks").GetProperty("MdtShare.Build").GetString());
    }

    [Fact]
    public void SampleBuildsOutsideTheRepository_OnlyDeployRootAndTheDeclaredSettingChange()
    {
        using var project = new TestProject(package);
        CopyDirectory(SampleFolder, project.Root, skip: ["bin", "obj", "nuget.config", "global.json"]);

        ProcessResult result = project.Build("deploymentshare.proj");

        Assert.True(result.ExitCode == 0, result.ToString());
        string source = project.Read("DeploymentShare/Control/Bootstrap.ini");
        Assert.Contains("\r\n", source);
        Assert.Equal(
            source.Replace(@"DeployRoot=\\MDT01\DeploymentShare$", @"DeployRoot=\\MDTCLUSTER\Distribution$").Replace("SkipBDDWelcome=NO", "SkipBDDWelcome=YES"),
            project.Read("bin/overlay/Control/Bootstrap.ini"));
    }

    [Fact]
    public void ReadmeSampleCommandWorksWithoutAManualPackStep()
    {
        string published = Path.Combine(package.RepositoryRoot, "samples", "cluster-share");
        if (Directory.Exists(published))
        {
            Directory.Delete(published, recursive: true);
        }

        ProcessResult result = DotNet.Run(package.RepositoryRoot, new Dictionary<string, string?>(),
            "build", "samples/run-sample.proj", "-nologo", "-tl:off", "-v:m");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(@"DeployRoot=\\MDTCLUSTER\Distribution$", File.ReadAllText(Path.Combine(published, "Control", "Bootstrap.ini")));
        Assert.True(File.Exists(Path.Combine(published, "Out-of-Box Drivers", "Dell", "Latitude 7440", "Intel-Net_28.2_0a1b2c3d", "e1d68x64.inf")));
        Assert.False(Directory.Exists(Path.Combine(published, "Logs")));
    }

    private static void CopyDirectory(string from, string to, string[] skip)
    {
        foreach (string directory in Directory.GetDirectories(from).Where(d => !skip.Contains(Path.GetFileName(d))))
        {
            CopyDirectory(directory, Path.Combine(to, Path.GetFileName(directory)), []);
        }

        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from).Where(f => !skip.Contains(Path.GetFileName(f))))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
