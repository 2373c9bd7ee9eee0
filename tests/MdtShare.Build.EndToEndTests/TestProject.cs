using System.Text;

namespace MdtShare.Build.EndToEndTests;

/// <summary>
/// A throwaway folder that looks like a user's repository: a nuget.config that sees only the local feed, a
/// global.json naming the packed version, a project, and a deployment share.
/// </summary>
public sealed class TestProject : IDisposable
{
    private readonly PackageFixture _package;

    public TestProject(PackageFixture package, bool globalJson = true)
    {
        _package = package;
        Root = Directory.CreateTempSubdirectory("mdtshare-e2e-").FullName;
        File.WriteAllText(Path.Combine(Root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{package.Feed}" />
              </packageSources>
            </configuration>
            """);
        if (globalJson)
        {
            File.WriteAllText(Path.Combine(Root, "global.json"), $$"""{ "msbuild-sdks": { "MdtShare.Build": "{{package.Version}}" } }""");
        }
    }

    public string Root { get; }

    public Dictionary<string, string?> Environment { get; } = new();

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

    public ProcessResult Dotnet(params string[] arguments)
    {
        var environment = new Dictionary<string, string?>(Environment) { ["NUGET_PACKAGES"] = _package.PackagesCache };
        return DotNet.Run(Root, environment, arguments);
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
