using MdtShare.Build.Diagnostics;
using MdtShare.Build.Manifest;
using MdtShare.Build.Mirror;

namespace MdtShare.Build.Tests.Mirror;

public class PublishSettingsTests
{
    /// <summary>The defaults of build/MdtShare.Build.targets.</summary>
    private static readonly PublishSettings Defaults = new()
    {
        Compare = "Timestamp", RetryWindowSeconds = 120, BusyWaitSeconds = 900, OperationTimeoutSeconds = 60, ProgressSeconds = 5,
        MaxDeletePercent = "10", LockStaleMinutes = 15, VerifyMode = "Quick",
    };

    private static string[] Messages(IReadOnlyList<Diagnostic> problems)
    {
        Assert.All(problems, p => Assert.Equal(DiagnosticCode.MirrorOptionInvalid, p.Code));
        return problems.Select(p => p.Message).ToArray();
    }

    [Fact]
    public void TheDefaultsAreValid() => Assert.Empty(Defaults.Validate(["/mnt/cluster"]));

    [Theory]
    [InlineData("Compare", "Quick", "MdtShareCompare is 'Quick'; use Timestamp or Content.")]
    [InlineData("Compare", "7", "MdtShareCompare is '7'; use Timestamp or Content.")]
    [InlineData("RetryWindowSeconds", -1, "MdtShareRetryWindowSeconds is -1; use 0 or more.")]
    [InlineData("BusyWaitSeconds", -1, "MdtShareBusyWaitSeconds is -1; use 0 or more.")]
    [InlineData("LockStaleMinutes", 0, "MdtShareLockStaleMinutes is 0; use 1 or more.")]
    [InlineData("ImageRetentionHours", -1, "MdtShareImageRetentionHours is -1; use 0 or more.")]
    [InlineData("OperationTimeoutSeconds", 0, "MdtShareOperationTimeoutSeconds is 0; use 1 or more.")]
    [InlineData("Parallelism", -2, "MdtShareParallelism is -2; use 1 or more (0 for the default).")]
    [InlineData("ProgressSeconds", -1, "MdtShareProgressSeconds is -1; use 0 or more.")]
    [InlineData("MaxDeletePercent", "150", "MdtShareMaxDeletePercent is '150'; use a number from 0 to 100.")]
    [InlineData("MaxDeletePercent", "ten", "MdtShareMaxDeletePercent is 'ten'; use a number from 0 to 100.")]
    [InlineData("VerifyMode", "Sometimes", "MdtShareVerifyMode is 'Sometimes'; use Quick, Full or None.")]
    public void EachInvalidSettingIsMDTS2014_NamingItsPropertyAndWhatToUse(string name, object value, string message)
    {
        PublishSettings settings = Defaults with { };
        typeof(PublishSettings).GetProperty(name)!.SetValue(settings, value);

        Assert.Equal([message], Messages(settings.Validate(["/mnt/cluster"])));
    }

    [Fact]
    public void OnlyTheFirstInvalidSettingIsReported_ThenEveryUncTarget_TheVerifyModeOnlyWhenAllElseIsValid()
    {
        var settings = Defaults with { RetryWindowSeconds = -1, MaxDeletePercent = "ten", VerifyMode = "Sometimes" };

        Assert.Equal(
            [
                "MdtShareRetryWindowSeconds is -1; use 0 or more.",
                @"PublishTarget '\\MDTCLUSTER\Distribution$' is a UNC path, which only a Windows agent can open. On Linux, mount the share (e.g. mount -t cifs) and publish to the mount point.",
                "PublishTarget '//MDT02/Distribution$' is a UNC path, which only a Windows agent can open. On Linux, mount the share (e.g. mount -t cifs) and publish to the mount point.",
            ],
            Messages(settings.Validate([@"\\MDTCLUSTER\Distribution$", "/mnt/site", "//MDT02/Distribution$"])));
    }

    [Theory]
    [InlineData("Quick", false)]
    [InlineData("FULL", true)]
    [InlineData("none", null)]
    public void TheVerifyModeIsReadInAnyLetterCase(string mode, bool? full)
    {
        var settings = Defaults with { VerifyMode = mode };

        Assert.Empty(settings.Validate(["/mnt/cluster"]));
        Assert.Equal(full, settings.FullVerify);
    }

    [Fact]
    public void ATargetsOptionsCarryEverySetting_TheManifestsHashes_AndTheDefaultParallelismFor0()
    {
        var settings = Defaults with { Compare = "content", MaxDeletePercent = "2.5", WhatIf = true, AdoptExistingTarget = true, BreakLock = true };
        var manifest = new ShareManifest([new ManifestEntry("Scripts/a.vbs", 1, new string('a', 64))]);

        MirrorOptions options = settings.For("/share", "/mnt/cluster", ["/bin/overlay"], ["*.log"], manifest);

        Assert.Equal(("/share", "/mnt/cluster", CompareMode.Content), (options.SourceRoot, options.DestinationRoot, options.Compare));
        Assert.Equal(["/bin/overlay"], options.OverlayRoots);
        Assert.Equal(["*.log"], options.Exclude);
        Assert.Equal(MirrorOptions.DefaultParallelism, options.Parallelism);
        Assert.Equal((120, 900, 60, 5), ((int)options.RetryWindow.TotalSeconds, (int)options.BusyWait.TotalSeconds,
            (int)options.OperationTimeout.TotalSeconds, (int)options.ProgressInterval.TotalSeconds));
        Assert.Equal((2.5, 15), (options.MaxDeletePercent, (int)options.LockStaleAfter.TotalMinutes));
        Assert.True(options.WhatIf && options.AdoptExistingTarget && options.BreakLock);
        Assert.Equal(new string('a', 64), options.ExpectedHashes!["Scripts/a.vbs"]);

        Assert.Equal(8, (Defaults with { Parallelism = 8 }).For("/share", "/mnt/cluster", [], [], null).Parallelism);
        Assert.Null(Defaults.For("/share", "/mnt/cluster", [], [], null).ExpectedHashes);
    }
}
