using System.Globalization;
using System.Text;

namespace MdtShare.Build.Availability;

/// <summary>A connection of the Windows SMB client (Get-SmbConnection, CIM MSFT_SmbConnection).</summary>
internal sealed record SmbConnection(string Server, string Share, string Dialect, bool ContinuouslyAvailable);

/// <summary>A share as its server describes it (Get-SmbShare -CimSession, CIM MSFT_SmbShare).</summary>
/// <param name="AvailabilityType">How it is served: NonClustered, Clustered, ScaleOut, CSV or DFS.</param>
internal sealed record SmbServerShare(bool ContinuouslyAvailable, long? CaTimeoutSeconds, string ScopeName, string AvailabilityType);

/// <summary>
/// What <see cref="WindowsSmbQuery"/>'s fixed PowerShell command printed: the agent's SMB connections and drive
/// mappings, and for each share asked about, the server's own view of it or why it could not be read. Each part is
/// introduced by a line of its own ("#connections", "#mappings", "#share server\share") and given as
/// ConvertTo-Csv prints it: a header of quoted property names, then one quoted row per object.
/// </summary>
internal sealed class SmbClientReport
{
    public List<SmbConnection> Connections { get; } = [];

    /// <summary>Drive letters ("Z:") and the shares they map.</summary>
    public Dictionary<string, string> Mappings { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Per share asked about (<c>server\share</c>): the server's view, one row per scope that has a share of
    /// that name (a cluster node lists its own and each role's), or none with the reason in <see cref="Unreadable"/>.</summary>
    public Dictionary<string, List<SmbServerShare>> ServerShares { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, string> Unreadable { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static SmbClientReport Parse(string text)
    {
        var report = new SmbClientReport();
        string part = string.Empty;
        List<string>? header = null;
        foreach (string raw in text.TrimStart('\uFEFF').Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.StartsWith("#unreadable ", StringComparison.Ordinal))
            {
                report.Unreadable[part] = line.Substring("#unreadable ".Length).Trim();
            }
            else if (line.StartsWith("#", StringComparison.Ordinal))
            {
                part = line.StartsWith("#share ", StringComparison.Ordinal) ? line.Substring("#share ".Length).Trim() : line;
                header = null;
            }
            else if (line.Length > 0 && header is null)
            {
                header = Fields(line);
            }
            else if (line.Length > 0)
            {
                report.Add(part, Row(header!, Fields(line)));
            }
        }

        return report;
    }

    private void Add(string part, Dictionary<string, string> row)
    {
        switch (part)
        {
            case "#connections":
                Connections.Add(new SmbConnection(Get(row, "ServerName"), Get(row, "ShareName"), Get(row, "Dialect"), IsTrue(Get(row, "ContinuouslyAvailable"))));
                break;
            case "#mappings":
                Mappings[Get(row, "LocalPath")] = Get(row, "RemotePath");
                break;
            default:
                if (!ServerShares.TryGetValue(part, out List<SmbServerShare>? rows))
                {
                    ServerShares[part] = rows = [];
                }

                rows.Add(new SmbServerShare(IsTrue(Get(row, "ContinuouslyAvailable")),
                    long.TryParse(Get(row, "CATimeout"), NumberStyles.None, CultureInfo.InvariantCulture, out long timeout) ? timeout : null,
                    Get(row, "ScopeName"), AvailabilityTypeName(Get(row, "AvailabilityType"))));
                break;
        }
    }

    /// <summary>MSFT_SmbShare.AvailabilityType's value map, for a PowerShell that prints the number.</summary>
    private static string AvailabilityTypeName(string value) => value switch
    {
        "0" => "NonClustered",
        "1" => "Clustered",
        "2" => "ScaleOut",
        "3" => "CSV",
        "4" => "DFS",
        _ => value,
    };

    private static string Get(Dictionary<string, string> row, string name) => row.TryGetValue(name, out string? value) ? value : string.Empty;

    private static bool IsTrue(string value) => string.Equals(value, "True", StringComparison.OrdinalIgnoreCase);

    private static Dictionary<string, string> Row(List<string> header, List<string> values)
    {
        var row = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < Math.Min(header.Count, values.Count); i++)
        {
            row[header[i]] = values[i];
        }

        return row;
    }

    /// <summary>One CSV line as ConvertTo-Csv writes it: fields in double quotes, a quote inside doubled.</summary>
    private static List<string> Fields(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"')
            {
                field.Append('"');
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }
}
