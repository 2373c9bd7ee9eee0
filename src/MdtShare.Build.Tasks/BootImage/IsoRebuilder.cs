using System.Text;
using System.Text.RegularExpressions;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.IO;
using MdtShare.Build.Manifest;

namespace MdtShare.Build.BootImage;

/// <summary>
/// Rebuilds a LiteTouch ISO (which embeds its own copy of the boot WIM as /sources/boot.wim) around the patched
/// WIM with xorriso, replaying the original El Torito boot records (BIOS and UEFI). The result is checked: the same
/// boot records, and the embedded WIM byte for byte the patched one.
/// </summary>
internal sealed class IsoRebuilder(string xorriso, StampFile stamps, CancellationToken cancellation = default)
{
    public const string EmbeddedWim = "/sources/boot.wim";

    public static string? Find(string? configuredPath, string? pathVariable) => ToolProcess.Find(configuredPath, pathVariable, "xorriso", "xorriso.exe");

    /// <returns>Null when the ISO was rebuilt or already current; else why it was not.</returns>
    public Diagnostic? Rebuild(string sourceIso, string patchedWim, string outputIso, out bool rebuilt)
    {
        rebuilt = false;
        if (IsCurrent(sourceIso, patchedWim, outputIso))
        {
            return null;
        }

        string stamp = Stamp(sourceIso, patchedWim);

        string temp = Path.Combine(Path.GetDirectoryName(outputIso)!, ".~mdtshare." + Guid.NewGuid().ToString("N") + ".iso.tmp");
        string extracted = temp + ".wim";
        try
        {
            Run(out string errors, "-indev", sourceIso, "-outdev", temp, "-boot_image", "any", "replay", "-map", patchedWim, EmbeddedWim, "-commit");
            if (!File.Exists(temp))
            {
                return Failed(sourceIso, errors);
            }

            Run(out errors, "-osirrox", "on", "-indev", temp, "-extract", EmbeddedWim, extracted);
            string before = BootRecords(sourceIso);
            string after = BootRecords(temp);
            if (!File.Exists(extracted) || FileHasher.Hash(extracted, CancellationToken.None) != FileHasher.Hash(patchedWim, CancellationToken.None) || before != after || before.Length == 0)
            {
                return Failed(sourceIso, $"the rebuilt ISO does not carry the patched WIM at {EmbeddedWim} with the original El Torito boot records ({before} / {after}) {errors}");
            }

            FileRename.Replace(temp, outputIso);
            stamps.Set(outputIso, stamp);
            rebuilt = true;
            return null;
        }
        finally
        {
            File.Delete(temp);
            File.Delete(extracted);
        }
    }

    /// <summary>Whether the rebuilt ISO was made from this source ISO and this patched WIM.</summary>
    public bool IsCurrent(string sourceIso, string patchedWim, string outputIso) => stamps.Matches(outputIso, Stamp(sourceIso, patchedWim));

    private static string Stamp(string sourceIso, string patchedWim) => StampFile.Of(sourceIso) + "\t" + StampFile.Of(patchedWim);

    private static Diagnostic Failed(string iso, string why) =>
        new(DiagnosticCode.IsoRebuildFailed, $"{iso} could not be rebuilt with the patched boot image: {why}", iso);

    /// <summary>The El Torito entries (platform, bootable, emulation, load size, image path), without block addresses.</summary>
    private string BootRecords(string iso)
    {
        string report = Run(out _, "-indev", iso, "-report_el_torito", "plain");
        var images = Regex.Matches(report, @"^El Torito boot img :\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+\S+\s+\S+\s+(\d+)", RegexOptions.Multiline)
            .Cast<Match>().Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value} {m.Groups[3].Value} {m.Groups[4].Value} {m.Groups[5].Value}");
        var paths = Regex.Matches(report, @"^El Torito img path :\s+(\d+)\s+(.+)$", RegexOptions.Multiline).Cast<Match>().Select(m => m.Groups[2].Value.Trim());
        return string.Join("; ", images.Concat(paths));
    }

    private string Run(out string errors, params string[] arguments) =>
        Encoding.UTF8.GetString(ToolProcess.Run(xorriso, arguments, new Dictionary<string, string>(), out _, out errors, cancellation));
}
