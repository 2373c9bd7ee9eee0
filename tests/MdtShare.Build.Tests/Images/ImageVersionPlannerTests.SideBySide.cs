using System.Text.RegularExpressions;
using MdtShare.Build.Images;

namespace MdtShare.Build.Tests.Images;

/// <summary>Versioned names where old and new clients meet: a target folder holding the old images and the new ones,
/// and a share copied back from a target.</summary>
public sealed partial class ImageVersionPlannerTests
{
    /// <summary>What DISM loads for <c>/SWMFile:</c>: the folder's names that match the pattern, ignoring case.</summary>
    private static List<string> Loaded(string pattern, IEnumerable<string> folder)
    {
        string regex = "^" + Regex.Escape(pattern).Replace(@"\*", ".*") + "$";
        return folder.Where(name => Regex.IsMatch(name, regex, RegexOptions.IgnoreCase)).ToList();
    }

    /// <summary>LTIApply's pattern for an ImageFile ending in .swm: the value without .swm, then *.swm.</summary>
    private static string SwmPattern(string imageFile)
    {
        string name = imageFile.Substring(imageFile.LastIndexOf('\\') + 1);
        return name.Substring(0, name.Length - ".swm".Length) + "*.swm";
    }

    private static VersionedImage SplitImage(ImageVersionPlan plan) =>
        plan.Images.Single(i => i.Parts.Count > 1);

    private static List<string> Names(IEnumerable<string> paths) => paths.Select(p => p.Substring(p.LastIndexOf('/') + 1)).ToList();

    [Fact]
    public void EachSplitSetIsExactlyWhatItsPatternLoads_AndTheOldPatternLoadsNoneOfThem()
    {
        var first = SplitImage(Plan());
        _temp.WriteFile("share/" + SplitFolder + "install2.swm", "part 2, serviced");
        var second = SplitImage(Plan());
        var firstNames = Names(first.Parts.Select(p => p.PublishedPath));
        var secondNames = Names(second.Parts.Select(p => p.PublishedPath));

        // The target's folder while clients of three OperatingSystems.xml apply the image.
        var folder = Names(first.Parts.Select(p => p.SourcePath)).Append("boot.swm").Concat(firstNames).Concat(secondNames).ToList();

        Assert.Equal(secondNames, Loaded(SwmPattern(second.ValueChanges.Single().NewValue), folder));
        Assert.Equal(firstNames, Loaded(SwmPattern(first.ValueChanges.Single().NewValue), folder));
        Assert.Equal(["install.swm", "install2.swm", "INSTALL3.SWM"], Loaded(SwmPattern(@".\Operating Systems\W10 Split\sources\install.swm"), folder));
        Assert.Equal(3, secondNames.Except(firstNames).Count());
    }

    [Fact]
    public void AShareThatAlreadyHasVersionedNamesGetsTheSameNames_NotAHashUponAHash()
    {
        var first = Plan();
        foreach (ImagePart part in first.Images.SelectMany(i => i.Parts))
        {
            File.Move(_temp["share/" + part.SourcePath], _temp["share/" + part.PublishedPath]);
        }

        _temp.WriteFile("share/Control/OperatingSystems.xml", first.RewrittenXml!);

        var again = Plan();

        Assert.Equal(first.Images.SelectMany(i => i.Parts).Select(p => p.PublishedPath), again.Images.SelectMany(i => i.Parts).Select(p => p.SourcePath));
        Assert.All(again.Images.SelectMany(i => i.Parts), p => Assert.Equal(p.SourcePath, p.PublishedPath));
        Assert.Null(again.RewrittenXml);

        // Changed content replaces the hash in the name.
        string captured = first.Images[2].Parts[0].PublishedPath;
        _temp.WriteFile("share/" + captured, "captured again");
        string split = first.Images[3].Parts[1].PublishedPath;
        _temp.WriteFile("share/" + split, "part 2, serviced");

        var changed = Plan().Images;

        Assert.Equal($"Operating Systems/Win11 Ref Capture/Win11 Ref Capture.{H("captured again")}.wim", changed[2].Parts[0].PublishedPath);
        Assert.Equal($"{SplitFolder}{SplitHash("part 1", "part 2, serviced", "part 3")}.install2.swm", changed[3].Parts[1].PublishedPath);
    }
}
