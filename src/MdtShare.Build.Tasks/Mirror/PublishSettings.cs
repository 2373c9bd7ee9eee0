using System.Globalization;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.Manifest;

namespace MdtShare.Build.Mirror;

/// <summary>
/// A publish's settings as the project gives them, checked before anything is written and then made into each
/// target's <see cref="MirrorOptions"/>. The problems name the project's properties, where the user fixes them.
/// </summary>
internal sealed record PublishSettings
{
    /// <summary>Timestamp or Content, in any letter case.</summary>
    public string Compare { get; init; } = string.Empty;

    /// <summary>Files copied at once per target; 0 = <see cref="MirrorOptions.DefaultParallelism"/>.</summary>
    public int Parallelism { get; init; }

    public int RetryWindowSeconds { get; init; }

    public int BusyWaitSeconds { get; init; }

    public int OperationTimeoutSeconds { get; init; }

    public int ProgressSeconds { get; init; }

    /// <summary>A number from 0 to 100 (fractions allowed), as the project wrote it.</summary>
    public string MaxDeletePercent { get; init; } = string.Empty;

    public bool AdoptExistingTarget { get; init; }

    public bool BreakLock { get; init; }

    public int LockStaleMinutes { get; init; }

    /// <summary>Hours a retired image stays on the target (0: until the next publish).</summary>
    public int ImageRetentionHours { get; init; } = MirrorOptions.DefaultImageRetentionHours;

    public bool WhatIf { get; init; }

    /// <summary>Share files published under another name (images side by side), from the build's manifest step.</summary>
    public IReadOnlyDictionary<string, string> PublishedNames { get; init; } = new Dictionary<string, string>();

    /// <summary>Quick, Full or None, in any letter case.</summary>
    public string VerifyMode { get; init; } = string.Empty;

    /// <summary>True for a full check after publishing, false for a quick one, null for none.</summary>
    public bool? FullVerify => VerifyMode.ToLowerInvariant() switch { "quick" => false, "full" => true, _ => null };

    /// <summary>
    /// The first invalid setting, then every target this system cannot open; the verify mode is judged only when
    /// nothing else is wrong. Empty when the publish may go ahead.
    /// </summary>
    public IReadOnlyList<Diagnostic> Validate(IEnumerable<string> targets)
    {
        var problems = new List<Diagnostic>();
        if (Parse(out _, out _) is { } problem)
        {
            problems.Add(Invalid(problem + "."));
        }

        problems.AddRange(targets.Where(IsUncOnThisSystem).Select(unc => Invalid(
            $"PublishTarget '{unc}' is a UNC path, which only a Windows agent can open. On Linux, mount the share (e.g. mount -t cifs) and publish to the mount point.")));
        if (problems.Count == 0 && FullVerify is null && !string.Equals(VerifyMode, "None", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(Invalid($"MdtShareVerifyMode is '{VerifyMode}'; use Quick, Full or None."));
        }

        return problems;
    }

    /// <summary>One target's options; only for settings that <see cref="Validate"/> found valid.</summary>
    /// <param name="manifest">The build's manifest for the target: every copied file must match its hash.</param>
    public MirrorOptions For(string share, string target, IReadOnlyList<string> overlays, IReadOnlyList<string> exclude, ShareManifest? manifest)
    {
        Parse(out CompareMode compare, out double maxDeletePercent);
        return new MirrorOptions(share, target)
        {
            OverlayRoots = overlays,
            Exclude = exclude,
            Compare = compare,
            Parallelism = Parallelism > 0 ? Parallelism : MirrorOptions.DefaultParallelism,
            RetryWindow = TimeSpan.FromSeconds(RetryWindowSeconds),
            BusyWait = TimeSpan.FromSeconds(BusyWaitSeconds),
            OperationTimeout = TimeSpan.FromSeconds(OperationTimeoutSeconds),
            ProgressInterval = TimeSpan.FromSeconds(ProgressSeconds),
            MaxDeletePercent = maxDeletePercent,
            AdoptExistingTarget = AdoptExistingTarget,
            BreakLock = BreakLock,
            LockStaleAfter = TimeSpan.FromMinutes(LockStaleMinutes),
            ImageRetention = TimeSpan.FromHours(ImageRetentionHours),
            WhatIf = WhatIf,
            ExpectedHashes = manifest?.Entries.ToDictionary(e => e.Path, e => e.Hash, StringComparer.Ordinal),
            PublishedNames = PublishedNames,
        };
    }

    /// <returns>The first invalid setting, as the user is told of it, or null.</returns>
    private string? Parse(out CompareMode compare, out double maxDeletePercent)
    {
        string? problem =
            !Enum.TryParse(Compare, ignoreCase: true, out compare) || !Enum.IsDefined(typeof(CompareMode), compare)
                ? $"MdtShareCompare is '{Compare}'; use Timestamp or Content"
            : RetryWindowSeconds < 0 ? $"MdtShareRetryWindowSeconds is {RetryWindowSeconds}; use 0 or more"
            : BusyWaitSeconds < 0 ? $"MdtShareBusyWaitSeconds is {BusyWaitSeconds}; use 0 or more"
            : LockStaleMinutes < 1 ? $"MdtShareLockStaleMinutes is {LockStaleMinutes}; use 1 or more"
            : ImageRetentionHours < 0 ? $"MdtShareImageRetentionHours is {ImageRetentionHours}; use 0 or more"
            : OperationTimeoutSeconds < 1 ? $"MdtShareOperationTimeoutSeconds is {OperationTimeoutSeconds}; use 1 or more"
            : Parallelism < 0 ? $"MdtShareParallelism is {Parallelism}; use 1 or more (0 for the default)"
            : ProgressSeconds < 0 ? $"MdtShareProgressSeconds is {ProgressSeconds}; use 0 or more"
            : null;
        if (!double.TryParse(MaxDeletePercent, NumberStyles.Float, CultureInfo.InvariantCulture, out maxDeletePercent) || maxDeletePercent is < 0 or > 100)
        {
            problem ??= $"MdtShareMaxDeletePercent is '{MaxDeletePercent}'; use a number from 0 to 100";
        }

        return problem;
    }

    private static Diagnostic Invalid(string problem) => new(DiagnosticCode.MirrorOptionInvalid, problem);

    /// <summary>A UNC path (MSBuild on Unix may have turned its backslashes into slashes) on a system without UNC paths.</summary>
    private static bool IsUncOnThisSystem(string path) =>
        Path.DirectorySeparatorChar == '/' && (path.StartsWith(@"\\", StringComparison.Ordinal) || path.StartsWith("//", StringComparison.Ordinal));
}
