using System.Globalization;
using MdtShare.Build.BootPaths;
using MdtShare.Build.HostReferences;
using MdtShare.Build.IO;
using MdtShare.Build.Reports;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace MdtShare.Build.Tasks;

/// <summary>The item metadata our tasks and targets read and write, named once.</summary>
internal static class Metadata
{
    public const string RelativePath = "RelativePath";
    public const string DeployRoot = "DeployRoot";
    public const string OverlayDirectory = "OverlayDirectory";
    public const string OverlayDirectories = "OverlayDirectories";
    public const string ShareManifest = "ShareManifest";
    public const string Section = "Section";
    public const string Value = "Value";
    public const string ValueFromEnvironment = "ValueFromEnvironment";
    public const string To = "To";
    public const string Use = "Use";
    public const string Site = "Site";
    public const string Image = "Image";
    public const string DeployRootBefore = "DeployRootBefore";
    public const string DeployRootAfter = "DeployRootAfter";
    public const string Outcome = "Outcome";
    public const string Overlay = "Overlay";
    public const string Line = "Line";
    public const string Text = "Text";
    public const string TargetDeployRoot = "TargetDeployRoot";
    public const string Sections = "Sections";
    public const string BootstrapDeployRoot = "BootstrapDeployRoot";
    public const string SLShare = "SLShare";
    public const string BackupShare = "BackupShare";
    public const string EventService = "EventService";
    public const string PublishedAs = "PublishedAs";
    public const string ImageName = "ImageName";
    public const string Architecture = "Architecture";
    public const string BootImage = "BootImage";
    public const string RemInstPath = "RemInstPath";
    public const string Kind = "Kind";
    public const string State = "State";
    public const string Detail = "Detail";
}

/// <summary>
/// The records that pass from one task to another through MSBuild items, each with its one way there and back:
/// PatchBootImages' results, ReportHostReferences' references and client outcomes, all read by
/// MirrorDeploymentShare for the publish report.
/// </summary>
internal static class TaskItems
{
    // DeployRoot values are UNC paths, which never hold '|'.
    private const char ListSeparator = '|';

    /// <summary>A file written into an overlay (Bootstrap.ini, a boot image), for the targets that list them.</summary>
    public static ITaskItem ToItem(OverlayFile file) => Item(file.Path, (Metadata.RelativePath, file.RelativePath));

    /// <summary>A share file published under another name (an image published side by side).</summary>
    public static ITaskItem ToItem(string sharePath, string publishedAs) => Item(sharePath, (Metadata.PublishedAs, publishedAs));

    public static IReadOnlyDictionary<string, string> ToPublishedNames(IEnumerable<ITaskItem> items) =>
        items.GroupBy(i => i.ItemSpec, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().GetMetadata(Metadata.PublishedAs), StringComparer.Ordinal);

    public static ITaskItem ToItem(BootImageEntry entry) => Item(entry.Path,
        (Metadata.Image, entry.Image.ToString(CultureInfo.InvariantCulture)),
        (Metadata.DeployRootBefore, string.Join(ListSeparator.ToString(), entry.DeployRootBefore)),
        (Metadata.DeployRootAfter, string.Join(ListSeparator.ToString(), entry.DeployRootAfter)),
        (Metadata.Outcome, entry.Outcome),
        (Metadata.Overlay, entry.Overlay));

    public static BootImageEntry ToBootImage(ITaskItem item) => new(item.ItemSpec, Number(item.GetMetadata(Metadata.Image)),
        item.GetMetadata(Metadata.Overlay), List(item.GetMetadata(Metadata.DeployRootBefore)), List(item.GetMetadata(Metadata.DeployRootAfter)),
        item.GetMetadata(Metadata.Outcome));

    public static ITaskItem ToItem(BootPathEntry entry) => Item(entry.Path,
        (Metadata.Kind, entry.Kind), (Metadata.State, entry.State), (Metadata.Detail, entry.Detail));

    public static BootPathEntry ToBootPath(ITaskItem item) =>
        new(item.GetMetadata(Metadata.Kind), item.ItemSpec, item.GetMetadata(Metadata.State), item.GetMetadata(Metadata.Detail));

    /// <summary>A WdsServer item, as the project wrote it; metadata are read as written (MSBuild turns an item
    /// spec's backslashes into slashes on Unix, metadata it leaves alone).</summary>
    public static WdsServerDeclaration ToWdsServer(ITaskItem item) => new(item.ItemSpec,
        item.GetMetadata(Metadata.ImageName), item.GetMetadata(Metadata.Architecture), item.GetMetadata(Metadata.BootImage),
        item.GetMetadata(Metadata.DeployRoot), item.GetMetadata(Metadata.RemInstPath));

    public static ITaskItem ToItem(HostReferenceEntry entry) => Item(entry.File,
        (Metadata.Line, entry.Line.ToString(CultureInfo.InvariantCulture)), (Metadata.Text, entry.Text));

    public static HostReferenceEntry ToHostReference(ITaskItem item) =>
        new(item.ItemSpec, Number(item.GetMetadata(Metadata.Line)), item.GetMetadata(Metadata.Text));

    /// <summary>The item is the client; the target's DeployRoot is metadata, which MSBuild leaves as written (an
    /// item spec's backslashes become slashes on Unix).</summary>
    public static ITaskItem ToItem(string targetDeployRoot, ClientOutcome outcome) => Item(outcome.Client,
        (Metadata.TargetDeployRoot, targetDeployRoot),
        (Metadata.Sections, outcome.Sections),
        (Metadata.BootstrapDeployRoot, outcome.BootstrapDeployRoot ?? string.Empty),
        (Metadata.DeployRoot, outcome.DeployRoot ?? string.Empty),
        (Metadata.SLShare, outcome.SLShare ?? string.Empty),
        (Metadata.BackupShare, outcome.BackupShare ?? string.Empty),
        (Metadata.EventService, outcome.EventService ?? string.Empty));

    public static (string TargetDeployRoot, ClientOutcome Outcome) ToClientOutcome(ITaskItem item) =>
        (item.GetMetadata(Metadata.TargetDeployRoot), new ClientOutcome(item.ItemSpec, item.GetMetadata(Metadata.Sections),
            Blank(item.GetMetadata(Metadata.BootstrapDeployRoot)), Blank(item.GetMetadata(Metadata.DeployRoot)),
            Blank(item.GetMetadata(Metadata.SLShare)), Blank(item.GetMetadata(Metadata.BackupShare)), Blank(item.GetMetadata(Metadata.EventService))));

    private static TaskItem Item(string spec, params (string Name, string Value)[] metadata)
    {
        var item = new TaskItem(spec);
        foreach (var (name, value) in metadata)
        {
            item.SetMetadata(name, value);
        }

        return item;
    }

    private static int Number(string text) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : 0;

    private static IReadOnlyList<string> List(string joined) => joined.Length == 0 ? [] : joined.Split(ListSeparator);

    private static string? Blank(string value) => value.Length == 0 ? null : value;
}
