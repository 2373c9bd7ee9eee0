namespace MdtShare.Build.EndToEndTests;

[Collection(PackageCollection.Name)]
public sealed class PublishTests(PackageFixture package) : IDisposable
{
    private const string Cluster = @"\\MDTCLUSTER\Distribution$";

    private readonly TestProject _project = new(package);

    public void Dispose() => _project.Dispose();

    private void WriteShareAndProject(string targets)
    {
        _project.Write("share/Control/Bootstrap.ini", "[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nDeployRoot=\\\\MDT01\\DeploymentShare$\r\n");
        _project.Write("share/Scripts/LiteTouch.wsf", "<job/>");
        _project.Write("share/Out-of-Box Drivers/Dell/net/e1d.inf", "[Version]");
        _project.Write("share/Operating Systems/W11/install.wim", new string('w', 50_000));
        _project.Write("share/Logs/server.log", "not published");
        Directory.CreateDirectory(_project.PathOf("clusters"));
        _project.WriteSdkProject($"""
              <PropertyGroup>
                <DeploymentShare>share</DeploymentShare>
                <DeployRoot>{Cluster}</DeployRoot>
              </PropertyGroup>
              <ItemGroup>
            {targets}
              </ItemGroup>
            """);
    }

    [Fact]
    public void PublishTwice_TheSecondCopiesAndDeletesNothing()
    {
        WriteShareAndProject("""    <PublishTarget Include="clusters/site1" />""");

        ProcessResult first = _project.Build("deploymentshare.proj", "-t:Publish");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("4 copied, 0 updated, 0 deleted, 0 unchanged, 0 failed", first.Output);
        Assert.Contains(@"DeployRoot=\\MDTCLUSTER\Distribution$", _project.Read("clusters/site1/Control/Bootstrap.ini"));
        Assert.Equal(new string('w', 50_000), _project.Read("clusters/site1/Operating Systems/W11/install.wim"));
        Assert.False(Directory.Exists(_project.PathOf("clusters/site1/Logs")));

        ProcessResult second = _project.Build("deploymentshare.proj", "-t:Publish");

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("0 copied, 0 updated, 0 deleted, 4 unchanged, 0 failed", second.Output);
    }

    [Fact]
    public void DotnetPublishPublishesToo()
    {
        WriteShareAndProject("""    <PublishTarget Include="clusters/site1" />""");

        ProcessResult result = _project.Dotnet("publish", "deploymentshare.proj", "-tl:off", "-v:m", "-nodeReuse:false");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(_project.PathOf("clusters/site1/Scripts/LiteTouch.wsf")));
    }

    [Fact]
    public void WhatIfChangesNothing()
    {
        WriteShareAndProject("""    <PublishTarget Include="clusters/site1" />""");

        ProcessResult result = _project.Build("deploymentshare.proj", "-t:Publish", "-p:WhatIf=true", "-v:n");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("What if: would publish to ", result.Output);
        Assert.Contains("Would copy Operating Systems/W11/install.wim", result.Output);
        Assert.False(Directory.Exists(_project.PathOf("clusters/site1")));
    }

    [Fact]
    public void TwoTargetsWithTheirOwnDeployRoots()
    {
        WriteShareAndProject("""
                <PublishTarget Include="clusters/newyork" DeployRoot="\\NYCLUSTER\Distribution$" />
                <PublishTarget Include="clusters/stockholm" DeployRoot="\\STOCLUSTER\Distribution$" />
            """);

        ProcessResult result = _project.Build("deploymentshare.proj", "-t:Publish");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(@"DeployRoot=\\NYCLUSTER\Distribution$", _project.Read("clusters/newyork/Control/Bootstrap.ini"));
        Assert.Contains(@"DeployRoot=\\STOCLUSTER\Distribution$", _project.Read("clusters/stockholm/Control/Bootstrap.ini"));
        Assert.Contains(@"DeployRoot=\\MDTCLUSTER\Distribution$", _project.Read("bin/overlay/Control/Bootstrap.ini"));
    }

    [Fact]
    public void AFailingTargetFailsTheBuildAfterTheOthersArePublished()
    {
        WriteShareAndProject("""
                <PublishTarget Include="share/nested" />
                <PublishTarget Include="clusters/site2" />
            """);

        ProcessResult result = _project.Build("deploymentshare.proj", "-t:Publish");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal(["MDTS2001"], result.ErrorCodes);
        Assert.True(File.Exists(_project.PathOf("clusters/site2/Scripts/LiteTouch.wsf")));
        Assert.False(Directory.Exists(_project.PathOf("share/nested")));
    }

    [Fact]
    public void ANonEmptyForeignFolderIsRefused_AdoptExistingTargetTakesItOver()
    {
        WriteShareAndProject("""    <PublishTarget Include="clusters/robocopied" />""");
        _project.Write("clusters/robocopied/Scripts/LiteTouch.wsf", "<job/>");
        _project.Write("clusters/robocopied/Scripts/Old.vbs", "old");

        ProcessResult refused = _project.Build("deploymentshare.proj", "-t:Publish");

        Assert.Equal(["MDTS2003"], refused.ErrorCodes);
        Assert.True(File.Exists(_project.PathOf("clusters/robocopied/Scripts/Old.vbs")));

        ProcessResult adopted = _project.Build("deploymentshare.proj", "-t:Publish", "-p:AdoptExistingTarget=true", "-p:MirrorMaxDeletePercent=100");

        Assert.True(adopted.ExitCode == 0, adopted.ToString());
        Assert.False(File.Exists(_project.PathOf("clusters/robocopied/Scripts/Old.vbs")));
    }
}
