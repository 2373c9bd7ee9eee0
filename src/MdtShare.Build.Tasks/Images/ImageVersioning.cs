using MdtShare.Build.Diagnostics;
using MdtShare.Build.IO;
using MdtShare.Build.Manifest;
using MdtShare.Build.Mirror;

namespace MdtShare.Build.Images;

/// <summary>
/// The share's images as the build publishes them: each under a name from its content (<see cref="ImageVersionPlanner"/>),
/// and the overlay's Control/OperatingSystems.xml naming them, written (or its stale copy removed) before the
/// manifests list the overlay. Images are hashed through the manifest's cache, so the manifest reads none of them
/// again. Knows nothing of MSBuild.
/// </summary>
internal static class ImageVersioning
{
    private const string OperatingSystemsXml = "Control/OperatingSystems.xml";

    /// <param name="share">The share's listing, whose files' cache keys are their relative paths.</param>
    /// <param name="overlay">The build's own overlay, which every target's tree includes.</param>
    /// <param name="enabled">False: every image is published in place, and an overlay copy an earlier build wrote is
    /// removed (it would name images no longer published).</param>
    /// <param name="onlyCheck">Change nothing; tell the change that is due (MSBuild's question mode).</param>
    /// <returns>The share's name of each image part published under another, and that name.</returns>
    public static IReadOnlyDictionary<string, string> Apply(string shareRoot, TreeSnapshot share, string overlay, HashCache cache,
        bool enabled, bool onlyCheck, IBuildListener listener, CancellationToken cancellation)
    {
        string? source = ShareFiles.Find(shareRoot, OperatingSystemsXml);
        string destination = Path.Combine(overlay, source is null ? OperatingSystemsXml : ShareFiles.Relative(shareRoot, source));
        ImageVersionPlan? plan = source is null || !enabled ? null
            : ImageVersionPlanner.Plan(shareRoot, source, path => Hash(shareRoot, share, cache, path, cancellation));
        plan?.Diagnostics.ToList().ForEach(listener.Report);
        WriteOverlay(destination, plan?.RewrittenXml, onlyCheck, listener);

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (ImagePart part in plan?.Images.SelectMany(i => i.Parts) ?? [])
        {
            names[part.SourcePath] = part.PublishedPath;
        }

        if (plan?.RewrittenXml is not null && !onlyCheck)
        {
            listener.Tell($"Images published side by side: {plan.Images.Count} image(s) under names from their content, named by {destination}");
            names.Where(n => n.Key != n.Value).ToList().ForEach(n => listener.Detail($"{n.Key} is published as {n.Value}"));
        }

        return names;
    }

    private static void WriteOverlay(string destination, byte[]? content, bool onlyCheck, IBuildListener listener)
    {
        if (content is null)
        {
            if (File.Exists(destination))
            {
                if (onlyCheck)
                {
                    listener.OutOfDate($"{destination} would be removed: no image of OperatingSystems.xml is published under a versioned name now");
                    return;
                }

                File.Delete(destination);
            }
        }
        else if (onlyCheck)
        {
            if (!AtomicFile.Holds(destination, content))
            {
                listener.OutOfDate($"{destination} would be written: an image or OperatingSystems.xml changed");
            }
        }
        else
        {
            AtomicFile.WriteIfChanged(destination, content);
        }
    }

    /// <summary>A share file's SHA-256, from the cache when it is unchanged since it was last hashed.</summary>
    private static string Hash(string shareRoot, TreeSnapshot share, HashCache cache, string path, CancellationToken cancellation)
    {
        string relative = ShareFiles.Relative(shareRoot, path);
        if (!share.Files.TryGetValue(relative, out TreeFile? file))
        {
            return FileHasher.Hash(path, cancellation);
        }

        if (!cache.TryGet(relative, file, out string hash))
        {
            hash = FileHasher.Hash(path, cancellation);
            cache.Set(relative, file, hash);
        }

        return hash;
    }
}
