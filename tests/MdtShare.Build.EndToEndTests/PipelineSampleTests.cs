using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace MdtShare.Build.EndToEndTests;

/// <summary>
/// The pipeline samples (also the files `dotnet new mdtshare` writes) parse as YAML, and every dotnet command they
/// run works: each is run, for each site they name, against a project with those sites.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class PipelineSampleTests(PackageFixture package) : IDisposable
{
    private readonly TestProject _project = new(package);

    public void Dispose() => _project.Dispose();

    private string Sample(string name) => Path.Combine(package.RepositoryRoot, "samples", "pipelines", name);

    private static YamlNode Load(string path)
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(path);
        yaml.Load(reader);
        return Assert.Single(yaml.Documents).RootNode;
    }

    /// <summary>Every scalar under the given keys, anywhere in the document.</summary>
    private static IEnumerable<string> ValuesOf(YamlNode node, params string[] keys) => node switch
    {
        YamlMappingNode map => map.Children.SelectMany(pair =>
            keys.Contains(((YamlScalarNode)pair.Key).Value) && pair.Value is YamlScalarNode scalar ? [scalar.Value!] : ValuesOf(pair.Value, keys)),
        YamlSequenceNode sequence => sequence.Children.SelectMany(child => ValuesOf(child, keys)),
        _ => [],
    };

    private static YamlNode At(YamlNode node, params string[] path) =>
        path.Aggregate(node, (current, key) => ((YamlMappingNode)current)[new YamlScalarNode(key)]);

    [Fact]
    public void GitHubAndAzureSamplesNameTheSameSites_AndRunTheSameCommands()
    {
        YamlNode github = Load(Sample("github-workflow.yml"));
        YamlNode azure = Load(Sample("azure-pipelines.yml"));

        var githubSites = ((YamlSequenceNode)At(github, "jobs", "publish", "strategy", "matrix", "site")).Children.Select(s => s.ToString());
        var azureSites = ((YamlSequenceNode)At(((YamlSequenceNode)At(azure, "parameters")).Children[0], "default")).Children.Select(s => At(s, "name").ToString());
        Assert.Equal(githubSites, azureSites);

        Assert.Equal(Commands(github, "${{ matrix.site }}"), Commands(azure, "${{ site.name }}"));
        Assert.Equal(["bin/**/*.sha256", "obj/mdtshare-hash-cache.txt"], ArtifactPaths(github));
        Assert.Equal(ArtifactPaths(github), ArtifactPaths(azure));
    }

    [Fact]
    public void EveryCommandTheSamplesRunWorks_AndTheArtifactTheyShareHoldsNoSecret()
    {
        YamlNode github = Load(Sample("github-workflow.yml"));
        var sites = ((YamlSequenceNode)At(github, "jobs", "publish", "strategy", "matrix", "site")).Children.Select(s => s.ToString()).ToList();
        _project.Write("DeploymentShare/Control/Bootstrap.ini", "[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nDeployRoot=\\\\MDT01\\DeploymentShare$\r\nUserID=MDT_BA\r\nUserPassword=\r\n");
        _project.Write("DeploymentShare/Scripts/LiteTouch.wsf", "<job/>");
        _project.WriteSdkProject($"""
              <PropertyGroup>
                <DeploymentShare>DeploymentShare</DeploymentShare>
                <DeployRoot>\\MDTCLUSTER\Distribution$</DeployRoot>
              </PropertyGroup>
              <ItemGroup>
                <BootstrapSetting Include="UserPassword" ValueFromEnvironment="MDT_CONNECT_PASSWORD" />
            {string.Join("\n", sites.Select(s => $"""    <PublishTarget Include="clusters/{s}" Site="{s}" />"""))}
              </ItemGroup>
            """);
        _project.Environment["MDT_CONNECT_PASSWORD"] = "Pipeline-Secret-42a7";

        // Where each site's cluster share is mounted (a missing mount point is an outage, not a folder to create).
        Directory.CreateDirectory(_project.PathOf("clusters"));

        var commands = Commands(github, "${{ matrix.site }}").ToList();
        Assert.Equal(3, commands.Count);
        foreach (string command in commands)
        {
            foreach (string site in command.Contains("{site}") ? sites : [string.Empty])
            {
                string[] arguments = command.Replace("{site}", site).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                Assert.Equal(["dotnet", "build", "deploymentshare.proj"], arguments[..3]);

                ProcessResult result = _project.Build(arguments[2..]);

                Assert.True(result.ExitCode == 0, $"{command.Replace("{site}", site)}\n{result}");
            }
        }

        Assert.All(sites, site => Assert.True(File.Exists(_project.PathOf($"clusters/{site}/Scripts/LiteTouch.wsf")), site));
        var shared = ArtifactPaths(github).SelectMany(pattern => Glob(pattern)).ToList();
        Assert.Contains(_project.PathOf("bin/DeploymentShare.sha256"), shared);
        Assert.Contains(_project.PathOf("obj/mdtshare-hash-cache.txt"), shared);
        Assert.All(shared, path => Assert.DoesNotContain("Pipeline-Secret-42a7", File.ReadAllText(path)));
    }

    /// <summary>The dotnet commands in run/script steps, with the site placeholder made neutral.</summary>
    private static IEnumerable<string> Commands(YamlNode pipeline, string sitePlaceholder) =>
        ValuesOf(pipeline, "run", "script").Where(c => c.StartsWith("dotnet ", StringComparison.Ordinal)).Select(c => c.Replace(sitePlaceholder, "{site}").Trim());

    /// <summary>What the build job hands to the site jobs: upload-artifact's path or CopyFiles' Contents.</summary>
    private static IEnumerable<string> ArtifactPaths(YamlNode pipeline) =>
        ValuesOf(pipeline, "path", "Contents").Where(v => v.Contains("sha256", StringComparison.Ordinal))
            .SelectMany(v => v.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private IEnumerable<string> Glob(string pattern)
    {
        var regex = new Regex("^" + Regex.Escape(pattern).Replace(@"\*\*/", "(.*/)?").Replace(@"\*", "[^/]*") + "$");
        return Directory.EnumerateFiles(_project.Root, "*", SearchOption.AllDirectories)
            .Where(path => regex.IsMatch(Path.GetRelativePath(_project.Root, path).Replace('\\', '/')));
    }
}
