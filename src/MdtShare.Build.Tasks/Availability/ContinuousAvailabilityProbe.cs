using MdtShare.Build.Diagnostics;

namespace MdtShare.Build.Availability;

/// <param name="Name">As the project names it.</param>
/// <param name="FullPath">Where the publish wrote it.</param>
internal sealed record AvailabilityTarget(string Name, string FullPath);

/// <summary>
/// Finds out, for each publish target, whether the share behind it is continuously available, the one property that
/// lets a client's open install.wim survive a failover of the cluster node serving it (SMB 3 persistent handles).
/// Windows: the SMB client's view of the connection the publish used, and the server's own where it is readable.
/// Linux: the kernel SMB client's view of the share a cifs mount was made from. Anything else (a local folder, a FUSE
/// mount, an SMB 2 connection, a DFS namespace) cannot tell, and says why. Knows nothing of MSBuild.
/// </summary>
internal sealed class ContinuousAvailabilityProbe(IAvailabilitySource source)
{
    private const string ClientSource = "Get-SmbConnection";
    private const string ServerSource = "Get-SmbShare";
    private const string DfsNamespace = "a DFS namespace: which share holds the data is the referral's choice; publish to the folder target's own path to check it";

    public IReadOnlyList<ShareAvailability> Check(IReadOnlyList<AvailabilityTarget> targets, CancellationToken cancellation) =>
        source.IsWindows ? CheckWindows(targets, cancellation) : CheckLinux(targets);

    /// <summary>The finding for one target: a warning (an error when required) when it is not continuously available,
    /// an error when it is required and cannot be told, else nothing.</summary>
    public static Diagnostic? Finding(ShareAvailability availability, bool required)
    {
        if (availability.State == AvailabilityState.NotAvailable)
        {
            string fix = UncParts(availability.Share ?? availability.Target) is ({ } server, { } share)
                ? $"Set-SmbShare -Name '{share}' -ScopeName '{availability.ScopeName ?? server.Split('.')[0]}' -ContinuouslyAvailable $true"
                : "Set-SmbShare -ContinuouslyAvailable $true";
            return new Diagnostic(required ? DiagnosticCode.ContinuousAvailabilityRequired : DiagnosticCode.NotContinuouslyAvailable,
                $"{availability.Target} is not continuously available ({availability.Detail}): a failover of the cluster node serving it fails every " +
                $"deployment applying an image from it at that moment. Serve it from a clustered file server role and run {fix} there; clients need " +
                "SMB 3.0 or later (WinPE 10 and later speak 3.1.1).");
        }

        return required && availability.State == AvailabilityState.Unknown
            ? new Diagnostic(DiagnosticCode.ContinuousAvailabilityRequired,
                $"{availability.Target}: whether it is continuously available could not be told ({availability.Detail}), and MdtShareRequireContinuousAvailability is true.")
            : null;
    }

    private IReadOnlyList<ShareAvailability> CheckLinux(IReadOnlyList<AvailabilityTarget> targets)
    {
        IReadOnlyList<MountEntry>? mounts = source.ReadSystemFile(MountTable.Path) is { } table ? MountTable.Parse(table) : null;
        IReadOnlyList<CifsShare>? cifs = null;
        bool cifsRead = false;
        var results = new List<ShareAvailability>();
        foreach (AvailabilityTarget target in targets)
        {
            MountEntry? mount = mounts is null ? null : MountTable.Containing(mounts, target.FullPath);
            if (mount?.Share is not { } share)
            {
                results.Add(Unknown(target, mount is null ? $"{MountTable.Path} does not show where {target.FullPath} is mounted"
                    : mount.IsFuse ? $"a FUSE mount ({mount.FileSystem}) hides the share's SMB capabilities; mount it with the kernel's client (mount -t cifs -o vers=3.1.1) to check it"
                    : $"not an SMB share ({mount.FileSystem} file system)"));
                continue;
            }

            if (!cifsRead)
            {
                cifs = source.ReadSystemFile(CifsDebugData.Path) is { } data ? CifsDebugData.Parse(data) : null;
                cifsRead = true;
            }

            CifsShare? seen = cifs?.FirstOrDefault(s => string.Equals(s.TreeName, share, StringComparison.OrdinalIgnoreCase));
            results.Add(cifs is null ? Unknown(target, $"{CifsDebugData.Path} could not be read") with { Share = share }
                : seen is null ? Unknown(target, $"{share} is mounted ({mount.FileSystem}) but not listed in {CifsDebugData.Path}") with { Share = share }
                : seen.Capabilities.Contains("DFS") ? Unknown(target, $"{share} is {DfsNamespace}") with { Share = share, Capabilities = seen.Capabilities }
                : Decide(target, share, seen.Dialect, seen.Capabilities.Contains("CONTINUOUS AVAILABILITY"), CifsDebugData.Path, seen.Capabilities));
        }

        return results;
    }

    private IReadOnlyList<ShareAvailability> CheckWindows(IReadOnlyList<AvailabilityTarget> targets, CancellationToken cancellation)
    {
        var shares = targets.Select(t => UncShare(t.FullPath)).ToList();
        var drives = targets.Select(t => IsDriveLetterPath(t.FullPath) && source.IsNetworkDrive(t.FullPath.Substring(0, 3)) ? t.FullPath.Substring(0, 2) : null).ToList();
        var asked = shares.OfType<string>().Select(s => s.TrimStart('\\')).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var askedDrives = drives.OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        string failure = string.Empty;
        SmbClientReport? report = asked.Count > 0 || askedDrives.Count > 0 ? source.QuerySmbClient(asked, askedDrives, out failure, cancellation) : null;
        var results = new List<ShareAvailability>();
        for (int i = 0; i < targets.Count; i++)
        {
            AvailabilityTarget target = targets[i];
            string? drive = drives[i];
            string? share = shares[i] ?? (drive is not null && report is not null && report.Mappings.TryGetValue(drive, out string? mapped) ? UncShare(mapped) : null);
            results.Add(share is null && drive is null ? Unknown(target, "a local folder, not an SMB share")
                : share is null ? Unknown(target, report is null ? failure : $"network drive {drive} is not listed by Get-SmbMapping")
                : report is null ? Unknown(target, failure) with { Share = share }
                : FromSmbClient(target, share, report));
        }

        return results;
    }

    /// <summary>The server's own view decides where it could be read (it is the share's setting, whatever dialect the
    /// agent connected with); else the connection the publish used.</summary>
    private static ShareAvailability FromSmbClient(AvailabilityTarget target, string share, SmbClientReport report)
    {
        var (server, name) = UncParts(share)!.Value;
        SmbConnection? connection = report.Connections.FirstOrDefault(c =>
            string.Equals(c.Server, server, StringComparison.OrdinalIgnoreCase) && string.Equals(c.Share, name, StringComparison.OrdinalIgnoreCase));
        string key = share.TrimStart('\\');
        string serverUnreadable = report.Unreadable.TryGetValue(key, out string? why) ? $" (the server's own view could not be read: {why})" : string.Empty;
        if (report.ServerShares.TryGetValue(key, out List<SmbServerShare>? rows))
        {
            if (OfScope(rows, server) is not { } onServer)
            {
                serverUnreadable = $" (the server's own view has {rows.Count} shares named {name}, none scoped to {server})";
            }
            else if (onServer.AvailabilityType == "DFS")
            {
                return Unknown(target, $"{share} is {DfsNamespace}") with { Share = share };
            }
            else
            {
                return new ShareAvailability(target.Name, onServer.ContinuouslyAvailable ? AvailabilityState.Available : AvailabilityState.NotAvailable,
                    $"{ServerSource} on {server}: ContinuouslyAvailable {onServer.ContinuouslyAvailable}" +
                    (onServer.AvailabilityType.Length > 0 ? $", {onServer.AvailabilityType}" : string.Empty) +
                    (onServer.ScopeName.Length > 0 ? $", scope {onServer.ScopeName}" : string.Empty) +
                    (onServer.CaTimeoutSeconds is { } timeout ? $", CATimeout {timeout} s" : string.Empty) +
                    (connection is null ? string.Empty : $"; the agent's connection: SMB {connection.Dialect}"))
                {
                    Share = share, Dialect = connection?.Dialect, Source = ServerSource, CaTimeoutSeconds = onServer.CaTimeoutSeconds,
                    ScopeName = onServer.ScopeName.Length > 0 ? onServer.ScopeName : null,
                };
            }
        }

        if (connection is null)
        {
            return Unknown(target, $"the agent had no SMB connection to {share} open when it looked ({ClientSource}){serverUnreadable}") with { Share = share };
        }

        ShareAvailability byClient = Decide(target, share, connection.Dialect, connection.ContinuouslyAvailable, ClientSource, []);
        return byClient with { Detail = byClient.Detail + serverUnreadable };
    }

    /// <summary>Of a server's shares of one name, the one its name reaches: scoped to that name (a clustered role's
    /// scope is its NetBIOS name), or to every name ("*"), or the only one.</summary>
    private static SmbServerShare? OfScope(List<SmbServerShare> rows, string server)
    {
        string netbios = server.Split('.')[0];
        return rows.FirstOrDefault(r => string.Equals(r.ScopeName, netbios, StringComparison.OrdinalIgnoreCase))
            ?? rows.FirstOrDefault(r => r.ScopeName == "*")
            ?? (rows.Count == 1 ? rows[0] : null);
    }

    /// <summary>Continuous availability is an SMB 3 capability: an older dialect never carries it, so its absence
    /// there tells nothing.</summary>
    /// <param name="capabilities">The share's capabilities where the source gives them (how it is served: CLUSTER,
    /// SCALEOUT), for the report.</param>
    private static ShareAvailability Decide(AvailabilityTarget target, string share, string? dialect, bool continuouslyAvailable, string from,
        IReadOnlyList<string> capabilities)
    {
        string smb = (dialect is null ? "SMB dialect not shown" : "SMB " + dialect) + (capabilities.Count > 0 ? $" ({string.Join(", ", capabilities)})" : string.Empty);
        AvailabilityState state = continuouslyAvailable ? AvailabilityState.Available
            : ShareAvailability.IsSmb3(dialect) ? AvailabilityState.NotAvailable
            : AvailabilityState.Unknown;
        string detail = state switch
        {
            AvailabilityState.Available => $"{from}: {smb}, the share is continuously available",
            AvailabilityState.NotAvailable => $"{from}: {smb}, the share is not continuously available",
            _ when dialect is null => $"{from}: the dialect of the agent's connection is not shown, and without SMB 3 continuous availability is never carried",
            _ => $"{from}: the agent's connection speaks {smb}, which never carries continuous availability; connect with SMB 3.0 or later to check it",
        };
        return new ShareAvailability(target.Name, state, detail) { Share = share, Dialect = dialect, Source = from, Capabilities = capabilities };
    }

    private static ShareAvailability Unknown(AvailabilityTarget target, string why) => new(target.Name, AvailabilityState.Unknown, why);

    /// <summary><c>\\server\share</c> of a UNC path (also <c>\\?\UNC\server\share\…</c> and <c>\\.\UNC\…</c>), or null.</summary>
    private static string? UncShare(string path) => UncParts(path) is ({ } server, { } share) ? $@"\\{server}\{share}" : null;

    private static (string Server, string Share)? UncParts(string path)
    {
        string unc = path.StartsWith(@"\\?\UNC\", StringComparison.OrdinalIgnoreCase) || path.StartsWith(@"\\.\UNC\", StringComparison.OrdinalIgnoreCase)
            ? @"\\" + path.Substring(8)
            : path;
        if (!unc.StartsWith(@"\\", StringComparison.Ordinal) || unc.StartsWith(@"\\?\", StringComparison.Ordinal) || unc.StartsWith(@"\\.\", StringComparison.Ordinal))
        {
            return null;
        }

        string[] parts = unc.Substring(2).Split(['\\'], StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 ? (parts[0], parts[1]) : null;
    }

    private static bool IsDriveLetterPath(string path) => path.Length >= 3 && char.IsLetter(path[0]) && path[1] == ':' && path[2] == '\\';
}
