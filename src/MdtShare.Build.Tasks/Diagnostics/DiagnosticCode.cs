namespace MdtShare.Build.Diagnostics;

/// <summary>
/// Every code the package can report. Codes are never reused; each has an entry in docs/errors.md
/// (a unit test keeps the two in step).
/// </summary>
internal sealed class DiagnosticCode
{
    public const string HelpLinkBase = "https://github.com/mdtshare/MdtShare.Build/blob/main/docs/errors.md#";

    private DiagnosticCode(string id, Severity severity)
    {
        Id = id;
        Severity = severity;
    }

    public string Id { get; }

    public Severity Severity { get; }

    public string HelpLink => HelpLinkBase + Id.ToLowerInvariant();

    public override string ToString() => Id;

    /// <summary>The same code as an error: a warning while an engine waits that becomes an error when the wait ends
    /// without success (MDTS2013).</summary>
    public DiagnosticCode AsError() => Severity == Severity.Error ? this : new DiagnosticCode(Id, Severity.Error);

    // 1xxx: Bootstrap.ini and its patching.
    public static readonly DiagnosticCode DeploymentShareNotSet = new("MDTS1000", Severity.Error);
    public static readonly DiagnosticCode BootstrapIniNotFound = new("MDTS1001", Severity.Error);
    public static readonly DiagnosticCode UnsupportedEncoding = new("MDTS1002", Severity.Error);
    public static readonly DiagnosticCode ByteOrderMarkRemoved = new("MDTS1003", Severity.Warning);
    public static readonly DiagnosticCode SettingsSectionMissing = new("MDTS1004", Severity.Error);
    public static readonly DiagnosticCode PriorityMissing = new("MDTS1005", Severity.Error);
    public static readonly DiagnosticCode PrioritySectionMissing = new("MDTS1006", Severity.Warning);
    public static readonly DiagnosticCode DeployRootInvalid = new("MDTS1007", Severity.Error);
    public static readonly DiagnosticCode DeployRootNotAscii = new("MDTS1008", Severity.Error);
    public static readonly DiagnosticCode DeployRootNotSet = new("MDTS1009", Severity.Error);
    public static readonly DiagnosticCode DynamicDeployRootKept = new("MDTS1010", Severity.Warning);
    public static readonly DiagnosticCode ShadowedSettingIgnored = new("MDTS1011", Severity.Warning);
    public static readonly DiagnosticCode DefaultSectionNotInPriority = new("MDTS1012", Severity.Warning);
    public static readonly DiagnosticCode PlaintextSecretPublished = new("MDTS1013", Severity.Warning);
    public static readonly DiagnosticCode SecretInProjectFile = new("MDTS1014", Severity.Warning);
    public static readonly DiagnosticCode BootstrapSettingInvalid = new("MDTS1015", Severity.Error);
    public static readonly DiagnosticCode EnvironmentVariableNotSet = new("MDTS1016", Severity.Error);
    public static readonly DiagnosticCode ValueNotRepresentable = new("MDTS1017", Severity.Error);
    public static readonly DiagnosticCode OutputInsideDeploymentShare = new("MDTS1018", Severity.Error);
    public static readonly DiagnosticCode FileAccessFailed = new("MDTS1019", Severity.Error);
    public static readonly DiagnosticCode OriginalDeployRootMalformed = new("MDTS1020", Severity.Warning);
    public static readonly DiagnosticCode HostReferenceFound = new("MDTS1021", Severity.Warning);
    public static readonly DiagnosticCode OtherShareReferenceKept = new("MDTS1022", Severity.Warning);
    public static readonly DiagnosticCode ServiceReferenceKept = new("MDTS1023", Severity.Warning);
    public static readonly DiagnosticCode RootSendsClientsElsewhere = new("MDTS1024", Severity.Warning);
    public static readonly DiagnosticCode SettingOutsideRules = new("MDTS1025", Severity.Warning);
    public static readonly DiagnosticCode ClientsWithoutDeployRoot = new("MDTS1026", Severity.Warning);
    public static readonly DiagnosticCode MediaDeployRootNotAdded = new("MDTS1027", Severity.Warning);

    // 2xxx: mirroring to publish targets.
    public static readonly DiagnosticCode NoPublishTarget = new("MDTS2000", Severity.Error);
    public static readonly DiagnosticCode TargetOverlapsSource = new("MDTS2001", Severity.Error);
    public static readonly DiagnosticCode TargetIsFileSystemRoot = new("MDTS2002", Severity.Error);
    public static readonly DiagnosticCode TargetNotOwned = new("MDTS2003", Severity.Error);
    public static readonly DiagnosticCode SourceEmpty = new("MDTS2004", Severity.Error);
    public static readonly DiagnosticCode SourceUnreadable = new("MDTS2005", Severity.Error);
    public static readonly DiagnosticCode TooManyDeletions = new("MDTS2006", Severity.Error);
    public static readonly DiagnosticCode TargetLocked = new("MDTS2007", Severity.Error);
    public static readonly DiagnosticCode StaleLockBroken = new("MDTS2008", Severity.Warning);
    public static readonly DiagnosticCode TargetUnreachable = new("MDTS2009", Severity.Warning);
    public static readonly DiagnosticCode RetryWindowExhausted = new("MDTS2010", Severity.Error);
    public static readonly DiagnosticCode FileFailed = new("MDTS2011", Severity.Error);
    public static readonly DiagnosticCode SourceLinkSkipped = new("MDTS2012", Severity.Warning);
    public static readonly DiagnosticCode FileBusy = new("MDTS2013", Severity.Warning);
    public static readonly DiagnosticCode MirrorOptionInvalid = new("MDTS2014", Severity.Error);
    public static readonly DiagnosticCode TargetUnreadable = new("MDTS2015", Severity.Error);
    public static readonly DiagnosticCode SourceChangedSinceBuild = new("MDTS2016", Severity.Error);
    public static readonly DiagnosticCode TargetTooSmall = new("MDTS2017", Severity.Error);
    public static readonly DiagnosticCode TargetRefused = new("MDTS2018", Severity.Error);
    public static readonly DiagnosticCode PublishSiteUnknown = new("MDTS2019", Severity.Error);
    public static readonly DiagnosticCode FreeSpaceUnknown = new("MDTS2020", Severity.Warning);
    public static readonly DiagnosticCode NotContinuouslyAvailable = new("MDTS2021", Severity.Warning);
    public static readonly DiagnosticCode ContinuousAvailabilityRequired = new("MDTS2022", Severity.Error);

    // 3xxx: the share manifest and verification.
    public static readonly DiagnosticCode NameInvalidOnWindows = new("MDTS3001", Severity.Error);
    public static readonly DiagnosticCode CaseCollision = new("MDTS3002", Severity.Error);
    public static readonly DiagnosticCode ManifestInvalid = new("MDTS3003", Severity.Error);
    public static readonly DiagnosticCode ManifestNotFound = new("MDTS3004", Severity.Error);
    public static readonly DiagnosticCode VerifyMissing = new("MDTS3005", Severity.Error);
    public static readonly DiagnosticCode VerifyExtra = new("MDTS3006", Severity.Error);
    public static readonly DiagnosticCode VerifySizeMismatch = new("MDTS3007", Severity.Error);
    public static readonly DiagnosticCode VerifyHashMismatch = new("MDTS3008", Severity.Error);
    public static readonly DiagnosticCode VerifyUnreadable = new("MDTS3009", Severity.Error);
    public static readonly DiagnosticCode VerifyTargetMissing = new("MDTS3010", Severity.Error);

    // 4xxx: boot images.
    public static readonly DiagnosticCode BootImageToolMissing = new("MDTS4001", Severity.Warning);
    public static readonly DiagnosticCode BootImageToolRequired = new("MDTS4002", Severity.Error);
    public static readonly DiagnosticCode BootImageUnreadable = new("MDTS4003", Severity.Error);
    public static readonly DiagnosticCode BootImageNoBootIndex = new("MDTS4004", Severity.Error);
    public static readonly DiagnosticCode BootImageWithoutBootstrapIni = new("MDTS4005", Severity.Warning);
    public static readonly DiagnosticCode BootImagePatchNotVerified = new("MDTS4006", Severity.Error);
    public static readonly DiagnosticCode BootImageNotFound = new("MDTS4007", Severity.Error);
    public static readonly DiagnosticCode IsoStale = new("MDTS4008", Severity.Warning);
    public static readonly DiagnosticCode IsoRebuildFailed = new("MDTS4009", Severity.Error);
    public static readonly DiagnosticCode BootImageScriptsStale = new("MDTS4010", Severity.Warning);
    public static readonly DiagnosticCode WdsServerInvalid = new("MDTS4011", Severity.Error);
    public static readonly DiagnosticCode WdsNameUnsafe = new("MDTS4012", Severity.Error);
    public static readonly DiagnosticCode WdsutilWindowsOnly = new("MDTS4013", Severity.Error);
    public static readonly DiagnosticCode WdsutilNotFound = new("MDTS4014", Severity.Error);
    public static readonly DiagnosticCode WdsReplaceFailed = new("MDTS4015", Severity.Error);
    public static readonly DiagnosticCode ForgottenBootImage = new("MDTS4016", Severity.Warning);
    public static readonly DiagnosticCode BootImageCopyUnreadable = new("MDTS4017", Severity.Warning);
    public static readonly DiagnosticCode MdtMediaNotFound = new("MDTS4018", Severity.Warning);
    public static readonly DiagnosticCode WdsTimeoutInvalid = new("MDTS4019", Severity.Error);

    // 5xxx: reports, build agents and MSBuild's own modes.
    public static readonly DiagnosticCode JobSummaryNotWritten = new("MDTS5001", Severity.Warning);
    public static readonly DiagnosticCode NotUpToDate = new("MDTS5002", Severity.Error);
    public static readonly DiagnosticCode PropertyRenamed = new("MDTS5003", Severity.Warning);

    // 6xxx: images published side by side (live shares).
    public static readonly DiagnosticCode ImageNotInShare = new("MDTS6001", Severity.Warning);
    public static readonly DiagnosticCode ImageFileMissing = new("MDTS6002", Severity.Warning);
    public static readonly DiagnosticCode OperatingSystemsXmlNotVersioned = new("MDTS6003", Severity.Warning);

    // 9xxx: internal failures.
    public static readonly DiagnosticCode InternalError = new("MDTS9001", Severity.Error);

    public static IReadOnlyList<DiagnosticCode> All { get; } =
    [
        DeploymentShareNotSet, BootstrapIniNotFound, UnsupportedEncoding, ByteOrderMarkRemoved,
        SettingsSectionMissing, PriorityMissing, PrioritySectionMissing, DeployRootInvalid, DeployRootNotAscii,
        DeployRootNotSet, DynamicDeployRootKept, ShadowedSettingIgnored, DefaultSectionNotInPriority,
        PlaintextSecretPublished, SecretInProjectFile, BootstrapSettingInvalid, EnvironmentVariableNotSet,
        ValueNotRepresentable, OutputInsideDeploymentShare, FileAccessFailed, OriginalDeployRootMalformed, HostReferenceFound,
        OtherShareReferenceKept, ServiceReferenceKept, RootSendsClientsElsewhere, SettingOutsideRules, ClientsWithoutDeployRoot,
        MediaDeployRootNotAdded,
        NoPublishTarget, TargetOverlapsSource, TargetIsFileSystemRoot, TargetNotOwned, SourceEmpty, SourceUnreadable,
        TooManyDeletions, TargetLocked, StaleLockBroken, TargetUnreachable, RetryWindowExhausted, FileFailed,
        SourceLinkSkipped, FileBusy, MirrorOptionInvalid, TargetUnreadable, SourceChangedSinceBuild, TargetTooSmall, TargetRefused, PublishSiteUnknown, FreeSpaceUnknown,
        NotContinuouslyAvailable, ContinuousAvailabilityRequired,
        NameInvalidOnWindows, CaseCollision, ManifestInvalid, ManifestNotFound, VerifyMissing, VerifyExtra,
        VerifySizeMismatch, VerifyHashMismatch, VerifyUnreadable, VerifyTargetMissing,
        BootImageToolMissing, BootImageToolRequired, BootImageUnreadable, BootImageNoBootIndex, BootImageWithoutBootstrapIni,
        BootImagePatchNotVerified, BootImageNotFound, IsoStale, IsoRebuildFailed, BootImageScriptsStale,
        WdsServerInvalid, WdsNameUnsafe, WdsutilWindowsOnly, WdsutilNotFound, WdsReplaceFailed, ForgottenBootImage, BootImageCopyUnreadable, MdtMediaNotFound, WdsTimeoutInvalid,
        JobSummaryNotWritten, NotUpToDate, PropertyRenamed,
        ImageNotInShare, ImageFileMissing, OperatingSystemsXmlNotVersioned,
        InternalError,
    ];
}
