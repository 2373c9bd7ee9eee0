using MdtShare.Build.Diagnostics;

namespace MdtShare.Build.Images;

/// <summary>
/// How a share's images are published side by side: each image under a name that carries its content hash, and an
/// OperatingSystems.xml that names them, so a client that read the old file keeps finding the old image.
/// </summary>
/// <param name="RewrittenXml">OperatingSystems.xml with the versioned names; null when no value changes.</param>
/// <param name="Diagnostics">One warning for each image kept in place, or one for the whole file.</param>
internal sealed record ImageVersionPlan(IReadOnlyList<VersionedImage> Images, byte[]? RewrittenXml, IReadOnlyList<Diagnostic> Diagnostics);

/// <summary>One image of the share: a single file, or a split set in DISM's order (the part ImageFile names first).</summary>
/// <param name="ValueChanges">Each spelling of it in OperatingSystems.xml, with the value that replaces it.</param>
internal sealed record VersionedImage(IReadOnlyList<ImagePart> Parts, IReadOnlyList<XmlValueChange> ValueChanges);

/// <param name="SourcePath">Relative to the share, '/'-separated, spelled as on disk.</param>
/// <param name="PublishedPath">The same folder, under the versioned name.</param>
internal sealed record ImagePart(string SourcePath, string PublishedPath);

internal sealed record XmlValueChange(string OldValue, string NewValue);
