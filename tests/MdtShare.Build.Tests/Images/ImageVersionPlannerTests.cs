using System.Security.Cryptography;
using System.Text;
using MdtShare.Build.Images;
using MdtShare.Build.Manifest;
using MdtShare.Build.Tests.Support;
using static MdtShare.Build.Tests.Images.WorkbenchXml;

namespace MdtShare.Build.Tests.Images;

/// <summary>The versioned names of a share's images, over a share shaped as the Workbench leaves it: one install.wim
/// named by several editions, an .esd, a captured image, a split set, a folder with an ampersand, letter case that
/// differs between the XML and the disk, a WDS image and an entry whose file is gone.</summary>
public sealed partial class ImageVersionPlannerTests : IDisposable
{
    private const string SplitFolder = "Operating Systems/W10 Split/sources/";

    private static readonly byte[] Workbench = Document(
        Os("Windows 11 Home", @".\Operating Systems\W11 x64\sources\install.wim", 1),
        Os("Windows 11 Education", @".\Operating Systems\W11 x64\sources\install.wim", 3),
        Os("Windows 11 Pro", @".\Operating Systems\W11 x64\sources\install.wim", 6),
        Os("Windows 11 24H2 Pro", @".\Operating Systems\W11 24H2\sources\install.esd", 6),
        Os("Win11 Ref Capture", @".\Operating Systems\Win11 Ref Capture\Win11 Ref Capture.wim"),
        Os("Windows 10 Enterprise", @".\Operating Systems\W10 Split\sources\install.swm", 3),
        Os("Sales", @".\Operating Systems\Sales &amp; Marketing\sales.wim"),
        Os("Windows 10 LTSC", @".\operating systems\W10 LTSC\Sources\INSTALL.WIM"),
        Os("Windows 10 LTSC N", @".\Operating Systems\W10 LTSC\sources\install.wim", 2),
        Os("Windows 7", @".\Operating Systems\W7 x86\sources\install.wim"),
        Os("Windows 10 from WDS", @".\Images\Win10\install.wim", wdsServer: "WDS01"),
        Os("Windows 10 N from WDS", @".\Images\Win10\install.wim", 2, wdsServer: "WDS01"));

    private readonly TempDirectory _temp = new();

    public ImageVersionPlannerTests()
    {
        _temp.WriteFile("share/Operating Systems/W11 x64/sources/install.wim", "W11 23H2: Home, Education, Pro");
        _temp.WriteFile("share/Operating Systems/W11 24H2/sources/install.esd", "W11 24H2, compressed");
        _temp.WriteFile("share/Operating Systems/Win11 Ref Capture/Win11 Ref Capture.wim", "captured reference");
        _temp.WriteFile("share/" + SplitFolder + "install.swm", "part 1");
        _temp.WriteFile("share/" + SplitFolder + "install2.swm", "part 2");
        _temp.WriteFile("share/" + SplitFolder + "INSTALL3.SWM", "part 3");
        _temp.WriteFile("share/" + SplitFolder + "boot.swm", "another image's part");
        _temp.WriteFile("share/Operating Systems/Sales & Marketing/sales.wim", "sales");
        _temp.WriteFile("share/Operating Systems/W10 LTSC/sources/install.wim", "LTSC");
        _temp.WriteFile("share/Control/OperatingSystems.xml", Workbench);
    }

    public void Dispose() => _temp.Dispose();

    private string Share => _temp.Combine("share");

    private string Xml => _temp["share/Control/OperatingSystems.xml"];

    private ImageVersionPlan Plan() => ImageVersionPlanner.Plan(Share, Xml, path => FileHasher.Hash(path, CancellationToken.None));

    private static string Sha256(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    private static string H(string content) => Sha256(content).Substring(0, 12);

    private static string SplitHash(params string[] parts) => H(string.Join("\n", parts.Select(Sha256)));

    private static List<string> Values(byte[] xml) => OperatingSystemsXml.TryRead(xml, out _)!.ImageFiles.Select(e => e.Value).ToList();

    [Fact]
    public void EveryImageInTheShareGetsANameFromItsContent_InTheFolderAndLetterCaseOfTheDisk()
    {
        var plan = Plan();

        string split = SplitHash("part 1", "part 2", "part 3");
        Assert.Equal(
            [
                ("Operating Systems/W11 x64/sources/install.wim", $"Operating Systems/W11 x64/sources/install.{H("W11 23H2: Home, Education, Pro")}.wim"),
                ("Operating Systems/W11 24H2/sources/install.esd", $"Operating Systems/W11 24H2/sources/install.{H("W11 24H2, compressed")}.esd"),
                ("Operating Systems/Win11 Ref Capture/Win11 Ref Capture.wim", $"Operating Systems/Win11 Ref Capture/Win11 Ref Capture.{H("captured reference")}.wim"),
                (SplitFolder + "install.swm", $"{SplitFolder}{split}.install.swm"),
                (SplitFolder + "install2.swm", $"{SplitFolder}{split}.install2.swm"),
                (SplitFolder + "INSTALL3.SWM", $"{SplitFolder}{split}.INSTALL3.SWM"),
                ("Operating Systems/Sales & Marketing/sales.wim", $"Operating Systems/Sales & Marketing/sales.{H("sales")}.wim"),
                ("Operating Systems/W10 LTSC/sources/install.wim", $"Operating Systems/W10 LTSC/sources/install.{H("LTSC")}.wim"),
            ],
            plan.Images.SelectMany(i => i.Parts).Select(p => (p.SourcePath, p.PublishedPath)));
        Assert.Equal(
            [
                @$".\Operating Systems\W11 x64\sources\install.{H("W11 23H2: Home, Education, Pro")}.wim",
                @$".\Operating Systems\W11 24H2\sources\install.{H("W11 24H2, compressed")}.esd",
                @$".\Operating Systems\Win11 Ref Capture\Win11 Ref Capture.{H("captured reference")}.wim",
                @$".\Operating Systems\W10 Split\sources\{split}.install.swm",
                @$".\Operating Systems\Sales & Marketing\sales.{H("sales")}.wim",
                @$".\operating systems\W10 LTSC\Sources\install.{H("LTSC")}.wim",
                @$".\Operating Systems\W10 LTSC\sources\install.{H("LTSC")}.wim",
            ],
            plan.Images.SelectMany(i => i.ValueChanges).Select(c => c.NewValue));
    }

    [Fact]
    public void TheRewrittenXmlDiffersOnlyInTheValuesOfVersionedImages()
    {
        byte[] rewritten = Plan().RewrittenXml!;

        Assert.Equal(OutsideImageFiles(Workbench), OutsideImageFiles(rewritten));
        var before = Values(Workbench);
        var after = Values(rewritten);
        Assert.Equal([true, true, true, true, true, true, true, true, true, false, false, false], before.Zip(after, (b, a) => a != b));
        Assert.Equal(after[0], after[2]);
    }

    [Fact]
    public void ImagesNotInTheShareAreKeptInPlace_EachWithOneWarningAtItsLine()
    {
        var plan = Plan();

        Assert.Equal(
            [("MDTS6002", LineOf(Workbench, @".\Operating Systems\W7 x86\sources\install.wim")), ("MDTS6001", LineOf(Workbench, @".\Images\Win10\install.wim"))],
            plan.Diagnostics.Select(d => (d.Code.Id, d.Line)));
        Assert.All(plan.Diagnostics, d => Assert.Equal(Xml, d.File));
        Assert.Contains(@"'.\Operating Systems\W7 x86\sources\install.wim' names Operating Systems/W7 x86/sources/install.wim, which is not in the deployment share", plan.Diagnostics[0].Message);
        Assert.Contains(@"'.\Images\Win10\install.wim' is not an image in the deployment share: its entry names WDS server WDS01", plan.Diagnostics[1].Message);
        Assert.All(plan.Diagnostics, d => Assert.Contains("kept in place, as before", d.Message));
    }

    [Fact]
    public void AWdsEntryKeepsItsValue_WhenTheSameValueNamesAnImageInTheShareInAnotherEntry()
    {
        _temp.WriteFile("share/Images/Win10/install.wim", "a copy in the share");
        _temp.WriteFile("share/Control/OperatingSystems.xml", Document(
            Os("Windows 10 from WDS", @".\Images\Win10\install.wim", wdsServer: "WDS01"),
            Os("Windows 10", @".\Images\Win10\install.wim")));

        var plan = Plan();

        Assert.Equal([@".\Images\Win10\install.wim", $@".\Images\Win10\install.{H("a copy in the share")}.wim"], Values(plan.RewrittenXml!));
        Assert.Equal("MDTS6001", Assert.Single(plan.Diagnostics).Code.Id);
    }

    [Theory]
    [InlineData(@"\\WDS01\REMINST\Images\Win10\install.wim", "it is a UNC path")]
    [InlineData(@"\\%WDSServer%\REMINST\Images\Win10\install.wim", "it is a UNC path")]
    [InlineData(@"D:\Operating Systems\W11 x64\sources\install.wim", "it names a drive")]
    [InlineData(@"%DeployRoot%\Operating Systems\W11 x64\sources\install.wim", "it holds a variable")]
    [InlineData(@".\Operating Systems\%OSFolder%\sources\install.wim", "it holds a variable")]
    [InlineData(@"Operating Systems\W11 x64\sources\install.wim", @"it does not start with .\")]
    [InlineData(@".\Operating Systems\..\Operating Systems\W11 x64\sources\install.wim", "a '..' segment")]
    [InlineData(@".\Operating Systems\\W11 x64\sources\install.wim", "it has an empty or '.' segment")]
    [InlineData(@".\Operating Systems\.\W11 x64\sources\install.wim", "it has an empty or '.' segment")]
    [InlineData("", "it is empty, so LiteTouch installs this entry with setup from its Source folder")]
    public void AnImageFileThatIsNotAPathInTheShareIsKeptInPlace(string imageFile, string reason)
    {
        byte[] xml = Document(Os("Windows 11 Pro", @".\Operating Systems\W11 x64\sources\install.wim"), Os("Odd", imageFile));
        _temp.WriteFile("share/Control/OperatingSystems.xml", xml);

        var plan = Plan();

        var warning = Assert.Single(plan.Diagnostics);
        Assert.Equal(("MDTS6001", 36), (warning.Code.Id, warning.Line));
        Assert.Contains($"'{imageFile}' is not an image in the deployment share: {reason}", warning.Message);
        Assert.Single(plan.Images);
        Assert.Equal(imageFile, Values(plan.RewrittenXml!)[1]);
    }

    public static TheoryData<string, byte[]> Unreadable => new()
    {
        { "it is not well-formed XML", Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Workbench).Replace("</oss>", string.Empty)) },
        { "it is UTF-16", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(Workbench).TrimStart('\uFEFF'))).ToArray() },
        { "its XML declaration says encoding=\"utf-16\"", Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"utf-16\"?>\r\n" + Encoding.UTF8.GetString(Workbench).TrimStart('\uFEFF')) },
    };

    [Theory]
    [MemberData(nameof(Unreadable))]
    public void AFileNotAsTheWorkbenchWritesIt_GivesOneWarningAndNoVersions(string reason, byte[] xml)
    {
        _temp.WriteFile("share/Control/OperatingSystems.xml", xml);

        var plan = Plan();

        var warning = Assert.Single(plan.Diagnostics);
        Assert.Equal(("MDTS6003", Xml, 0), (warning.Code.Id, warning.File, warning.Line));
        Assert.Contains($"cannot be read as the Deployment Workbench writes it: {reason}", warning.Message);
        Assert.Contains("Every image is published in place, under its own name, as before.", warning.Message);
        Assert.Empty(plan.Images);
        Assert.Null(plan.RewrittenXml);
    }

    [Fact]
    public void AChangedImageGetsANewName_AnUnchangedOneKeepsItsName()
    {
        var before = Plan().Images.SelectMany(i => i.Parts).ToList();
        _temp.WriteFile("share/Operating Systems/W11 x64/sources/install.wim", "W11 23H2 with the May update");
        _temp.WriteFile("share/" + SplitFolder + "install2.swm", "part 2, serviced");

        var after = Plan().Images.SelectMany(i => i.Parts).ToList();

        Assert.Equal(
            [true, false, false, true, true, true, false, false],
            before.Zip(after, (b, a) => a.PublishedPath != b.PublishedPath));
        Assert.Equal($"Operating Systems/W11 x64/sources/install.{H("W11 23H2 with the May update")}.wim", after[0].PublishedPath);
    }
}
