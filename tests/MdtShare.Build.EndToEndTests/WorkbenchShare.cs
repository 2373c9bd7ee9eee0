using System.Security.Cryptography;
using System.Text;

namespace MdtShare.Build.EndToEndTests;

/// <summary>
/// A deployment share shaped as the Workbench leaves it, for the image-version tests on any target: a full-source
/// OS whose install.wim two editions name, a captured image, and a split .swm set of three parts; and the names each
/// image is published under with MdtShareImageVersions.
/// </summary>
internal static class WorkbenchShare
{
    public const string FullSource = "Operating Systems/W11 x64/sources/install.wim";
    public const string Captured = "Operating Systems/Win11 Ref Capture/Win11 Ref Capture.wim";
    public const string SplitFolder = "Operating Systems/W10 Split/sources/";

    public static readonly string CapturedContent = "captured reference, " + new string('c', 30_000);

    private static readonly (string Name, string Content)[] SplitParts =
        [("install.swm", "part 1, " + new string('1', 20_000)), ("install2.swm", "part 2, " + new string('2', 20_000)), ("install3.swm", "part 3, " + new string('3', 5_000))];

    /// <summary>The full-source OS's install.wim of a release ("23H2"): the image the tests change.</summary>
    public static string InstallImage(string release) => $"W11 {release}, " + new string('w', 40_000);

    /// <summary>Writes the share into <paramref name="project"/>'s share/ folder, its install.wim of 23H2.</summary>
    public static void Write(TestProject project)
    {
        string xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<oss>\r\n"
            + Os("Windows 11 Education", @".\Operating Systems\W11 x64\sources\install.wim", 3)
            + Os("Windows 11 Pro", @".\Operating Systems\W11 x64\sources\install.wim", 6)
            + Os("Win11 Ref Capture", @".\Operating Systems\Win11 Ref Capture\Win11 Ref Capture.wim", 1)
            + Os("Windows 10 Enterprise", @".\Operating Systems\W10 Split\sources\install.swm", 3)
            + "</oss>\r\n";
        project.Write("share/Control/OperatingSystems.xml", Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(xml)).ToArray());
        project.Write("share/Control/Bootstrap.ini", "[Settings]\r\nPriority=Default\r\n\r\n[Default]\r\nDeployRoot=\\\\MDT01\\DeploymentShare$\r\n");
        project.Write("share/Scripts/LiteTouch.wsf", "<job/>");
        WriteInstallImage(project, "23H2");
        project.Write("share/" + Captured, CapturedContent);
        foreach (var (name, content) in SplitParts)
        {
            project.Write("share/" + SplitFolder + name, content);
        }
    }

    /// <summary>Replaces the share's install.wim with another release's.</summary>
    public static void WriteInstallImage(TestProject project, string release) => project.Write("share/" + FullSource, InstallImage(release));

    /// <summary>The first 12 hex digits of a content's SHA-256, as a versioned name carries them.</summary>
    public static string Hash(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content))).Substring(0, 12);

    /// <summary>A whole image's published name: install.wim becomes install.&lt;hash&gt;.wim.</summary>
    public static string Versioned(string path, string content) => path.Substring(0, path.LastIndexOf('.')) + "." + Hash(content) + ".wim";

    /// <summary>The split set's hash, which every part's published name starts with: from its parts' hashes in order.</summary>
    public static string SplitHash =>
        Hash(string.Join("\n", SplitParts.Select(p => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(p.Content))))));

    /// <summary>The images published for the share with its install.wim of <paramref name="release"/>, sorted.</summary>
    public static List<string> PublishedImages(string release) =>
        SplitParts.Select(p => SplitFolder + SplitHash + "." + p.Name)
            .Append(Versioned(FullSource, InstallImage(release)))
            .Append(Versioned(Captured, CapturedContent))
            .Order(StringComparer.Ordinal).ToList();

    /// <summary>The images in a published folder: every file under Operating Systems, relative and sorted.</summary>
    public static List<string> ImagesIn(string target) =>
        Directory.EnumerateFiles(Path.Combine(target, "Operating Systems"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(target, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal).ToList();

    /// <summary>A published folder's OperatingSystems.xml names each image by its published name: the install.wim of
    /// <paramref name="release"/> for both editions, the captured image and the split set once each.</summary>
    public static void AssertNamedByOperatingSystemsXml(string target, string release)
    {
        string xml = File.ReadAllText(Path.Combine(target, "Control", "OperatingSystems.xml"));
        Assert.Equal(2, ImageFilesNaming(xml, Versioned(FullSource, InstallImage(release))));
        Assert.Equal(1, ImageFilesNaming(xml, Versioned(Captured, CapturedContent)));
        Assert.Equal(1, ImageFilesNaming(xml, SplitFolder + SplitHash + ".install.swm"));
    }

    /// <summary>How many ImageFile values of an OperatingSystems.xml name a published path.</summary>
    private static int ImageFilesNaming(string operatingSystemsXml, string publishedPath) =>
        operatingSystemsXml.Split(@"<ImageFile>.\" + publishedPath.Replace('/', '\\') + "</ImageFile>").Length - 1;

    /// <summary>One &lt;os&gt; entry as the Workbench writes it (the fields LiteTouch reads, CRLF, two-space indent).</summary>
    private static string Os(string name, string imageFile, int index) =>
        $"  <os guid=\"{{{Guid.NewGuid()}}}\" enable=\"True\">\r\n    <Name>{name}</Name>\r\n    <Platform>x64</Platform>\r\n"
        + $"    <IncludesSetup>True</IncludesSetup>\r\n    <ImageFile>{imageFile}</ImageFile>\r\n    <ImageIndex>{index}</ImageIndex>\r\n"
        + $"    <ImageName>{name}</ImageName>\r\n  </os>\r\n";
}
