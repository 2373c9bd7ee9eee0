using System.Text;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.Tasks;
using MdtShare.Build.Tests.Support;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace MdtShare.Build.Tests.Tasks;

public sealed class PatchBootstrapIniTests : IDisposable
{
    private const string Cluster = @"\\MDTCLUSTER\Distribution$";
    private const string Source = "[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nDeployRoot=\\\\MDT01\\DeploymentShare$\r\nUserPassword=\r\n";

    private readonly TempDirectory _temp = new();
    private readonly FakeBuildEngine _engine;
    private readonly string _overlay;

    public PatchBootstrapIniTests()
    {
        _engine = new FakeBuildEngine(_temp.Combine("deploymentshare.proj"));
        _overlay = _temp.Combine("bin", "overlay");
        _temp.WriteFile("share/Control/Bootstrap.ini", Encoding.ASCII.GetBytes(Source));
    }

    public void Dispose() => _temp.Dispose();

    private string OverlayIni => Path.Combine(_overlay, "Control", "Bootstrap.ini");

    private PatchBootstrapIni NewTask(params ITaskItem[] settings) => new()
    {
        BuildEngine = _engine,
        ProjectFile = _engine.ProjectFileOfTaskNode,
        DeploymentShare = "share",
        OverlayDirectory = _overlay,
        DeployRoot = Cluster,
        Settings = settings,
    };

    private static TaskItem Setting(string key, params (string Name, string Value)[] metadata)
    {
        var item = new TaskItem(key);
        foreach (var (name, value) in metadata)
        {
            item.SetMetadata(name, value);
        }

        return item;
    }

    [Fact]
    public void WritesTheOverlayAndLeavesTheShareUntouched()
    {
        string source = _temp.Combine("share", "Control", "Bootstrap.ini");
        DateTime sourceTime = File.GetLastWriteTimeUtc(source);
        PatchBootstrapIni task = NewTask();

        Assert.True(task.Execute());

        Assert.Equal(Source.Replace(@"\\MDT01\DeploymentShare$", Cluster), File.ReadAllText(OverlayIni));
        Assert.Equal(Source, File.ReadAllText(source));
        Assert.Equal(sourceTime, File.GetLastWriteTimeUtc(source));
        Assert.Equal(["share", "bin"], Directory.GetDirectories(_temp.Path).Select(Path.GetFileName).Order().Reverse());
        ITaskItem output = Assert.Single(task.OverlayFiles);
        Assert.Equal(("Control/Bootstrap.ini", OverlayIni), (output.GetMetadata("RelativePath"), output.ItemSpec));
        Assert.Empty(_engine.Errors);
        Assert.Empty(_engine.Warnings);
    }

    [Fact]
    public void ASecondRunDoesNotRewriteTheOverlay()
    {
        Assert.True(NewTask().Execute());
        var earlier = DateTime.UtcNow.AddHours(-1);
        File.SetLastWriteTimeUtc(OverlayIni, earlier);

        Assert.True(NewTask().Execute());

        Assert.Equal(earlier, File.GetLastWriteTimeUtc(OverlayIni));
        Assert.Contains(_engine.Messages, m => m.Message!.Contains("unchanged since the last build"));
    }

    [Fact]
    public void AShareThatAlreadyHasTheSettingsNeedsNoOverlay_AndAStaleOneIsRemoved()
    {
        _temp.WriteFile("bin/overlay/Control/Bootstrap.ini", [1, 2, 3]);
        _temp.WriteFile("share/Control/Bootstrap.ini", Encoding.ASCII.GetBytes(Source.Replace(@"\\MDT01\DeploymentShare$", Cluster)));
        PatchBootstrapIni task = NewTask();

        Assert.True(task.Execute());

        Assert.False(File.Exists(OverlayIni));
        Assert.Empty(task.OverlayFiles);
    }

    [Fact]
    public void AShareThatAlreadyHasTheSettingsNeedsNoOverlayFolderEither()
    {
        _temp.WriteFile("share/Control/Bootstrap.ini", Encoding.ASCII.GetBytes(Source.Replace(@"\\MDT01\DeploymentShare$", Cluster)));

        Assert.True(NewTask().Execute());

        Assert.False(Directory.Exists(_overlay));
        Assert.Empty(_engine.Errors);
    }

    [Fact]
    public void RelativeShareResolvesAgainstTheProjectNotTheCurrentDirectory()
    {
        string elsewhere = Directory.CreateTempSubdirectory().FullName;
        string previous = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = elsewhere;
            Assert.True(NewTask().Execute());
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            Directory.Delete(elsewhere, true);
        }

        Assert.True(File.Exists(OverlayIni));
    }

    /// <summary>The targets call the task once for every overlay: the build's own and one per site, each with its
    /// own DeployRoot.</summary>
    [Fact]
    public void OneCallWritesEveryOverlayWithItsOwnDeployRoot()
    {
        PatchBootstrapIni task = NewTask(Setting("UserPassword", ("Value", "literal")));
        task.OverlayDirectory = string.Empty;
        task.DeployRoot = string.Empty;
        task.Overlays = [Setting(_overlay, ("DeployRoot", Cluster)), Setting(_temp.Combine("sto", "overlay"), ("DeployRoot", @"\\STOCLUSTER\Distribution$"))];

        Assert.True(task.Execute());

        Assert.Contains($"DeployRoot={Cluster}", File.ReadAllText(OverlayIni));
        Assert.Contains(@"DeployRoot=\\STOCLUSTER\Distribution$", File.ReadAllText(_temp.Combine("sto", "overlay", "Control", "Bootstrap.ini")));
        Assert.Equal(2, task.OverlayFiles.Length);

        // The settings are resolved once: one warning about the literal credential, not one per overlay.
        Assert.Single(_engine.Warnings, w => w.Code == "MDTS1014");
    }

    [Fact]
    public void ControlFolderIsFoundWhateverItsLetterCase()
    {
        Directory.Delete(_temp.Combine("share"), true);
        _temp.WriteFile("share/control/bootstrap.INI", Encoding.ASCII.GetBytes(Source));
        Assert.True(NewTask().Execute());

        // The overlay copy keeps the share's own name, so a case-sensitive target gets one file, not two.
        Assert.True(File.Exists(Path.Combine(_overlay, "control", "bootstrap.INI")));
    }

    [Theory]
    [InlineData("", "MDTS1000")]
    [InlineData("missing-share", "MDTS1001")]
    [InlineData("empty", "MDTS1001")]
    public void MissingShareOrBootstrapIniAreCodedErrors(string share, string code)
    {
        Directory.CreateDirectory(_temp.Combine("empty"));
        PatchBootstrapIni task = NewTask();
        task.DeploymentShare = share;

        Assert.False(task.Execute());

        Assert.Equal([code], _engine.ErrorCodes);
    }

    [Fact]
    public void OverlayInsideTheShareIsRefused()
    {
        PatchBootstrapIni task = NewTask();
        task.OverlayDirectory = _temp.Combine("share", "overlay");

        Assert.False(task.Execute());

        Assert.Equal(["MDTS1018"], _engine.ErrorCodes);
        Assert.False(Directory.Exists(_temp.Combine("share", "overlay")));
    }

    [Fact]
    public void MissingDeployRootIsAnErrorAtTheProject()
    {
        PatchBootstrapIni task = NewTask();
        task.DeployRoot = " ";

        Assert.False(task.Execute());

        BuildErrorEventArgs error = Assert.Single(_engine.Errors);
        Assert.Equal(("MDTS1009", _engine.ProjectFileOfTaskNode), (error.Code, error.File));
    }

    [Fact]
    public void DeployRootMayComeFromABootstrapSettingAlone()
    {
        PatchBootstrapIni task = NewTask(Setting("DeployRoot", ("Value", @"\\SITE2CLUSTER\Distribution$")));
        task.DeployRoot = string.Empty;

        Assert.True(task.Execute());

        Assert.Contains(@"DeployRoot=\\SITE2CLUSTER\Distribution$", File.ReadAllText(OverlayIni));
    }

    [Fact]
    public void MalformedIniIsAnErrorWithFileAndLine_AndNothingIsWritten()
    {
        _temp.WriteFile("share/Control/Bootstrap.ini", Encoding.ASCII.GetBytes("[Settings]\r\nPriorty=Default\r\n[Default]\r\n"));

        Assert.False(NewTask().Execute());

        BuildErrorEventArgs error = Assert.Single(_engine.Errors);
        Assert.Equal(("MDTS1005", _temp.Combine("share", "Control", "Bootstrap.ini"), 1), (error.Code, error.File, error.LineNumber));
        Assert.False(File.Exists(OverlayIni));
    }

    [Fact]
    public void SecretFromTheEnvironmentIsWrittenButNeverLogged()
    {
        string variable = "MDTSHARE_TEST_SECRET_" + Guid.NewGuid().ToString("N");
        const string secret = "Pa55-w0rd-Only-In-The-Ini";
        Environment.SetEnvironmentVariable(variable, secret);
        try
        {
            PatchBootstrapIni task = NewTask(Setting("UserPassword", ("ValueFromEnvironment", variable)));

            Assert.True(task.Execute());

            Assert.Contains("UserPassword=" + secret + "\r\n", File.ReadAllText(OverlayIni));
            Assert.Equal(["MDTS1013"], _engine.WarningCodes);
            Assert.All(_engine.AllText, text => Assert.DoesNotContain(secret, text));
            Assert.All(task.OverlayFiles.SelectMany(i => i.MetadataNames.Cast<string>().Select(i.GetMetadata)), v => Assert.DoesNotContain(secret, v));
            Assert.Contains(_engine.Messages, m => m.Message!.Contains("UserPassword=********"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void UnsetEnvironmentVariableIsAnErrorNamingTheVariable()
    {
        Assert.False(NewTask(Setting("UserPassword", ("ValueFromEnvironment", "MDTSHARE_SURELY_UNSET"))).Execute());
        BuildErrorEventArgs error = Assert.Single(_engine.Errors);
        Assert.Equal("MDTS1016", error.Code);
        Assert.Contains("MDTSHARE_SURELY_UNSET", error.Message);
        Assert.False(File.Exists(OverlayIni));
    }

    [Fact]
    public void LiteralSecretInTheProjectWarns()
    {
        Assert.True(NewTask(Setting("DomainAdminPassword", ("Value", "Literal!"))).Execute());
        Assert.Contains("MDTS1014", _engine.WarningCodes);
        Assert.All(_engine.AllText, text => Assert.DoesNotContain("Literal!", text));
    }

    [Theory]
    [InlineData("UserDomain", "Value", "A", "ValueFromEnvironment", "PATH")]
    [InlineData("Bad=Key", "Value", "x", "", "")]
    [InlineData(";Commented", "Value", "x", "", "")]
    [InlineData("UserDomain", "Section", "Bad]Section", "", "")]
    [InlineData("UserDomain", "Value", "two\nlines", "", "")]
    public void InvalidBootstrapSettingsAreErrors(string key, string name1, string value1, string name2, string value2)
    {
        TaskItem setting = name2.Length == 0 ? Setting(key, (name1, value1)) : Setting(key, (name1, value1), (name2, value2));

        Assert.False(NewTask(setting).Execute());

        Assert.Equal(["MDTS1015"], _engine.ErrorCodes);
        Assert.False(File.Exists(OverlayIni));
    }

    [Fact]
    public void EveryReportedFindingHasItsHelpLink()
    {
        _temp.WriteFile("share/Control/Bootstrap.ini", [0xEF, 0xBB, 0xBF, .. Encoding.ASCII.GetBytes("[Settings]\r\nPriority=Default, Nowhere\r\n[Default]\r\nUserPassword=x\r\n")]);
        PatchBootstrapIni task = NewTask();

        Assert.True(task.Execute());

        Assert.Equal(["MDTS1003", "MDTS1006", "MDTS1013"], _engine.WarningCodes.Order());
        Assert.All(_engine.Warnings, w => Assert.Equal(DiagnosticCode.HelpLinkBase + w.Code.ToLowerInvariant(), w.HelpLink));
        Assert.Equal("[Settings]", File.ReadAllText(OverlayIni)[..10]);
    }

    [Fact]
    public void UnreadableSourceIsACodedErrorNotACrash()
    {
        if (OperatingSystem.IsWindows() || Environment.UserName == "root")
        {
            // Root reads any file; the decision is covered by the IOException mapping below.
            Assert.Equal("MDTS1019", DiagnosticCode.FileAccessFailed.Id);
            return;
        }

        File.SetUnixFileMode(_temp.Combine("share", "Control", "Bootstrap.ini"), UnixFileMode.None);
        Assert.False(NewTask().Execute());
        Assert.Equal(["MDTS1019"], _engine.ErrorCodes);
    }

    [Fact]
    public void SourceThatIsAFolderIsACodedErrorNotAStackTrace()
    {
        File.Delete(_temp.Combine("share", "Control", "Bootstrap.ini"));
        Directory.CreateDirectory(_temp.Combine("share", "Control", "Bootstrap.ini"));

        Assert.False(NewTask().Execute());

        BuildErrorEventArgs error = Assert.Single(_engine.Errors);
        Assert.StartsWith("MDTS", error.Code);
        Assert.DoesNotContain("   at ", error.Message);
    }
}
