using System.Text;

namespace MdtShare.Build.Tests.Images;

/// <summary>Control/OperatingSystems.xml as the Deployment Workbench writes it: UTF-8 with a byte order mark, CRLF,
/// two-space indentation, one &lt;os&gt; per image index.</summary>
internal static class WorkbenchXml
{
    /// <param name="imageFile">Already XML-escaped, as it stands in the file.</param>
    public static string Os(string name, string imageFile, int index = 1, string? wdsServer = null) =>
        string.Join("\r\n", new[]
        {
            $"  <os guid=\"{{{Guid.NewGuid()}}}\" enable=\"True\">",
            $"    <Name>{name} in {name} install.wim</Name>",
            "    <CreatedTime>3/28/2023 7:47:01 PM</CreatedTime>",
            "    <CreatedBy>CONTOSO\\mdtadmin</CreatedBy>",
            "    <LastModifiedTime>3/28/2023 7:47:01 PM</LastModifiedTime>",
            "    <LastModifiedBy>CONTOSO\\mdtadmin</LastModifiedBy>",
            $"    <Description>{name}</Description>",
            "    <Platform>x64</Platform>",
            "    <Build>10.0.22621.525</Build>",
            "    <OSType>Windows IBS</OSType>",
            $"    <Source>{imageFile.Substring(0, Math.Max(0, imageFile.LastIndexOf('\\')))}</Source>",
            "    <IncludesSetup>True</IncludesSetup>",
            "    <SMSImage>False</SMSImage>",
            $"    <ImageFile>{imageFile}</ImageFile>",
            $"    <ImageIndex>{index}</ImageIndex>",
            $"    <ImageName>{name}</ImageName>",
            "    <Flags>Professional</Flags>",
            "    <HAL></HAL>",
            "    <Size>15715</Size>",
            "    <Language>en-US</Language>",
        }.Concat(wdsServer is null ? [] : [$"    <WDSServer>{wdsServer}</WDSServer>"]).Append("  </os>"));

    public static byte[] Document(params string[] entries) =>
        Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("<oss>\r\n" + string.Join("\r\n", entries) + "\r\n</oss>")).ToArray();

    /// <summary>The 1-based line of the first ImageFile element holding <paramref name="imageFile"/>.</summary>
    public static int LineOf(byte[] xml, string imageFile)
    {
        string text = Encoding.UTF8.GetString(xml);
        string before = text.Substring(0, text.IndexOf($"<ImageFile>{imageFile}</ImageFile>", StringComparison.Ordinal));
        return before.Count(c => c == '\n') + 1;
    }

    /// <summary>The file cut at every ImageFile value: what must stay byte for byte when only values change.</summary>
    /// <remarks>Latin-1 by its code page, not Encoding.Latin1: the Windows layer's net472 build shares this file.</remarks>
    public static List<string> OutsideImageFiles(byte[] xml) =>
        System.Text.RegularExpressions.Regex.Split(Encoding.GetEncoding(28591).GetString(xml), "(?<=<ImageFile>)[^<]*(?=</ImageFile>)").ToList();
}
