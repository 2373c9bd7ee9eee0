using System.Text.RegularExpressions;
using MdtShare.Build.Ini;

namespace MdtShare.Build.HostReferences;

internal enum ReferenceKind
{
    /// <summary>A path inside the deployment share: it moves with the share.</summary>
    InsideShare,

    /// <summary>Another share on the MDT server (<c>\\MDT01\Logs$</c>): it does not move with the deployment share.</summary>
    OtherShare,

    /// <summary>A service on the MDT server (a URL; SQL, WSUS, monitoring): it does not move with a file share.</summary>
    Service,

    /// <summary>The server's bare name anywhere else.</summary>
    Host,
}

/// <summary>A project's explicit mapping of a reference that moved: a UNC prefix, URL prefix or host name, matched
/// case-insensitively where a reference starts.</summary>
internal sealed record HostReferenceMap(string From, string To);

/// <summary>One place a text names the MDT server. <see cref="Start"/> and <see cref="Length"/> span what
/// <see cref="Replacement"/> (when known) takes the place of.</summary>
internal sealed record Reference(int Start, int Length, ReferenceKind Kind, string Text, string? Replacement, bool ByMap);

/// <summary>
/// Finds the MDT server in a value: UNC paths, URLs, and a value that is just the server's name in one of the forms
/// SQL Server and the other services accept (<c>HOST</c>, <c>HOST\INSTANCE</c>, <c>HOST,PORT</c>, <c>tcp:HOST</c>,
/// <c>HOST:PORT</c>). Works on raw INI text (one char per byte): every pattern is ASCII.
/// </summary>
internal sealed class ReferenceFinder(SourceServer server, IReadOnlyList<HostReferenceMap> maps)
{
    private const string Host = @"(?<host>%[A-Za-z0-9_]+%|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)";
    private static readonly Regex Unc = new(@"\\\\" + Host + @"(?=[\\/""'<>|;,\s]|$)", RegexOptions.CultureInvariant);
    private static readonly Regex Url = new(@"\b[a-z][a-z0-9+.-]*://" + Host + @"(?::\d+)?(?=[/""'<>|;,\s?#]|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex Bare = new(@"^(?:(?:tcp|np|lpc):)?" + Host + @"(?:\\[A-Za-z0-9_$#-]+)?(?:[,:]\d+)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private readonly string[] _searchTerms = server.SearchTerms.Concat(maps.Select(m => m.From)).ToArray();

    /// <summary>A cheap test before the patterns: most lines of a task sequence never mention the server.</summary>
    public bool MayName(string text) => _searchTerms.Any(t => text.IndexOf(t, StringComparison.OrdinalIgnoreCase) >= 0);

    /// <summary>Where a reference's text may end: the end, a path or list separator, a quote or white space.</summary>
    public static bool IsBoundary(string text, int index) =>
        index >= text.Length || text[index] is '\\' or '/' or ':' or ',' or ';' or '"' or '\'' or '<' or '>' or '|' or '?' or '#'
        || char.IsWhiteSpace(text[index]);

    /// <summary>UNC paths and URLs naming the server in free text.</summary>
    /// <param name="targetRoot">The DeployRoot a path inside the share maps to; null to only find.</param>
    public IEnumerable<Reference> InText(string text, string? targetRoot)
    {
        foreach (Match match in Unc.Matches(text))
        {
            string host = match.Groups["host"].Value;
            int start = match.Index;
            if (!server.IsServer(host))
            {
                if (Mapped(text, start, ReferenceKind.OtherShare) is { } explicitOnly)
                {
                    yield return explicitOnly;
                }

                continue;
            }

            int shareStart = match.Index + match.Length + 1;
            int root = shareStart <= text.Length ? server.RootLength(text, shareStart) : -1;
            ReferenceKind kind = root >= 0 ? ReferenceKind.InsideShare
                : shareStart < text.Length && text[shareStart - 1] == '\\' && !IsBoundary(text, shareStart) ? ReferenceKind.OtherShare
                : ReferenceKind.Host;
            int end = kind == ReferenceKind.InsideShare ? shareStart + root
                : kind == ReferenceKind.OtherShare ? Enumerable.Range(shareStart, text.Length - shareStart + 1).First(i => IsBoundary(text, i))
                : match.Index + match.Length;
            yield return Mapped(text, start, kind)
                ?? new Reference(start, end - start, kind, text.Substring(start, end - start), kind == ReferenceKind.InsideShare ? targetRoot : null, false);
        }

        foreach (Match match in Url.Matches(text))
        {
            if (server.IsServer(match.Groups["host"].Value) || Mapped(text, match.Index, ReferenceKind.Service) is not null)
            {
                yield return Mapped(text, match.Index, ReferenceKind.Service)
                    ?? new Reference(match.Index, match.Length, ReferenceKind.Service, match.Value, null, false);
            }
        }
    }

    /// <summary>A value that is only the server's name, with an instance, port or protocol at most.</summary>
    public Reference? AsBareValue(string value, string key)
    {
        Match match = Bare.Match(value);
        Group host = match.Groups["host"];
        ReferenceKind kind = MdtKeys.IsService(key) ? ReferenceKind.Service : ReferenceKind.Host;
        if (!match.Success)
        {
            return null;
        }

        return Mapped(value, host.Index, kind)
            ?? (server.IsServer(host.Value) ? new Reference(host.Index, host.Length, kind, host.Value, null, false) : null);
    }

    /// <summary>The longest map whose From is written at <paramref name="start"/>.</summary>
    private Reference? Mapped(string text, int start, ReferenceKind kind) =>
        maps.Where(m => string.Compare(text, start, m.From, 0, m.From.Length, StringComparison.OrdinalIgnoreCase) == 0
                && start + m.From.Length <= text.Length && IsBoundary(text, start + m.From.Length))
            .OrderByDescending(m => m.From.Length)
            .Select(m => new Reference(start, m.From.Length, kind, text.Substring(start, m.From.Length), m.To, true))
            .FirstOrDefault();
}
