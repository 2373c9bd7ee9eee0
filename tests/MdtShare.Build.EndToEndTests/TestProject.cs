using System.Text;

namespace MdtShare.Build.EndToEndTests;

/// <summary>
/// A throwaway folder that looks like a user's repository: a nuget.config that sees only the local feed, a
/// global.json naming the packed version, a project, and a deployment share.
/// </summary>
public sealed class TestProject : IDisposable
{
    private readonly PackageFixture _package;
    private int _builds;

    public TestProject(PackageFixture package, bool globalJson = true)
    {
        _package = package;
        Root = Directory.CreateTempSubdirectory("mdtshare-e2e-").FullName;
        UseLocalFeed();
        if (globalJson)
        {
            File.WriteAllText(Path.Combine(Root, "global.json"), $$"""{ "msbuild-sdks": { "MdtShare.Build": "{{package.Version}}" } }""");
        }
    }

    public string Root { get; }

    /// <summary>A nuget.config that sees only the local feed, where the package under test is.</summary>
    public void UseLocalFeed() => File.WriteAllText(Path.Combine(Root, "nuget.config"), $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="local" value="{_package.Feed}" />
          </packageSources>
        </configuration>
        """);

    /// <summary>The build's environment. It always holds a credential the build is not meant to use, so every
    /// build's secret scan has something to look for.</summary>
    public Dictionary<string, string?> Environment { get; } = new() { ["MDT_UNUSED_PASSWORD"] = $"Unused-{Guid.NewGuid():N}" };

    public string PathOf(string relativePath) => Path.Combine([Root, .. relativePath.Split('/')]);

    public string Write(string relativePath, string text) => Write(relativePath, Encoding.Latin1.GetBytes(text));

    public string Write(string relativePath, byte[] bytes)
    {
        string path = PathOf(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public string Read(string relativePath) => Encoding.Latin1.GetString(File.ReadAllBytes(PathOf(relativePath)));

    /// <summary>An SDK-style deploymentshare.proj with the given body inside &lt;Project&gt;.</summary>
    public string WriteSdkProject(string body, string sdk = "MdtShare.Build") =>
        Write("deploymentshare.proj", $"<Project Sdk=\"{sdk}\">\n{body}\n</Project>\n");

    /// <summary>dotnet build as a CI agent runs it: classic console logger, minimal verbosity, no build servers.</summary>
    public ProcessResult Build(params string[] arguments) =>
        Dotnet(["build", "-tl:off", "-v:m", "-nodeReuse:false", "--disable-build-servers", .. arguments]);

    /// <summary>Runs the dotnet CLI in the project. An MSBuild command always writes a binlog, and fails the test
    /// when a secret it was given shows up where it must not (<see cref="SecretScan"/>).</summary>
    public ProcessResult Dotnet(params string[] arguments)
    {
        var environment = new Dictionary<string, string?>(Environment) { ["NUGET_PACKAGES"] = _package.PackagesCache };
        bool runsMsBuild = arguments.Length > 0 && arguments[0] is "build" or "publish" or "clean" or "msbuild";
        string? binlog = arguments.Select(a => a.StartsWith("-bl:", StringComparison.Ordinal) ? Path.Combine(Root, a[4..]) : null).LastOrDefault(a => a is not null);
        if (runsMsBuild && binlog is null)
        {
            binlog = Path.Combine(Root, ".binlogs", $"{++_builds}.binlog");
            arguments = [.. arguments, "-bl:" + binlog];
        }

        ProcessResult result = DotNet.Run(Root, environment, arguments);
        if (runsMsBuild)
        {
            IReadOnlyList<string> leaks = SecretScan.Leaks(Root, SecretScan.SecretsOf(Root, environment), result.Output, binlog);
            Assert.True(leaks.Count == 0, $"A secret given to 'dotnet {string.Join(' ', arguments)}' leaked into: {string.Join(", ", leaks)}");
        }

        return result;
    }

    public void Dispose()
    {
        if (System.Environment.GetEnvironmentVariable("MDTSHARE_KEEP_TEST_FOLDERS") == "1")
        {
            return;
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
