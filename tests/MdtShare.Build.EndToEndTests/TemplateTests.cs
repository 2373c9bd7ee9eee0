using System.Text.Json;

namespace MdtShare.Build.EndToEndTests;

/// <summary>dotnet new mdtshare, from the template package built here, installed into a private template hive.</summary>
[Collection(PackageCollection.Name)]
public sealed class TemplateTests(PackageFixture package) : IDisposable
{
    private readonly TestProject _project = new(package, globalJson: false);
    private readonly string _work = Directory.CreateTempSubdirectory("mdtshare-template-").FullName;

    public void Dispose()
    {
        _project.Dispose();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public void TheTemplateCreatesAShareRepositoryThatBuilds()
    {
        string templatePackage = PackTemplate();
        string hive = Path.Combine(_work, "hive");
        ProcessResult install = DotNet.Run(_work, new Dictionary<string, string?>(), "new", "install", templatePackage, "--debug:custom-hive", hive);
        Assert.True(install.ExitCode == 0, install.ToString());

        ProcessResult created = DotNet.Run(_work, new Dictionary<string, string?>(), "new", "mdtshare", "-o", _project.Root, "--force",
            "--share", "DeploymentShare", "--cluster", @"\\SITECLUSTER\Distribution$", "--debug:custom-hive", hive);

        Assert.True(created.ExitCode == 0, created.ToString());
        string samples = Path.Combine(package.RepositoryRoot, "samples", "pipelines");
        Assert.Equal(File.ReadAllText(Path.Combine(samples, "azure-pipelines.yml")), _project.Read("azure-pipelines.yml"));
        Assert.Equal(File.ReadAllText(Path.Combine(samples, "github-workflow.yml")), _project.Read(".github/workflows/deployment-share.yml"));
        Assert.Contains("nuget.org", _project.Read("nuget.config"));
        using (JsonDocument globalJson = JsonDocument.Parse(_project.Read("global.json")))
        {
            Assert.Equal(package.Version, globalJson.RootElement.GetProperty("msbuild-sdks").GetProperty("MdtShare.Build").GetString());
        }

        string project = _project.Read("deploymentshare.proj");
        Assert.Contains("<DeploymentShare>DeploymentShare</DeploymentShare>", project);
        Assert.Contains(@"<DeployRoot>\\SITECLUSTER\Distribution$</DeployRoot>", project);
        Assert.Contains(@"<PublishTarget Include=""\\SITECLUSTER\Distribution$"" Site=""newyork"" />", project);

        // The generated project builds against the package under test (this machine reaches no public feed for it).
        _project.UseLocalFeed();
        _project.Write("DeploymentShare/Control/Bootstrap.ini", "[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nDeployRoot=\\\\MDT01\\DeploymentShare$\r\n");
        _project.Write("DeploymentShare/Scripts/LiteTouch.wsf", "<job/>");

        ProcessResult build = _project.Build("deploymentshare.proj");

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Contains(@"DeployRoot=\\SITECLUSTER\Distribution$", _project.Read("bin/overlay/Control/Bootstrap.ini"));
        string stockholm = Assert.Single(Directory.GetDirectories(_project.PathOf("bin/targets")));
        Assert.Contains(@"DeployRoot=\\STOCLUSTER\Distribution$", File.ReadAllText(Path.Combine(stockholm, "overlay", "Control", "Bootstrap.ini")));
        Assert.True(File.Exists(_project.PathOf("bin/DeploymentShare.sha256")));
    }

    private string PackTemplate()
    {
        string output = Path.Combine(_work, "packages");
        ProcessResult pack = DotNet.Run(package.RepositoryRoot, new Dictionary<string, string?>(),
            "pack", Path.Combine(package.RepositoryRoot, "src", "MdtShare.Build.Templates", "MdtShare.Build.Templates.csproj"),
            "-c", "Release", "-o", output, "-nologo", "-tl:off", "-v:q");
        Assert.True(pack.ExitCode == 0, pack.ToString());
        return Path.Combine(output, $"MdtShare.Build.Templates.{package.Version}.nupkg");
    }
}
