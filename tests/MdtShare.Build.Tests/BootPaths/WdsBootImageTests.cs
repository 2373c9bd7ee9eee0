using MdtShare.Build.BootPaths;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.BootPaths;

public sealed class WdsBootImageTests : IDisposable
{
    private const string Cluster = @"\\MDTCLUSTER\Distribution$";

    private readonly TempDirectory _temp = new();
    private readonly RecordingBuildListener _listener = new();

    public WdsBootImageTests() =>
        Trees.Write(Share, ("Boot/LiteTouchPE_x64.wim", "wim"), ("Boot/LiteTouchPE_x86.wim", "wim"), ("Boot/Custom/PE Stockholm.wim", "wim"));

    public void Dispose() => _temp.Dispose();

    private string Share => _temp.Combine("share");

    private static WdsServerDeclaration Declared(string architecture = "x64", string imageName = "", string bootImage = "", string deployRoot = "", string remInst = "") =>
        new("wds01.corp.contoso.com", imageName, architecture, bootImage, deployRoot, remInst);

    private List<WdsBootImage> Resolve(bool windows, params WdsServerDeclaration[] declared) => WdsBootImage.Resolve(declared, Share, Cluster + "\\", windows, _listener);

    [Fact]
    public void TheImageNameAndBootImageFollowTheArchitecture_AndTheImageFileIsTheBuildsDeployRoot()
    {
        WdsBootImage image = Assert.Single(Resolve(windows: false, Declared(" X64 ")));

        Assert.Equal(new WdsBootImage("wds01.corp.contoso.com", "Lite Touch Windows PE (x64)", "x64", Cluster + @"\Boot\LiteTouchPE_x64.wim", Cluster, string.Empty), image);
        Assert.Empty(_listener.Diagnostics);
    }

    /// <summary>A site with its own cluster: its WDS server reads the image patched for that cluster, from it.</summary>
    [Fact]
    public void AnItemsOwnDeployRootAndBootImageWin_TheImageIsNamedAsTheShareNamesIt()
    {
        WdsBootImage image = Assert.Single(Resolve(windows: false,
            Declared(imageName: "Lite Touch Stockholm (x64)", bootImage: @"boot\custom\pe stockholm.wim", deployRoot: @"\\STOCLUSTER\Distribution$")));

        Assert.Equal(@"\\STOCLUSTER\Distribution$\Boot\Custom\PE Stockholm.wim", image.ImageFile);
        Assert.Equal(@"\\STOCLUSTER\Distribution$", image.DeployRoot);
        Assert.Equal("Lite Touch Stockholm (x64)", image.ImageName);
    }

    [Theory]
    [InlineData(true, @"\\wds01.corp.contoso.com\REMINST")]
    [InlineData(false, "")]
    public void RemInstIsTheServersShareOnWindows_ElseOnlyWhereTheItemSaysSo(bool windows, string expected)
    {
        Assert.Equal(expected, Assert.Single(Resolve(windows, Declared())).RemInstPath);
        Assert.Equal("/mnt/wds01-reminst", Assert.Single(Resolve(windows, Declared(remInst: "/mnt/wds01-reminst"))).RemInstPath);
    }

    [Fact]
    public void AnArchitectureWdsutilDoesNotKnowIsMDTS4011_AndTheItemIsLeftOut()
    {
        Assert.Single(Resolve(windows: false, Declared("amd64"), Declared("x86")));

        Assert.Equal(["MDTS4011"], _listener.Codes);
        Assert.Equal("WdsServer 'wds01.corp.contoso.com' has Architecture 'amd64'; wdsutil replaces boot images of architecture x86, x64, arm, arm64, e.g. Architecture=\"x64\".",
            _listener.Diagnostics[0].Message);
    }

    [Fact]
    public void WithoutAUncDeployRootTheImageCannotBeNamed_MDTS4011()
    {
        Assert.Empty(WdsBootImage.Resolve([Declared()], Share, string.Empty, windows: false, _listener));
        Assert.Empty(Resolve(windows: false, Declared(deployRoot: "D:\\DeploymentShare")));

        Assert.Equal(["MDTS4011", "MDTS4011"], _listener.Codes);
        Assert.Contains("has no usable DeployRoot ('D:\\DeploymentShare': it must start with \\\\", _listener.Diagnostics[1].Message);
    }

    [Fact]
    public void ABootImageThatIsNotInTheShareIsMDTS4007()
    {
        Assert.Empty(Resolve(windows: false, Declared("arm64")));

        Assert.Equal(["MDTS4007"], _listener.Codes);
        Assert.Equal($"BootImage 'Boot/LiteTouchPE_arm64.wim' of WdsServer 'wds01.corp.contoso.com' does not exist in the deployment share ({Share}).", _listener.Diagnostics[0].Message);
    }

    [Fact]
    public void ANameTheScriptCannotCarryIsMDTS4012()
    {
        Assert.Empty(Resolve(windows: false, Declared(imageName: "Lite Touch \"Stockholm\" (x64)")));
        Assert.Equal(["MDTS4012"], _listener.Codes);
    }
}
