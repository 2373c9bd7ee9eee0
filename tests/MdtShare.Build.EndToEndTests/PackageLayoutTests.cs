using System.IO.Compression;
using System.Xml.Linq;

namespace MdtShare.Build.EndToEndTests;

/// <summary>The only automated guard for the MSBuild.exe (net472) branch, which cannot run on this machine.</summary>
[Collection(PackageCollection.Name)]
public sealed class PackageLayoutTests(PackageFixture package)
{
    [Fact]
    public void PackageHoldsBothTaskAssembliesTheMSBuildFilesAndNoLib()
    {
        using ZipArchive zip = ZipFile.OpenRead(package.PackagePath);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet();

        Assert.Superset(new HashSet<string>
        {
            "tasks/net8.0/MdtShare.Build.Tasks.dll",
            "tasks/net472/MdtShare.Build.Tasks.dll",
            "build/MdtShare.Build.props",
            "build/MdtShare.Build.targets",
            "buildMultiTargeting/MdtShare.Build.props",
            "buildMultiTargeting/MdtShare.Build.targets",
            "Sdk/Sdk.props",
            "Sdk/Sdk.targets",
            "README.md",
            "LICENSE",
        }, entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) || e.StartsWith("ref/", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.StartsWith("tasks/", StringComparison.Ordinal) && e.EndsWith(".dll", StringComparison.Ordinal)
            && !e.EndsWith("/MdtShare.Build.Tasks.dll", StringComparison.Ordinal));
    }

    [Fact]
    public void NuspecIsADevelopmentDependencyWithoutDependencies()
    {
        using ZipArchive zip = ZipFile.OpenRead(package.PackagePath);
        using Stream stream = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        XElement metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");

        Assert.Equal("MdtShare.Build", Value(metadata, "id"));
        Assert.Equal(package.Version, Value(metadata, "version"));
        Assert.Equal("true", Value(metadata, "developmentDependency"));
        Assert.Equal("README.md", Value(metadata, "readme"));
        Assert.DoesNotContain(metadata.Elements(), e => e.Name.LocalName == "dependencies");
        Assert.Contains("MSBuildSdk", metadata.Descendants().Where(e => e.Name.LocalName == "packageType").Select(e => (string?)e.Attribute("name")));
    }

    [Fact]
    public void TargetsSelectTheTaskAssemblyByMSBuildRuntimeType_BehindOneOverridableProperty()
    {
        using ZipArchive zip = ZipFile.OpenRead(package.PackagePath);
        using var reader = new StreamReader(zip.GetEntry("build/MdtShare.Build.targets")!.Open());
        string targets = reader.ReadToEnd();

        Assert.Contains("'$(MdtShareTasksAssembly)' == '' and '$(MSBuildRuntimeType)' == 'Core'\">$(MSBuildThisFileDirectory)../tasks/net8.0/MdtShare.Build.Tasks.dll", targets);
        Assert.Contains("'$(MdtShareTasksAssembly)' == ''\">$(MSBuildThisFileDirectory)../tasks/net472/MdtShare.Build.Tasks.dll", targets);
        Assert.Contains("AssemblyFile=\"$(MdtShareTasksAssembly)\"", targets);
    }

    private static string? Value(XElement metadata, string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
}
