using MdtShare.Build.IO;
using MdtShare.Build.Tasks;
using MdtShare.Build.Tests.Support;
using MdtShare.Build.WindowsTests.Support;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace MdtShare.Build.WindowsTests;

/// <summary>The tasks as the build runs them, from the assembly this host loads: the net8.0 build under Wine, the
/// net472 build (MSBuild.exe's) under Mono and on the .NET Framework.</summary>
[Collection(ChildProcessCollection.Name)]
public sealed class TaskTests : IDisposable
{
    private const string Bootstrap = "[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nDeployRoot=\\\\MDT01\\DeploymentShare$\r\nSkipBDDWelcome=NO\r\n";

    private readonly TempDirectory _project = new();
    private readonly FakeBuildEngine _engine;

    public TaskTests()
    {
        _engine = new FakeBuildEngine(_project["deploymentshare.proj"]);
        Shares.WriteSample(_project["DeploymentShare"]);
        _project.WriteFile("DeploymentShare/Control/Bootstrap.ini", Bootstrap);
        Directory.CreateDirectory(_project["cluster"]);
    }

    public void Dispose() => _project.Dispose();

    [Fact]
    public void TheBuildAndPublishTasks_PatchBootstrapIni_WriteTheManifest_Publish_AndVerify()
    {
        var target = new TaskItem("cluster/Distribution", new Dictionary<string, string> { ["ShareManifest"] = "bin/DeploymentShare.sha256" });
        Run(new PatchBootstrapIni
        {
            DeploymentShare = "DeploymentShare",
            OverlayDirectory = "bin/overlay",
            DeployRoot = @"\\MDTCLUSTER\Distribution$",
            Settings = [new TaskItem("SkipBDDWelcome", new Dictionary<string, string> { ["Value"] = "YES" })],
        });
        Run(new WriteShareManifest
        {
            DeploymentShare = "DeploymentShare",
            Manifests = [new TaskItem("bin/DeploymentShare.sha256", new Dictionary<string, string> { ["OverlayDirectories"] = "bin/overlay" })],
            CacheFile = "obj/hashes.cache",
        });
        var mirror = Run(new MirrorDeploymentShare { DeploymentShare = "DeploymentShare", OverlayDirectory = "bin/overlay", Targets = [target] });
        var verify = Run(new VerifyShareHashes { Targets = [target], ShareManifest = "bin/DeploymentShare.sha256" });

        Assert.Equal(
            "[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nDeployRoot=\\\\MDTCLUSTER\\Distribution$\r\nSkipBDDWelcome=YES\r\n",
            Shares.Text(_project["cluster/Distribution/Control/Bootstrap.ini"]));
        Assert.Equal(Shares.Layout.Length + 1, mirror.Copied);
        Assert.Equal(Shares.Layout.Length + 1, verify.FilesVerified);
        Assert.Empty(_engine.Warnings);

        byte[] edited = File.ReadAllBytes(_project["cluster/Distribution/Scripts/ZTIUtility.vbs"]);
        edited[0] ^= 0x20;
        File.WriteAllBytes(_project["cluster/Distribution/Scripts/ZTIUtility.vbs"], edited);
        var drifted = new VerifyShareHashes { Targets = [target], ShareManifest = "bin/DeploymentShare.sha256" };
        Assert.False(Attach(drifted).Execute());
        Assert.Equal(["MDTS3008"], _engine.ErrorCodes);
    }

    [Fact]
    public void AToolGetsItsArgumentsExactly_AsTheHostsProcessStartPassesThem()
    {
        string[] arguments = ["plain", "with space", "say \"hi\"", "tab\there", string.Empty, "trailing\\ space \\", "--set=a=b"];
        var (program, prefix) = Child.Program();

        byte[] output = ToolProcess.Run(program, [.. prefix, "--echo-args", .. arguments], new Dictionary<string, string>(), out int exitCode, out string errors, TestContext.Current.CancellationToken);

        Assert.Equal((0, string.Empty), (exitCode, errors));
        Assert.Equal(arguments.Select(a => "[" + a + "]"), System.Text.Encoding.UTF8.GetString(output).Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries));
    }

    private T Run<T>(T task)
        where T : Microsoft.Build.Utilities.Task
    {
        Assert.True(Attach(task).Execute(), string.Join(Environment.NewLine, _engine.Errors.Select(e => e.Code + ": " + e.Message)));
        return task;
    }

    private T Attach<T>(T task)
        where T : Microsoft.Build.Utilities.Task
    {
        task.BuildEngine = _engine;
        typeof(T).GetProperty("ProjectFile")!.SetValue(task, _engine.ProjectFileOfTaskNode);
        return task;
    }
}
