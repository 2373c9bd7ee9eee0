using System.Text;
using MdtShare.Build.Tasks;
using MdtShare.Build.Tests.Support;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace MdtShare.Build.Tests.Tasks;

public sealed class ManifestTaskTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly FakeBuildEngine _engine;

    public ManifestTaskTests()
    {
        _engine = new FakeBuildEngine(_temp.Combine("deploymentshare.proj"));
        Trees.Write(_temp.Combine("share"), ("Control/Bootstrap.ini", "[Settings]"), ("Scripts/a.vbs", "a"));
        for (int i = 0; i < 15; i++)
        {
            Trees.Write(_temp.Combine("share"), ($"Tools/t{i:00}.dll", "t"));
        }
    }

    public void Dispose() => _temp.Dispose();

    private WriteShareManifest Writer() => NewWriter(_engine, _temp.Combine("bin", "DeploymentShare.sha256"));

    /// <summary>The task as the targets call it for a project with a share folder "share", its overlay in bin/overlay/.</summary>
    internal static WriteShareManifest NewWriter(FakeBuildEngine engine, string manifestFile)
    {
        var manifest = new TaskItem(manifestFile);
        manifest.SetMetadata("OverlayDirectories", "bin/overlay/");
        return new WriteShareManifest
        {
            BuildEngine = engine,
            ProjectFile = engine.ProjectFileOfTaskNode,
            DeploymentShare = "share",
            Manifests = [manifest],
            CacheFile = "obj/cache.txt",
        };
    }

    private VerifyShareHashes Verifier(string target = "target") => new()
    {
        BuildEngine = _engine,
        ProjectFile = _engine.ProjectFileOfTaskNode,
        Targets = [new TaskItem(target)],
        ShareManifest = "bin/DeploymentShare.sha256",
        ReportDirectory = "bin/verify",
    };

    [Fact]
    public void WritesTheManifestAndTheCache_ASecondRunHashesNothing()
    {
        Assert.True(Writer().Execute());
        Assert.True(File.Exists(_temp.Combine("bin", "DeploymentShare.sha256")));
        Assert.True(File.Exists(_temp.Combine("obj", "cache.txt")));

        Assert.True(Writer().Execute());

        Assert.Contains(_engine.Messages, m => m.Message!.Contains("(hashed 0 files, 0 B; 17 from the cache)") && m.Message.EndsWith("(unchanged)", StringComparison.Ordinal));
    }

    [Fact]
    public void AnUnchangedRebuildWritesNothing_AHandEditedOrDeletedManifestIsRestored()
    {
        string manifest = _temp.Combine("bin", "DeploymentShare.sha256");
        string cache = _temp.Combine("obj", "cache.txt");
        Assert.True(Writer().Execute());
        string original = File.ReadAllText(manifest);
        DateTime past = DateTime.UtcNow.AddHours(-1);
        File.SetLastWriteTimeUtc(manifest, past.AddMinutes(-1));
        File.SetLastWriteTimeUtc(cache, past);

        Assert.True(Writer().Execute());
        Assert.Equal((past.AddMinutes(-1), past), (File.GetLastWriteTimeUtc(manifest), File.GetLastWriteTimeUtc(cache)));

        File.AppendAllText(manifest, "0000000000000000000000000000000000000000000000000000000000000000  forged.txt\n");
        Assert.True(Writer().Execute());
        Assert.Equal(original, File.ReadAllText(manifest));

        File.Delete(manifest);
        Assert.True(Writer().Execute());
        Assert.Equal(original, File.ReadAllText(manifest));
    }

    [Fact]
    public void AFileLeavingTheShareRewritesManifestAndCache()
    {
        Assert.True(Writer().Execute());
        File.Delete(_temp.Combine("share", "Tools", "t03.dll"));

        Assert.True(Writer().Execute());

        Assert.DoesNotContain("Tools/t03.dll", File.ReadAllText(_temp.Combine("bin", "DeploymentShare.sha256")));
        Assert.DoesNotContain("Tools/t03.dll", File.ReadAllText(_temp.Combine("obj", "cache.txt")));
    }

    [Fact]
    public void NamesAWindowsShareCannotHoldFailTheBuildBeforeAnyManifest()
    {
        Trees.Write(_temp.Combine("share"), ("Tools/AUX.txt", "x"), ("Scripts/A.VBS", "dup"));

        Assert.False(Writer().Execute());

        Assert.Equal(["MDTS3001", "MDTS3002"], _engine.ErrorCodes.Order());
        Assert.False(File.Exists(_temp.Combine("bin", "DeploymentShare.sha256")));
    }

    [Fact]
    public void VerifyListsTheFirstTenPathsAndTheTotal_AndWritesAReport()
    {
        Assert.True(Writer().Execute());
        Directory.CreateDirectory(_temp.Combine("target"));
        Trees.Write(_temp.Combine("target"), ("Control/Bootstrap.ini", "[Settings]"), ("Scripts/a.vbs", "b"));

        VerifyShareHashes verify = Verifier();

        Assert.False(verify.Execute());
        Assert.Equal(["MDTS3005", "MDTS3008"], _engine.ErrorCodes.Order());
        BuildErrorEventArgs missing = _engine.Errors.Single(e => e.Code == "MDTS3005");
        Assert.StartsWith("15 file(s) missing on ", missing.Message);
        Assert.Contains("Tools/t00.dll, Tools/t01.dll", missing.Message);
        Assert.Contains(" and 5 more (see ", missing.Message);
        Assert.Equal((1, 16), (verify.FilesVerified, verify.FilesFailed));
        Assert.Contains("\"Tools/t14.dll\"", File.ReadAllText(_temp.Combine("bin", "verify", "verify-target.json")));
    }

    /// <summary>A share's setting can change after the publish: a scheduled verify checks it too, after the hashes.</summary>
    [Fact]
    public void VerifyAlsoChecksContinuousAvailability_AndRequiringItFailsOnATargetThatCannotShowIt()
    {
        Assert.True(Writer().Execute());
        Trees.Write(_temp.Combine("target"), ("Control/Bootstrap.ini", "[Settings]"));

        Assert.False(Verifier().Execute());
        Assert.DoesNotContain("MDTS2022", _engine.ErrorCodes);
        Assert.Contains(_engine.Messages, m => m.Message!.StartsWith("Continuous availability of target: unknown (", StringComparison.Ordinal));

        VerifyShareHashes required = Verifier();
        required.RequireContinuousAvailability = true;
        Assert.False(required.Execute());
        Assert.Contains("MDTS2022", _engine.ErrorCodes);
    }

    [Fact]
    public void MissingManifestIsACodedError()
    {
        Assert.False(Verifier().Execute());
        Assert.Equal(["MDTS3004"], _engine.ErrorCodes);
    }

    [Fact]
    public void HostileManifestIsRefusedWithoutOpeningAnything()
    {
        Directory.CreateDirectory(_temp.Combine("target"));
        _temp.WriteFile("bin/DeploymentShare.sha256", Encoding.UTF8.GetBytes(
            new string('0', 64) + "  ../share/Scripts/a.vbs\n" + new string('0', 64) + "  /etc/passwd\n"));

        Assert.False(Verifier().Execute());

        Assert.Equal(["MDTS3003", "MDTS3003"], _engine.ErrorCodes);
        Assert.Equal([1, 2], _engine.Errors.Select(e => e.LineNumber));
        Assert.False(Directory.Exists(_temp.Combine("bin", "verify")));
    }

    [Fact]
    public void AMissingTargetIsACodedError()
    {
        Assert.True(Writer().Execute());
        Assert.False(Verifier("nowhere").Execute());
        Assert.Contains("MDTS3010", _engine.ErrorCodes);
    }
}
