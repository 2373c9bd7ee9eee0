using MdtShare.Build.Tests.Shared;

namespace MdtShare.Build.EndToEndTests;

/// <summary>
/// `dotnet build -t:Publish` and `-t:Verify` against a real SMB target (Samba on loopback, mounted through FUSE):
/// the sample share and a generated one, first publish, nothing to do, after a change; verified through the mount and
/// on the server's own disk, by our Verify and by coreutils' sha256sum.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class SmbPublishTests(PackageFixture package) : IDisposable
{
    private readonly TestProject _project = new(package);
    private SambaServer? _samba;

    public void Dispose()
    {
        _project.Dispose();
        _samba?.Dispose();
    }

    [SkippableFact]
    public void TheSampleIsPublishedToTheSmbShare_ThenNothingToDo_ThenOneChange_AndVerifies()
    {
        SambaServer samba = StartSamba();
        SampleTests.CopyDirectory(Path.Combine(package.RepositoryRoot, "samples", "deploymentshare", "DeploymentShare"), _project.PathOf("share"), []);
        WriteProjects(samba, "sample");

        ProcessResult first = _project.Build("deploymentshare.proj", "-t:Publish");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains(@"DeployRoot=\\MDTCLUSTER\Distribution$", File.ReadAllText(Path.Combine(samba.ServerFolder, "sample", "Control", "Bootstrap.ini")));

        ProcessResult noOp = _project.Build("deploymentshare.proj", "-t:Publish");
        Assert.True(noOp.ExitCode == 0, noOp.ToString());
        Assert.Contains(" 0 copied, 0 updated, 0 deleted, ", noOp.Output);

        File.AppendAllText(_project.PathOf("share/Scripts/ZTIUtility.vbs"), "\r\n' changed");
        ProcessResult changed = _project.Build("deploymentshare.proj", "-t:Publish");
        Assert.True(changed.ExitCode == 0, changed.ToString());
        Assert.Contains(" 0 copied, 1 updated, 0 deleted, ", changed.Output);

        AssertVerifies(samba, "sample");
    }

    [SkippableFact]
    public void AGeneratedShareOfAThousandFilesIsPublishedAndVerifiedOnTheServer()
    {
        SambaServer samba = StartSamba();
        SyntheticShare.Create(_project.PathOf("share"), files: 1000, bytes: 100L << 20, seed: 11);
        WriteProjects(samba, "generated");

        ProcessResult first = _project.Build("deploymentshare.proj", "-t:Publish");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains(" 1,000 copied, 0 updated, 0 deleted, 0 unchanged, 0 failed", first.Output);

        ProcessResult noOp = _project.Build("deploymentshare.proj", "-t:Publish");
        Assert.True(noOp.ExitCode == 0, noOp.ToString());
        Assert.Contains(" 0 copied, 0 updated, 0 deleted, 1,000 unchanged, 0 failed", noOp.Output);

        AssertVerifies(samba, "generated");
    }

    private SambaServer StartSamba()
    {
        string? missing = SambaServer.MissingPrerequisite();
        if (missing is not null && Environment.GetEnvironmentVariable("CI") == "true")
        {
            throw new InvalidOperationException($"The SMB tests cannot run on this CI machine: {missing}.");
        }

        Skip.If(missing is not null, $"SMB tests skipped: {missing}.");
        return _samba = SambaServer.Start();
    }

    /// <summary>deploymentshare.proj publishes to the share through the mount; server.proj names the same folder
    /// on the server's disk, for a Verify that does not go through the mount's caches.</summary>
    private void WriteProjects(SambaServer samba, string folder)
    {
        Directory.CreateDirectory(Path.Combine(samba.MountedShare, folder));
        foreach (var (project, target) in new[] { ("deploymentshare.proj", samba.MountedShare), ("server.proj", samba.ServerFolder) })
        {
            _project.Write(project, $"""
                <Project Sdk="MdtShare.Build">
                  <PropertyGroup>
                    <DeploymentShare>share</DeploymentShare>
                    <DeployRoot>\\MDTCLUSTER\Distribution$</DeployRoot>
                    <MdtShareAdoptExistingTarget>true</MdtShareAdoptExistingTarget>
                  </PropertyGroup>
                  <ItemGroup>
                    <PublishTarget Include="{Path.Combine(target, folder)}" />
                  </ItemGroup>
                </Project>
                """);
        }
    }

    private void AssertVerifies(SambaServer samba, string folder)
    {
        ProcessResult mounted = _project.Build("deploymentshare.proj", "-t:Verify");
        Assert.True(mounted.ExitCode == 0, mounted.ToString());
        ProcessResult onServer = _project.Build("server.proj", "-t:Verify");
        Assert.True(onServer.ExitCode == 0, onServer.ToString());
        Assert.Equal(0, VerifyTests.Sha256sum(Path.Combine(samba.ServerFolder, folder), _project.PathOf("bin/DeploymentShare.sha256")));
    }
}
