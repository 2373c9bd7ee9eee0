using MdtShare.Build.Diagnostics;
using MdtShare.Build.Ini;
using MdtShare.Build.IO;

namespace MdtShare.Build.BootImage;

internal enum BootImageOutcome
{
    /// <summary>A patched copy was written to the overlay.</summary>
    Patched,

    /// <summary>The patched copy in the overlay was already current.</summary>
    UpToDate,

    /// <summary>The image already carries the wanted Bootstrap.ini: no overlay copy is needed.</summary>
    AlreadyCurrent,

    /// <summary>Not patched (see the diagnostics).</summary>
    Skipped,

    /// <summary>Only checking (MSBuild's question mode): the overlay copy would be written or removed.</summary>
    OutOfDate,
}

internal sealed record BootImageResult(string Source, string Output, BootImageOutcome Outcome, int Image,
    IReadOnlyList<string> DeployRootsBefore, IReadOnlyList<string> DeployRootsAfter, IReadOnlyList<Diagnostic> Diagnostics);

/// <summary>
/// Writes a copy of a LiteTouch boot image whose Deploy\Scripts\Bootstrap.ini is the build's patched one. The
/// source WIM is only read; the copy is patched under a temp name, read back and checked (content and boot index),
/// then renamed into place. A stamp (source size and time; no content, so no secret) skips unchanged images.
/// </summary>
internal sealed class BootImagePatcher(IBootImageTool tool, StampFile stamps)
{
    public const string BootstrapPath = "/Deploy/Scripts/Bootstrap.ini";

    /// <param name="onlyCheck">Change nothing; return <see cref="BootImageOutcome.OutOfDate"/> where a change is due.</param>
    public BootImageResult Patch(string sourceWim, string outputWim, string bootstrapIni, bool onlyCheck = false)
    {
        byte[] wanted = File.ReadAllBytes(bootstrapIni);
        var after = BootstrapPatcher.ReadDeployRoots(wanted).Select(d => d.Value).Distinct().ToList();
        BootImageResult Result(BootImageOutcome outcome, int image, IReadOnlyList<string> before, params Diagnostic[] diagnostics) =>
            new(sourceWim, outputWim, outcome, image, before, after, diagnostics);
        try
        {
            WimInfo info = tool.Info(sourceWim);
            int image = info.BootIndex > 0 ? info.BootIndex : info.ImageCount == 1 ? 1 : 0;
            if (image == 0)
            {
                return Result(BootImageOutcome.Skipped, 0, [], new Diagnostic(DiagnosticCode.BootImageNoBootIndex,
                    $"{sourceWim} holds {info.ImageCount} images and none is marked bootable, so the image clients boot is unknown; mark it with: wimlib-imagex info <wim> <index> --boot",
                    sourceWim));
            }

            byte[]? current = tool.ReadFile(sourceWim, image, BootstrapPath);
            if (current is null)
            {
                DeleteStale(outputWim, onlyCheck);
                return Result(BootImageOutcome.Skipped, image, [], new Diagnostic(DiagnosticCode.BootImageWithoutBootstrapIni,
                    $"Image {image} of {sourceWim} has no {BootstrapPath}; it does not look like a LiteTouch boot image and is left unpatched.",
                    sourceWim));
            }

            var before = BootstrapPatcher.ReadDeployRoots(current).Select(d => d.Value).Distinct().ToList();
            if (current.AsSpan().SequenceEqual(wanted))
            {
                if (onlyCheck && File.Exists(outputWim))
                {
                    return Result(BootImageOutcome.OutOfDate, image, before);
                }

                DeleteStale(outputWim);
                return Result(BootImageOutcome.AlreadyCurrent, image, before);
            }

            if (IsCurrent(sourceWim, outputWim, image, wanted))
            {
                return Result(BootImageOutcome.UpToDate, image, before);
            }

            if (onlyCheck)
            {
                return Result(BootImageOutcome.OutOfDate, image, before);
            }

            return PatchCopy(sourceWim, outputWim, bootstrapIni, wanted, info, image) is { } failure
                ? Result(BootImageOutcome.Skipped, image, before, failure)
                : Result(BootImageOutcome.Patched, image, before);
        }
        catch (BootImageToolException e)
        {
            DeleteStale(outputWim, onlyCheck);
            return Result(BootImageOutcome.Skipped, 0, [], new Diagnostic(DiagnosticCode.BootImageUnreadable,
                $"{tool.Name} could not read or update {sourceWim}: {e.Message}", sourceWim));
        }
    }

    private Diagnostic? PatchCopy(string sourceWim, string outputWim, string bootstrapIni, byte[] wanted, WimInfo info, int image)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(outputWim)!);
        string temp = Path.Combine(Path.GetDirectoryName(outputWim)!, ".~mdtshare." + Guid.NewGuid().ToString("N") + ".wim.tmp");
        try
        {
            File.Copy(sourceWim, temp);
            tool.ReplaceFile(temp, image, bootstrapIni, BootstrapPath);
            byte[]? readBack = tool.ReadFile(temp, image, BootstrapPath);
            WimInfo patched = tool.Info(temp);
            if (readBack is null || !readBack.AsSpan().SequenceEqual(wanted) || patched.BootIndex != info.BootIndex || patched.ImageCount != info.ImageCount)
            {
                return new Diagnostic(DiagnosticCode.BootImagePatchNotVerified,
                    $"After patching, {BootstrapPath} in image {image} of the copy of {sourceWim} is not what was written (or the boot index changed); the copy is discarded.",
                    sourceWim);
            }

            FileRename.Replace(temp, outputWim);
            stamps.Set(outputWim, StampFile.Of(sourceWim));
            return null;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>The overlay copy is current when the source WIM is the one it was made from and it carries the wanted file.</summary>
    private bool IsCurrent(string sourceWim, string outputWim, int image, byte[] wanted) =>
        stamps.Matches(outputWim, StampFile.Of(sourceWim))
        && tool.ReadFile(outputWim, image, BootstrapPath) is { } embedded && embedded.AsSpan().SequenceEqual(wanted);

    private static void DeleteStale(string outputWim, bool onlyCheck = false)
    {
        if (!onlyCheck && File.Exists(outputWim))
        {
            File.Delete(outputWim);
        }
    }

}
