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
/// mount, an SMB 2 connection) cannot tell, and says why. Knows nothing of MSBuild.
/// </summary>
internal sealed class ContinuousAvailabilityProbe(IAvailabilitySource source)
{
    private const string ClientSource = "Get-SmbConnection";
    private const string ServerSource = "Get-SmbShare";

    public IReadOnlyList<ShareAvailability> Check(IReadOnlyList<AvailabilityTarget> targets, CancellationToken cancellation) =>
        source.IsWindows ? CheckWindows(targets, cancellation) : CheckLinux(targets);

    /// <summary>The finding for one target: a warning (an error when required) when it is not continuously available,
    /// an error when it is required and cannot be told, else nothing.</summary>
    public static Diagnostic? Finding(ShareAvailability availability, bool required)
    {
        if (availability.State == AvailabilityState.NotAvailable)
        {
            string share = availability.Share ?? availability.Target;
            string[] parts = share.TrimStart('\\').Split('\\');
            string fix = parts.Length == 2
                ? $"Set-SmbShare -Name '{parts[1]}' -ScopeName '{availability.ScopeName ?? parts[0]}' -ContinuouslyAvailable $true"
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
        var results = new List<ShareAvailability>();
        foreach (AvailabilityTarget target in targets)
        {
            MountEntry? mount = mounts is null ? null : MountTable.Containing(mounts, target.FullPath);
            if (mount?.Share is not { } share)
            {
                results.Add(Unknown(target, mount is null ? $"{MountTable.Path} does not show where {target.FullPath} is mounted"
                    : mount.IsFuse ? $"a FUSE mount ({mount.FileSystem}) hides the share's SMB capabilities; mount it with the kernel's client (mount -t cifs -o vers=3.1.1) to check it"
                    : $"a {mount.FileSystem} file system, not an SMB share"));
                continue;
            }

            cifs ??= source.ReadSystemFile(CifsDebugData.Path) is { } data ? CifsDebugData.Parse(data) : [];
            CifsShare? seen = cifs.FirstOrDefault(s => string.Equals(s.TreeName, share, StringComparison.OrdinalIgnoreCase));
            results.Add(seen is null
                ? Unknown(target, $"{share} is mounted ({mount.FileSystem}) but not listed in {CifsDebugData.Path}") with { Share = share }
                : Decide(target, share, seen.Dialect, seen.Capabilities.Contains("CONTINUOUS AVAILABILITY"), CifsDebugData.Path, seen.Capabilities));
        }

        return results;
    }

    private IReadOnlyList<ShareAvailability> CheckWindows(IReadOnlyList<AvailabilityTarget> targets, CancellationToken cancellation)
    {
        var shares = targets.Select(t => UncShare(t.FullPath)).ToList();
        var networkDrives = targets.Select(t => IsDriveLetterPath(t.FullPath) && source.IsNetworkDrive(t.FullPath.Substring(0, 3))).ToList();
        var asked = shares.OfType<string>().Select(s => s.TrimStart('\\')).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        string failure = string.Empty;
        SmbClientReport? report = asked.Count > 0 || networkDrives.Contains(true) ? source.QuerySmbClient(asked, out failure, cancellation) : null;
        var results = new List<ShareAvailability>();
        for (int i = 0; i < targets.Count; i++)
        {
            AvailabilityTarget target = targets[i];
            string drive = networkDrives[i] ? target.FullPath.Substring(0, 2) : string.Empty;
            string? share = shares[i] ?? (networkDrives[i] && report is not null && report.Mappings.TryGetValue(drive, out string? mapped) ? UncShare(mapped) : null);
            results.Add(share is null && !networkDrives[i] ? Unknown(target, "a local folder, not an SMB share")
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
        string[] parts = share.TrimStart('\\').Split('\\');
        SmbConnection? connection = report.Connections.FirstOrDefault(c =>
            string.Equals(c.Server, parts[0], StringComparison.OrdinalIgnoreCase) && string.Equals(c.Share, parts[1], StringComparison.OrdinalIgnoreCase));
        string key = share.TrimStart('\\');
        if (report.ServerShares.TryGetValue(key, out SmbServerShare? onServer))
        {
            var decided = new ShareAvailability(target.Name, onServer.ContinuouslyAvailable ? AvailabilityState.Available : AvailabilityState.NotAvailable,
                $"{ServerSource} on {parts[0]}: ContinuouslyAvailable {onServer.ContinuouslyAvailable}" +
                (onServer.AvailabilityType.Length > 0 ? $", {onServer.AvailabilityType}" : string.Empty) +
                (onServer.ScopeName.Length > 0 ? $", scope {onServer.ScopeName}" : string.Empty) +
                (onServer.CaTimeoutSeconds is { } timeout ? $", CATimeout {timeout} s" : string.Empty) +
                (connection is null ? string.Empty : $"; the agent's connection: SMB {connection.Dialect}"));
            return decided with
            {
                Share = share, Dialect = connection?.Dialect, Source = ServerSource, CaTimeoutSeconds = onServer.CaTimeoutSeconds,
                ScopeName = onServer.ScopeName.Length > 0 ? onServer.ScopeName : null,
            };
        }

        string serverUnreadable = report.Unreadable.TryGetValue(key, out string? why) ? $" (the server's own view could not be read: {why})" : string.Empty;
        if (connection is null)
        {
            return Unknown(target, $"the agent had no SMB connection to {share} open when it looked ({ClientSource}){serverUnreadable}") with { Share = share };
        }

        ShareAvailability byClient = Decide(target, share, connection.Dialect, connection.ContinuouslyAvailable, ClientSource, []);
        return byClient with { Detail = byClient.Detail + serverUnreadable };
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
            _ => $"{from}: the agent's connection speaks {smb}, which never carries continuous availability; connect with SMB 3.0 or later to check it",
        };
        return new ShareAvailability(target.Name, state, detail) { Share = share, Dialect = dialect, Source = from, Capabilities = capabilities };
    }

    private static ShareAvailability Unknown(AvailabilityTarget target, string why) => new(target.Name, AvailabilityState.Unknown, why);

    /// <summary><c>\\server\share</c> of a UNC path (also <c>\\?\UNC\server\share\…</c>), or null.</summary>
    private static string? UncShare(string path)
    {
        string unc = path.StartsWith(@"\\?\UNC\", StringComparison.OrdinalIgnoreCase) ? @"\\" + path.Substring(8) : path;
        if (!unc.StartsWith(@"\\", StringComparison.Ordinal) || unc.StartsWith(@"\\?\", StringComparison.Ordinal) || unc.StartsWith(@"\\.\", StringComparison.Ordinal))
        {
            return null;
        }

        string[] parts = unc.Substring(2).Split(['\\'], StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 ? $@"\\{parts[0]}\{parts[1]}" : null;
    }

    private static bool IsDriveLetterPath(string path) => path.Length >= 3 && char.IsLetter(path[0]) && path[1] == ':' && path[2] == '\\';
}
