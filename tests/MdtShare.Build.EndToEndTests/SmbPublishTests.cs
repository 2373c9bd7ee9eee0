using MdtShare.Build.Tests.Shared;
using static MdtShare.Build.EndToEndTests.WorkbenchShare;

namespace MdtShare.Build.EndToEndTests;

/// <summary>
/// `dotnet build -t:Publish` and `-t:Verify` against a real SMB target (Samba on loopback, mounted through FUSE):
/// the sample share and a generated one, first publish, nothing to do, after a change; verified through the mount and
/// on the server's own disk, by our Verify and by coreutils' sha256sum. Every wait is bounded: each dotnet and
/// sha256sum process (<see cref="DotNet"/>, <see cref="VerifyTests.Sha256sum"/>), the server's start, and a hung mount
/// (the <see cref="SambaServer"/> watchdog).
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
        using (var report = System.Text.Json.JsonDocument.Parse(_project.Read("bin/publish-report.json")))
        {
            var availability = report.RootElement.GetProperty("targets")[0].GetProperty("continuousAvailability");
            Assert.Equal("unknown", availability.GetProperty("state").GetString());
            Assert.Contains("a FUSE mount (fuse.smbnetfs)", availability.GetProperty("detail").GetString());
        }

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

    /// <summary>
    /// Issue 17 on the SMB target, as <see cref="ImageVersionTests"/> on local disks: the Workbench-shaped share is
    /// published with MdtShareImageVersions through the mount (smbnetfs: whole-second times, a rename is an unlink and
    /// a rename, no fsync), and everything is checked on the server's own disk. Two changes of the install image keep
    /// both old versions (recorded in .mdtshare-retained); a publish with retention 0 leaves exactly the current images.
    /// </summary>
    [SkippableFact]
    public void ImageVersionsOnTheSmbShare_OldImagesStayThroughTwoChanges_ThenRetentionZeroLeavesExactlyTheCurrentOnes()
    {
        SambaServer samba = StartSamba();
        WorkbenchShare.Write(_project);
        WriteProjects(samba, "images", "<MdtShareImageVersions>true</MdtShareImageVersions>");
        string onServer = Path.Combine(samba.ServerFolder, "images");

        ProcessResult first = _project.Build("deploymentshare.proj", "-t:Publish");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(PublishedImages("23H2"), ImagesIn(onServer));
        AssertNamedByOperatingSystemsXml(onServer, "23H2");
        AssertVerifies(samba, "images");

        foreach (string release in new[] { "24H2", "25H2" })
        {
            WriteInstallImage(_project, release);
            ProcessResult changed = _project.Build("deploymentshare.proj", "-t:Publish");
            Assert.True(changed.ExitCode == 0, changed.ToString());
            Assert.Contains(" 1 copied, 1 updated, 0 deleted, ", changed.Output);
            AssertNamedByOperatingSystemsXml(onServer, release);
        }

        string[] old = [Versioned(FullSource, InstallImage("23H2")), Versioned(FullSource, InstallImage("24H2"))];
        Assert.Equal(PublishedImages("25H2").Concat(old).Order(StringComparer.Ordinal), ImagesIn(onServer));
        Assert.Equal(old.Order(StringComparer.Ordinal), RetainedOnServer(onServer));
        var (mounted, server) = AssertVerifies(samba, "images");
        Assert.Contains(", 2 retired image(s) kept", mounted.Output);
        Assert.Contains(", 2 retired image(s) kept", server.Output);

        ProcessResult cleaned = _project.Build("deploymentshare.proj", "-t:Publish", "-p:MdtShareImageRetentionHours=0");

        Assert.True(cleaned.ExitCode == 0, cleaned.ToString());
        Assert.Contains(" 0 copied, 0 updated, 2 deleted, ", cleaned.Output);
        Assert.Equal(PublishedImages("25H2"), ImagesIn(onServer));
        Assert.Empty(RetainedOnServer(onServer));
        AssertNamedByOperatingSystemsXml(onServer, "25H2");
        (mounted, server) = AssertVerifies(samba, "images");
        Assert.DoesNotContain("retired image(s) kept", mounted.Output + server.Output);
    }

    /// <summary>The images the server's .mdtshare-retained lists, sorted (none when it is empty or absent).</summary>
    private static List<string> RetainedOnServer(string onServer)
    {
        string record = Path.Combine(onServer, ".mdtshare-retained");
        return File.Exists(record)
            ? File.ReadAllLines(record).Where(l => l.Length > 0).Select(l => l.Substring(l.IndexOf('\t') + 1)).Order(StringComparer.Ordinal).ToList()
            : [];
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
    private void WriteProjects(SambaServer samba, string folder, string properties = "")
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
                    {properties}
                  </PropertyGroup>
                  <ItemGroup>
                    <PublishTarget Include="{Path.Combine(target, folder)}" />
                  </ItemGroup>
                </Project>
                """);
        }
    }

    /// <summary>Verify passes through the mount and on the server's disk, and so does sha256sum -c there; the two
    /// Verify results.</summary>
    private (ProcessResult Mounted, ProcessResult OnServer) AssertVerifies(SambaServer samba, string folder)
    {
        ProcessResult mounted = _project.Build("deploymentshare.proj", "-t:Verify");
        Assert.True(mounted.ExitCode == 0, mounted.ToString());
        ProcessResult onServer = _project.Build("server.proj", "-t:Verify");
        Assert.True(onServer.ExitCode == 0, onServer.ToString());
        Assert.Equal(0, VerifyTests.Sha256sum(Path.Combine(samba.ServerFolder, folder), _project.PathOf("bin/DeploymentShare.sha256")));
        return (mounted, onServer);
    }
}
