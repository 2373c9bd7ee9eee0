using System.Text.RegularExpressions;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.Ini;

namespace MdtShare.Build.HostReferences;

/// <summary>One place where the share names the MDT server outside Bootstrap.ini.</summary>
public sealed record HostReference(string File, int Line, int Column, string What, string Text);

/// <summary>
/// Finds the MDT server's name where clients or the Workbench will still use it after the share moves to the
/// cluster: UNC paths and URLs in CustomSettings.ini, Settings.xml, LocationServer.xml, task sequences and
/// Applications.xml, and the bare server name in the keys and elements that take one. The server is named by the
/// original DeployRoot; its short name and any FQDN of it match, case-insensitively.
/// </summary>
public sealed class HostReferenceScanner
{
    private static readonly HashSet<string> BareHostKeys = new(StringComparer.OrdinalIgnoreCase) { "SQLServer", "WSUSServer", "MonitorHost" };

    private readonly string[] _names;
    private readonly Regex _unc;
    private readonly Regex _url;
    private readonly Regex _bare;

    public HostReferenceScanner(IEnumerable<string> hosts)
    {
        _names = hosts.Select(Short).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        string names = string.Join("|", _names.Select(Regex.Escape));
        string host = $@"(?<host>(?:{names})(?:\.[A-Za-z0-9-]+)*)";
        _unc = new Regex($@"\\\\{host}(?=[\\/""'\s<;,]|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        _url = new Regex($@"\b[a-z][a-z0-9+.-]*://{host}(?=[:/""'\s<;,]|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        _bare = new Regex($@"^\s*{host}\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    /// <summary>The files of a share that name servers, relative to the share root.</summary>
    public static IEnumerable<string> FilesToScan(string share)
    {
        string control = Path.Combine(share, "Control");
        if (!Directory.Exists(control))
        {
            yield break;
        }

        foreach (string name in new[] { "CustomSettings.ini", "Settings.xml", "LocationServer.xml", "Applications.xml" })
        {
            if (File.Exists(Path.Combine(control, name)))
            {
                yield return "Control/" + name;
            }
        }

        foreach (string sequence in Directory.EnumerateDirectories(control).OrderBy(d => d, StringComparer.Ordinal))
        {
            if (File.Exists(Path.Combine(sequence, "ts.xml")))
            {
                yield return "Control/" + Path.GetFileName(sequence) + "/ts.xml";
            }
        }
    }

    public IEnumerable<HostReference> Scan(string file, string relativePath)
    {
        string[] lines = File.ReadAllLines(file);
        bool ini = relativePath.EndsWith(".ini", StringComparison.OrdinalIgnoreCase);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];

            // Most lines do not mention the server at all: a substring test spares them the regexes.
            if (!_names.Any(n => line.IndexOf(n, StringComparison.OrdinalIgnoreCase) >= 0)
                || (ini && line.TrimStart().StartsWith(";", StringComparison.Ordinal)))
            {
                continue;
            }

            foreach (Match match in _unc.Matches(line).Cast<Match>().Concat(_url.Matches(line).Cast<Match>()))
            {
                yield return new HostReference(relativePath, i + 1, match.Index + 1, Subject(line, ini), match.Value);
            }

            if (BareHost(line, ini) is { } bare)
            {
                yield return new HostReference(relativePath, i + 1, bare.Column, bare.Key, bare.Value);
            }
        }
    }

    /// <summary>A value with the server's name in UNC paths and URLs replaced by <paramref name="newHost"/>.</summary>
    public string Rewrite(string value, string newHost)
    {
        string Replace(Match m) => m.Value.Substring(0, m.Groups["host"].Index - m.Index) + newHost + m.Value.Substring(m.Groups["host"].Index - m.Index + m.Groups["host"].Length);
        return _url.Replace(_unc.Replace(value, Replace), Replace);
    }

    public bool Names(string value) => _unc.IsMatch(value) || _url.IsMatch(value);

    public static string HostOf(string deployRoot) => UncPath.TryParse(deployRoot, out _)?.Host ?? string.Empty;

    private static string Short(string host) =>
        host.IndexOf('.') is var dot and > 0 && !host.All(c => char.IsDigit(c) || c == '.') ? host.Substring(0, dot) : host;

    private static string Subject(string line, bool ini)
    {
        if (ini && line.IndexOf('=') is var equals and > 0)
        {
            return line.Substring(0, equals).Trim();
        }

        Match element = Regex.Match(line, @"<([A-Za-z][\w.-]*)[^>]*>");
        return element.Success ? "<" + element.Groups[1].Value + ">" : "a command line";
    }

    private (string Key, string Value, int Column)? BareHost(string line, bool ini)
    {
        string key;
        string value;
        int column;
        if (ini)
        {
            int equals = line.IndexOf('=');
            if (equals <= 0)
            {
                return null;
            }

            key = line.Substring(0, equals).Trim();
            value = line.Substring(equals + 1);
            column = equals + 2;
        }
        else
        {
            Match element = Regex.Match(line, @"<(?<key>\w+)>(?<value>[^<]*)</\k<key>>");
            if (!element.Success)
            {
                return null;
            }

            key = element.Groups["key"].Value;
            value = element.Groups["value"].Value;
            column = element.Groups["value"].Index + 1;
        }

        return BareHostKeys.Contains(key) && _bare.IsMatch(value) ? (key, value.Trim(), column) : null;
    }
}
