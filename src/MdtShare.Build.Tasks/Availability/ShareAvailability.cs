namespace MdtShare.Build.Availability;

internal enum AvailabilityState
{
    /// <summary>Nothing the agent can see tells: a local folder, a FUSE mount, an SMB 2 connection, no connection.</summary>
    Unknown,

    /// <summary>The share is continuously available: clients' open files survive a node failover.</summary>
    Available,

    /// <summary>The share is not continuously available: a failover drops every open file, and with it every image apply.</summary>
    NotAvailable,
}

/// <summary>
/// What one publish target offers a client during a cluster failover, as the agent could find out, and from where.
/// </summary>
/// <param name="Target">The PublishTarget as the project names it.</param>
/// <param name="Detail">One sentence: what was seen, or why nothing could be.</param>
internal sealed record ShareAvailability(string Target, AvailabilityState State, string Detail)
{
    /// <summary>The share as <c>\\server\share</c>, when the target is one.</summary>
    public string? Share { get; init; }

    /// <summary>The SMB dialect of the agent's connection, as "3.1.1", when known.</summary>
    public string? Dialect { get; init; }

    /// <summary>The share's capabilities as the SMB client received them (DFS, CONTINUOUS AVAILABILITY, SCALEOUT,
    /// CLUSTER, ASYMMETRIC); empty when the source does not give them.</summary>
    public IReadOnlyList<string> Capabilities { get; init; } = [];

    /// <summary>Where the answer came from: Get-SmbShare, Get-SmbConnection, /proc/fs/cifs/DebugData, or empty.</summary>
    public string Source { get; init; } = string.Empty;

    /// <summary>The server's continuous-availability timeout (Get-SmbShare CATimeout), when the server was readable.</summary>
    public long? CaTimeoutSeconds { get; init; }

    /// <summary>The clustered file server role that scopes the share (Get-SmbShare ScopeName).</summary>
    public string? ScopeName { get; init; }

    public string StateName => State switch
    {
        AvailabilityState.Available => "yes",
        AvailabilityState.NotAvailable => "no",
        _ => "unknown",
    };

    /// <summary>True for "3.0", "3.02", "3.1.1": continuous availability is an SMB 3 capability.</summary>
    public static bool IsSmb3(string? dialect) =>
        dialect is { Length: > 0 } && int.TryParse(dialect.Split('.')[0], out int major) && major >= 3;
}
