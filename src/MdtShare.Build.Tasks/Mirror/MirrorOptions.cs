namespace MdtShare.Build.Mirror;

internal enum CompareMode
{
    /// <summary>Same size and last-write time within the tolerance: unchanged (robocopy's default, with /FFT tolerance).</summary>
    Timestamp,

    /// <summary>Same size and SHA-256: unchanged. Catches edits that kept size and time.</summary>
    Content,
}

internal sealed class MirrorOptions(string sourceRoot, string destinationRoot)
{
    public string SourceRoot { get; } = sourceRoot;

    /// <summary>Folders whose files replace or add to the source's, in order (later wins).</summary>
    public IReadOnlyList<string> OverlayRoots { get; init; } = [];

    public string DestinationRoot { get; } = destinationRoot;

    public IReadOnlyList<string> Exclude { get; init; } = ExcludeFilter.Defaults;

    public CompareMode Compare { get; init; } = CompareMode.Timestamp;

    /// <summary>SMB and FAT keep times at 2 s granularity at worst.</summary>
    public TimeSpan TimestampTolerance { get; init; } = TimeSpan.FromSeconds(2);

    public int Parallelism { get; init; } = DefaultParallelism;

    /// <summary>How long one call into the target may take before it counts as an outage (a server that stops
    /// answering would otherwise block it for ever).</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(DefaultOperationTimeoutSeconds);

    /// <summary>How long a continuous outage of the target is ridden through before the publish fails.</summary>
    public TimeSpan RetryWindow { get; init; } = TimeSpan.FromSeconds(DefaultRetryWindowSeconds);

    /// <summary>How long, once everything else is published, files held open by other processes (clients deploying
    /// from them) are waited for before they keep their previous version and the publish fails; zero waits not at all.</summary>
    public TimeSpan BusyWait { get; init; } = TimeSpan.FromSeconds(DefaultBusyWaitSeconds);

    /// <summary>The largest share of the destination's files a publish may delete.</summary>
    public double MaxDeletePercent { get; init; } = DefaultMaxDeletePercent;

    /// <summary>Take over a non-empty destination that has no ownership marker (e.g. first copied with robocopy).</summary>
    public bool AdoptExistingTarget { get; init; }

    /// <summary>How long a lock whose holder keeps a heartbeat may go without one before the next publish breaks it
    /// (a crashed agent on another machine, whose process cannot be checked).</summary>
    public TimeSpan LockStaleAfter { get; init; } = TimeSpan.FromMinutes(DefaultLockStaleMinutes);

    /// <summary>Remove another publisher's lock (after a crash on another machine).</summary>
    public bool BreakLock { get; init; }

    /// <summary>Plan and report, change nothing.</summary>
    public bool WhatIf { get; init; }

    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(DefaultProgressSeconds);

    /// <summary>
    /// SHA-256 (lowercase hex) by relative path, from the build's manifest. Every copied file is hashed as it is
    /// written and must match, so a source file changed since the build never reaches the target; Content
    /// comparison uses these instead of reading the source again.
    /// </summary>
    public IReadOnlyDictionary<string, string>? ExpectedHashes { get; init; }

    /// <summary>How long an image stays on the target after the publish that stopped naming it in
    /// OperatingSystems.xml (<see cref="ImageRetention"/>); longer than any deployment.</summary>
    public TimeSpan ImageRetention { get; init; } = TimeSpan.FromHours(DefaultImageRetentionHours);

    /// <summary>Share files published under another name: images side by side, each named by its content
    /// (docs/reference.md, "Live shares"), by their relative paths.</summary>
    public IReadOnlyDictionary<string, string> PublishedNames { get; init; } = new Dictionary<string, string>();

    /// <summary>Chosen by measurement (docs/performance.md): more writers than cores keep a network target busy.</summary>
    public const int DefaultParallelism = 4;

    // The defaults of the project's MdtShare* settings, kept here only: the targets pass an unset property as empty,
    // which leaves the task's parameter at these values (docs/reference.md lists them).
    public const int DefaultOperationTimeoutSeconds = 60;
    public const int DefaultRetryWindowSeconds = 120;
    public const int DefaultBusyWaitSeconds = 900;
    public const int DefaultMaxDeletePercent = 10;
    public const int DefaultLockStaleMinutes = 15;
    public const int DefaultProgressSeconds = 5;
    public const int DefaultImageRetentionHours = 24;
}
