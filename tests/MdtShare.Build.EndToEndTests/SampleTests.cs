using System.Text.Json;

namespace MdtShare.Build.EndToEndTests;

/// <summary>The bundled sample and the README's commands, run as a new user would.</summary>
[Collection(PackageCollection.Name)]
public sealed class SampleTests(PackageFixture package)
{
    private string SampleFolder => Path.Combine(package.RepositoryRoot, "samples", "deploymentshare");

    [Fact]
    public void SampleGlobalJsonNamesThePackedVersion()
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(SampleFolder, "global.json")));
        Assert.Equal(package.Version, json.RootElement.GetProperty("msbuild-sdks").GetProperty("MdtShare.Build").GetString());
    }

    [Fact]
    public void SampleBuildsOutsideTheRepository_OnlyDeployRootAndTheDeclaredSettingChange()
    {
        using var project = new TestProject(package);
        CopyDirectory(SampleFolder, project.Root, skip: ["bin", "obj", "nuget.config", "global.json"]);

        ProcessResult result = project.Build("deploymentshare.proj");

        Assert.True(result.ExitCode == 0, result.ToString());
        string source = project.Read("DeploymentShare/Control/Bootstrap.ini");
        Assert.Contains("\r\n", source);
        Assert.Equal(
            source.Replace(@"DeployRoot=\\MDT01\DeploymentShare$", @"DeployRoot=\\MDTCLUSTER\Distribution$").Replace("SkipBDDWelcome=NO", "SkipBDDWelcome=YES"),
            project.Read("bin/overlay/Control/Bootstrap.ini"));
    }

    /// <summary>The sample rewrites host references: its logging share, inside the deployment share, is published
    /// pointing into the cluster's share; its monitoring service stays on the MDT server and is reported; the publish
    /// summary says what clients end up with.</summary>
    [Fact]
    public void SampleRewriteMapsSLShareIntoTheClusterShare_AndTheSummaryTellsWhatClientsGet()
    {
        using var project = new TestProject(package);
        CopyDirectory(SampleFolder, project.Root, skip: ["bin", "obj", "nuget.config", "global.json"]);
        string proj = Path.Combine(project.Root, "deploymentshare.proj");
        File.WriteAllText(proj, File.ReadAllText(proj).Replace("\"../cluster-share\"", "\"cluster-share\"", StringComparison.Ordinal));

        ProcessResult result = project.Build("deploymentshare.proj", "-t:Publish");

        Assert.True(result.ExitCode == 0, result.ToString());
        string published = project.Read("cluster-share/Control/CustomSettings.ini");
        Assert.Equal(project.Read("DeploymentShare/Control/CustomSettings.ini").Replace(@"SLShare=\\MDT01\DeploymentShare$\Logs", @"SLShare=\\MDTCLUSTER\Distribution$\Logs"), published);
        Assert.Contains("EventService=http://MDT01:9800", published);
        Assert.Contains("warning MDTS1023", result.Output);
        Assert.Contains(@"### What clients of `\\MDTCLUSTER\Distribution$` end up with", project.Read("bin/publish-summary.md"));
        Assert.Contains(@"| any other client | Bootstrap.ini: Default; CustomSettings.ini: Default | `\\MDTCLUSTER\Distribution$` | `\\MDTCLUSTER\Distribution$\Logs` | none | `http://MDT01:9800` |",
            project.Read("bin/publish-summary.md"));
    }

    /// <summary>With wimlib the sample's boot image is made and patched too; in CI wimlib is installed, so the boot
    /// image is always checked there (elsewhere a machine without it checks the rest).</summary>
    [Fact]
    public void ReadmeSampleCommandWorksWithoutAManualPackStep()
    {
        bool checkBootImage = WimlibIsInstalled;
        Assert.True(checkBootImage || Environment.GetEnvironmentVariable("CI") != "true", "wimlib-imagex is missing in CI");
        string published = Path.Combine(package.RepositoryRoot, "samples", "cluster-share");
        if (Directory.Exists(published))
        {
            Directory.Delete(published, recursive: true);
        }

        ProcessResult result = DotNet.Run(package.RepositoryRoot, new Dictionary<string, string?>(),
            "build", "samples/run-sample.proj", "-nologo", "-tl:off", "-v:m");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(@"DeployRoot=\\MDTCLUSTER\Distribution$", File.ReadAllText(Path.Combine(published, "Control", "Bootstrap.ini")));
        if (checkBootImage)
        {
            Assert.Contains(@"Boot/LiteTouchPE_x64.wim (image 1): DeployRoot \\MDT01\DeploymentShare$ -> \\MDTCLUSTER\Distribution$", result.Output);
            Assert.Contains(@"DeployRoot=\\MDTCLUSTER\Distribution$", ExtractBootstrapIni(Path.Combine(published, "Boot", "LiteTouchPE_x64.wim")));
        }
        Assert.True(File.Exists(Path.Combine(published, "Out-of-Box Drivers", "Dell", "Latitude 7440", "Intel-Net_28.2_0a1b2c3d", "e1d68x64.inf")));
        Assert.False(Directory.Exists(Path.Combine(published, "Logs")));
    }

    [SkippableFact]
    public void SampleBootImageIsPatchedAndPublished()
    {
        Skip.IfNot(WimlibIsInstalled || Environment.GetEnvironmentVariable("CI") == "true", "wimlib-imagex not found: install the Debian package wimtools.");
        using var project = new TestProject(package);
        CopyDirectory(SampleFolder, project.Root, skip: ["bin", "obj", "nuget.config", "global.json"]);
        File.Delete(Path.Combine(project.Root, "DeploymentShare", "Boot", "LiteTouchPE_x64.wim"));
        ProcessResult capture = DotNet.RunTool("wimlib-imagex", project.Root, "capture", "BootImageSource", "DeploymentShare/Boot/LiteTouchPE_x64.wim", "Lite Touch Windows PE (x64)", "--boot");
        Assert.True(capture.ExitCode == 0, capture.ToString());
        project.Write("Directory.Build.targets", "<Project><ItemGroup><PublishTarget Remove=\"@(PublishTarget)\" /><PublishTarget Include=\"published\" /></ItemGroup></Project>");

        ProcessResult result = project.Build("deploymentshare.proj", "-t:Publish");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(@"Boot/LiteTouchPE_x64.wim (image 1): DeployRoot \\MDT01\DeploymentShare$ -> \\MDTCLUSTER\Distribution$", result.Output);
        string embedded = ExtractBootstrapIni(project.PathOf("published/Boot/LiteTouchPE_x64.wim"));
        Assert.Equal(project.Read("bin/overlay/Control/Bootstrap.ini").ReplaceLineEndings(), embedded.ReplaceLineEndings().TrimEnd() + Environment.NewLine);
        Assert.Contains("  Boot/LiteTouchPE_x64.wim\n", project.Read("bin/DeploymentShare.sha256"));

        // The publish report names the image's DeployRoot before and after, and what is left to do by hand.
        using (JsonDocument report = JsonDocument.Parse(project.Read("bin/publish-report.json")))
        {
            JsonElement image = report.RootElement.GetProperty("bootImages")[0];
            Assert.Equal("Boot/LiteTouchPE_x64.wim", image.GetProperty("path").GetString());
            Assert.Equal([@"\\MDT01\DeploymentShare$"], image.GetProperty("deployRootBefore").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal([@"\\MDTCLUSTER\Distribution$"], image.GetProperty("deployRootAfter").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal("Patched", image.GetProperty("outcome").GetString());
        }

        string summary = project.Read("bin/publish-summary.md");
        Assert.Contains(@"| `Boot/LiteTouchPE_x64.wim` (image 1) | `\\MDT01\DeploymentShare$` | `\\MDTCLUSTER\Distribution$` | Patched |", summary);
        Assert.Contains("### To do by hand\n\n- WDS keeps its own copy of each boot image.", summary);
        Assert.Contains("### Places that still name the MDT server", summary);

        // The Xorriso property reaches the task: a tool path that does not exist leaves an ISO stale (it would
        // otherwise take xorriso from PATH and fail on this fake ISO).
        project.Write("DeploymentShare/Boot/LiteTouchPE_x64.iso", "not an ISO");
        ProcessResult stale = project.Build("deploymentshare.proj", "-p:MdtShareXorriso=" + project.PathOf("no/xorriso"));
        Assert.True(stale.ExitCode == 0, stale.ToString());
        Assert.Contains("MDTS4008", stale.WarningCodes);
    }

    internal static bool WimlibIsInstalled =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Any(d => File.Exists(Path.Combine(d, "wimlib-imagex")));

    private static string ExtractBootstrapIni(string wim)
    {
        ProcessResult extract = DotNet.RunTool("wimlib-imagex", Path.GetDirectoryName(wim)!, "extract", wim, "1", "/Deploy/Scripts/Bootstrap.ini", "--to-stdout");
        Assert.True(extract.ExitCode == 0, extract.ToString());
        return extract.Output;
    }

    internal static void CopyDirectory(string from, string to, string[] skip)
    {
        foreach (string directory in Directory.GetDirectories(from).Where(d => !skip.Contains(Path.GetFileName(d))))
        {
            CopyDirectory(directory, Path.Combine(to, Path.GetFileName(directory)), []);
        }

        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from).Where(f => !skip.Contains(Path.GetFileName(f))))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
