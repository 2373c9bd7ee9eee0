using System.Runtime.CompilerServices;
using MdtShare.Build.Diagnostics;

namespace MdtShare.Build.Manifest;

/// <summary>
/// Names that cannot live on a Windows share. A Linux build agent can hold them (a share copied from elsewhere, a
/// generated file), so they are reported at build time, before anything is published.
/// </summary>
internal static class WindowsNames
{
    private const string InvalidChars = "\\:*?\"<>|";

    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
        "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "COM\u00B9", "COM\u00B2", "COM\u00B3",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT\u00B9", "LPT\u00B2", "LPT\u00B3",
    };

    /// <summary>Why one name (a single path segment) is invalid on Windows, or null.</summary>
    [MethodImpl(HotPath.Optimize)]
    public static string? Problem(string name)
    {
        foreach (char c in name)
        {
            if (c < 0x20)
            {
                return c == '\n' ? "contains a line break" : "contains a control character";
            }

            if (InvalidChars.IndexOf(c) >= 0)
            {
                return $"contains '{c}', which Windows does not allow in names";
            }
        }

        if (name.EndsWith(".", StringComparison.Ordinal) || name.EndsWith(" ", StringComparison.Ordinal))
        {
            return "ends with a dot or a space, which Windows strips";
        }

        int dot = name.IndexOf('.');
        string stem = (dot < 0 ? name : name.Substring(0, dot)).TrimEnd(' ');
        return stem.Length <= 7 && Reserved.Contains(stem) ? $"is the reserved device name {stem.ToUpperInvariant()}" : null;
    }

    /// <summary>Every invalid name (each folder reported once) and every pair of paths that differ only in letter case,
    /// in path order.</summary>
    public static List<Diagnostic> Check(IReadOnlyCollection<string> relativePaths, string root)
    {
        // Sorting the whole share costs more than checking it, and the order only matters when there is something to report.
        List<Diagnostic> findings = Scan(relativePaths, root);
        return findings.Count == 0 ? findings : Scan(relativePaths.OrderBy(p => p, StringComparer.Ordinal), root);
    }

    [MethodImpl(HotPath.Optimize)]
    private static List<Diagnostic> Scan(IEnumerable<string> relativePaths, string root)
    {
        var findings = new List<Diagnostic>();
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var checkedFolders = new HashSet<string>(StringComparer.Ordinal);
        foreach (string path in relativePaths)
        {
            string? problem = null;
            string segment = string.Empty;
            int start = 0;
            for (int slash = path.IndexOf('/'); problem is null && slash >= 0; start = slash + 1, slash = path.IndexOf('/', start))
            {
                if (checkedFolders.Add(path.Substring(0, slash)))
                {
                    segment = path.Substring(start, slash - start);
                    problem = Problem(segment);
                }
            }

            if (problem is null)
            {
                segment = path.Substring(start);
                problem = Problem(segment);
            }

            if (problem is not null)
            {
                findings.Add(new Diagnostic(DiagnosticCode.NameInvalidOnWindows,
                    $"'{Printable(path)}' cannot be published to a Windows share: '{Printable(segment)}' {problem}. Rename it in the deployment share.",
                    Path.Combine(root, path)));
            }

            if (seen.TryGetValue(path, out string? other))
            {
                findings.Add(new Diagnostic(DiagnosticCode.CaseCollision,
                    $"'{other}' and '{path}' differ only in letter case; a Windows share holds one file for both. Remove one of them from the deployment share.",
                    Path.Combine(root, path)));
            }
            else
            {
                seen[path] = path;
            }
        }

        return findings;
    }

    private static string Printable(string text) => new(text.Select(c => c < 0x20 ? '?' : c).ToArray());
}
