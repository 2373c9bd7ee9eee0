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
}
