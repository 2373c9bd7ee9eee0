using MdtShare.Build.Diagnostics;
using MdtShare.Build.Manifest;

namespace MdtShare.Build.Tasks;

/// <summary>Loads a manifest for a task, reporting a missing or invalid one as coded errors.</summary>
internal static class ManifestReader
{
    private const int ErrorsListed = 10;

    public static ShareManifest? Read(string path, MdtShareTask task)
    {
        if (!File.Exists(path))
        {
            task.ReportFinding(new Diagnostic(DiagnosticCode.ManifestNotFound, $"The manifest '{path}' does not exist; build the share first (dotnet build)."));
            return null;
        }

        var errors = new List<Diagnostic>();
        ShareManifest manifest = ShareManifest.Parse(File.ReadAllBytes(path), path, errors);
        foreach (Diagnostic error in errors.Take(ErrorsListed))
        {
            task.ReportFinding(error);
        }

        if (errors.Count > ErrorsListed)
        {
            task.ReportFinding(new Diagnostic(DiagnosticCode.ManifestInvalid, $"... and {errors.Count - ErrorsListed} more invalid lines; the manifest is refused.", path));
        }

        return errors.Count == 0 ? manifest : null;
    }
}
