using System.Runtime.CompilerServices;
using MdtShare.Build.Diagnostics;

namespace MdtShare.Build.Manifest;

/// <summary>
/// Names that cannot live on a Windows share. A Linux build agent can hold them (a share copied from elsewhere, a
/// generated file), so they are reported at build time, before anything is published.
/// </summary>
public static class WindowsNames
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
        if (name.Any(c => c < 0x20))
        {
            return name.IndexOf('\n') >= 0 ? "contains a line break" : "contains a control character";
        }

        if (name.IndexOfAny(InvalidChars.ToCharArray()) is var at and >= 0)
        {
            return $"contains '{name[at]}', which Windows does not allow in names";
        }

        if (name.EndsWith(".", StringComparison.Ordinal) || name.EndsWith(" ", StringComparison.Ordinal))
        {
            return "ends with a dot or a space, which Windows strips";
        }

        int dot = name.IndexOf('.');
        string stem = (dot < 0 ? name : name.Substring(0, dot)).TrimEnd(' ');
        return Reserved.Contains(stem) ? $"is the reserved device name {stem.ToUpperInvariant()}" : null;
    }

    /// <summary>Every invalid name and every pair of paths that differ only in letter case.</summary>
    [MethodImpl(HotPath.Optimize)]
    public static IEnumerable<Diagnostic> Check(IEnumerable<string> relativePaths, string root)
    {
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string path in relativePaths.OrderBy(p => p, StringComparer.Ordinal))
        {
            foreach (string segment in path.Split('/'))
            {
                if (Problem(segment) is { } problem)
                {
                    yield return new Diagnostic(DiagnosticCode.NameInvalidOnWindows,
                        $"'{Printable(path)}' cannot be published to a Windows share: '{Printable(segment)}' {problem}. Rename it in the deployment share.",
                        Path.Combine(root, path));
                    break;
                }
            }

            if (seen.TryGetValue(path, out string? other))
            {
                yield return new Diagnostic(DiagnosticCode.CaseCollision,
                    $"'{other}' and '{path}' differ only in letter case; a Windows share holds one file for both. Remove one of them from the deployment share.",
                    Path.Combine(root, path));
            }
            else
            {
                seen[path] = path;
            }
        }
    }

    private static string Printable(string text) => new(text.Select(c => c < 0x20 ? '?' : c).ToArray());
}
