using MdtShare.Build.Diagnostics;
using MdtShare.Build.Manifest;

namespace MdtShare.Build.Tasks;

/// <summary>Loads a manifest for a task; a missing or invalid one gives coded findings (at most ten listed) instead.</summary>
internal static class ManifestReader
{
    private const int ErrorsListed = 10;

    public static ShareManifest? Read(string path, List<Diagnostic> findings)
    {
        if (!File.Exists(path))
        {
            findings.Add(new Diagnostic(DiagnosticCode.ManifestNotFound, $"The manifest '{path}' does not exist; build the share first (dotnet build)."));
            return null;
        }

        var errors = new List<Diagnostic>();
        ShareManifest manifest = ShareManifest.Parse(File.ReadAllBytes(path), path, errors);
        findings.AddRange(errors.Take(ErrorsListed));
        if (errors.Count > ErrorsListed)
        {
            findings.Add(new Diagnostic(DiagnosticCode.ManifestInvalid, $"... and {errors.Count - ErrorsListed} more invalid lines; the manifest is refused.", path));
        }

        return errors.Count == 0 ? manifest : null;
    }
}
