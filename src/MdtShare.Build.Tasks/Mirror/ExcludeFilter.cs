using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;

namespace MdtShare.Build.Mirror;

/// <summary>
/// Paths the mirror neither copies nor purges. Patterns are relative to the share root with '/' or '\':
/// <c>**</c> any number of folders, <c>*</c> any characters within a name, <c>?</c> exactly one. A pattern without
/// a slash (<c>Audit.log</c>) matches at the root only. Matching ignores case, as Windows shares do.
/// </summary>
internal sealed class ExcludeFilter
{
    /// <summary>Client-written folders and the Workbench's own files.</summary>
    public static readonly IReadOnlyList<string> Defaults = ["Logs/**", "Captures/**", "Backup/**", "Audit.log"];

    private readonly (string LiteralStart, Regex Regex)[] _patterns;

    public ExcludeFilter(IEnumerable<string> patterns)
    {
        _patterns = patterns.Select(p => p.Trim().Replace('\\', '/').Trim('/'))
            .Where(p => p.Length > 0)
            .Select(p => (LiteralStart(p), new Regex(ToRegex(p), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)))
            .ToArray();
    }

    /// <param name="relativePath">'/'-separated path relative to the root.</param>
    [MethodImpl(HotPath.Optimize)]
    public bool IsExcluded(string relativePath)
    {
        // Every path of the share is checked: the pattern's literal start (Logs/, Audit.log) rejects nearly all of
        // them without running the regex.
        foreach (var (literalStart, regex) in _patterns)
        {
            if (MayStartWith(relativePath, literalStart) && regex.IsMatch(relativePath))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when everything below a folder is excluded, so it need not even be enumerated.</summary>
    public bool ExcludesWholeFolder(string relativeFolder) => IsExcluded(relativeFolder) || IsExcluded(relativeFolder + "/\u0001");

    /// <summary>The pattern's start up to its first wildcard or non-ASCII character.</summary>
    private static string LiteralStart(string pattern)
    {
        int end = 0;
        while (end < pattern.Length && pattern[end] is not ('*' or '?') && pattern[end] < 0x80)
        {
            end++;
        }

        return pattern.Substring(0, end);
    }

    /// <summary>False only when the path certainly does not start with the ASCII literal, ignoring case; a non-ASCII
    /// character is left to the regex, whose case folding (K and the Kelvin sign) is wider than ASCII's.</summary>
    private static bool MayStartWith(string path, string asciiLiteral)
    {
        if (path.Length < asciiLiteral.Length)
        {
            return false;
        }

        for (int i = 0; i < asciiLiteral.Length; i++)
        {
            char c = path[i];
            if (c >= 0x80)
            {
                return true;
            }

            if (AsciiLower(c) != AsciiLower(asciiLiteral[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static char AsciiLower(char c) => c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c;

    private static string ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                bool slashFollows = i + 2 < pattern.Length && pattern[i + 2] == '/';
                regex.Append(slashFollows ? "(?:.*/)?" : ".*");
                i += slashFollows ? 2 : 1;
            }
            else
            {
                regex.Append(c switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    _ => Regex.Escape(c.ToString()),
                });
            }
        }

        // A pattern naming a folder also covers what is inside it.
        return regex.Append("(?:/.*)?$").ToString();
    }
}
