namespace MdtShare.Build.EndToEndTests;

[Collection(PackageCollection.Name)]
public sealed class BuildTests(PackageFixture package) : IDisposable
{
    private const string Cluster = @"\\MDTCLUSTER\Distribution$";
    private const string SourceIni =
        "; Bootstrap.ini of the MDT server\r\n[Settings]\r\nPriority=DefaultGateway, Default\r\n\r\n[DefaultGateway]\r\n10.1.0.1=NewYork\r\n\r\n"
        + "[NewYork]\r\nDeployRoot = \\\\MDT01\\DeploymentShare$\r\n\r\n[Default]\r\nDeployRoot=\\\\MDT01\\DeploymentShare$\r\nUserDomain=CONTOSO\r\nUserID=MDT_BA\r\nSkipBDDWelcome=YES";

    private const string Properties = $"""
          <PropertyGroup>
            <DeploymentShare>share</DeploymentShare>
            <DeployRoot>{Cluster}</DeployRoot>
          </PropertyGroup>
        """;

    private readonly TestProject _project = new(package);

    public void Dispose() => _project.Dispose();

    private static string Expected => SourceIni.Replace(@"\\MDT01\DeploymentShare$", Cluster);

    private void WriteShare(string ini = SourceIni)
    {
        _project.Write("share/Control/Bootstrap.ini", ini);
        _project.Write("share/Control/CustomSettings.ini", "[Settings]\r\nPriority=Default\r\n");
        _project.Write("share/Scripts/LiteTouch.wsf", "<job/>");
    }

    [Fact]
    public void SdkMode_WritesTheOverlay_AndASecondBuildChangesNothing()
    {
        WriteShare();
        _project.WriteSdkProject(Properties);

        ProcessResult first = _project.Build("deploymentshare.proj");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Empty(first.WarningCodes);
        Assert.Equal(Expected, _project.Read("bin/overlay/Control/Bootstrap.ini"));
        Assert.Equal(SourceIni, _project.Read("share/Control/Bootstrap.ini"));
        Assert.Equal(["Control"], Directory.GetDirectories(_project.PathOf("bin/overlay")).Select(Path.GetFileName));
        DateTime written = File.GetLastWriteTimeUtc(_project.PathOf("bin/overlay/Control/Bootstrap.ini"));

        ProcessResult second = _project.Build("deploymentshare.proj");

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("unchanged since the last build", second.Output);
        Assert.Equal(written, File.GetLastWriteTimeUtc(_project.PathOf("bin/overlay/Control/Bootstrap.ini")));
    }

    [Fact]
    public void SdkMode_VersionInTheSdkAttribute_WithoutGlobalJson()
    {
        File.Delete(_project.PathOf("global.json"));
        WriteShare();
        _project.WriteSdkProject(Properties, sdk: $"MdtShare.Build/{package.Version}");

        ProcessResult result = _project.Build("deploymentshare.proj");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Expected, _project.Read("bin/overlay/Control/Bootstrap.ini"));
    }

    [Fact]
    public void PackageReferenceMode_RunsAfterTheProjectsBuild()
    {
        WriteShare();
        _project.Write("share.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <DeploymentShare>share</DeploymentShare>
                <DeployRoot>{Cluster}</DeployRoot>
                <EnableDefaultItems>false</EnableDefaultItems>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="MdtShare.Build" Version="{package.Version}" PrivateAssets="all" />
              </ItemGroup>
            </Project>
            """);

        ProcessResult result = _project.Build("share.csproj");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Expected, _project.Read("bin/overlay/Control/Bootstrap.ini"));
        Assert.Contains("Bootstrap.ini -> ", result.Output);
    }

    [Fact]
    public void MalformedBootstrapIni_FailsWithFileAndLine_AndTheShareIsUntouched()
    {
        WriteShare("[Settings]\r\nPriorty=Default\r\n\r\n[Default]\r\nDeployRoot=\\\\MDT01\\D$\r\n");
        DateTime before = File.GetLastWriteTimeUtc(_project.PathOf("share/Control/Bootstrap.ini"));
        _project.WriteSdkProject(Properties);

        ProcessResult result = _project.Build("deploymentshare.proj");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal(["MDTS1005"], result.ErrorCodes);
        Assert.Contains($"{_project.PathOf("share/Control/Bootstrap.ini")}(1,1): error MDTS1005: ", result.Output);
        Assert.DoesNotContain("   at ", result.Output);
        Assert.Equal(before, File.GetLastWriteTimeUtc(_project.PathOf("share/Control/Bootstrap.ini")));
        Assert.False(File.Exists(_project.PathOf("bin/overlay/Control/Bootstrap.ini")));
    }

    [Fact]
    public void InvalidDeployRoot_IsAnErrorAtTheProjectFile()
    {
        WriteShare();
        _project.WriteSdkProject(Properties.Replace(Cluster, @"MDTCLUSTER\Distribution$"));

        ProcessResult result = _project.Build("deploymentshare.proj");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal(["MDTS1007"], result.ErrorCodes);
        Assert.Contains($"{_project.PathOf("deploymentshare.proj")} : error MDTS1007: ", result.Output);
    }

    [Fact]
    public void SecretsReachTheIniButNeverTheConsole_TheBinlog_OrAnyOtherOutput()
    {
        const string secret = "S3cr3t-Join-P4ssw0rd-7f3a";
        WriteShare();
        _project.Environment["MDT_JOIN_PASSWORD"] = secret;
        _project.WriteSdkProject(Properties + """
              <ItemGroup>
                <BootstrapSetting Include="UserPassword" ValueFromEnvironment="MDT_JOIN_PASSWORD" />
                <BootstrapSetting Include="SkipBDDWelcome" Value="NO" />
                <PublishTarget Include="cluster" />
              </ItemGroup>
            """);

        ProcessResult result = _project.Build("deploymentshare.proj", "-bl:build.binlog", "-v:diag");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("UserPassword=" + secret, _project.Read("bin/overlay/Control/Bootstrap.ini"));
        Assert.Equal(["MDTS1013"], result.WarningCodes);
        Assert.DoesNotContain(secret, result.Output);

        byte[] binlog = SecretScan.Decompress(File.ReadAllBytes(_project.PathOf("build.binlog")));
        Assert.True(SecretScan.ContainsAny(binlog, [Cluster]), "control: the scan must find values that are in the binlog");
        Assert.True(SecretScan.ContainsAny(binlog, ["UserPassword=********"]), "control: the masked change line is logged");

        // The build itself was scanned by TestProject (console, binlog, bin/, obj/): this secret was among those it
        // looked for, and a leak is found where one is put.
        Assert.Contains(secret, SecretScan.SecretsOf(_project.Root, _project.Environment));
        Assert.Empty(SecretScan.Leaks(_project.Root, new HashSet<string> { secret }, result.Output, _project.PathOf("build.binlog")));
        ProcessResult published = _project.Build("deploymentshare.proj", "-t:Publish;Verify", "-v:diag");
        Assert.True(published.ExitCode == 0, published.ToString());
        Assert.Contains("UserPassword=" + secret, _project.Read("cluster/Control/Bootstrap.ini"));

        _project.Write("obj/leaked.cache", "x" + secret);
        Assert.Equal([Path.Combine("obj", "leaked.cache")], SecretScan.Leaks(_project.Root, new HashSet<string> { secret }, "", null));
    }

    [Fact]
    public void NoWarnAndWarningsAsErrorsApplyToOurCodes()
    {
        WriteShare(SourceIni + "\r\nUserPassword=Known-In-The-Share");
        _project.WriteSdkProject(Properties);

        Assert.Equal(["MDTS1013"], _project.Build("deploymentshare.proj").WarningCodes);
        ProcessResult silenced = _project.Build("deploymentshare.proj", "-p:NoWarn=MDTS1013");
        Assert.True(silenced.ExitCode == 0 && silenced.WarningCodes.Count == 0, silenced.ToString());
        ProcessResult promoted = _project.Build("deploymentshare.proj", "-p:WarningsAsErrors=MDTS1013");
        Assert.NotEqual(0, promoted.ExitCode);
        Assert.Equal(["MDTS1013"], promoted.ErrorCodes);
    }

    [Fact]
    public void CleanRemovesTheOverlayAndNothingElse()
    {
        WriteShare();
        _project.WriteSdkProject(Properties);
        Assert.Equal(0, _project.Build("deploymentshare.proj").ExitCode);

        ProcessResult clean = _project.Dotnet("clean", "deploymentshare.proj", "-tl:off", "-v:m");

        Assert.True(clean.ExitCode == 0, clean.ToString());
        Assert.False(Directory.Exists(_project.PathOf("bin/overlay")));
        Assert.Equal(SourceIni, _project.Read("share/Control/Bootstrap.ini"));
        Assert.True(File.Exists(_project.PathOf("share/Scripts/LiteTouch.wsf")));
    }

    [Fact]
    public void TheTaskAssemblyMatchesTheMSBuildRuntime_AndCanBeOverridden()
    {
        WriteShare();
        _project.WriteSdkProject(Properties);

        ProcessResult evaluated = _project.Dotnet("msbuild", "deploymentshare.proj", "-getProperty:MdtShareTasksAssembly");
        string assembly = evaluated.Output.Trim();
        Assert.True(evaluated.ExitCode == 0, evaluated.ToString());
        Assert.EndsWith(Path.Combine("tasks", "net8.0", "MdtShare.Build.Tasks.dll"), Path.GetFullPath(assembly));
        Assert.True(File.Exists(assembly), assembly);

        ProcessResult overridden = _project.Build("deploymentshare.proj", "-p:MdtShareTasksAssembly=" + _project.PathOf("nowhere.dll"));
        Assert.NotEqual(0, overridden.ExitCode);
        Assert.Contains("nowhere.dll", overridden.Output);
    }
}
