using System.Diagnostics;

namespace MdtShare.Build.EndToEndTests;

[Collection(PackageCollection.Name)]
public sealed class VerifyTests(PackageFixture package) : IDisposable
{
    private readonly TestProject _project = new(package);

    public void Dispose() => _project.Dispose();

    private void WriteShareAndProject()
    {
        _project.Write("share/Control/Bootstrap.ini", "[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nDeployRoot=\\\\MDT01\\DeploymentShare$\r\n");
        _project.Write("share/Scripts/LiteTouch.wsf", "<job/>");
        _project.Write("share/Operating Systems/W11/install.wim", new string('w', 70_000));
        _project.Write("share/Out-of-Box Drivers/Dell 7440/net driver/e1d.inf", "[Version]");
        _project.Write("share/Logs/server.log", "not published");
        _project.WriteSdkProject("""
              <PropertyGroup>
                <DeploymentShare>share</DeploymentShare>
                <DeployRoot>\\MDTCLUSTER\Distribution$</DeployRoot>
              </PropertyGroup>
              <ItemGroup>
                <PublishTarget Include="cluster" />
              </ItemGroup>
            """);
    }

    [Fact]
    public void BuildWritesTheManifest_ARebuildHashesNothing()
    {
        WriteShareAndProject();

        ProcessResult first = _project.Build("deploymentshare.proj");
        ProcessResult second = _project.Build("deploymentshare.proj");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("Manifest: 4 files", first.Output);
        Assert.Contains("(hashed 0 files, 0 B; 4 from the cache)", second.Output);
        string manifest = _project.Read("bin/DeploymentShare.sha256");
        Assert.Contains("  Control/Bootstrap.ini\n", manifest);
        Assert.DoesNotContain("Logs/", manifest);
    }

    [Fact]
    public void PublishEndsWithAQuickVerify_OrAFullOneOnRequest()
    {
        WriteShareAndProject();

        ProcessResult quick = _project.Build("deploymentshare.proj", "-t:Publish");
        ProcessResult full = _project.Build("deploymentshare.proj", "-t:Publish", "-p:MdtShareVerifyMode=Full");

        Assert.True(quick.ExitCode == 0, quick.ToString());
        Assert.Contains("Quick Verify ", quick.Output);
        Assert.Contains(": OK, 4 files match, 0 differ, 0 extra; 0 B hashed", quick.Output);
        Assert.True(full.ExitCode == 0, full.ToString());
        Assert.Contains("Full Verify ", full.Output);
        Assert.DoesNotContain(" 0 B hashed", full.Output);
    }

    [Fact]
    public void PublishThenVerifyPasses_Sha256sumAgrees_ATamperedTargetFailsWithItsCode()
    {
        WriteShareAndProject();
        Assert.Equal(0, _project.Build("deploymentshare.proj", "-t:Publish").ExitCode);

        ProcessResult verified = _project.Build("deploymentshare.proj", "-t:Verify");

        Assert.True(verified.ExitCode == 0, verified.ToString());
        Assert.Contains("Verify ", verified.Output);
        Assert.Contains(": OK, 4 files match", verified.Output);
        Assert.Equal(0, Sha256sum(_project.PathOf("cluster"), _project.PathOf("bin/DeploymentShare.sha256")));

        string wim = _project.PathOf("cluster/Operating Systems/W11/install.wim");
        DateTime time = File.GetLastWriteTimeUtc(wim);
        File.WriteAllText(wim, new string('x', 70_000));
        File.SetLastWriteTimeUtc(wim, time);

        ProcessResult drift = _project.Build("deploymentshare.proj", "-t:Verify");

        Assert.NotEqual(0, drift.ExitCode);
        Assert.Equal(["MDTS3008"], drift.ErrorCodes);
        Assert.Contains("Operating Systems/W11/install.wim", drift.Output);
        Assert.True(File.Exists(_project.PathOf("bin/verify/verify-cluster.json")));
    }

    /// <summary>An admin's copy tool or a restore puts a share file's size and last-write time back: the build hashes it
    /// again all the same (its change time moved), the publish copies it in either compare mode, and Verify holds
    /// the target to the new bytes only.</summary>
    [Theory]
    [InlineData("Timestamp")]
    [InlineData("Content")]
    public void AFileEditedWithItsSizeAndTimePutBack_IsRehashed_Published_AndVerified(string compare)
    {
        WriteShareAndProject();
        Assert.Equal(0, _project.Build("deploymentshare.proj", "-t:Publish", $"-p:MdtShareCompare={compare}").ExitCode);
        string script = _project.PathOf("share/Scripts/LiteTouch.wsf");
        DateTime time = File.GetLastWriteTimeUtc(script);
        File.WriteAllText(script, "<JOB/>");
        File.SetLastWriteTimeUtc(script, time);

        ProcessResult stale = _project.Build("deploymentshare.proj", "-t:Verify");

        Assert.Equal(["MDTS3008"], stale.ErrorCodes);
        Assert.Contains("(hashed 1 files, 6 B; 3 from the cache)", stale.Output);

        ProcessResult published = _project.Build("deploymentshare.proj", "-t:Publish", $"-p:MdtShareCompare={compare}");

        Assert.True(published.ExitCode == 0, published.ToString());
        Assert.Equal("<JOB/>", _project.Read("cluster/Scripts/LiteTouch.wsf"));
        ProcessResult verified = _project.Build("deploymentshare.proj", "-t:Verify");
        Assert.True(verified.ExitCode == 0, verified.ToString());
        Assert.Equal(0, Sha256sum(_project.PathOf("cluster"), _project.PathOf("bin/DeploymentShare.sha256")));
    }

    /// <summary>coreutils' `sha256sum -c` of the manifest in a folder: its exit code, within two minutes.</summary>
    internal static int Sha256sum(string directory, string manifest)
    {
        using Process process = Process.Start(new ProcessStartInfo("sha256sum", ["-c", "--strict", "--quiet", manifest]) { WorkingDirectory = directory })!;
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill();
            throw new TimeoutException($"sha256sum -c {manifest} in {directory} did not finish in 2 minutes.");
        }

        return process.ExitCode;
    }
}
