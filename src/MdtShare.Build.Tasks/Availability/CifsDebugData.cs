using System.Globalization;
using System.Text.RegularExpressions;

namespace MdtShare.Build.Availability;

/// <summary>One share the Linux kernel's SMB client is connected to.</summary>
/// <param name="TreeName">As the kernel prints it: <c>\\server\share</c>.</param>
/// <param name="Dialect">"3.1.1", "3.0", "2.1" …; null where the kernel does not print it (before 4.x).</param>
/// <param name="Capabilities">The SMB2 share capabilities; empty for "None" and for SMB1, which has none.</param>
internal sealed record CifsShare(string TreeName, string? Dialect, IReadOnlyList<string> Capabilities);

/// <summary>
/// Reads <c>/proc/fs/cifs/DebugData</c> as fs/smb/client/cifs_debug.c prints it: per server a line
/// "Number of credits: N Dialect 0x311" (after the server's "N) ConnectionId" line since 5.x's successors, before
/// its sessions' "N) Name:" lines in 4.x and 5.x), then per share a line "N) \\server\share Mounts: …", then
/// "Share Capabilities: CONTINUOUS AVAILABILITY, CLUSTER,\tShare Flags: 0x…" (smb2ops.c, smb2_dump_share_caps).
/// Every share belongs to the dialect line last printed before it, in either order.
/// </summary>
internal static class CifsDebugData
{
    public const string Path = "/proc/fs/cifs/DebugData";

    /// <summary>The capability names smb2_dump_share_caps prints for the share's capability bits; the rest of its
    /// line (Aligned, SSD, TRIM-support) are the volume's sector flags.</summary>
    private static readonly string[] ShareCapabilities = ["DFS", "CONTINUOUS AVAILABILITY", "SCALEOUT", "CLUSTER", "ASYMMETRIC"];

    private static readonly Regex Dialect = new(@"\bDialect 0x([0-9a-fA-F]+)", RegexOptions.CultureInvariant);
    private static readonly Regex ShareHeader = new(@"^\s+\d+\) (IPC: )?(\\\\.+?) Mounts: \d+", RegexOptions.CultureInvariant);

    public static IReadOnlyList<CifsShare> Parse(string text)
    {
        var shares = new List<CifsShare>();
        string? dialect = null;
        string? treeName = null;
        foreach (string line in text.Split('\n'))
        {
            if (Dialect.Match(line) is { Success: true } found)
            {
                dialect = Name(int.Parse(found.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }

            if (ShareHeader.Match(line) is { Success: true } share)
            {
                AddPending();
                treeName = share.Groups[1].Success ? null : share.Groups[2].Value;
                continue;
            }

            string trimmed = line.TrimStart();
            if (treeName is not null && trimmed.StartsWith("Share Capabilities:", StringComparison.Ordinal))
            {
                string listed = trimmed.Substring("Share Capabilities:".Length).Split('\t')[0];
                var capabilities = listed.Split(',').Select(c => c.Trim()).Where(c => ShareCapabilities.Contains(c, StringComparer.Ordinal)).ToList();
                shares.Add(new CifsShare(treeName, dialect, capabilities));
                treeName = null;
            }
        }

        AddPending();
        return shares;

        // SMB1 shares have no capability line; they are still shares the kernel is connected to.
        void AddPending()
        {
            if (treeName is not null)
            {
                shares.Add(new CifsShare(treeName, dialect, []));
                treeName = null;
            }
        }
    }

    /// <summary>The dialect as people write it (MS-SMB2 2.2.3: 0x0202, 0x0210, 0x0300, 0x0302, 0x0311); 0 is SMB1.</summary>
    private static string Name(int dialect) => dialect switch
    {
        0 => "1.0",
        0x202 => "2.0.2",
        0x210 => "2.1",
        0x300 => "3.0",
        0x302 => "3.0.2",
        0x311 => "3.1.1",
        _ => "0x" + dialect.ToString("x", CultureInfo.InvariantCulture),
    };
}
