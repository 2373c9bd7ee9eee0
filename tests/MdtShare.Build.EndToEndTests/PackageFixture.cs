using System.Reflection;

namespace MdtShare.Build.EndToEndTests;

/// <summary>
/// Packs MdtShare.Build once per test run into the repository's local feed (artifacts/packages) and gives every
/// test the same private NuGet cache, so a fixed development version can never resolve to a stale package.
/// </summary>
public sealed class PackageFixture : IDisposable
{
    public PackageFixture()
    {
        var metadata = typeof(PackageFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value!);
        RepositoryRoot = metadata["RepositoryRoot"];
        Version = metadata["MdtShareVersion"];
        Feed = Path.Combine(RepositoryRoot, "artifacts", "packages");
        PackagesCache = Directory.CreateTempSubdirectory("mdtshare-e2e-nuget-").FullName;

        ProcessResult pack = DotNet.Run(RepositoryRoot, new Dictionary<string, string?>(),
            "pack", Path.Combine(RepositoryRoot, "src", "MdtShare.Build.Tasks", "MdtShare.Build.Tasks.csproj"),
            "-c", "Release", "-o", Feed, "-nologo", "-tl:off", "-v:q");
        if (pack.ExitCode != 0 || !File.Exists(PackagePath))
        {
            // Fail, never skip: without the package these tests would prove nothing.
            throw new InvalidOperationException($"Packing MdtShare.Build failed:\n{pack}");
        }
    }

    public string RepositoryRoot { get; }

    public string Version { get; }

    public string Feed { get; }

    public string PackagesCache { get; }

    public string PackagePath => Path.Combine(Feed, $"MdtShare.Build.{Version}.nupkg");

    public void Dispose()
    {
        try
        {
            Directory.Delete(PackagesCache, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackageFixture>
{
    public const string Name = "Packed MdtShare.Build";
}
