using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;

namespace MdtShare.Build.Mirror;

/// <summary>
/// Paths the mirror neither copies nor purges. Patterns are relative to the share root with '/' or '\':
/// <c>**</c> any number of folders, <c>*</c> any characters within a name, <c>?</c> exactly one. A pattern without
/// a slash (<c>Audit.log</c>) matches at the root only. Matching ignores case, as Windows shares do.
/// </summary>
public sealed class ExcludeFilter
{
    /// <summary>Client-written folders and the Workbench's own files.</summary>
    public static readonly IReadOnlyList<string> Defaults = ["Logs/**", "Captures/**", "Backup/**", "Audit.log"];

    private readonly List<Regex> _patterns;

    public ExcludeFilter(IEnumerable<string> patterns)
    {
        _patterns = patterns.Select(p => p.Trim().Replace('\\', '/').Trim('/'))
            .Where(p => p.Length > 0)
            .Select(p => new Regex(ToRegex(p), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant))
            .ToList();
    }

    /// <param name="relativePath">'/'-separated path relative to the root.</param>
    [MethodImpl(HotPath.Optimize)]
    public bool IsExcluded(string relativePath) => _patterns.Any(p => p.IsMatch(relativePath));

    /// <summary>True when everything below a folder is excluded, so it need not even be enumerated.</summary>
    public bool ExcludesWholeFolder(string relativeFolder) => IsExcluded(relativeFolder) || IsExcluded(relativeFolder + "/\u0001");

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
