namespace MdtShare.Build.IO;

/// <summary>A file the build wrote into an overlay, and where it goes in the share ('/'-separated).</summary>
internal sealed record OverlayFile(string Path, string RelativePath);
