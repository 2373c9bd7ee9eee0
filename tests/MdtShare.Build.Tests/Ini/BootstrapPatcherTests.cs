using System.Text;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.Ini;

namespace MdtShare.Build.Tests.Ini;

public class BootstrapPatcherTests
{
    private const string Cluster = @"\\MDTCLUSTER\Distribution$";
    private static readonly Encoding Latin1 = Encoding.Latin1;

    private static (string Output, PatchResult Result) Patch(string input, string deployRoot = Cluster, params SettingChange[] more) =>
        PatchBytes(Latin1.GetBytes(input), deployRoot, more);

    private static (string Output, PatchResult Result) PatchBytes(byte[] input, string deployRoot = Cluster, params SettingChange[] more)
    {
        var changes = new List<SettingChange> { new(MdtKeys.DeployRoot, deployRoot, []) };
        changes.AddRange(more);
        PatchResult result = BootstrapPatcher.Patch(input, "Bootstrap.ini", changes);
        return (Latin1.GetString(result.Output), result);
    }

    private static string[] Codes(PatchResult result) => result.Diagnostics.Select(d => d.Code.Id).ToArray();

    private static Diagnostic Single(PatchResult result, DiagnosticCode code) => Assert.Single(result.Diagnostics, d => d.Code == code);

    [Fact]
    public void MinimalMdtFile_OnlyDeployRootChanges()
    {
        var (output, result) = Patch("[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nDeployRoot=\\\\MDT01\\DeploymentShare$\r\n");
        Assert.Equal("[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nDeployRoot=\\\\MDTCLUSTER\\Distribution$\r\n", output);
        Assert.Empty(result.Diagnostics);
        Assert.Equal(["Set DeployRoot=\\\\MDTCLUSTER\\Distribution$ in [Default] at line 5"], result.Changes);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void LineEndingsOfTheFileAreKept(string eol)
    {
        string input = $"[Settings]{eol}Priority=Default{eol}[Default]{eol}DeployRoot=\\\\old\\x{eol}SkipBDDWelcome=YES{eol}";
        Assert.Equal(input.Replace("\\\\old\\x", Cluster), Patch(input).Output);
    }

    [Fact]
    public void MixedLineEndingsAreKeptPerLine()
    {
        string input = "[Settings]\r\nPriority=Default\n[Default]\rDeployRoot=\\\\old\\x\r\nKeyboardLocale=en-US\n";
        Assert.Equal(input.Replace("\\\\old\\x", Cluster), Patch(input).Output);
    }

    [Fact]
    public void MissingFinalNewlineIsKept()
    {
        Assert.Equal("[Settings]\r\nPriority=Default\r\n[Default]\r\nDeployRoot=" + Cluster,
            Patch("[Settings]\r\nPriority=Default\r\n[Default]\r\nDeployRoot=\\\\old\\x").Output);
    }

    [Fact]
    public void MicrosoftMultiSiteExample_EveryLocationSectionIsRewritten_DefaultUntouched()
    {
        const string input = """
            [Settings]
            Priority=DefaultGateway, Default
            [DefaultGateway]
            192.168.1.1=NewYork
            192.168.2.1=Stockholm
            [NewYork]
            DeployRoot=\\MDT01\MDTProduction$
            [Stockholm]
            DeployRoot=\\MDT02\MDTProduction$
            [Default]
            UserDomain=CONTOSO
            UserID=MDT_BA
            SkipBDDWelcome=YES

            """;
        var (output, result) = Patch(input.ReplaceLineEndings("\r\n"));
        Assert.Equal(input.ReplaceLineEndings("\r\n").Replace(@"\\MDT01\MDTProduction$", Cluster).Replace(@"\\MDT02\MDTProduction$", Cluster), output);
        Assert.Empty(result.Diagnostics);
        Assert.Equal([("NewYork", @"\\MDT01\MDTProduction$", 7), ("Stockholm", @"\\MDT02\MDTProduction$", 9)],
            result.OriginalDeployRoots.Select(o => (o.Section, o.Value, o.Line)));
    }

    [Fact]
    public void PerSectionDeployRootOverridesTheProperty()
    {
        string input = "[Settings]\nPriority=DefaultGateway, Default\n[DefaultGateway]\n10.1.1.1=NewYork\n10.2.1.1=Stockholm\n[NewYork]\nDeployRoot=\\\\MDT01\\D$\n[Stockholm]\nDeployRoot=\\\\MDT02\\D$\n[Default]\n";
        var (output, _) = Patch(input, Cluster, new SettingChange("DeployRoot", @"\\MDTCLUSTER2\Distribution$", ["Stockholm"]));
        Assert.Contains("[NewYork]\nDeployRoot=\\\\MDTCLUSTER\\Distribution$\n", output);
        Assert.Contains("[Stockholm]\nDeployRoot=\\\\MDTCLUSTER2\\Distribution$\n", output);
    }

    [Fact]
    public void CommentsAreKeptAndCommentedKeysAreNotRewritten_ButACommentedPasswordIsStillPublished()
    {
        string input = "; MDT bootstrap\r\n[Settings]\r\nPriority=Default\r\n;DeployRoot=\\\\OLDSRV\\x\r\n\r\n[Default]\r\n; START NOTES\r\nDeployRoot=\\\\MDT01\\D$\r\n;UserPassword=hunter2\r\n";
        var (output, result) = Patch(input);
        Assert.Equal(input.Replace("\\\\MDT01\\D$", Cluster), output);
        Diagnostic secret = Assert.Single(result.Diagnostics, d => d.Code == DiagnosticCode.PlaintextSecretPublished);
        Assert.Equal((9, 1), (secret.Line, secret.Column));
        Assert.DoesNotContain("hunter2", secret.Message);
    }

    [Fact]
    public void CommentedHeaderDoesNotStartASection()
    {
        string input = "[Settings]\nPriority=Default\n[Default]\nSkipBDDWelcome=YES\n;[Other]\nDeployRoot=\\\\MDT01\\D$\n";
        var (output, result) = Patch(input);
        Assert.Equal(input.Replace("\\\\MDT01\\D$", Cluster), output);
        Assert.Equal("Default", result.OriginalDeployRoots.Single().Section);
    }

    [Fact]
    public void SectionAndKeyNamesAreCaseInsensitive_KeyCaseIsKept()
    {
        string input = "[SETTINGS]\npriority=default\n[default]\ndeployroot=\\\\MDT01\\D$\n";
        Assert.Equal("[SETTINGS]\npriority=default\n[default]\ndeployroot=" + Cluster + "\n", Patch(input).Output);
    }

    [Fact]
    public void SpacingAroundEqualsAndAfterTheValueIsKept()
    {
        string input = "[Settings]\nPriority=Default\n[Default]\n  DeployRoot \t=  \\\\MDT01\\D$   \t\n";
        Assert.Equal("[Settings]\nPriority=Default\n[Default]\n  DeployRoot \t=  " + Cluster + "   \t\n", Patch(input).Output);
    }

    [Fact]
    public void TheFirstEqualsSignSplitsKeyAndValue()
    {
        string input = "[Settings]\nPriority=Default\n[Default]\nDeployRoot=\\\\MDT01\\D$\n_SMSTSOrgName=A=B\n";
        var (output, _) = Patch(input, Cluster, new SettingChange("_SMSTSOrgName", "Contoso=IT", []));
        Assert.EndsWith("_SMSTSOrgName=Contoso=IT\n", output);
    }

    [Fact]
    public void DuplicateKey_FirstWins_LaterOneIsLeftWithAWarning()
    {
        string input = "[Settings]\nPriority=Default\n[Default]\nDeployRoot=\\\\MDT01\\D$\nDeployRoot=\\\\MDT02\\D$\n";
        var (output, result) = Patch(input);
        Assert.Equal("[Settings]\nPriority=Default\n[Default]\nDeployRoot=" + Cluster + "\nDeployRoot=\\\\MDT02\\D$\n", output);
        Diagnostic warning = Single(result, DiagnosticCode.ShadowedSettingIgnored);
        Assert.Equal((5, 1), (warning.Line, warning.Column));
    }

    [Fact]
    public void DuplicateSection_OnlyTheFirstBlockIsRead()
    {
        string input = "[Settings]\nPriority=Default\n[Default]\nDeployRoot=\\\\MDT01\\D$\n[Default]\nDeployRoot=\\\\MDT02\\D$\n";
        var (output, result) = Patch(input);
        Assert.Equal("[Settings]\nPriority=Default\n[Default]\nDeployRoot=" + Cluster + "\n[Default]\nDeployRoot=\\\\MDT02\\D$\n", output);
        Assert.Equal(6, Single(result, DiagnosticCode.ShadowedSettingIgnored).Line);
    }

    [Fact]
    public void NoDeployRoot_IsAddedToDefaultAfterItsLastKey()
    {
        string input = "[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nSkipBDDWelcome=YES\r\n\r\n; location rules\r\n[Other]\r\nX=1\r\n";
        var (output, result) = Patch(input);
        Assert.Equal("[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nSkipBDDWelcome=YES\r\nDeployRoot=" + Cluster + "\r\n\r\n; location rules\r\n[Other]\r\nX=1\r\n", output);
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void NoDeployRoot_EmptyDefaultSection_IsAddedAfterTheHeader()
    {
        Assert.Equal("[Settings]\nPriority=Default\n[Default]\nDeployRoot=" + Cluster + "\n",
            Patch("[Settings]\nPriority=Default\n[Default]\n").Output);
    }

    [Fact]
    public void NoDeployRoot_LastLineWithoutNewline_KeepsTheNoFinalNewlineShape()
    {
        Assert.Equal("[Settings]\r\nPriority=Default\r\n[Default]\r\nSkipBDDWelcome=YES\r\nDeployRoot=" + Cluster,
            Patch("[Settings]\r\nPriority=Default\r\n[Default]\r\nSkipBDDWelcome=YES").Output);
    }

    [Fact]
    public void NoDeployRoot_NoDefaultSection_AppendsOne()
    {
        var (output, result) = Patch("[Settings]\nPriority=Default\n");
        Assert.Equal("[Settings]\nPriority=Default\n\n[Default]\nDeployRoot=" + Cluster + "\n", output);
        Assert.Equal(["MDTS1006"], Codes(result));
    }

    [Fact]
    public void NoDeployRoot_DefaultNotInPriority_Warns()
    {
        var (output, result) = Patch("[Settings]\nPriority=Model\n[Default]\nX=1\n");
        Assert.Contains("DeployRoot=" + Cluster, output);
        Diagnostic warning = Single(result, DiagnosticCode.DefaultSectionNotInPriority);
        Assert.Equal((2, 10), (warning.Line, warning.Column));
    }

    [Theory]
    [InlineData(@"\\%WDSServer%\DeploymentShare$")]
    [InlineData(@"\\#GetServer()#\DeploymentShare$")]
    public void DynamicDeployRootIsKeptWithAWarning(string dynamic)
    {
        string input = $"[Settings]\nPriority=Default\n[Default]\nDeployRoot={dynamic}\n";
        var (output, result) = Patch(input);
        Assert.Equal(input, output);
        Diagnostic warning = Single(result, DiagnosticCode.DynamicDeployRootKept);
        Assert.Equal((4, 12), (warning.Line, warning.Column));
        Assert.Empty(result.Changes);
    }

    [Theory]
    [InlineData("[Settings]\r\nPriority=Default\r\n[Default]\r\nDeployRoot=\\\\MDT01\\D$\r\n")]
    [InlineData("[Settings]\nPriority=Default\n[Default]\nSkipBDDWelcome=YES")]
    [InlineData("[Settings]\nPriority=Default\n")]
    [InlineData("[Settings]\nPriority=DefaultGateway, Default\n[DefaultGateway]\n1.1.1.1=A\n[A]\nDeployRoot=\\\\x\\y\n[Default]\n[Default]\nDeployRoot=\\\\z\\y\n")]
    public void PatchingIsIdempotent(string input)
    {
        string once = Patch(input).Output;
        var (twice, result) = Patch(once);
        Assert.Equal(once, twice);
        Assert.Empty(result.Changes);
    }

    [Fact]
    public void Utf8ByteOrderMarkIsRemovedWithAWarning()
    {
        byte[] input = [0xEF, 0xBB, 0xBF, .. Latin1.GetBytes("[Settings]\r\nPriority=Default\r\n[Default]\r\nDeployRoot=\\\\MDT01\\D$\r\n")];
        var (output, result) = PatchBytes(input);
        Assert.StartsWith("[Settings]", output);
        Assert.Equal(["MDTS1003"], Codes(result));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE, (byte)'[', 0 })]
    [InlineData(new byte[] { 0xFE, 0xFF, 0, (byte)'[' })]
    [InlineData(new byte[] { 0xFF, 0xFE, 0, 0, (byte)'[', 0, 0, 0 })]
    [InlineData(new byte[] { (byte)'[', 0, (byte)'S', 0 })]
    public void Utf16AndUtf32AreErrors(byte[] input)
    {
        var (output, result) = PatchBytes(input);
        Assert.Equal(["MDTS1002"], Codes(result));
        Assert.False(result.Succeeded);
        Assert.Empty(output);
    }

    [Fact]
    public void Windows1252BytesAreKeptByteForByte()
    {
        byte[] input = Latin1.GetBytes("[Settings]\r\nPriority=Default\r\n[Default]\r\n_SMSTSOrgName=M\u00fcller \u0080 GmbH\r\nDeployRoot=\\\\MDT01\\D$\r\n");
        var (output, result) = PatchBytes(input);
        Assert.Equal(Latin1.GetBytes(Latin1.GetString(input).Replace("\\\\MDT01\\D$", Cluster)), Latin1.GetBytes(output));
        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Utf8TextIsKeptByteForByte_AndNewValuesAreWrittenAsUtf8()
    {
        byte[] input = Encoding.UTF8.GetBytes("[Settings]\nPriority=Default\n[Default]\n_SMSTSOrgName=Zürich\nDeployRoot=\\\\MDT01\\D$\n");
        PatchResult result = BootstrapPatcher.Patch(input, "Bootstrap.ini",
            [new(MdtKeys.DeployRoot, Cluster, []), new("_SMSTSPackageName", "Genève", [])]);
        Assert.Equal("[Settings]\nPriority=Default\n[Default]\n_SMSTSOrgName=Zürich\nDeployRoot=" + Cluster + "\n_SMSTSPackageName=Genève\n",
            Encoding.UTF8.GetString(result.Output));
    }

    [Fact]
    public void NewValuesInAnAnsiFileAreWrittenAsWindows1252()
    {
        var (output, _) = Patch("[Settings]\nPriority=Default\n[Default]\nDeployRoot=\\\\a\\b\n", Cluster, new SettingChange("_SMSTSOrgName", "Café €", []));
        Assert.EndsWith("_SMSTSOrgName=Caf\u00e9 \u0080\n", output);
    }

    [Fact]
    public void ValueOutsideWindows1252IsAnError()
    {
        var (_, result) = Patch("[Settings]\nPriority=Default\n[Default]\n", Cluster, new SettingChange("_SMSTSOrgName", "東京", []));
        Assert.Equal(["MDTS1017"], Codes(result));
    }

    [Fact]
    public void NonAsciiDeployRootIsAnError()
    {
        var (_, result) = Patch("[Settings]\nPriority=Default\n[Default]\n", @"\\MDTCLÜSTER\Distribution$");
        Assert.Equal(["MDTS1008"], Codes(result));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[Default]\nDeployRoot=\\\\a\\b\n")]
    [InlineData("Priority=Default\n")]
    public void MissingSettingsSectionIsAnError(string input)
    {
        var (output, result) = Patch(input);
        Assert.Equal(["MDTS1004"], Codes(result));
        Assert.Empty(output);
    }

    [Theory]
    [InlineData("[Settings]\nProperties=MyProp\n[Default]\n", 1)]
    [InlineData("[Settings]\nPriority=\n[Default]\n", 2)]
    [InlineData("[Settings]\nPriority= , \n[Default]\n", 2)]
    public void MissingOrEmptyPriorityIsAnErrorAtItsLine(string input, int line)
    {
        var (_, result) = Patch(input);
        Assert.Equal(line, Single(result, DiagnosticCode.PriorityMissing).Line);
        Assert.False(result.Succeeded);
    }

    [Fact]
    public void PriorityNamingAMissingSectionWarnsAtTheEntry()
    {
        var (_, result) = Patch("[Settings]\nPriority=Default, Sitez\n[Default]\nDeployRoot=\\\\a\\b\n");
        Diagnostic warning = Single(result, DiagnosticCode.PrioritySectionMissing);
        Assert.Equal((2, 19), (warning.Line, warning.Column));
        Assert.Contains("Sitez", warning.Message);
    }

    [Theory]
    [InlineData("Priority=Model, MACAddress, SerialNumber, Default")]
    [InlineData("Priority=Building, Default\nProperties=Building, Floor(*)")]
    public void PriorityEntriesResolvedAtBootDoNotWarn(string settings)
    {
        var (_, result) = Patch($"[Settings]\n{settings}\n[Default]\nDeployRoot=\\\\a\\b\n");
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void DefaultGatewayEntryNamingAMissingSectionWarnsAtThatLine()
    {
        var (_, result) = Patch("[Settings]\nPriority=DefaultGateway, Default\n[DefaultGateway]\n10.1.1.1=NewYork\n10.2.1.1=Stockholm\n[NewYork]\nDeployRoot=\\\\a\\b\n[Default]\n");
        Diagnostic warning = Single(result, DiagnosticCode.PrioritySectionMissing);
        Assert.Equal((5, 10), (warning.Line, warning.Column));
    }

    [Fact]
    public void DefaultGatewayInPriorityWithoutItsSectionWarns()
    {
        var (_, result) = Patch("[Settings]\nPriority=DefaultGateway, Default\n[Default]\nDeployRoot=\\\\a\\b\n");
        Assert.Equal(2, Single(result, DiagnosticCode.PrioritySectionMissing).Line);
    }

    [Theory]
    [InlineData(@"\\MDTCLUSTER\Distribution$")]
    [InlineData(@"\\mdtcluster.corp.example.com\Deploy$")]
    [InlineData(@"\\deploymenthost.institution.edu.au\REMINST\ImageBuilder\MDT")]
    [InlineData(@"\\10.0.205.203\Images\MDT")]
    [InlineData(@"\\MDT-CL01\Share With Space\Sub Folder")]
    public void ValidDeployRootsAreAccepted(string deployRoot)
    {
        var (output, result) = Patch("[Settings]\nPriority=Default\n[Default]\nDeployRoot=\\\\old\\x\n", deployRoot);
        Assert.True(result.Succeeded);
        Assert.EndsWith("DeployRoot=" + deployRoot + "\n", output);
    }

    [Theory]
    [InlineData(@"MDTCLUSTER\Distribution$")]
    [InlineData(@"C:\DeploymentShare")]
    [InlineData(@"\\MDTCLUSTER")]
    [InlineData(@"\\MDTCLUSTER\")]
    [InlineData(@"\\MDTCLUSTER\Distribution$\")]
    [InlineData(@"\\\MDTCLUSTER\Distribution$")]
    [InlineData(@"\\-cluster\Distribution$")]
    [InlineData(@"\\mdt_cluster\Distribution$")]
    [InlineData(@"\\300.1.1.1\Distribution$")]
    [InlineData(@"\\MDTCLUSTER\Dist*ribution$")]
    [InlineData(@"\\MDTCLUSTER\Distribution$\..\x")]
    [InlineData(@"\\MDTCLUSTER\Distribution$\a\\b")]
    [InlineData(@"\\%WDSServer%\Distribution$")]
    [InlineData(@"//MDTCLUSTER/Distribution$")]
    public void InvalidDeployRootsAreErrorsNamingTheProject(string deployRoot)
    {
        PatchResult result = BootstrapPatcher.Patch(Latin1.GetBytes("[Settings]\nPriority=Default\n[Default]\n"), "Bootstrap.ini",
            [new(MdtKeys.DeployRoot, deployRoot, [], "deploymentshare.proj")]);
        Diagnostic error = Single(result, DiagnosticCode.DeployRootInvalid);
        Assert.Equal("deploymentshare.proj", error.File);
        Assert.Empty(result.Output);
    }

    [Fact]
    public void MalformedOriginalDeployRootIsReplacedWithAWarning()
    {
        var (output, result) = Patch("[Settings]\nPriority=Default\n[Default]\nDeployRoot=MDT01\\Deploy$\n");
        Assert.EndsWith("DeployRoot=" + Cluster + "\n", output);
        Diagnostic warning = Single(result, DiagnosticCode.OriginalDeployRootMalformed);
        Assert.Equal((4, 12), (warning.Line, warning.Column));
    }

    [Theory]
    [InlineData("UserPassword")]
    [InlineData("DomainAdminPassword")]
    [InlineData("AdminPassword")]
    [InlineData("DBPwd")]
    [InlineData("SQLPassword")]
    [InlineData("ApiClientSecret")]
    public void PlaintextCredentialsWarnWithoutTheirValue(string key)
    {
        var (_, result) = Patch($"[Settings]\nPriority=Default\n[Default]\nDeployRoot=\\\\a\\b\n{key}=Hunter2!\n");
        Diagnostic warning = Single(result, DiagnosticCode.PlaintextSecretPublished);
        Assert.Equal((5, 1), (warning.Line, warning.Column));
        Assert.DoesNotContain("Hunter2!", warning.Message);
    }

    [Fact]
    public void EmptyCredentialDoesNotWarn()
    {
        Assert.Empty(Patch("[Settings]\nPriority=Default\n[Default]\nDeployRoot=\\\\a\\b\nUserPassword=\n").Result.Diagnostics);
    }

    [Fact]
    public void SecretValuesAreMaskedInTheChangeLog()
    {
        var (output, result) = Patch("[Settings]\nPriority=Default\n[Default]\nDeployRoot=\\\\a\\b\nUserPassword=old\n", Cluster,
            new SettingChange("UserPassword", "Hunter2!", []), new SettingChange("DBPwd", "Db$ecret", ["Database"]));
        Assert.Contains("UserPassword=Hunter2!\n", output);
        Assert.Contains("[Database]\nDBPwd=Db$ecret\n", output);
        Assert.All(result.Changes.Concat(result.Diagnostics.Select(d => d.Message)), line =>
        {
            Assert.DoesNotContain("Hunter2!", line);
            Assert.DoesNotContain("Db$ecret", line);
        });
        Assert.Contains(result.Changes, c => c.Contains("UserPassword=********"));
    }

    [Fact]
    public void SettingWithSectionChangesOnlyThatSection()
    {
        string input = "[Settings]\nPriority=A, Default\n[A]\nUserDomain=OLD\n[Default]\nUserDomain=OLD\nDeployRoot=\\\\a\\b\n";
        var (output, _) = Patch(input, Cluster, new SettingChange("UserDomain", "CONTOSO", ["A"]));
        Assert.Equal(input.Replace("\\\\a\\b", Cluster).Replace("[A]\nUserDomain=OLD", "[A]\nUserDomain=CONTOSO"), output);
    }

    [Fact]
    public void SettingWithSeveralSectionsAddsMissingSectionsAtTheEnd()
    {
        var (output, _) = Patch("[Settings]\nPriority=A, Default\n[A]\nX=1\n[Default]\nDeployRoot=\\\\a\\b\n", Cluster,
            new SettingChange("KeyboardLocale", "de-CH", ["A", "Site2"]));
        Assert.Equal("[Settings]\nPriority=A, Default\n[A]\nX=1\nKeyboardLocale=de-CH\n[Default]\nDeployRoot=" + Cluster + "\n\n[Site2]\nKeyboardLocale=de-CH\n", output);
    }

    [Fact]
    public void SettingWithoutSectionUpdatesEverySectionThatSetsIt()
    {
        string input = "[Settings]\nPriority=A, Default\n[A]\nSkipBDDWelcome=NO\n[Default]\nSkipBDDWelcome=NO\nDeployRoot=\\\\a\\b\n";
        var (output, _) = Patch(input, Cluster, new SettingChange("SkipBDDWelcome", "YES", []));
        Assert.Equal(2, output.Split("SkipBDDWelcome=YES").Length - 1);
    }

    [Fact]
    public void HeaderWithSurroundingWhitespaceIsStillAHeader()
    {
        string input = "[Settings]\nPriority=Default\n  [Default]  \t\nDeployRoot=\\\\a\\b\n";
        Assert.Equal(input.Replace("\\\\a\\b", Cluster), Patch(input).Output);
    }

    [Fact]
    public void HeaderWithSpacesInsideTheBracketsIsNotTheDefaultSection()
    {
        var (output, _) = Patch("[Settings]\nPriority=Default\n[ Default ]\nX=1\n");
        Assert.EndsWith("[ Default ]\nX=1\n\n[Default]\nDeployRoot=" + Cluster + "\n", output);
    }

    [Fact]
    public void NonBreakingSpaceIsTrimmedLikeMdtTrimAllWS()
    {
        string input = "[Settings]\nPriority=Default\n[Default]\n\u00A0DeployRoot\u00A0=\\\\a\\b\u00A0\n";
        Assert.Equal("[Settings]\nPriority=Default\n[Default]\n\u00A0DeployRoot\u00A0=" + Cluster + "\u00A0\n", Patch(input).Output);
    }

    [Fact]
    public void LinesBeforeTheFirstSectionAreNotRead()
    {
        string input = "DeployRoot=\\\\stray\\x\n[Settings]\nPriority=Default\n[Default]\nDeployRoot=\\\\a\\b\n";
        Assert.Equal(input.Replace("\\\\a\\b", Cluster), Patch(input).Output);
    }

    [Fact]
    public void InlineCommentsAreValueTextToMdtAndAreReplacedWithTheValue()
    {
        // MDT strips no inline comments: "\\old\x ; note" is the value, so all of it is replaced.
        Assert.EndsWith("DeployRoot=" + Cluster + "\n", Patch("[Settings]\nPriority=Default\n[Default]\nDeployRoot=\\\\old\\x ; note\n").Output);
    }

    [Fact]
    public void FileAlreadyPatchedReportsNoChanges()
    {
        var (output, result) = Patch("[Settings]\nPriority=Default\n[Default]\nDeployRoot=" + Cluster + "\n");
        Assert.Empty(result.Changes);
        Assert.Equal("[Settings]\nPriority=Default\n[Default]\nDeployRoot=" + Cluster + "\n", output);
    }
}
