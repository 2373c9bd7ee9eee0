namespace MdtShare.Build.HostReferences;

/// <summary>
/// The MDT server(s) a share is published from: the hosts of Bootstrap.ini's original DeployRoots and PSD roots,
/// plus the aliases the project declares (an IP address, another DNS name), and the share paths they serve it
/// under (<c>DeploymentShare$</c>, or <c>Images\MDT</c> for a root with folders).
/// </summary>
internal sealed class SourceServer
{
    private readonly List<string> _names = [];
    private readonly List<string> _roots = [];

    /// <param name="deployRoots">UNC roots the share was reached by.</param>
    public SourceServer(IEnumerable<string> deployRoots, IEnumerable<string> aliases)
    {
        // A root that follows a variable (\\%WDSServer%\Deploy$) names the server by that variable: a path written
        // the same way is the same share. Any other dynamic value (#expression#) names nothing we can compare.
        foreach (string root in deployRoots.Where(r => r.StartsWith(@"\\", StringComparison.Ordinal) && r.IndexOf('#') < 0))
        {
            string rest = root.Substring(2).TrimEnd('\\');
            int slash = rest.IndexOf('\\');
            if (slash > 0 && slash < rest.Length - 1)
            {
                Add(_names, rest.Substring(0, slash));
                Add(_roots, rest.Substring(slash + 1));
            }
        }

        foreach (string alias in aliases.Select(a => a.Trim()).Where(a => a.Length > 0))
        {
            Add(_names, alias);
        }

        // The longest root first, so \\MDT01\Images\MDT wins over \\MDT01\Images.
        _roots.Sort((a, b) => b.Length.CompareTo(a.Length));
    }

    public IReadOnlyList<string> Names => _names;

    /// <summary>What every reference to the server contains: each name, a DNS name by its first label.</summary>
    public IEnumerable<string> SearchTerms => _names.Select(n => IsAddress(n) ? n : FirstLabel(n)).Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>A host is the server when it is one of its names, or a DNS name with the same first label as one
    /// (MDT01 and mdt01.corp.contoso.com); addresses match only as written.</summary>
    public bool IsServer(string host) =>
        _names.Any(n => string.Equals(n, host, StringComparison.OrdinalIgnoreCase)
            || (!IsAddress(n) && !IsAddress(host) && string.Equals(FirstLabel(n), FirstLabel(host), StringComparison.OrdinalIgnoreCase)));

    /// <summary>The length of the share root that <paramref name="text"/> names at <paramref name="start"/> (just
    /// after <c>\\host\</c>), or -1 when it names another share.</summary>
    public int RootLength(string text, int start) =>
        _roots.FirstOrDefault(r => string.Compare(text, start, r, 0, r.Length, StringComparison.OrdinalIgnoreCase) == 0
            && start + r.Length <= text.Length && ReferenceFinder.IsBoundary(text, start + r.Length)) is { } root ? root.Length : -1;

    private static void Add(List<string> list, string value)
    {
        if (!list.Contains(value, StringComparer.OrdinalIgnoreCase))
        {
            list.Add(value);
        }
    }

    private static bool IsAddress(string host) => host.All(c => char.IsDigit(c) || c == '.') || host.IndexOf(':') >= 0;

    private static string FirstLabel(string host) => host.IndexOf('.') is var dot and > 0 ? host.Substring(0, dot) : host;
}
