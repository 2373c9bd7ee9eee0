using System.Reflection;
using MdtShare.Build.Tasks;

namespace MdtShare.Build.Tests;

/// <summary>The package's contract is its tasks and their MSBuild properties: nothing else is public API.</summary>
public sealed class PublicSurfaceTests
{
    [Fact]
    public void OnlyTheTasksAndTheirBaseArePublic()
    {
        var exported = typeof(MdtShareTask).Assembly.GetExportedTypes().Select(t => t.Name).Order(StringComparer.Ordinal);

        Assert.Equal(
        [
            "CheckProjectSettings", "MdtShareTask", "MirrorDeploymentShare", "PatchBootImages", "PatchBootstrapIni", "ReplaceWdsBootImages", "ReportHostReferences",
            "ReviewBootPaths", "SelectPublishTargets", "VerifyShareHashes", "WriteShareManifest",
        ], exported);
    }

    /// <summary>A task's MSBuild parameters are its properties; a public field or constant would be API that no
    /// project can set.</summary>
    [Fact]
    public void TheTasksHaveNoPublicFields()
    {
        Assert.Empty(typeof(MdtShareTask).Assembly.GetExportedTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(f => f.DeclaringType!.Name + "." + f.Name));
    }
}
