using System.Text;
using MdtShare.Build.Images;

namespace MdtShare.Build.Tests.Images;

/// <summary>OperatingSystems.xml read for its ImageFile values and rewritten in those values only.</summary>
public sealed class OperatingSystemsXmlTests
{
    private const string W11 = @".\Operating Systems\W11 x64\sources\install.wim";

    /// <summary>Edited by hand: a declaration, comments (one holding an ImageFile), LF and a lone CR, tabs, an emoji
    /// (two UTF-16 units) before a value on its line, attributes in another order, an empty element.</summary>
    private const string HandEdited =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!-- images for the lab -->\n<oss>\n"
        + "\t<os enable=\"True\" guid=\"{1}\"><Name>W11 😀</Name><ImageFile>.\\Operating Systems\\W11 x64\\sources\\install.wim</ImageFile>\n"
        + "\t\t<!-- <ImageFile>.\\old\\install.wim</ImageFile> -->\r"
        + "\t</os>\n\t<os guid=\"{2}\"><ImageFile>.\\Operating Systems\\R&amp;D\\ref.wim</ImageFile><ImageFile /></os>\n</oss>\n";

    private static OperatingSystemsXml Read(byte[] bytes)
    {
        var xml = OperatingSystemsXml.TryRead(bytes, out string problem);
        Assert.True(xml is not null, problem);
        return xml;
    }

    [Fact]
    public void EveryImageFileIsFound_Unescaped_WithItsLineAndTheWdsServerOfItsEntry()
    {
        byte[] bytes = WorkbenchXml.Document(
            WorkbenchXml.Os("Windows 11 Pro", @".\Operating Systems\W11 x64\sources\install.wim", 6),
            WorkbenchXml.Os("Sales", @".\Operating Systems\Sales &amp; Marketing\sales.wim"),
            WorkbenchXml.Os("Windows 10 from WDS", @".\Images\Win10\install.wim", wdsServer: "WDS01"));

        var xml = Read(bytes);

        Assert.Equal(
            [
                new ImageFileEntry(W11, 15, string.Empty),
                new ImageFileEntry(@".\Operating Systems\Sales & Marketing\sales.wim", 36, string.Empty),
                new ImageFileEntry(@".\Images\Win10\install.wim", 57, "WDS01"),
            ],
            xml.ImageFiles);
    }

    [Fact]
    public void RewritingChangesOnlyTheValues_EveryOtherByteStays()
    {
        byte[] bytes = WorkbenchXml.Document(
            WorkbenchXml.Os("Windows 11 Home", W11, 1),
            WorkbenchXml.Os("Windows 11 Pro", W11, 6),
            WorkbenchXml.Os("Sales", @".\Operating Systems\Sales &amp; Marketing\sales.wim"));

        var xml = Read(bytes);
        byte[] rewritten = xml.Rewrite(new Dictionary<ImageFileEntry, string>
        {
            [xml.ImageFiles[0]] = @".\Operating Systems\W11 x64\sources\install.3f2a1b4c5d6e.wim",
            [xml.ImageFiles[1]] = @".\Operating Systems\W11 x64\sources\install.3f2a1b4c5d6e.wim",
            [xml.ImageFiles[2]] = @".\Operating Systems\Sales & Marketing\sales.0123456789ab.wim",
        });

        Assert.Equal(WorkbenchXml.OutsideImageFiles(bytes), WorkbenchXml.OutsideImageFiles(rewritten));
        Assert.Equal(
            [
                @".\Operating Systems\W11 x64\sources\install.3f2a1b4c5d6e.wim", @".\Operating Systems\W11 x64\sources\install.3f2a1b4c5d6e.wim",
                @".\Operating Systems\Sales & Marketing\sales.0123456789ab.wim",
            ],
            Read(rewritten).ImageFiles.Select(e => e.Value));
        Assert.Contains(@"Sales &amp; Marketing\sales.0123456789ab.wim</ImageFile>", Encoding.UTF8.GetString(rewritten));
    }

    [Fact]
    public void AHandEditedFileKeepsItsComments_LineEnds_AndSpacing()
    {
        byte[] bytes = Encoding.UTF8.GetBytes(HandEdited);
        var xml = Read(bytes);

        byte[] rewritten = xml.Rewrite(new Dictionary<ImageFileEntry, string>
        {
            [xml.ImageFiles[0]] = @".\Operating Systems\W11 x64\sources\install.3f2a1b4c5d6e.wim",
            [xml.ImageFiles[1]] = @".\Operating Systems\R&D\ref.0123456789ab.wim",
        });

        Assert.Equal([4, 7, 7], xml.ImageFiles.Select(e => e.Line));
        string expected = HandEdited
            .Replace(@"<ImageFile>.\Operating Systems\W11 x64\sources\install.wim<", @"<ImageFile>.\Operating Systems\W11 x64\sources\install.3f2a1b4c5d6e.wim<")
            .Replace(@"R&amp;D\ref.wim", @"R&amp;D\ref.0123456789ab.wim");
        Assert.Equal(expected, Encoding.UTF8.GetString(rewritten));
        Assert.False(rewritten.Take(3).SequenceEqual(Encoding.UTF8.GetPreamble()), "no byte order mark is added");
    }

    [Fact]
    public void NothingToReplaceGivesTheSameBytes()
    {
        byte[] bytes = WorkbenchXml.Document(WorkbenchXml.Os("Windows 11 Pro", W11));

        Assert.Equal(bytes, Read(bytes).Rewrite(new Dictionary<ImageFileEntry, string>()));
    }

    public static TheoryData<string, byte[]> NotAsTheWorkbenchWritesIt => new()
    {
        { "not well-formed XML", Encoding.UTF8.GetBytes("<oss><os><ImageFile>.\\a.wim</ImageFile></oss>") },
        { "UTF-16", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("<oss/>")).ToArray() },
        { "encoding=\"utf-16\"", Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"utf-16\"?><oss/>") },
        { "encoding=\"windows-1252\"", Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"windows-1252\"?><oss/>") },
        { "DTD", Encoding.UTF8.GetBytes("<!DOCTYPE oss [<!ENTITY os \".\\a.wim\">]><oss><ImageFile>&os;</ImageFile></oss>") },
        { "not valid UTF-8", Encoding.Latin1.GetBytes("<oss><os><ImageFile>.\\Operating Systems\\Bureautique é\\a.wim</ImageFile></os></oss>") },
        { "holds markup", Encoding.UTF8.GetBytes("<oss><os><ImageFile><![CDATA[.\\a.wim]]></ImageFile></os></oss>") },
        { "holds markup", Encoding.UTF8.GetBytes("<oss><os><ImageFile>.\\a.wim<!-- old --></ImageFile></os></oss>") },
    };

    [Theory]
    [MemberData(nameof(NotAsTheWorkbenchWritesIt))]
    public void AFileNotAsTheWorkbenchWritesItGivesAReason_NotAnException(string reason, byte[] bytes)
    {
        Assert.Null(OperatingSystemsXml.TryRead(bytes, out string problem));
        Assert.Contains(reason, problem);
    }
}
